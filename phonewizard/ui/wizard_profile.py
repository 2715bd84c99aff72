"""The wizard's file actions: prefill at start, "Open configuration…", "Save profile".

A mixin of PhoneWizard (kept apart so wizard.py stays about pages, validation and the sandbox).
It uses the wizard's `draft`, `report`, `secrets`, `settings`, `profile_path`, `notices` and
sandbox methods; draft_io does the Qt-free reading and writing.

Save profile writes the keyring on the AsyncWorker (a locked keyring can block for seconds while
the system asks for its password), then the file when that job is done; `profile_saved` on the
wizard's `profile_saver` says how it ended.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId, is_shown
from phonewizard.ui import draft_io

# config_files and secret_store (pydantic, keyring), QFileDialog and QMessageBox (PySide6 builds
# their enums on first touch, ~2 ms) are imported inside the methods: this module is imported
# before the wizard's first page paints, the methods run after (ui/startup.py).

logger = logging.getLogger(__name__)

CONFIG_FILTER = "phonewizard configuration (*.json);;All files (*)"
SAVE_TEXT = "&Save profile"  # the Save button's label, put back after "Saved ✓"


class ProfileSaver(QObject):
    """Tracks the one Save profile job in flight (a mixin cannot declare Qt signals itself).

    Signals:
        profile_saved(object): the Path written, or None when saving failed (the user was told).
    """

    profile_saved = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job: int | None = None
        self.pending: tuple | None = None  # (draft copy, report) the running job saves
        self.worker: object | None = None  # the AsyncWorker whose signals are connected


class ProfileActions:
    """Mixin for PhoneWizard (a QWizard); not usable on its own."""

    @property
    def profile_saver(self) -> ProfileSaver:
        saver = getattr(self, "_profile_saver", None)
        if saver is None:
            saver = self._profile_saver = ProfileSaver(self)
        return saver

    @property
    def saving_profile(self) -> bool:
        return self.profile_saver.job is not None

    def _prefill(self, environ: Mapping[str, str]) -> None:
        from phonewizard.services.config_files import ConfigFileError

        draft, notices, from_profile = draft_io.new_draft(), [], False
        if self.profile_path.exists():
            try:
                # Without the keyring here: its secrets are looked up on the worker (below).
                draft, notices = draft_io.open_document(self.profile_path, None)
                from_profile = True
            except ConfigFileError as exc:
                # A broken profile must not stop the wizard: start empty and say why.
                notices = [f"The saved profile was not loaded: {exc}"]
        self.set_notices(notices)
        from_env = draft_io.apply_environment(draft, environ)
        configured = from_env or draft_io.has_livekit_project(draft)
        self.load_draft(draft)
        if from_profile:
            self._fill_secrets_later(self.profile_path, notices)
        if not configured:
            # DESIGN.md: with no LiveKit project at all, start against the local sandbox.
            try:
                self.set_sandbox_active(True)
            except Exception as exc:  # noqa: BLE001 - the wizard must still open
                # Usually a taken port or a bad state file; the traceback is for anything else.
                logger.warning("sandbox did not start: %s", exc, exc_info=True)
                self.set_notices([*self.notices, f"The offline sandbox could not start: {exc}"])

    def _fill_secrets_later(self, path: Path, notices: list[str]) -> None:
        """Read the secrets of the file just loaded from the keyring on the worker (a locked
        keyring can block for seconds) and fill the empty secret fields when they arrive, unless
        the user changed what they belong to (or typed a secret) meanwhile."""
        secrets = self.secrets
        livekit, registration = self.draft.get("livekit") or {}, self.draft.get("registration") or {}
        # Which project and SIP account the answer is for: the draft as loaded (env on top).
        expected = {
            "livekit": {f: livekit.get(f) for f in ("url", "api_key")},
            "registration": {f: registration.get(f) for f in ("phone_number", "auth_username")},
        }

        async def lookup() -> tuple[dict, list[str]]:
            import asyncio

            # Same reading as before the move (file, then keyring), so the notices are the same.
            return await asyncio.to_thread(draft_io.open_document, path, secrets)

        worker, loaded = self.worker, self.draft
        job = worker.submit(lookup)
        self._prefill_job = job

        def finished(done: int, result: object) -> None:
            if done == job:
                disconnect()
                if self.draft is loaded:  # not when another file was opened meanwhile
                    self._apply_keyring_secrets(result, expected, notices)

        def failed(done: int, exc: object) -> None:
            if done == job:  # e.g. the profile file vanished meanwhile: its secrets stay unset
                disconnect()
                logger.warning("the saved profile's secrets were not read: %s", type(exc).__name__)

        def disconnect() -> None:
            self._prefill_job = None
            worker.finished.disconnect(finished)
            worker.failed.disconnect(failed)

        worker.finished.connect(finished)
        worker.failed.connect(failed)

    def _apply_keyring_secrets(self, result: object, expected: dict, notices: list[str]) -> None:
        found, found_notices = result
        fills = (
            ("livekit", "api_secret", PageId.LIVEKIT, "secret_edit"),
            ("registration", "auth_password", PageId.OUTBOUND, "password_edit"),
        )
        changed = False
        for section, field, page_id, edit_name in fills:
            value = (found.get(section) or {}).get(field)
            current = self.draft.get(section)
            if not value or not isinstance(current, dict) or current.get(field):
                continue  # nothing stored, or the user typed one meanwhile: theirs wins
            if any(current.get(k) != v for k, v in expected[section].items()):
                continue  # the secret belongs to a project/account the user has since changed
            current[field] = value
            page = self.page(page_id)
            with page.loading():  # a fill like load_from: the page stays pristine
                getattr(page, edit_name).setText(str(value))
            changed = True
        extra = [n for n in found_notices if n not in notices]
        if extra:
            self.set_notices([*self.notices, *extra])
        if changed:
            self.revalidate()

    def open_configuration(self) -> bool:
        """Ask for a file and load it into every page. False when cancelled or unusable."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from phonewizard.services.config_files import ConfigFileError

        self.finish_startup()  # the draft to replace must exist (a no-op once start-up is done)
        start = str(self.settings.value("profile/last_path", "") or self.profile_path.parent)
        path, _ = QFileDialog.getOpenFileName(self, "Open configuration", start, CONFIG_FILTER)
        if not path:
            return False
        try:
            # Without the keyring here: its secrets are looked up on the worker (below).
            draft, notices = draft_io.open_document(path, None)
        except ConfigFileError as exc:
            QMessageBox.warning(self, "Cannot open configuration", str(exc))
            return False
        if draft_io.has_livekit_project(draft) and self.sandbox_active:
            self.set_sandbox_active(False)
        elif self.sandbox_active:
            # The file names no project: keep using the sandbox for this draft.
            self.point_at_sandbox(draft)
        self.set_notices(notices)
        self.settings.setValue("profile/last_path", str(path))
        self.load_draft(draft)
        self._fill_secrets_later(Path(path), notices)
        if self.currentId() >= 0 and not is_shown(PageId(self.currentId()), self.draft):
            # The new provider skips the page on screen (e.g. inbound for a LiveKit number).
            self.restart()
        return True

    def save_profile(self) -> int | None:
        """Save the LiveKit secret (and SIP password) to the keyring, then the draft, without
        secrets, to the profile file. The keyring part runs on the worker; returns its job id
        (None when a save is already running). `profile_saver.profile_saved` reports the end:
        the path, or None after telling the user why not."""
        import copy

        saver = self.profile_saver
        if saver.job is not None:
            return None
        self.finish_startup()  # never save the empty pre-start-up draft over the profile
        worker = self.worker
        if saver.worker is not worker:
            worker.finished.connect(self._on_profile_job_finished)
            worker.failed.connect(self._on_profile_job_failed)
            worker.cancelled.connect(self._on_profile_job_cancelled)
            saver.worker = worker
        # What is saved is the draft as it is now; edits while the keyring answers come next time.
        draft, secrets = copy.deepcopy(self.draft), self.secrets
        saver.pending = (draft, self.report)

        async def remember() -> None:
            import asyncio

            await asyncio.to_thread(draft_io.remember_secrets, draft, secrets)

        self.button(QWizard.WizardButton.CustomButton2).setEnabled(False)
        saver.job = worker.submit(remember)
        return saver.job

    def _end_profile_job(self, job: int) -> tuple | None:
        saver = self.profile_saver
        if job != saver.job:
            return None
        pending, saver.job, saver.pending = saver.pending, None, None
        self.button(QWizard.WizardButton.CustomButton2).setEnabled(not self.sandbox_active)
        return pending

    @Slot(int)
    def _on_profile_job_cancelled(self, job: int) -> None:
        if self._end_profile_job(job) is not None:  # only at shutdown: nothing to tell
            self.profile_saver.profile_saved.emit(None)

    @Slot(int, object)
    def _on_profile_job_failed(self, job: int, exc: object) -> None:
        if self._end_profile_job(job) is None:
            return
        from PySide6.QtWidgets import QMessageBox

        from phonewizard.services.secret_store import SecretStoreUnavailable

        if isinstance(exc, SecretStoreUnavailable):
            QMessageBox.warning(self, "Secrets not saved", str(exc))
        else:  # a keyring backend bug: say what kind, never the message (it could quote a secret)
            logger.error("saving the secrets failed unexpectedly: %s", type(exc).__name__)
            QMessageBox.warning(self, "Secrets not saved", f"The keyring failed ({type(exc).__name__}).")
        self.profile_saver.profile_saved.emit(None)

    @Slot(int, object)
    def _on_profile_job_finished(self, job: int, _result: object) -> None:
        pending = self._end_profile_job(job)
        if pending is None:
            return
        from PySide6.QtWidgets import QMessageBox

        draft, report = pending
        try:
            written = draft_io.save_document(self.profile_path, draft, report)
        except OSError as exc:
            QMessageBox.warning(self, "Profile not saved", f"Could not write {self.profile_path}: {exc.strerror}")
            self.profile_saver.profile_saved.emit(None)
            return
        self.settings.setValue("profile/last_path", str(written))
        self.set_notices([])
        self._flash_saved(written)
        self.profile_saver.profile_saved.emit(written)

    def _flash_saved(self, path: Path) -> None:
        """Non-modal confirmation: the button says "Saved" for a moment, the tooltip says where."""
        button = self.button(QWizard.WizardButton.CustomButton2)
        button.setText("Saved ✓")
        button.setToolTip(f"Saved to {path}; the secret is in the system keyring")
        QTimer.singleShot(2000, button, lambda: button.setText(SAVE_TEXT))

    @Slot(int)
    def _on_custom_button_clicked(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.open_configuration()
        elif which == QWizard.WizardButton.CustomButton2.value:
            self.save_profile()

