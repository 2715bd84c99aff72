"""`CallResultView`: the lower half of the test-call dialog — the stages, then the verdict.

The stages (ui/widgets/stage_list.py) as they are reached, then a headline in its tone (ok,
warning, error, hint), the explanation, "What to change" as bullets, and a line saying whether
the rooms are gone. All plain text (the words come from LiveKit and the carrier), control
characters escaped. It scrolls when the window is too short, never squeezing a row, and
`missing_height()` says how much taller the window would have to be to show it all.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from phonewizard.ui.doctor_report import printable
from phonewizard.ui.widgets.stage_list import StageList
from phonewizard.ui.widgets.tones import set_tone


class CallResultView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.stages = StageList()
        self._layout.addWidget(self.stages)
        self._layout.addSpacing(8)  # the verdict stands apart from the stages above it
        self.headline_label = self._label(bold=True)
        self.explanation_label = self._label()
        self.fixes_label = self._label()
        self.room_label = self._label()
        self.room_tone: str | None = None  # "ok": every room is gone; "error": one remains
        self._layout.addStretch(1)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def _label(self, bold: bool = False) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if bold:
            font = label.font()
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            label.setFont(font)
        label.hide()
        self._layout.addWidget(label)
        return label

    def clear(self) -> None:
        self.stages.clear()
        self.room_tone = None
        for label in (self.headline_label, self.explanation_label, self.fixes_label, self.room_label):
            label.clear()
            label.hide()

    def show_verdict(self, headline: str, tone: str, explanation: str, fixes: tuple[str, ...],
                     room: tuple[str, str] | None) -> None:
        """`room`: (text, tone) about the rooms, or None when no room was made."""
        self.headline_label.setText(printable(headline))
        set_tone(self.headline_label, tone)
        self.explanation_label.setText(printable(explanation))
        self.fixes_label.setText("What to change:\n" + "\n".join(f"• {printable(f)}" for f in fixes) if fixes else "")
        for label in (self.headline_label, self.explanation_label, self.fixes_label):
            label.setVisible(bool(label.text()))
        if room is not None:
            self.room_label.setText(printable(room[0]))
            set_tone(self.room_label, room[1])
        self.room_tone = room[1] if room is not None else None
        self.room_label.setVisible(room is not None)

    def missing_height(self) -> int:
        """How many pixels taller the view would have to be to show everything (0: it fits)."""
        width = self.viewport().width()
        needed = (self._layout.heightForWidth(width) if self._layout.hasHeightForWidth()
                  else self._layout.sizeHint().height())
        return max(0, needed - self.viewport().height())
