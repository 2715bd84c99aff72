"""`DraftPage`: the base of every wizard page, and the dotted-path helpers pages store with.

A page never validates by itself. It writes its widgets into the wizard's one draft dict
(`store`), the wizard runs `check_config(draft)` and hands every page the `Report`; the page shows
the first problem of each of its fields inline and is complete when no error lies under its
`owned_fields`. Errors of fields on later pages ("required" while not reached) never block it.

Subclass contract (every page relies on it):
- class attributes `page_id: PageId`, `owned_fields: tuple[str, ...]` (dotted prefixes);
- build widgets into `self.body` (a QVBoxLayout inside a scroll area), never `setLayout`;
- `load(draft)` fills widgets, `store(draft)` writes them back; both called by the wizard;
- connect every edit signal to `self.notify_edited` (or use `watch(*signals)`);
- route problems with `bind_field(path, problem_label)`, `bind_editor(path, editor, label)` (list
  and key/value editors) or `bind_custom(path, sink)`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, MutableMapping, Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from phonewizard.domain.navigation import PageId, next_page
from phonewizard.ui.control_words import control_name, reword
from phonewizard.ui.widgets.enum_props import set_enum_property  # not Qt.*: see there
from phonewizard.ui.widgets.problem_label import ProblemLabel

if TYPE_CHECKING:
    from phonewizard.domain.report import Problem, Report

# A sink takes (errors, warnings) under its path and returns the errors it could not place, so
# they are shown at the bottom of the page instead of blocking Next invisibly.
ProblemSink = Callable[[Sequence["Problem"], Sequence["Problem"]], Sequence["Problem"]]

SANDBOX_TEXT = (
    "Sandbox mode — nothing is sent to LiveKit. The wizard is talking to the built-in local "
    "LiveKit SIP server, so you can try the whole flow offline."
)


# --- dotted paths into the draft ---------------------------------------------------------


def get_path(draft: MutableMapping[str, Any], path: str, default: Any = None) -> Any:
    """`get_path(d, "livekit.url")` → d["livekit"]["url"], or `default` when any part is absent."""
    node: Any = draft
    for part in path.split("."):
        if not isinstance(node, MutableMapping) or part not in node:
            return default
        node = node[part]
    return node


def set_path(draft: MutableMapping[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, creating the dicts on the way. `None` removes the key instead, so an
    optional field left empty is absent from the draft (and from an exported file)."""
    parts = path.split(".")
    node = draft
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, MutableMapping):
            if value is None:
                return
            child = node[part] = {}
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value


