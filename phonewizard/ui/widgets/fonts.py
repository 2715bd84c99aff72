"""`monospace_font()`: the fixed-width font for JSON, host names and the SIP URI.

The family name alone is not enough: "monospace" is a fontconfig alias that Windows and macOS do
not know, so the style hint asks Qt for whatever fixed-width font the platform has.
"""

from __future__ import annotations

from PySide6.QtGui import QFont


def monospace_font(point_size: int | None = None, *, bold: bool = False) -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    if point_size is not None:
        font.setPointSize(point_size)
    font.setBold(bold)
    return font
