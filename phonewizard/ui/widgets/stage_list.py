"""`StageList`: the stages of a running check, one row each as they are reached, with when.

Used by the test-call dialog (a call's stages, the inbound check's) and the result page's probe
(DNS, UDP, TCP, TLS). A row is a symbol, a title, a detail and a time; the symbol and the tone
together say how the stage went, so colour is never the only signal: "✓" reached (ok), "✕"
failed or not reached (error), "!" reached with a caveat (warning). While work goes on, a last
row in the "info" tone says what is awaited ("◔ Ringing… 0:07"), updated in place.

Details come from LiveKit or a SIP server, so rows are plain text with control characters escaped.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from phonewizard.ui.doctor_report import printable
from phonewizard.ui.widgets.tones import set_tone

SYMBOLS = {"ok": "✓", "error": "✕", "warning": "!", "hint": "–", "info": "◔"}


def _label(text: str, tone: str | None = None) -> QLabel:
    label = QLabel(printable(text))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if tone:
        set_tone(label, tone)
    return label


class StageList(QWidget):
    """Rows keyed by stage; `add` appends a row (or updates the row of a key already shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setColumnStretch(2, 1)
        self._rows: dict[str, tuple[QLabel, QLabel, QLabel, QLabel]] = {}
        self._order: list[str] = []
        self._tones: dict[str, str] = {}
        self._pending: tuple[QLabel, QLabel] | None = None
        self.setAccessibleName("Stages")

    # ---- rows -------------------------------------------------------------------------------
    def add(self, key: str, title: str, detail: str = "", when: str = "", tone: str = "ok") -> None:
        """Show stage `key` reached (`tone` "ok"), failed ("error"), with a caveat ("warning") or
        skipped ("hint"); `when` is the time to show beside it."""
        if key in self._rows:
            symbol, title_label, detail_label, when_label = self._rows[key]
            symbol.setText(SYMBOLS[tone])
            set_tone(symbol, tone)
            title_label.setText(printable(title))
            detail_label.setText(printable(detail))
            when_label.setText(when)
        else:
            row = len(self._order)
            labels = (_label(SYMBOLS[tone], tone), _label(title), _label(detail, "hint"), _label(when, "hint"))
            labels[0].setAccessibleName(tone)
            for column, label in enumerate(labels):
                self._grid.addWidget(label, row, column,
                                     Qt.AlignmentFlag.AlignTop | (Qt.AlignmentFlag.AlignRight if column == 3
                                                                  else Qt.AlignmentFlag.AlignLeft))
            self._rows[key] = labels
            self._order.append(key)
            self._move_pending_last()
        self._tones[key] = tone

    def set_pending(self, text: str | None, when: str = "") -> None:
        """The "still working" row after the last stage (None: remove it)."""
        if text is None:
            if self._pending is not None:
                for label in self._pending:
                    self._grid.removeWidget(label)
                    label.deleteLater()
                self._pending = None
            return
        if self._pending is None:
            self._pending = (_label(f"{SYMBOLS['info']} {text}", "info"), _label(when, "info"))
            self._move_pending_last()
        else:
            self._pending[0].setText(printable(f"{SYMBOLS['info']} {text}"))
            self._pending[1].setText(when)

    def clear(self) -> None:
        self.set_pending(None)
        for labels in self._rows.values():
            for label in labels:
                self._grid.removeWidget(label)
                label.deleteLater()
        self._rows.clear()
        self._order.clear()
        self._tones.clear()

    def _move_pending_last(self) -> None:
        if self._pending is None:
            return
        row = len(self._order)
        text, when = self._pending
        for label in self._pending:  # re-added below the new row (a grid cell holds one item)
            self._grid.removeWidget(label)
        self._grid.addWidget(text, row, 0, 1, 3)
        self._grid.addWidget(when, row, 3, Qt.AlignmentFlag.AlignRight)

    # ---- reading (tests, accessibility) -----------------------------------------------------
    def keys(self) -> list[str]:
        return list(self._order)

    def tone_of(self, key: str) -> str | None:
        return self._tones.get(key)

    def row_text(self, key: str) -> str:
        """The row as one line: "✓ Ringing — +447700900123 — 0:02"."""
        symbol, title, detail, when = self._rows[key]
        return " — ".join(t for t in (f"{symbol.text()} {title.text()}", detail.text(), when.text()) if t.strip())

    def pending_text(self) -> str | None:
        return self._pending[0].text() if self._pending is not None else None
