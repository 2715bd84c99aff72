"""Message colours ("tones") that stay readable on light and dark desktop themes.

The wizard colours a few kinds of text: errors, warnings, hints (muted explanations and pending
errors), success and "working" states. Fixed hex values chosen for a light window become
unreadable on a dark one (the old hint grey was about 2.4:1 on a dark window). So each tone has
a colour for light and one for dark palettes, picked by the window colour of the palette in use,
and is then nudged lighter or darker until it reaches WCAG's 4.5:1 contrast against that window
colour, whatever the theme (tests/ui/test_tones.py computes the ratios).

`set_tone(widget, tone)` colours a label and remembers the tone, so when the application palette
changes (the user switches the desktop theme while the wizard is open) every toned widget gets
its colour again; `tone_color(tone)` gives the colour for rich text and other one-off uses.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# (on a light window, on a dark window). The light ones are the values the wizard always used.
TONES: dict[str, tuple[str, str]] = {
    "error": ("#b3261e", "#f2b8b5"),
    "warning": ("#8a5a00", "#f1c15b"),
    "hint": ("#5f6368", "#bdc1c6"),
    "ok": ("#146c2e", "#7fd48f"),
    "info": ("#0b57d0", "#a8c7fa"),  # a step that is running
}
MIN_CONTRAST = 4.5  # WCAG 2.x AA for normal-size text
_PROPERTY = "phonewizardTone"  # dynamic property: which tone a widget shows


def relative_luminance(color: QColor) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 = black, 1 = white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours, 1.0 to 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(background: QColor) -> bool:
    """True when light text reads better than dark text on `background`."""
    return contrast_ratio(background, QColor("white")) > contrast_ratio(background, QColor("black"))


@lru_cache(maxsize=64)
def _tone_hex(tone: str, background_rgb: int) -> str:
    background = QColor.fromRgb(background_rgb)
    dark = is_dark(background)
    color = QColor(TONES[tone][1 if dark else 0])
    # Move the lightness away from the background until the text is readable; on a mid-grey
    # window that may take the colour close to white or black, which is still better than unreadable.
    hue, saturation, lightness, _alpha = color.getHslF()
    step = 0.02 if dark else -0.02
    while contrast_ratio(color, background) < MIN_CONTRAST and 0.0 < lightness < 1.0:
        lightness = min(1.0, max(0.0, lightness + step))
        color = QColor.fromHslF(max(hue, 0.0), saturation, lightness)
    return color.name()


def window_color(widget: QWidget | None = None) -> QColor:
    """The window background the text is drawn on: the widget's palette, else the application's."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window)


def tone_color(tone: str, widget: QWidget | None = None) -> str:
    """'#rrggbb' for `tone` ("error", "warning", "hint", "ok", "info") on the window colour of
    `widget`'s palette (the application palette when None), at least MIN_CONTRAST against it."""
    return _tone_hex(tone, window_color(widget).rgb())


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour `widget`'s text in `tone` (None: back to the palette's normal text colour), and
    again whenever the application palette changes."""
    _ensure_watcher()
    if widget.property(_PROPERTY) != (tone or ""):  # a dynamic property change costs an event
        widget.setProperty(_PROPERTY, tone or "")
    sheet = f"color: {tone_color(tone, widget)};" if tone else ""
    if widget.styleSheet() != sheet:  # setStyleSheet re-polishes the widget: skip when unchanged
        widget.setStyleSheet(sheet)


def refresh_tones() -> int:
    """Re-colour every toned widget for the current palette; returns how many were updated."""
    count = 0
    for widget in QApplication.allWidgets():
        tone = widget.property(_PROPERTY)
        if tone:
            set_tone(widget, tone)
            count += 1
    return count


class _PaletteWatcher(QWidget):
    """Never shown. Qt sends ApplicationPaletteChange to every widget, hidden ones included; this
    one re-colours the toned widgets then (cheaper than an application-wide event filter, which
    would see every event of every object)."""

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            from PySide6.QtCore import QTimer

            # Next turn: by then every widget has resolved the new palette it is compared with.
            QTimer.singleShot(0, self, refresh_tones)
        super().changeEvent(event)


_watcher: _PaletteWatcher | None = None


def _ensure_watcher() -> None:
    global _watcher
    if _watcher is None and QApplication.instance() is not None:
        _watcher = _PaletteWatcher()
        _watcher.setObjectName("phonewizardPaletteWatcher")
