"""The wizard's profile and file actions: prefill at start, "Open configuration…", "Save profile".

`ProfileActions` is owned by the PhoneWizard (`wizard.profile`) and works through the wizard's
public interface only: its `draft`, `report`, `notices`/`set_notices`, `load_draft`,
`revalidate`, sandbox methods, `secrets`, `settings` and `worker`. draft_io does the Qt-free
reading and writing.

The keyring is never touched on the GUI thread (a locked keyring can block for seconds while the
system asks for its password): the secrets of a loaded file are read on the AsyncWorker and filled
in when they arrive; Save profile writes the keyring on the worker, then the file when that job is
done, and `saved` says how it ended.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId, is_shown
from phonewizard.ui import draft_io

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractButton

    from phonewizard.domain.report import Report
    from phonewizard.ui.async_worker import Job
    from phonewizard.ui.wizard import PhoneWizard

# config_files and secret_store (pydantic, keyring), QFileDialog and QMessageBox (PySide6 builds
# their enums on first touch, ~2 ms) are imported inside the methods: this module is imported
# before the wizard's first page paints, the methods run after (ui/startup.py).

logger = logging.getLogger(__name__)

CONFIG_FILTER = "phonewizard configuration (*.json);;All files (*)"
SAVE_TEXT = "&Save profile"  # the Save button's label, put back after "Saved ✓"

# The secrets a loaded file may have in the keyring: (section, field, page, that page's edit).
_KEYRING_FIELDS = (
    ("livekit", "api_secret", PageId.LIVEKIT, "secret_edit"),
    ("registration", "auth_password", PageId.OUTBOUND, "password_edit"),
)


class ProfileActions(QObject):
    """Loads the saved profile, opens configuration files and saves the profile for one wizard.

    Signals:
        saved(object): a Save profile job ended: the Path written, or None when saving failed
            (the user was told why) or was cancelled at shutdown.
    """

    saved = Signal(object)

    def __init__(self, wizard: PhoneWizard, path: str | Path | None = None) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._path = Path(path) if path else None
        self._save_job: Job | None = None
        self._secrets_job: Job | None = None  # the keyring lookup of the file loaded last

    @property
    def path(self) -> Path:
        """The profile file (the platform's config folder unless the wizard was given one)."""
        if self._path is None:
            from phonewizard.services.config_files import default_config_path

            self._path = default_config_path()
        return self._path

    # --- start-up ---------------------------------------------------------------------------

    def prefill(self, environ: Mapping[str, str]) -> None:
        """The wizard's first draft: the saved profile, LIVEKIT_* on top, its secrets from the
        keyring when they arrive; with no LiveKit project at all, the sandbox."""
        from phonewizard.services.config_files import ConfigFileError

        wizard = self._wizard
        draft, notices, from_profile = draft_io.new_draft(), [], False
        if self.path.exists():
            try:
                # Without the keyring here: its secrets are looked up on the worker (below).
                draft, notices = draft_io.open_document(self.path, None)
                from_profile = True
            except ConfigFileError as exc:
                # A broken profile must not stop the wizard: start empty and say why.
                notices = [f"The saved profile was not loaded: {exc}"]
        wizard.set_notices(notices)
        from_env = draft_io.apply_environment(draft, environ)
        configured = from_env or draft_io.has_livekit_project(draft)
        wizard.load_draft(draft)
        if from_profile:
            self._fill_secrets_later(self.path, notices)
        if not configured:
            # DESIGN.md: with no LiveKit project at all, start against the local sandbox.
            try:
                wizard.set_sandbox_active(True)
            except Exception as exc:  # noqa: BLE001 - the wizard must still open
                # Usually a taken port or a bad state file; the traceback is for anything else.
                logger.warning("sandbox did not start: %s", exc, exc_info=True)
                wizard.set_notices([*wizard.notices, f"The offline sandbox could not start: {exc}"])

    # --- keyring secrets of a loaded file ---------------------------------------------------

    def _fill_secrets_later(self, path: Path, notices: list[str]) -> None:
        """Read the secrets of the file just loaded from the keyring on the worker and fill the
        empty secret fields when they arrive, unless the user changed what they belong to (or
        typed a secret) meanwhile, or opened another file."""
        wizard = self._wizard
        secrets, loaded = wizard.secrets, wizard.draft
        livekit, registration = loaded.get("livekit") or {}, loaded.get("registration") or {}
        # Which project and SIP account the answer is for: the draft as loaded (env on top).
        expected = {
            "livekit": {f: livekit.get(f) for f in ("url", "api_key")},
            "registration": {f: registration.get(f) for f in ("phone_number", "auth_username")},
        }

        async def lookup() -> tuple[dict[str, Any], list[str]]:
            import asyncio

            # Same reading as before the move (file, then keyring), so the notices are the same.
            return await asyncio.to_thread(draft_io.open_document, path, secrets)

        job = self._secrets_job = wizard.worker.submit(lookup)

        def found(result: tuple[dict[str, Any], list[str]]) -> None:
            self._secrets_job = None
            if wizard.draft is loaded:  # not when another file was opened meanwhile
                self._apply_keyring_secrets(result, expected, notices)

        def not_found(exc: BaseException) -> None:
            # E.g. the profile file vanished meanwhile: its secrets stay unset.
            self._secrets_job = None
            logger.warning("the saved profile's secrets were not read: %s", type(exc).__name__)

        job.finished.connect(found)
        job.failed.connect(not_found)

    def _apply_keyring_secrets(
        self, result: tuple[dict[str, Any], list[str]], expected: dict[str, dict[str, Any]], notices: list[str]
    ) -> None:
        wizard = self._wizard
        found, found_notices = result
        changed = False
        for section, field, page_id, edit_name in _KEYRING_FIELDS:
            value = (found.get(section) or {}).get(field)
            current = wizard.draft.get(section)
            if not value or not isinstance(current, dict) or current.get(field):
                continue  # nothing stored, or the user typed one meanwhile: theirs wins
            if any(current.get(k) != v for k, v in expected[section].items()):
                continue  # the secret belongs to a project/account the user has since changed
            current[field] = value
            page = wizard.page(page_id)
            with page.loading():  # a fill like load_from: the page stays pristine
                getattr(page, edit_name).setText(str(value))
            changed = True
        extra = [n for n in found_notices if n not in notices]
        if extra:
            wizard.set_notices([*wizard.notices, *extra])
        if changed:
            wizard.revalidate()

    # --- Open configuration… ----------------------------------------------------------------

    @Slot()
    def open_configuration(self) -> bool:
        """Ask for a file and load it into every page. False when cancelled or unusable."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from phonewizard.services.config_files import ConfigFileError

        wizard = self._wizard
        start = str(wizard.settings.value("profile/last_path", "") or self.path.parent)
        path, _ = QFileDialog.getOpenFileName(wizard, "Open configuration", start, CONFIG_FILTER)
        if not path:
            return False
        try:
            # Without the keyring here: its secrets are looked up on the worker (below).
            draft, notices = draft_io.open_document(path, None)
        except ConfigFileError as exc:
            QMessageBox.warning(wizard, "Cannot open configuration", str(exc))
            return False
        if draft_io.has_livekit_project(draft) and wizard.sandbox_active:
            wizard.set_sandbox_active(False)
        elif wizard.sandbox_active:
            # The file names no project: keep using the sandbox for this draft.
            wizard.point_at_sandbox(draft)
        wizard.set_notices(notices)
        wizard.settings.setValue("profile/last_path", str(path))
        wizard.load_draft(draft)
        self._fill_secrets_later(Path(path), notices)
        if wizard.currentId() >= 0 and not is_shown(PageId(wizard.currentId()), wizard.draft):
            # The new provider skips the page on screen (e.g. inbound for a LiveKit number).
            wizard.restart()
        return True

    # --- Save profile -----------------------------------------------------------------------

    @Slot()
    def save(self) -> bool:
        """Save the LiveKit secret (and SIP password) to the keyring on the worker, then the
        draft, without secrets, to the profile file. False when a save is already running;
        `saved` reports the end."""
        import copy

        if self._save_job is not None:
            return False
        wizard = self._wizard
        # What is saved is the draft as it is now; edits while the keyring answers come next time.
        draft, report, secrets = copy.deepcopy(wizard.draft), wizard.report, wizard.secrets

        async def remember() -> None:
            import asyncio

            await asyncio.to_thread(draft_io.remember_secrets, draft, secrets)

        self._save_button().setEnabled(False)
        job = self._save_job = wizard.worker.submit(remember)
        job.finished.connect(lambda _none: self._write_profile(draft, report))
        job.failed.connect(self._secrets_not_saved)
        job.cancelled.connect(lambda: self._end_save(None))  # only at shutdown: nothing to tell
        return True

    def _save_button(self) -> QAbstractButton:
        return self._wizard.button(QWizard.WizardButton.CustomButton2)

    def _end_save(self, written: Path | None) -> None:
        self._save_job = None
        self._save_button().setEnabled(not self._wizard.sandbox_active)
        self.saved.emit(written)

    @Slot(object)
    def _secrets_not_saved(self, exc: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from phonewizard.services.secret_store import SecretStoreUnavailable

        if isinstance(exc, SecretStoreUnavailable):
            QMessageBox.warning(self._wizard, "Secrets not saved", str(exc))
        else:  # a keyring backend bug: say what kind, never the message (it could quote a secret)
            logger.error("saving the secrets failed unexpectedly: %s", type(exc).__name__)
            QMessageBox.warning(self._wizard, "Secrets not saved", f"The keyring failed ({type(exc).__name__}).")
        self._end_save(None)

    def _write_profile(self, draft: dict[str, Any], report: Report) -> None:
        from PySide6.QtWidgets import QMessageBox

        wizard = self._wizard
        try:
            written = draft_io.save_document(self.path, draft, report)
        except OSError as exc:
            QMessageBox.warning(wizard, "Profile not saved", f"Could not write {self.path}: {exc.strerror}")
            self._end_save(None)
            return
        wizard.settings.setValue("profile/last_path", str(written))
        wizard.set_notices([])
        self._flash_saved(written)
        self._end_save(written)

    def _flash_saved(self, path: Path) -> None:
        """Non-modal confirmation: the button says "Saved" for a moment, the tooltip says where."""
        button = self._save_button()
        button.setText("Saved ✓")
        button.setToolTip(f"Saved to {path}; the secret is in the system keyring")
        QTimer.singleShot(2000, button, lambda: button.setText(SAVE_TEXT))
