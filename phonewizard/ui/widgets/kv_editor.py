"""An editable table of key/value pairs (custom SIP headers, header-to-attribute maps, metadata).

Each pair is a row of two line edits with Remove and an inline problem label. Problems under
`<prefix>.<key>` go to the row with that key; `<prefix>` problems are returned to the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

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


class _Pair:
    def __init__(self, key: QLineEdit, value: QLineEdit, remove: QToolButton, problem: ProblemLabel) -> None:
        self.key = key
        self.value = value
        self.remove = remove
        self.problem = problem

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.key, self.value, self.remove, self.problem)


class KeyValueEditor(QWidget):
    """Rows of (key, value). `values()` is a dict of the rows whose key is not empty; a repeated
    key is reported on the later row instead of silently overwriting the earlier one.

    Signals:
        changed(): a key or value was typed in, a row added or removed.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        key_placeholder: str = "Name",
        value_placeholder: str = "Value",
        add_text: str = "Add",
        item_name: str = "entry",
    ) -> None:
        super().__init__(parent)
        self._pairs: list[_Pair] = []
        self._key_placeholder = key_placeholder
        self._value_placeholder = value_placeholder
        self._item_name = item_name
        self._rows = QGridLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setHorizontalSpacing(4)
        self._rows.setVerticalSpacing(2)
        self._rows.setColumnStretch(0, 2)
        self._rows.setColumnStretch(1, 3)
        self.add_button = QPushButton(add_text, self)
        self.add_button.clicked.connect(self._on_add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._rows)
        layout.addLayout(buttons)
        self.setFocusProxy(self.add_button)

    def values(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for pair in self._pairs:
            key = pair.key.text().strip(" ")
            if key and key not in result:
                result[key] = pair.value.text().strip(" ")
        return result

    def set_values(self, values: Mapping[str, object]) -> None:
        """Replace all rows without emitting `changed` (used by a page's `load`)."""
        self.blockSignals(True)
        try:
            while self._pairs:
                self._remove(self._pairs[-1])
            for key, value in values.items():
                pair = self._append()
                pair.key.setText(str(key))
                pair.value.setText(value if isinstance(value, str) else str(value))
        finally:
            self.blockSignals(False)

    def pairs(self) -> list[tuple[QLineEdit, QLineEdit]]:
        return [(p.key, p.value) for p in self._pairs]

    def row_problems(self) -> list[ProblemLabel]:
        return [p.problem for p in self._pairs]

    def show_problems(self, prefix: str, errors: Sequence[Problem], warnings: Sequence[Problem]) -> list[Problem]:
        """Route `<prefix>.<key>` problems to the row of that key; return whole-map errors."""
        seen: set[str] = set()
        whole: list[Problem] = []
        row_of: dict[str, _Pair] = {}
        for pair in self._pairs:
            key = pair.key.text().strip(" ")
            if key and key not in row_of:
                row_of[key] = pair
        for pair in self._pairs:
            key = pair.key.text().strip(" ")
            if key in seen:
                pair.problem.show_error(f"'{key}' is already listed above; each name may appear once")
                continue
            seen.add(key)
            err = _first(errors, f"{prefix}.{key}") if key else None
            warn = _first(warnings, f"{prefix}.{key}") if key else None
            if not key and pair.value.text().strip(" "):
                err = "enter a name for this value, or remove the row"
            pair.problem.show_problem(err, warn)
        for problem in errors:
            rest = problem.field[len(prefix) + 1 :] if problem.field.startswith(prefix + ".") else None
            if rest is None or not any(rest == k or rest.startswith(k + ".") for k in row_of):
                whole.append(problem)
        return whole

    def _append(self) -> _Pair:
        key = QLineEdit(self)
        key.setPlaceholderText(self._key_placeholder)
        key.setAccessibleName(f"{self._item_name} {len(self._pairs) + 1} name")
        value = QLineEdit(self)
        value.setPlaceholderText(self._value_placeholder)
        value.setAccessibleName(f"{self._item_name} {len(self._pairs) + 1} value")
        remove = QToolButton(self)
        remove.setText("Remove")
        remove.setToolTip(f"Remove this {self._item_name}")
        pair = _Pair(key, value, remove, ProblemLabel(self, reserve=True))
        self._pairs.append(pair)
        self._place(pair, len(self._pairs) - 1)
        for widget in (key, value, remove, pair.problem):
            widget.show()  # see ListEditor._append: do not wait for the queued show
        key.textChanged.connect(self._on_text_changed)
        value.textChanged.connect(self._on_text_changed)
        remove.clicked.connect(lambda _checked=False, p=pair: self._on_remove_clicked(p))
        QWidget.setTabOrder(key, value)
        QWidget.setTabOrder(value, remove)
        QWidget.setTabOrder(remove, self.add_button)
        return pair

    def _place(self, pair: _Pair, n: int) -> None:
        self._rows.addWidget(pair.key, n * 2, 0)
        self._rows.addWidget(pair.value, n * 2, 1)
        self._rows.addWidget(pair.remove, n * 2, 2)
        self._rows.addWidget(pair.problem, n * 2 + 1, 0, 1, 3)

    def _remove(self, pair: _Pair) -> None:
        self._pairs.remove(pair)
        for widget in pair.widgets():
            self._rows.removeWidget(widget)
            widget.deleteLater()
        for other in self._pairs:
            for widget in other.widgets():
                self._rows.removeWidget(widget)
        for n, other in enumerate(self._pairs):
            self._place(other, n)

    @Slot()
    def _on_add_clicked(self) -> None:
        self._append().key.setFocus()
        self.changed.emit()

    def _on_remove_clicked(self, pair: _Pair) -> None:
        self._remove(pair)
        self.add_button.setFocus()
        self.changed.emit()

    @Slot()
    def _on_text_changed(self) -> None:
        self.changed.emit()


def _first(problems: Sequence[Problem], path: str) -> str | None:
    for problem in problems:
        if problem.field == path or problem.field.startswith(path + "."):
            return problem.message
    return None