def int_or(value: Any, default: int) -> int:
    """`value` if it is an int (not a bool), else `default`: a spin box needs an int, and a
    hand-edited file's "30" or true (already reported by the file loader) must not raise."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def problems_under(problems: Sequence["Problem"], prefix: str) -> list["Problem"]:
    return [p for p in problems if p.field == prefix or p.field.startswith(prefix + ".")]


# --- the page ------------------------------------------------------------------------------


class DraftPage(QWizardPage):
    """A wizard page editing part of the shared draft.

    Signals:
        edited(): the user changed a value; the wizard then calls `store` and re-validates.
    """

    edited = Signal()

    page_id: ClassVar[PageId]
    owned_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report: Report | None = None
        self._loading = False
        self._busy = False
        self._known_complete: bool | None = None
        self._visited = False  # initializePage has run once (messages may keep a height since)
        # Until the user edits something on this page, errors are shown muted: a page should
        # not greet the user with red "required" text for fields they have not reached yet.
        self.pristine = True
        self._sinks: dict[str, ProblemSink] = {}

        self.sandbox_banner = QLabel(SANDBOX_TEXT, self)
        self.sandbox_banner.setObjectName("sandboxBanner")
        self.sandbox_banner.setWordWrap(True)
        self.sandbox_banner.setStyleSheet(
            "QLabel#sandboxBanner { background: #fff4ce; color: #4d3800; border: 1px solid #e0c35a;"
            " border-radius: 4px; padding: 6px 10px; }"
        )
        self.sandbox_banner.setAccessibleName("Sandbox mode")
        self.sandbox_banner.hide()

        content = QWidget()
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(0, 4, 8, 4)
        self.body.setSpacing(10)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        set_enum_property(self.scroll_area, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self.scroll_area.setWidget(content)

        # File-level notices (a profile that did not load, a plaintext secret in a file): the
        # wizard shows the same lines on every page until the next file is loaded.
        self.notice_label = ProblemLabel(self)
        self.notice_label.setObjectName("wizardNotices")

        # Problems under this page's fields that no widget claimed (cross-field rules).
        self.page_problem = ProblemLabel(self)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.sandbox_banner)
        outer.addWidget(self.notice_label)
        outer.addWidget(self.scroll_area, 1)
        outer.addWidget(self.page_problem)

    # --- subclass hooks -------------------------------------------------------------------

    def load(self, draft: MutableMapping[str, Any]) -> None:
        """Fill the widgets from the draft."""

    def store(self, draft: MutableMapping[str, Any]) -> None:
        """Write the widgets' values into the draft."""

    def report_applied(self, report: "Report") -> None:
        """Called after problems were routed; pages update derived widgets here (hints etc.)."""

    # --- edits ------------------------------------------------------------------------------

    @Slot()
    def notify_edited(self, *_args: object) -> None:
        """Connect edit signals here. Ignored while `load` fills the widgets."""
        if self._loading:
            return
        self.pristine = False
        self.edited.emit()

    def watch(self, *signals: Any) -> None:
        for signal in signals:
            signal.connect(self.notify_edited)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Widget changes made inside are fills, not user edits: no edit signal, page stays pristine."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    def load_from(self, draft: MutableMapping[str, Any]) -> None:
        """`load` with edit notifications suppressed (the wizard calls this)."""
        with self.loading():
            self.load(draft)

    # --- problems ---------------------------------------------------------------------------

    def bind_field(self, path: str, label: ProblemLabel) -> None:
        """Show the first error (else warning) under `path` in `label`."""

        def sink(errors: Sequence[Problem], warnings: Sequence[Problem]) -> Sequence[Problem]:
            # In the words of the wizard's controls, not the file's field names (ui/control_words.py).
            first_error = reword(errors[0].message) if errors else None
            first_warning = reword(warnings[0].message) if warnings else None
            if first_error and self.pristine:
                label.show_pending(first_error)
            else:
                label.show_problem(first_error, first_warning)
            return ()

        self._sinks[path] = sink

    def bind_custom(self, path: str, sink: ProblemSink) -> None:
        self._sinks[path] = sink

    def bind_editor(self, path: str, editor: Any, label: ProblemLabel) -> None:
        """For a ListEditor or KeyValueEditor: each entry's problems under that entry, the first
        error about the whole list or map in `label` (the row's own problem label)."""

        def sink(errors: Sequence[Problem], warnings: Sequence[Problem]) -> Sequence[Problem]:
            whole = editor.show_problems(path, errors, warnings)
            label.show_problem(reword(whole[0].message) if whole else None)
            return ()

        self._sinks[path] = sink

    def apply_report(self, report: "Report") -> None:
        """Route the report's problems to the bound fields, then re-evaluate `isComplete`."""
        self._report = report
        claimed: set[int] = set()
        unplaced: list[Problem] = []
        # Longest path first, so "registration.provider_config.inbound_digest_auth" wins over
        # a sink bound to "registration.provider_config".
        for path in sorted(self._sinks, key=len, reverse=True):
            errors = [p for p in problems_under(report.errors, path) if id(p) not in claimed]
            warnings = [p for p in problems_under(report.warnings, path) if id(p) not in claimed]
            claimed.update(id(p) for p in errors + warnings)
            unplaced.extend(self._sinks[path](errors, warnings))
        for prefix in self.owned_fields:
            unplaced.extend(p for p in problems_under(report.errors, prefix) if id(p) not in claimed)
        if unplaced:
            first = unplaced[0]
            self.page_problem.show_error(f"{control_name(first.field) or first.field}: {reword(first.message)}")
        else:
            self.page_problem.clear_problem()
        self.report_applied(report)
        self.emit_if_complete_changed()

    def emit_if_complete_changed(self) -> None:
        """Emit completeChanged only when isComplete() differs from what QWizard last heard.

        Every emit makes QWizard refresh its buttons and apply_report runs for every page on
        every keystroke (benchmarks/run.py, typing). Comparing with the last *emitted* value,
        not with the value before this report, keeps pages whose isComplete() also reads
        widgets (the LiveKit page's secret) correct."""
        now = self.isComplete()
        if now != self._known_complete:
            self._known_complete = now
            self.completeChanged.emit()

    def wizard_draft(self) -> MutableMapping[str, Any] | None:
        """The wizard's draft; None outside a wizard or before its start-up has finished."""
        return getattr(self.wizard(), "draft", None)

    def own_errors(self) -> list["Problem"]:
        """Errors under this page's owned fields in the last report."""
        if self._report is None:
            return []
        return [p for prefix in self.owned_fields for p in problems_under(self._report.errors, prefix)]

    # --- busy state (a check running off the GUI thread) ------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.emit_if_complete_changed()

    # --- QWizardPage ----------------------------------------------------------------------

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self._report is not None and not self._busy and not self.own_errors()

    def nextId(self) -> int:  # noqa: N802 - Qt override
        following = next_page(self.page_id, self.wizard_draft() or {})
        return -1 if following is None else int(following)

    def release_message_space(self) -> None:
        """A new visit: every message starts from its one reserved line again (the tallest
        message's height is kept only while the user stays on the page: problem_label.py)."""
        for label in self.findChildren(ProblemLabel):
            label.release_space()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        # Nothing is kept before a page's first visit; skipping the walk keeps page 1's first
        # paint free of findChildren's one-time type set-up (benchmarks/RESULTS.md, start-up).
        if self._visited:
            self.release_message_space()
        self._visited = True
        draft = self.wizard_draft()
        if draft is not None:
            self.load_from(draft)
        if self._report is not None:
            self.apply_report(self._report)

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        # QWizard's default resets registered fields on Back; we keep the draft as it is.
        self.release_message_space()

    def set_sandbox_mode(self, active: bool) -> None:
        self.sandbox_banner.setVisible(active)

    def set_notices(self, notices: Sequence[str]) -> None:
        if notices:
            self.notice_label.show_warning("\n".join(notices))
        else:
            self.notice_label.clear_problem()
