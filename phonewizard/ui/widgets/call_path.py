"""`CallPathView`: the doctor's verdict drawn as the call's path, so the answer is seen at a glance.

Five boxes, carrier → inbound trunk → dispatch rule → room → agent (the verdict's `hops`), each
with its title, the object at it (a trunk's name, a room name, agent names) and what happened
there. The hop where the call stops is marked: a thick border in an alarm tone, a tinted fill and
the words "✕ stops here", so colour is never the only signal. Hops the call never reaches are
drawn dashed and muted; the arrows leading to them too.

Colours come from the widget's palette (text, base, window, mid, highlight, placeholder text), so
the path reads in light and dark themes alike; the two tones the palette has no role for (the
alarm red and nothing else) are picked for the palette's lightness (`hop_style`, tested for
contrast against the base colour in both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent

    from phonewizard.domain.routing import Hop

# Status → the words under each box (never colour alone).
STATUS_WORDS = {"passed": "✓ passed", "bypassed": "↷ no object here", "stopped": "✕ stops here",
                "not_reached": "not reached"}
ALARM_ON_LIGHT = QColor("#b3261e")  # 6.5:1 on white
ALARM_ON_DARK = QColor("#ff8a80")  # 7.9:1 on #202020
GAP = 34  # room for an arrow between two boxes
BOX_HEIGHT = 116
MARGIN = 4


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


@dataclass(frozen=True)
class HopStyle:
    border: QColor
    fill: QColor
    text: QColor
    muted: QColor  # the title and the status line
    width: float
    dashed: bool


def hop_style(palette: QPalette, status: str) -> HopStyle:
    """How a hop with `status` is drawn under `palette`."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    muted = palette.color(QPalette.ColorRole.PlaceholderText)
    mid = palette.color(QPalette.ColorRole.Mid)
    if status == "stopped":
        alarm = ALARM_ON_DARK if is_dark(palette) else ALARM_ON_LIGHT
        tint = QColor(alarm)
        tint.setAlpha(38)
        return HopStyle(alarm, _over(tint, base), text, alarm, 3.0, False)
    if status == "passed":
        return HopStyle(palette.color(QPalette.ColorRole.Highlight), base, text, muted, 2.0, False)
    if status == "bypassed":
        return HopStyle(mid, base, text, muted, 1.5, True)
    return HopStyle(mid, palette.color(QPalette.ColorRole.Window), muted, muted, 1.0, True)


def _over(top: QColor, bottom: QColor) -> QColor:
    """`top` (with alpha) composited over an opaque `bottom`."""
    a = top.alphaF()
    return QColor.fromRgbF(top.redF() * a + bottom.redF() * (1 - a), top.greenF() * a + bottom.greenF() * (1 - a),
                           top.blueF() * a + bottom.blueF() * (1 - a))


def fit_lines(metrics: QFontMetrics, text: str, width: int, most: int) -> list[str]:
    """`text` broken into at most `most` lines of `width` pixels: at spaces where there are any,
    anywhere in a long word (a room name), the last line elided."""
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < most - 1 and metrics.horizontalAdvance(rest) > width:
        low, high = 1, len(rest)  # the longest prefix that fits
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if metrics.horizontalAdvance(rest[:middle]) <= width else (low, middle - 1)
        space = rest.rfind(" ", 0, low + 1)
        cut = space if space > 0 else low
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest and most > 0:
        lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return lines


def path_text(hops: Sequence[Hop]) -> str:
    """The path in words, for screen readers and the tooltip."""
    return "; ".join(f"{h.title}: {h.label or '—'} ({STATUS_WORDS[h.status]})" for h in hops)


