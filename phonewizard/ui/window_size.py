"""The wizard window's size, taken from the screen it opens on.

A fixed 940×720 window with an 860×640 minimum does not fit the most common laptop set-up, a
1920×1080 panel at 150 % scaling: 1280×720 logical pixels, less a taskbar and the title bar, so
Back/Next/Cancel ended up below the screen's edge. `fit_to_screen(window)` (one call from
PhoneWizard.__init__, after the saved size is restored) therefore:

- sizes the window to the saved or default size, but never larger than the screen's available
  geometry (the screen less taskbars and docks) minus room for the window frame;
- sets a minimum small enough for such screens (SMALLEST_SIZE; less when the screen is smaller
  still), since every page body sits in a scroll area and scrolls instead of pushing the
  buttons away;
- once the window is on screen and its real frame is known, shrinks and moves it again if the
  frame still reaches past the available area (title bars differ between desktops).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Small enough for 1280×720 logical pixels with a taskbar and a title bar, and for 1024×600
# netbook screens; the button row (Open, Save, About, Back, Next, Cancel) still fits its width.
SMALLEST_SIZE = (720, 460)
# Room left for the window manager's frame before the frame exists: title bar and borders.
FRAME_ALLOWANCE = (16, 40)


def available_geometry(window: QWidget) -> QRect:
    """The available geometry of the screen the window is (or will be) on."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def room_for_client_area(available: QRect) -> QSize:
    """The largest window (client area) whose frame fits `available`."""
    return QSize(max(available.width() - FRAME_ALLOWANCE[0], 1), max(available.height() - FRAME_ALLOWANCE[1], 1))


def fit_to_screen(window: QWidget, available: QRect | None = None) -> QSize:
    """Clamp the window's size and minimum to `available` (default: its screen's available
    geometry), and re-check once it is shown. Returns the new size."""
    area = available if available is not None else available_geometry(window)
    room = room_for_client_area(area)
    minimum = QSize(*SMALLEST_SIZE).boundedTo(room)
    window.setMinimumSize(minimum)
    size = window.size().boundedTo(room).expandedTo(minimum)
    window.resize(size)
    if available is None and not hasattr(window, "_phonewizard_fit_on_show"):
        window._phonewizard_fit_on_show = _FitOnShow(window)  # type: ignore[attr-defined]
    return size


def keep_frame_on_screen(window: QWidget, available: QRect | None = None) -> None:
    """Shrink and move a shown window so that its whole frame lies inside `available`."""
    area = available if available is not None else available_geometry(window)
    frame = window.frameGeometry()
    if area.contains(frame):
        return
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    window.resize(QSize(width, height).expandedTo(window.minimumSize()))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.y()), area.bottom() + 1 - frame.height())
    window.move(max(x, area.x()), max(y, area.y()))


class _FitOnShow(QObject):
    """Event filter: after the window's first Show, when the frame is known, keep it on screen."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is self._window and event.type() == QEvent.Type.Show:
            self._window.removeEventFilter(self)
            # The window manager decorates the window after it is mapped; look a moment later.
            QTimer.singleShot(200, self, lambda: keep_frame_on_screen(self._window))
        return False
