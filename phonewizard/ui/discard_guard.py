"""Cancel with unsaved edits asks before discarding them (so does closing the window, or Escape).

`DiscardGuard` (`wizard.discard_guard`) counts a user's edit on any page as unsaved until the
configuration is saved somewhere: Save profile, Export configuration…, a successful Register
(the result page), or a file or profile loaded in its place. The wizard's `reject()` asks it
first; a wizard that is shutting down (tests, SIGTERM through `QCoreApplication.exit`, which never
calls `reject`) or is not on screen never asks. The question is a QMessageBox: tests patch it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

TITLE = "Discard your changes?"
TEXT = (
    "You changed settings that are not saved anywhere yet: not as your profile, not in an exported "
    "configuration, not registered in LiveKit.\n\nClose the wizard and discard them? To keep them, "
    "choose Cancel, then Save profile (or Export configuration… on the review page)."
)


class DiscardGuard(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.unsaved = False
        self._active = True

    def edited(self) -> None:
        self.unsaved = True

    def saved(self) -> None:
        """The current configuration is kept somewhere (or was replaced by one that is)."""
        self.unsaved = False

    def stop(self) -> None:
        """The window is shutting down: nothing is asked any more."""
        self._active = False

    def allows_closing(self) -> bool:
        """True when the window may close: nothing unsaved, or the user chose to discard it."""
        if not (self.unsaved and self._active and self._window.isVisible()):
            return True
        from PySide6.QtWidgets import QMessageBox

        buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        answer = QMessageBox.question(self._window, TITLE, TEXT, buttons, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
