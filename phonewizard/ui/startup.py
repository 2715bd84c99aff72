"""Start-up in two halves: what the first page needs before it paints, and everything else after.

A bare QWizard paints its first page ~145 ms after the process starts; importing pydantic (the
domain models), keyring, aiohttp/protobuf (the sandbox) and building pages 2-9 would add ~600 ms
before anything is on screen (benchmarks/RESULTS.md). So the wizard builds only the window and
page 1 (showing what LIVEKIT_* says), and its `Startup` runs the second half — pages 2-9 from
`later_pages`, then the wizard's own `load` (saved profile, environment, sandbox, first
validation) — once, at the first of:

- the event-loop turn after the window first paints (`after_first_paint`);
- the first user input anywhere in the application (a key, a click, a wheel turn, a drop …)
  once the window is active or painted (no input reaches it before): an application event filter
  runs the second half before that input is delivered, so every action — an edit on page 1, Test
  connection, the sandbox box, Open, Save — finds the wizard complete, and nothing outside this
  module has to check for an unfinished start-up;
- `run()` called directly (`PhoneWizard(defer_startup=False)`: both halves in the constructor).

The tricks that keep the first paint cheap stay in this module: the paint and input triggers, and
the page modules of pages 2-9 imported inside `later_pages`, so a process that has not finished
start-up has not loaded them. Modules imported before the first paint must not touch `Qt.*`
(PySide6 builds all of its ~120 enums on first use) nor import pydantic, keyring, phonenumbers,
aiohttp, protobuf or livekit at module level (tests/ui/test_wizard_startup.py checks it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget, QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.ui import gui_collector

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from phonewizard.ui.pages.base import DraftPage

# If the page never paints (a window shown minimised, a platform that does not expose it), start
# anyway: the deferred work must not wait for a paint that may not come.
FALLBACK_MS = 500


class _AfterFirstPaint(QObject):
    """Event filter on one widget: after its first Paint event, call `callback` once."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self._fire)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            # Zero-delay: the paint (and the backing-store flush after it) completes first.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is None:
            return
        self._widget.removeEventFilter(self)
        callback()


def after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` once, in the event-loop turn after `widget` first paints (or after
    FALLBACK_MS without a paint). The helper lives as the widget's child.

    Give it the window: Qt paints a window and its children in one pass, window first, and may
    send a child no Paint event at all when opaque children cover it (page 1 is such a child)."""
    _AfterFirstPaint(widget, callback)


class _BeforeFirstInput(QObject):
    """At the first user input, call `callback` (once) before the input reaches its widget.

    An application event filter sees every event of every object (ShortcutOverride, for a
    mnemonic such as Alt+O, goes to the focus widget before the window sees a key), but a filter
    in Python is costly while page 1 is shown and painted: every object an event concerns gets a
    Python wrapper, and PySide6 builds each new wrapper type's enums on the spot (a combo box's
    list view, a label's text document, the style). No input reaches a window the user has not
    seen, so until then only the window's own events are watched, and the application filter is
    armed at the window's first Paint (not at its activation, which comes before the paint and
    would put all of the first show through the filter). The start-up that follows removes both.
    """

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback
        self._app: QCoreApplication | None = None
        self._paint = QEvent.Type.Paint
        self._inputs = {
            QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.InputMethod,
            QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
            QEvent.Type.TouchBegin, QEvent.Type.TabletPress, QEvent.Type.Drop,
        }
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if self._app is None:
            if kind == self._paint:
                self._app = QCoreApplication.instance()
                if self._app is not None:
                    self._app.installEventFilter(self)
        elif kind in self._inputs:
            self._callback()  # removes this filter; the input is then delivered as usual
        return False

    def remove(self) -> None:
        self._window.removeEventFilter(self)
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None


def later_pages() -> list[tuple[PageId, DraftPage]]:
    """Every page after the first, newly built, in wizard order (imports pydantic, phonenumbers,
    livekit-protocol)."""
    from phonewizard.ui.pages.agent_page import AgentPage
    from phonewizard.ui.pages.behaviour_page import BehaviourPage
    from phonewizard.ui.pages.call_handling_page import CallHandlingPage
    from phonewizard.ui.pages.inbound_page import InboundPage
    from phonewizard.ui.pages.number_page import NumberPage
    from phonewizard.ui.pages.outbound_page import OutboundPage
    from phonewizard.ui.pages.registrations_page import RegistrationsPage
    from phonewizard.ui.pages.result_page import ResultPage
    from phonewizard.ui.pages.review_page import ReviewPage

    return [
        (PageId.REGISTRATIONS, RegistrationsPage()),
        (PageId.AGENT, AgentPage()),
        (PageId.NUMBER, NumberPage()),
        (PageId.INBOUND, InboundPage()),
        (PageId.OUTBOUND, OutboundPage()),
        (PageId.CALL_HANDLING, CallHandlingPage()),
        (PageId.BEHAVIOUR, BehaviourPage()),
        (PageId.REVIEW, ReviewPage()),
        (PageId.RESULT, ResultPage()),
    ]


class Startup(QObject):
    """The second half of a wizard's start-up: add pages 2-9 to `wizard`, then call `load`.

    Signals:
        finished(): the second half has run (all pages built, the draft loaded and validated).
    """

    finished = Signal()

    def __init__(self, wizard: QWizard, load: Callable[[], None]) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self._load = load
        self._done = False
        self._cancelled = False
        self._input_guard: _BeforeFirstInput | None = None

    @property
    def done(self) -> bool:
        """True once the second half has started running (it runs exactly once)."""
        return self._done

    def defer(self) -> None:
        """Run after the window's first paint, or at the first user input if that comes sooner."""
        self._input_guard = _BeforeFirstInput(self._wizard, self.run)
        after_first_paint(self._wizard, self.run)

    def run(self) -> None:
        """Run the second half now, unless it has run already or was cancelled."""
        if self._done or self._cancelled:
            return
        self._done = True  # first: what `load` does (sandbox start, validation) may come back here
        self._stop_guard()
        self._set_window_icon()
        for page_id, page in later_pages():
            self._wizard.setPage(page_id, page)
        self._load()
        gui_collector.window_built()
        self.finished.emit()

    def _set_window_icon(self) -> None:
        """After the first paint: loading the icon's eight PNG sizes would cost page 1 ~6 ms."""
        from phonewizard.ui.about import app_icon

        try:
            self._wizard.setWindowIcon(app_icon())
        except FileNotFoundError as exc:  # icons not generated in this checkout
            logger.info("no window icon: %s", exc)

    def cancel(self) -> None:
        """The window closed (shut down) before the second half ran: it never runs."""
        self._cancelled = True
        self._stop_guard()

    def _stop_guard(self) -> None:
        if self._input_guard is not None:
            self._input_guard.remove()
            self._input_guard = None
