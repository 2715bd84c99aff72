"""A masked line edit with a "Show"/"Hide" toggle for the LiveKit API secret and SIP passwords.

The text never leaves the widget except through `text()`; nothing here logs or persists it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget


class SecretLineEdit(QWidget):
    """QLineEdit in Password echo mode plus a checkable reveal button.

    Signals:
        textChanged(str): forwarded from the line edit (any change, including setText).
    """

    textChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line_edit = QLineEdit(self)
        self.line_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # Password echo mode also sets the input-method hints for sensitive data (hidden text, no
        # prediction or auto-completion); a test checks it. (Reading inputMethodHints() here would
        # cost ~22 ms before the first paint: ui/widgets/enum_props.py.)
        self.reveal_button = QToolButton(self)
        self.reveal_button.setText("Show")
        self.reveal_button.setCheckable(True)
        self.reveal_button.setToolTip("Show or hide the secret")
        self.reveal_button.setAccessibleName("Show secret")
        self.reveal_button.toggled.connect(self._on_reveal_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.reveal_button)
        # Label buddies and Tab land in the line edit, not on the container.
        self.setFocusProxy(self.line_edit)
        self.line_edit.textChanged.connect(self.textChanged)

    def text(self) -> str:
        return self.line_edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming, so it drops in for QLineEdit
        self.line_edit.setText(text)

    def is_revealed(self) -> bool:
        return self.line_edit.echoMode() == QLineEdit.EchoMode.Normal

    @Slot(bool)
    def _on_reveal_toggled(self, revealed: bool) -> None:
        self.line_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password
        )
        self.reveal_button.setText("Hide" if revealed else "Show")
        self.reveal_button.setAccessibleName("Hide secret" if revealed else "Show secret")
