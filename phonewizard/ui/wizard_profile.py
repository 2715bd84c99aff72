"""The wizard's file actions: prefill at start, "Open configuration…", "Save profile".

A mixin of PhoneWizard (kept apart so wizard.py stays about pages, validation and the sandbox).
It uses the wizard's `draft`, `report`, `secrets`, `settings`, `profile_path`, `notices` and
sandbox methods; draft_io does the Qt-free reading and writing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId, is_shown
from phonewizard.ui import draft_io

# config_files and secret_store (pydantic, keyring), QFileDialog and QMessageBox (PySide6 builds
# their enums on first touch, ~2 ms) are imported inside the methods: this module is imported
# before the wizard's first page paints, the methods run after (ui/startup.py).

logger = logging.getLogger(__name__)

CONFIG_FILTER = "phonewizard configuration (*.json);;All files (*)"
SAVE_TEXT = "&Save profile"  # the Save button's label, put back after "Saved ✓"


class ProfileActions:
    """Mixin for PhoneWizard (a QWizard); not usable on its own."""

    def _prefill(self, environ: Mapping[str, str]) -> None:
        from phonewizard.services.config_files import ConfigFileError

        draft, notices = draft_io.new_draft(), []
        if self.profile_path.exists():
            try:
                draft, notices = draft_io.open_document(self.profile_path, self.secrets)
            except ConfigFileError as exc:
                # A broken profile must not stop the wizard: start empty and say why.
                notices = [f"The saved profile was not loaded: {exc}"]
        self.set_notices(notices)
        from_env = draft_io.apply_environment(draft, environ)
        configured = from_env or draft_io.has_livekit_project(draft)
        self.load_draft(draft)
        if not configured:
            # DESIGN.md: with no LiveKit project at all, start against the local sandbox.
            try:
                self.set_sandbox_active(True)
            except Exception as exc:  # noqa: BLE001 - the wizard must still open
                # Usually a taken port or a bad state file; the traceback is for anything else.
                logger.warning("sandbox did not start: %s", exc, exc_info=True)
                self.set_notices([*self.notices, f"The offline sandbox could not start: {exc}"])

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
            draft, notices = draft_io.open_document(path, self.secrets)
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
        if self.currentId() >= 0 and not is_shown(PageId(self.currentId()), self.draft):
            # The new provider skips the page on screen (e.g. inbound for a LiveKit number).
            self.restart()
        return True

    def save_profile(self) -> Path | None:
        """Save the LiveKit secret (and SIP password) to the keyring and the draft, without
        secrets, to the profile file. Returns the path, or None after telling the user why not."""
        from PySide6.QtWidgets import QMessageBox

        from phonewizard.services.secret_store import SecretStoreUnavailable

        self.finish_startup()  # never save the empty pre-start-up draft over the profile
        try:
            draft_io.remember_secrets(self.draft, self.secrets)
        except SecretStoreUnavailable as exc:
            QMessageBox.warning(self, "Secrets not saved", str(exc))
            return None
        try:
            written = draft_io.save_document(self.profile_path, self.draft, self.report)
        except OSError as exc:
            QMessageBox.warning(self, "Profile not saved", f"Could not write {self.profile_path}: {exc.strerror}")
            return None
        self.settings.setValue("profile/last_path", str(written))
        self.set_notices([])
        self._flash_saved(written)
        return written

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

