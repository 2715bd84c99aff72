"""A read-only value with a "Copy" button: SIP URIs, trunk ids, carrier settings."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget


class CopyableValue(QWidget):
    """Shows `value` selectable and read-only; the button puts it on the clipboard."""

    def __init__(self, value: str = "", parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self.value_edit = QLineEdit(value, self)
        self.value_edit.setReadOnly(True)
        self.value_edit.setCursorPosition(0)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip(f"Copy {name or 'this value'} to the clipboard")
        self.copy_button.setAccessibleName(f"Copy {name}".strip())
        self.copy_button.clicked.connect(self.copy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.value_edit, 1)
        layout.addWidget(self.copy_button)
        self.setFocusProxy(self.value_edit)

    def value(self) -> str:
        return self.value_edit.text()

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.value())
        self.copy_button.setText("Copied")
        # Feedback that the click worked, then back to the normal label.
        QTimer.singleShot(1500, self._reset_label)

    @Slot()
    def _reset_label(self) -> None:
        self.copy_button.setText("Copy")
