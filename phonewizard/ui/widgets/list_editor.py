"""An editable list of short strings with a message under each entry.

Entries are line edits (or any QLineEdit subclass from `entry_factory`, e.g. PhoneLineEdit).
Empty entries are not part of `values()`, so problem paths `<prefix>.<n>` are mapped back to the
n-th non-empty row; an optional `check` callable gives instant per-entry feedback before the
whole-config validation has run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from phonewizard.ui.widgets.problem_label import ProblemLabel

if TYPE_CHECKING:  # only the shape (.field, .message) is used at run time
    from phonewizard.domain.report import Problem


class _Entry:
    def __init__(self, edit: QLineEdit, remove: QToolButton, problem: ProblemLabel) -> None:
        self.edit = edit
        self.remove = remove
        self.problem = problem


class ListEditor(QWidget):
    """Rows of entries, each with a Remove button and an inline problem label, plus "Add".

    Signals:
        changed(): an entry was typed in, added or removed.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        add_text: str = "Add",
        placeholder: str = "",
        entry_factory: Callable[[], QLineEdit] = QLineEdit,
        value_of: Callable[[QLineEdit], str] = lambda edit: edit.text().strip(" "),
        show_value: Callable[[QLineEdit, str], None] = lambda edit, value: edit.setText(value),
        check: Callable[[str], str | None] | None = None,
        item_name: str = "entry",
    ) -> None:
        super().__init__(parent)
        self._entries: list[_Entry] = []
        self._placeholder = placeholder
        self._entry_factory = entry_factory
        self._value_of = value_of
        self._show_value = show_value
        self._check = check
        self._item_name = item_name
        self._rows = QGridLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setHorizontalSpacing(4)
        self._rows.setVerticalSpacing(2)
        self._rows.setColumnStretch(0, 1)
        self.add_button = QPushButton(add_text, self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.addWidget(self.add_button)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._rows)
        layout.addLayout(self.buttons)
        self.setFocusProxy(self.add_button)

    # --- values -------------------------------------------------------------------------

    def values(self) -> list[str]:
        """Non-empty entries in order (what a page stores)."""
        return [v for v in (self._value_of(e.edit) for e in self._entries) if v]

    def set_values(self, values: Sequence[str]) -> None:
        """Replace all entries without emitting `changed` (used by a page's `load`)."""
        self.blockSignals(True)
        try:
            while self._entries:
                self._remove(self._entries[-1])
            for value in values:
                self._show_value(self._append().edit, str(value))
        finally:
            self.blockSignals(False)
        self._run_checks()

    def add_values(self, values: Sequence[str]) -> int:
        """Append the values not already present; returns how many were added."""
        present = set(self.values())
        added = 0
        for value in values:
            if value not in present:
                self._show_value(self._append().edit, value)
                present.add(value)
                added += 1
        if added:
            self.changed.emit()
        return added

    def entry_edits(self) -> list[QLineEdit]:
        return [e.edit for e in self._entries]

    def entry_problems(self) -> list[ProblemLabel]:
        return [e.problem for e in self._entries]

    # --- problems -----------------------------------------------------------------------

    def show_problems(self, prefix: str, errors: Sequence[Problem], warnings: Sequence[Problem]) -> list[Problem]:
        """Put `<prefix>.<n>` problems under the n-th non-empty entry. Returns the problems that
        are about the list as a whole (path == prefix), for the page to show under the list."""
        by_row: dict[int, tuple[str | None, str | None]] = {}
        whole: list[Problem] = []
        filled = [e for e in self._entries if self._value_of(e.edit)]
        for kind, problems in (("error", errors), ("warning", warnings)):
            for problem in problems:
                rest = problem.field[len(prefix) + 1 :] if problem.field.startswith(prefix + ".") else ""
                index = rest.split(".")[0]
                if index.isdigit() and int(index) < len(filled):
                    err, warn = by_row.get(int(index), (None, None))
                    if kind == "error" and err is None:
                        err = problem.message
                    if kind == "warning" and warn is None:
                        warn = problem.message
                    by_row[int(index)] = (err, warn)
                elif kind == "error":
                    whole.append(problem)
        for n, entry in enumerate(filled):
            err, warn = by_row.get(n, (None, None))
            local = self._check(self._value_of(entry.edit)) if self._check else None
            entry.problem.show_problem(err or local, warn)
        for entry in self._entries:
            if not self._value_of(entry.edit):
                entry.problem.clear_problem()
        return whole

    def _run_checks(self) -> None:
        if self._check is None:
            return
        for entry in self._entries:
            value = self._value_of(entry.edit)
            message = self._check(value) if value else None
            if message:
                entry.problem.show_error(message)
            elif entry.problem.kind == "error":
                entry.problem.clear_problem()

    # --- rows ---------------------------------------------------------------------------

    def _append(self) -> _Entry:
        edit = self._entry_factory()
        edit.setPlaceholderText(self._placeholder)
        edit.setAccessibleName(f"{self._item_name} {len(self._entries) + 1}")
        remove = QToolButton(self)
        remove.setText("Remove")
        remove.setToolTip(f"Remove this {self._item_name}")
        problem = ProblemLabel(self, reserve=True)  # typing never moves the entries below
        entry = _Entry(edit, remove, problem)
        row = len(self._entries) * 2
        self._rows.addWidget(edit, row, 0)
        self._rows.addWidget(remove, row, 1)
        self._rows.addWidget(problem, row + 1, 0, 1, 2)
        self._entries.append(entry)
        # A widget added to an already visible parent is only shown by a queued event; show
        # it now so the row is there at once (and in an immediate grab()).
        edit.show()
        remove.show()
        problem.show()  # its reserved (empty) line, at once too
        edit.textChanged.connect(self._on_entry_changed)
        remove.clicked.connect(lambda _checked=False, e=entry: self._on_remove_clicked(e))
        # Tab order follows the visual order: entries, then "Add".
        QWidget.setTabOrder(edit, remove)
        QWidget.setTabOrder(remove, self.add_button)
        return entry

    def _remove(self, entry: _Entry) -> None:
        index = self._entries.index(entry)
        self._entries.pop(index)
        for widget in (entry.edit, entry.remove, entry.problem):
            self._rows.removeWidget(widget)
            widget.deleteLater()
        # Re-pack the remaining rows so no gap is left where the entry was (take them out first:
        # adding a widget the grid already holds would give it two cells).
        for e in self._entries:
            for widget in (e.edit, e.remove, e.problem):
                self._rows.removeWidget(widget)
        for n, e in enumerate(self._entries):
            self._rows.addWidget(e.edit, n * 2, 0)
            self._rows.addWidget(e.remove, n * 2, 1)
            self._rows.addWidget(e.problem, n * 2 + 1, 0, 1, 2)

    @Slot()
    def _on_add_clicked(self) -> None:
        entry = self._append()
        entry.edit.setFocus()
        self.changed.emit()

    def _on_remove_clicked(self, entry: _Entry) -> None:
        self._remove(entry)
        self.add_button.setFocus()
        self.changed.emit()

    @Slot()
    def _on_entry_changed(self) -> None:
        self._run_checks()
        self.changed.emit()
