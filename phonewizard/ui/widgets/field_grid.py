"""A two-column form: label on the left, editor on the right, hint and inline problem under it.

Rows register the dotted field path they edit, so a page can route each `Problem` from
`check_config` to the message label of the field the user must change. `clear_grid` empties a
grid that a page fills again each time it is shown (the result page's rows).
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QGridLayout, QLabel, QWidget

from phonewizard.ui.widgets.enum_props import set_enum_property  # not Qt.*: see there
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label


LABEL_COLUMN_WIDTH = 160


class FieldRow:
    """One row of a FieldGrid: the widgets a page may need to reach again.

    A plain class, not a dataclass: importing dataclasses costs ~2.5 ms before the wizard's
    first page paints (benchmarks/RESULTS.md)."""

    __slots__ = ("path", "label", "editor", "hint", "problem")

    def __init__(
        self, path: str, label: QLabel, editor: QWidget, hint: QLabel | None, problem: ProblemLabel
    ) -> None:
        self.path = path
        self.label = label
        self.editor = editor
        self.hint = hint
        self.problem = problem

    def __repr__(self) -> str:
        return f"FieldRow({self.path!r})"


class FieldGrid(QGridLayout):
    """QGridLayout with `add_field(...)`; column 1 stretches, labels align with the editor top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnStretch(1, 1)
        # The same label column width on every page, so fields line up as the user pages on.
        self.setColumnMinimumWidth(0, LABEL_COLUMN_WIDTH)
        self.setHorizontalSpacing(12)
        self.setVerticalSpacing(4)
        self.rows: dict[str, FieldRow] = {}

    def add_field(
        self,
        path: str,
        text: str,
        editor: QWidget,
        *,
        hint: str | None = None,
        tooltip: str | None = None,
        reserve: bool | None = None,
    ) -> FieldRow:
        """Add a labelled editor for `path`. `text` carries an `&` mnemonic; the label's buddy is
        the editor, so Alt+letter focuses it. `reserve`: keep a line for the field's message even
        when there is none, so messages coming and going while the user types never move the rows
        below; by default for every editor but a lone check box (nothing is typed there)."""
        row = self.rowCount()
        label = QLabel(text)
        label.setBuddy(editor)
        set_enum_property(label, "alignment", "AlignRight|AlignTop")
        # Line up the label's text with the editor's text, not the editor's frame.
        label.setContentsMargins(0, 4, 0, 0)
        self.addWidget(label, row, 0)
        self.addWidget(editor, row, 1)
        if tooltip:
            label.setToolTip(tooltip)
            editor.setToolTip(tooltip)
        editor.setAccessibleName(text.replace("&", ""))
        hint_widget = None
        if hint:
            hint_widget = hint_label(hint)
            self.addWidget(hint_widget, row + 1, 1)
        if reserve is None:
            reserve = not isinstance(editor, QAbstractButton)
        problem = ProblemLabel(reserve=reserve)
        self.addWidget(problem, self.rowCount(), 1)
        field_row = FieldRow(path, label, editor, hint_widget, problem)
        self.rows[path] = field_row
        return field_row

    def add_spacer_row(self, height: int = 10) -> None:
        self.setRowMinimumHeight(self.rowCount(), height)


def clear_grid(grid: QGridLayout) -> None:
    """Remove every item of `grid`, its widgets deleted (later, by Qt's event loop)."""
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