class CallPathView(QWidget):
    """Shows the hops of one verdict (`set_hops`); empty, it says what will appear."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hops: tuple[Hop, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("The call's path")
        self.placeholder = "The call's path appears here: carrier → inbound trunk → dispatch rule → room → agent."

    @property
    def hops(self) -> tuple[Hop, ...]:
        return self._hops

    def set_hops(self, hops: Sequence[Hop]) -> None:
        self._hops = tuple(hops)
        described = path_text(self._hops)
        self.setAccessibleDescription(described)
        self.setToolTip("\n".join(f"{h.title} — {h.label}: {h.detail}" for h in self._hops))
        self.update()

    def stopped_index(self) -> int | None:
        return next((i for i, h in enumerate(self._hops) if h.status == "stopped"), None)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(5 * 150 + 4 * GAP, BOX_HEIGHT + 2 * MARGIN)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(5 * 96 + 4 * GAP, BOX_HEIGHT + 2 * MARGIN)

    def box_rects(self) -> list[QRectF]:
        n = len(self._hops)
        if not n:
            return []
        width = (self.width() - 2 * MARGIN - (n - 1) * GAP) / n
        return [QRectF(MARGIN + i * (width + GAP), MARGIN, width, BOX_HEIGHT) for i in range(n)]

    # ---- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        if not self._hops:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
            return
        rects = self.box_rects()
        for i, (hop, rect) in enumerate(zip(self._hops, rects)):
            if i:
                self._arrow(painter, rects[i - 1], rect, hop.status, palette)
            self._box(painter, rect, hop, hop_style(palette, hop.status))
        painter.end()

    def _box(self, painter: QPainter, rect: QRectF, hop: Hop, style: HopStyle) -> None:
        pen = QPen(style.border, style.width)
        if style.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(style.fill)
        inner = rect.adjusted(style.width / 2, style.width / 2, -style.width / 2, -style.width / 2)
        painter.drawRoundedRect(inner, 7, 7)
        text_rect = rect.adjusted(9, 7, -9, -7)
        width = int(text_rect.width())

        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        bold = QFont(self.font())
        bold.setBold(True)
        status = QFont(small)
        status.setBold(hop.status == "stopped")

        status_metrics = QFontMetrics(status)
        floor = text_rect.bottom() - status_metrics.height()  # text above the status line
        x, y = text_rect.left(), text_rect.top()
        y = self._lines(painter, small, style.muted, hop.title.upper(), x, y, width, 1, floor)
        # A room name is long: two lines before it is elided.
        y = self._lines(painter, bold, style.text, hop.label or "—", x, y, width, 2, floor)
        if hop.object_id and hop.object_id != hop.label:
            y = self._lines(painter, small, style.muted, hop.object_id, x, y, width, 1, floor)
        if hop.status in ("stopped", "bypassed"):  # why the call ends, or goes on without an object
            self._lines(painter, small, style.text, hop.detail, x, y + 2, width, 3, floor)
        painter.setFont(status)
        painter.setPen(style.muted if hop.status != "passed" else style.text)
        painter.drawText(QPointF(x, text_rect.bottom() - status_metrics.descent()),
                         status_metrics.elidedText(STATUS_WORDS[hop.status], Qt.TextElideMode.ElideRight, width))

    @staticmethod
    def _lines(painter: QPainter, font: QFont, colour: QColor, text: str, x: float, y: float, width: int,
               most: int, floor: float) -> float:
        """Draw `text` in at most `most` lines that end above `floor`; the y below them."""
        metrics = QFontMetrics(font)
        room = max(0, int((floor - y) // metrics.height()))
        painter.setFont(font)
        painter.setPen(colour)
        for line in fit_lines(metrics, text, width, min(most, room)):
            painter.drawText(QPointF(x, y + metrics.ascent()), line)
            y += metrics.height()
        return y + 1

    @staticmethod
    def _arrow(painter: QPainter, left: QRectF, right: QRectF, status: str, palette: QPalette) -> None:
        reached = status != "not_reached"
        colour = palette.color(QPalette.ColorRole.Text if reached else QPalette.ColorRole.Mid)
        pen = QPen(colour, 2.0 if reached else 1.2)
        if not reached:
            pen.setStyle(Qt.PenStyle.DashLine)
        y = left.center().y()
        start, end = QPointF(left.right() + 5, y), QPointF(right.left() - 5, y)
        painter.setPen(pen)
        painter.drawLine(start, QPointF(end.x() - 6, y))
        head = QPainterPath(end)
        head.lineTo(end.x() - 9, y - 5)
        head.lineTo(end.x() - 9, y + 5)
        head.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(head)
