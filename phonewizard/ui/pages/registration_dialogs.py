"""The registrations page's confirmations: what Remove deletes, what Adopt changes.

Both list exactly what will happen in LiveKit, object by object, before anything is sent: the
removal every object to be deleted (phonewizard's; those made outside it only when the user ticks
the box that names them) and the LiveKit number to be detached; the adoption every object that will
be taken over, with each field that changes (app/adopt.py). Text from LiveKit is shown as plain
text, never as rich text.

`ask_removal(parent, entry)` and `ask_export_path(parent, name)` are module functions the page
calls through this module, so tests can answer them without a modal loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from phonewizard.app.removal import Removal, removal_for
from phonewizard.ui.widgets.fonts import monospace_font
from phonewizard.ui.widgets.tones import set_tone
from phonewizard.ui.wizard_profile import CONFIG_FILTER

if TYPE_CHECKING:
    from phonewizard.app.adopt import Adoption
    from phonewizard.domain.inventory import InventoryEntry


def _listing(lines: list[str]) -> QPlainTextEdit:
    view = QPlainTextEdit("\n".join(lines))
    view.setReadOnly(True)
    view.setFont(monospace_font())
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setMinimumSize(620, 200)
    return view


class RemovalDialog(QDialog):
    """Lists what removing `entry` deletes; `removal()` is what the user confirmed."""

    def __init__(self, entry: InventoryEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entry = entry
        self.setWindowTitle(f"Remove {entry.phone_number}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"Removing {entry.phone_number} deletes these objects from LiveKit. It cannot be "
                       "undone: registering the number again creates new ones.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.listing = _listing([])
        layout.addWidget(self.listing)
        foreign = [r for r in entry.refs if not r.phonewizard and r.kind != "livekit_number"]
        self.foreign_check = QCheckBox(
            f"Also delete the {len(foreign)} object{'s' if len(foreign) != 1 else ''} not made by phonewizard "
            f"({', '.join(r.id for r in foreign)})")
        self.foreign_check.setVisible(bool(foreign))
        set_tone(self.foreign_check, "warning")
        self.foreign_check.toggled.connect(self._refresh)
        layout.addWidget(self.foreign_check)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = self.buttons.addButton("&Delete from LiveKit", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._refresh()

    def removal(self) -> Removal:
        return removal_for(self._entry, include_foreign=self.foreign_check.isChecked())

    def _refresh(self) -> None:
        removal = self.removal()
        self.listing.setPlainText("\n".join(removal.describe()))
        self.delete_button.setEnabled(not removal.empty)
        self.cancel_default()

    def cancel_default(self) -> None:
        """Enter cancels: a deletion is never the default."""
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)


class AdoptionDialog(QDialog):
    """Lists every object Register will take over and how each one changes."""

    def __init__(self, adoption: Adoption, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Take over the set-up of {adoption.phone_number}")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"These objects were made outside phonewizard. Registering {adoption.phone_number} changes them "
            "in place: they keep their IDs and get phonewizard's names, marker and the settings on these "
            "pages. If registering fails, each one is put back exactly as it was.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.listing = _listing(adoption.describe())
        layout.addWidget(self.listing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.adopt_button = buttons.addButton("&Take them over and register", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        layout.addWidget(buttons)


def ask_removal(parent: QWidget, entry: InventoryEntry) -> Removal | None:
    """The confirmed removal, or None when the user cancelled."""
    dialog = RemovalDialog(entry, parent)
    return dialog.removal() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_export_path(parent: QWidget, suggested: str) -> str | None:
    """Where to export one number's configuration (None: cancelled); `.json` added when bare."""
    path, _selected = QFileDialog.getSaveFileName(parent, "Export configuration", str(Path.home() / suggested),
                                                  CONFIG_FILTER)
    if not path:
        return None
    return path if Path(path).suffix else path + ".json"
