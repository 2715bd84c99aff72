"""The wizard's profile and file actions: prefill at start, "Open configuration…", "Save profile".

`ProfileActions` is owned by the PhoneWizard (`wizard.profile`) and works through the wizard's
public interface only: its `draft`, `report`, `notices`/`set_notices`, `load_draft`,
`revalidate`, sandbox methods, `secrets`, `settings` and `worker`. app/drafts.py (imported on first use) does the Qt-free
reading and writing (each file and keyring entry read once).

The keyring is never touched on the GUI thread (a locked keyring can block for seconds while the
system asks for its password): the secrets of a loaded file are read on the AsyncWorker and filled
in when they arrive; Save profile writes the keyring on the worker, then the file when that job is
done, and `saved` says how it ended.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Mapping

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId, first_page, is_shown

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractButton

    from phonewizard.app.drafts import KeyringSecrets
    from phonewizard.domain.report import Report
    from phonewizard.ui.async_worker import Job
    from phonewizard.ui.recovery_dialog import RecoveryDialog
    from phonewizard.ui.wizard import PhoneWizard

# app/drafts (json, dataclasses), config_files and secret_store (pydantic, keyring), QFileDialog and QMessageBox (PySide6 builds
# their enums on first touch, ~2 ms) are imported inside the methods: this module is imported
# before the wizard's first page paints, the methods run after (ui/startup.py).

logger = logging.getLogger(__name__)

CONFIG_FILTER = "phonewizard configuration (*.json);;All files (*)"
SAVE_TEXT = "&Save profile"  # the Save button's label, put back after "Saved ✓"

# The secrets a loaded file may have in the keyring: dotted field → (page, that page's edit).
_KEYRING_FIELDS = {
    "livekit.api_secret": (PageId.LIVEKIT, "secret_edit"),
    "registration.auth_password": (PageId.OUTBOUND, "password_edit"),
    "carrier_secret": (PageId.INBOUND, "carrier_box.secret_edit"),  # "Set up Twilio / Telnyx for me"
}


def _drafts() -> ModuleType:
    """app/drafts, imported on first use: it loads json and dataclasses, which page 1's first
    paint does without (benchmarks/RESULTS.md, start-up)."""
    from phonewizard.app import drafts

    return drafts


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
        self.recovery: RecoveryDialog | None = None  # offered at start when a run did not finish

    @property
    def path(self) -> Path:
        """The profile file (the platform's config folder unless the wizard was given one)."""
        if self._path is None:
            from phonewizard.app.profiles import default_profile_path

            self._path = default_profile_path()
        return self._path

    # --- start-up ---------------------------------------------------------------------------

    def prefill(self, environ: Mapping[str, str]) -> None:
        """The wizard's first draft: the saved profile, LIVEKIT_* on top, its secrets from the
        keyring when they arrive; with no LiveKit project at all, the sandbox."""
        wizard = self._wizard
        prepared = _drafts().prepare_draft(self.path, environ)
        wizard.set_notices(prepared.notices)
        wizard.load_draft(prepared.draft)
        self._offer_lk_projects(environ)
        if prepared.from_profile:
            self._fill_secrets_later()
        if first_page(prepared.from_profile) is PageId.REGISTRATIONS:
            self._open_on_registrations()
        if not prepared.configured:
            # DESIGN.md: with no LiveKit project at all, start against the local sandbox.
            try:
                wizard.set_sandbox_active(True)
            except Exception as exc:  # noqa: BLE001 - the wizard must still open
                # Usually a taken port or a bad state file; the traceback is for anything else.
                logger.warning("sandbox did not start: %s", exc, exc_info=True)
                wizard.set_notices([*wizard.notices, f"The offline sandbox could not start: {exc}"])
        # A run of this project killed half-way is offered for undo or finish once the window is up.
        QTimer.singleShot(0, self, self._offer_recovery)

    def _offer_lk_projects(self, environ: Mapping[str, str]) -> None:
        """Page 1 offers the projects LiveKit's own CLI knows; a missing or broken file offers none."""
        from phonewizard.app.lk_projects import lk_cli_projects

        config = lk_cli_projects(environ)
        page = self._wizard.page(PageId.LIVEKIT)
        page.set_lk_projects(config.projects if config else (), config.default_project if config else "")

    @Slot()
    def _offer_recovery(self) -> None:
        from phonewizard.ui import recovery_dialog

        try:
            self.recovery = recovery_dialog.offer(self._wizard)
        except Exception:  # noqa: BLE001 - an unreadable journal must not stop the wizard
            logger.warning("unfinished runs could not be checked", exc_info=True)

    def _open_on_registrations(self) -> None:
        """The project is known: open on its registrations, through the project page so that
        Back leads to it. A wizard not shown yet (start-up in the constructor) goes there once
        QWizard shows its start page."""
        wizard = self._wizard
        if wizard.currentId() == PageId.LIVEKIT:
            wizard.next()
            return
        if wizard.currentId() != -1:
            return  # the user has moved on already

        def shown(page_id: int) -> None:
            wizard.currentIdChanged.disconnect(shown)
            if page_id == PageId.LIVEKIT:
                QTimer.singleShot(0, wizard, self._open_on_registrations)

        wizard.currentIdChanged.connect(shown)

    @property
    def secrets_lookup(self) -> Job | None:
        """The keyring lookup of the draft loaded last, while it runs (its answer may fill the
        API secret a page is waiting for), else None."""
        return self._secrets_job

    def load(self, draft: dict[str, Any], notices: list[str]) -> None:
        """Replace the draft (a registration to edit) and look its secrets up in the keyring on
        the worker, as for an opened file: the SIP password, if it was saved."""
        self._wizard.set_notices(notices)
        self._wizard.load_draft(draft)
        self._fill_secrets_later()

    # --- keyring secrets of a loaded file ---------------------------------------------------

    def _fill_secrets_later(self) -> None:
        """Look up the secrets of the draft just loaded in the keyring on the worker and fill the
        empty secret fields when they arrive, unless the user changed what they belong to (or
        typed a secret) meanwhile, or opened another file."""
        wizard = self._wizard
        secrets, loaded = wizard.secrets, wizard.draft
        as_loaded = copy.deepcopy(loaded)  # the project and account the answer is for

        async def lookup() -> KeyringSecrets:
            import asyncio

            # With the environment: a secret the keyring lacks may be in the LiveKit CLI's projects.
            return await asyncio.to_thread(_drafts().keyring_secrets, as_loaded, secrets, wizard.environ)

        job = self._secrets_job = wizard.worker.submit(lookup)

        def found(result: KeyringSecrets) -> None:
            if self._secrets_job is job:
                self._secrets_job = None
            if wizard.draft is loaded:  # not when another file was opened meanwhile
                self._apply_keyring_secrets(result)

        def not_found(exc: BaseException) -> None:
            if self._secrets_job is job:
                self._secrets_job = None
            logger.warning("the saved profile's secrets were not read: %s", type(exc).__name__)

        job.finished.connect(found)
        job.failed.connect(not_found)

    def _apply_keyring_secrets(self, found: KeyringSecrets) -> None:
        wizard = self._wizard
        filled = _drafts().apply_secrets(wizard.draft, found)
        for path in filled:
            page_id, edit_name = _KEYRING_FIELDS[path]
            page = wizard.page(page_id)
            edit = page
            for name in edit_name.split("."):
                edit = getattr(edit, name)
            value = wizard.draft
            for key in path.split("."):
                value = value[key]
            with page.loading():  # a fill like load_from: the page stays pristine
                edit.setText(str(value))
        if "livekit.api_secret" in filled and found.api_secret_source == "lk-cli":
            wizard.page(PageId.LIVEKIT).mark_lk_secret(found.api_secret or "")
        extra = [n for n in found.notices if n not in wizard.notices]
        if extra:
            wizard.set_notices([*wizard.notices, *extra])
        if filled:
            wizard.revalidate()

    # --- Open configuration… ----------------------------------------------------------------

    @Slot()
    def open_configuration(self) -> bool:
        """Ask for a file and load it into every page. False when cancelled or unusable."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from phonewizard.app.errors import ConfigFileError

        wizard = self._wizard
        start = str(wizard.settings.value("profile/last_path", "") or self.path.parent)
        path, _ = QFileDialog.getOpenFileName(wizard, "Open configuration", start, CONFIG_FILTER)
        if not path:
            return False
        try:
            # Without the keyring here: its secrets are looked up on the worker (below).
            draft, notices = _drafts().read_draft(path)
        except ConfigFileError as exc:
            QMessageBox.warning(wizard, "Cannot open configuration", str(exc))
            return False
        if _drafts().is_sandbox_export(draft):
            # Exported in sandbox mode: its address is a sandbox's, so use this wizard's sandbox.
            try:
                wizard.set_sandbox_active(True)
            except Exception as exc:  # noqa: BLE001 - a taken port or bad state file: said, not raised
                logger.warning("sandbox did not start: %s", exc)
                notices = [*notices, f"This configuration was exported from the sandbox, which could not start: {exc}"]
            if wizard.sandbox_active:
                wizard.point_at_sandbox(draft)
        elif _drafts().has_livekit_project(draft) and wizard.sandbox_active:
            wizard.set_sandbox_active(False)
        elif wizard.sandbox_active:
            # The file names no project: keep using the sandbox for this draft.
            wizard.point_at_sandbox(draft)
        wizard.set_notices(notices)
        wizard.settings.setValue("profile/last_path", str(path))
        wizard.load_draft(draft)
        self._fill_secrets_later()
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
        if self._save_job is not None:
            return False
        wizard = self._wizard
        # What is saved is the draft as it is now; edits while the keyring answers come next time.
        draft, report, secrets = copy.deepcopy(wizard.draft), wizard.report, wizard.secrets
        # The LiveKit CLI's secret is copied to the keyring only when page 1 was asked to.
        keep_api_secret = wizard.api_secret_source() == "typed"

        async def remember() -> None:
            import asyncio

            await asyncio.to_thread(_drafts().remember_secrets, draft, secrets, api_secret=keep_api_secret)

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

        from phonewizard.app.errors import SecretStoreUnavailable

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
            written = _drafts().save_draft(self.path, draft, report)
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
