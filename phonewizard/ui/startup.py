"""Start-up in two halves: what the first page needs before it paints, and everything else after.

A bare QWizard paints its first page ~145 ms after the process starts; importing pydantic (the
domain models), keyring, aiohttp/protobuf (the sandbox) and building pages 2-9 would add ~600 ms
before anything is on screen (benchmarks/RESULTS.md). So `PhoneWizard(defer_startup=True)` (what
`run_gui` builds) shows page 1 with only Qt and the page's own widgets, and `after_first_paint`
runs the rest — `PhoneWizard.finish_startup` — in the event-loop turn right after that paint.

`DeferredStartup` is PhoneWizard's mixin holding `finish_startup`. `later_pages()` builds pages
2-9; their modules are imported there, not at wizard import, so a process that has not finished
start-up has not loaded them.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget, QWizardPage

from phonewizard.domain.navigation import PageId

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


def later_pages() -> list[tuple[PageId, QWizardPage]]:
    """Pages 2-9, newly built, in wizard order (imports pydantic, phonenumbers, livekit-protocol)."""
    from phonewizard.ui.pages.agent_page import AgentPage
    from phonewizard.ui.pages.behaviour_page import BehaviourPage
    from phonewizard.ui.pages.call_handling_page import CallHandlingPage
    from phonewizard.ui.pages.inbound_page import InboundPage
    from phonewizard.ui.pages.number_page import NumberPage
    from phonewizard.ui.pages.outbound_page import OutboundPage
    from phonewizard.ui.pages.result_page import ResultPage
    from phonewizard.ui.pages.review_page import ReviewPage

    return [
        (PageId.AGENT, AgentPage()),
        (PageId.NUMBER, NumberPage()),
        (PageId.INBOUND, InboundPage()),
        (PageId.OUTBOUND, OutboundPage()),
        (PageId.CALL_HANDLING, CallHandlingPage()),
        (PageId.BEHAVIOUR, BehaviourPage()),
        (PageId.REVIEW, ReviewPage()),
        (PageId.RESULT, ResultPage()),
    ]


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"livekit": {"url": u}} → {"livekit.url": u}."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


class DeferredStartup:
    """Mixin for PhoneWizard: the second half of start-up. Uses the wizard's `draft`, `report`,
    `startup_done`, `_environ`, `_prefill` (ProfileActions) and `startup_finished` signal."""

    def finish_startup(self) -> None:
        """The second half of start-up (idempotent): build pages 2-9, load the saved profile (and
        its secrets from the keyring) and the LIVEKIT_* variables, start the sandbox when no
        project is configured, and validate. Emits startup_finished."""
        if self.startup_done:
            return
        self.startup_done = True
        from phonewizard.domain.report import check_config
        from phonewizard.ui import draft_io

        self.draft = draft_io.new_draft()
        self.report = check_config(self.draft)
        self.page(PageId.LIVEKIT).apply_report(self.report)
        for page_id, page in later_pages():
            self.setPage(page_id, page)
        self._prefill(self._environ)
        self.startup_finished.emit()

    def _finish_startup_unless_shut_down(self) -> None:
        """The after-first-paint trigger: a window closed (shut down) before it fired stays so."""
        if not self._shut_down:
            self.finish_startup()

    def _show_environment_early(self) -> None:
        """Show LIVEKIT_* values on page 1 in its first paint; finish_startup loads the full draft
        (profile, then these variables on top: the same values) a moment later."""
        from phonewizard.ui import draft_io  # its domain/services imports are lazy

        livekit = draft_io.environment_livekit(self._environ)
        page = self.page(PageId.LIVEKIT)
        if livekit:
            page.load_from({"livekit": livekit})
        self._early_shown: dict[str, Any] = {}
        page.store(self._early_shown)

    def _finish_startup_keeping_edit(self, page: Any) -> None:
        """An edit on page 1 before the deferred start-up ran (it runs in the event-loop turn
        after the first paint, so this is rare): finish start-up, which loads the profile into
        the page, then put back the fields the user changed from what the page first showed."""
        from phonewizard.ui.pages.base import set_path

        typed: dict[str, Any] = {}
        page.store(typed)
        shown = _flatten(getattr(self, "_early_shown", {}))
        changed = {path: value for path, value in _flatten(typed).items() if shown.get(path) != value}
        self.finish_startup()
        for path, value in changed.items():
            set_path(self.draft, path, value)
        page.load_from(self.draft)
