"""The registrations page's table models: one row per number, and the objects listed apart.

Built for a project with thousands of objects: the display texts of every row are made where the
inventory is read (the worker thread, domain/inventory_words.table_row), so `set_rows` on the GUI
thread only swaps a list, and the view asks `data()` for the rows on screen. Sorting and filtering
happen on that list in Python (one key function per sort), not through a QSortFilterProxyModel,
which would call `data()` from C++ for every comparison.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from phonewizard.ui.widgets.tones import tone_color

if TYPE_CHECKING:  # livekit-protocol: not loaded while the wizard starts (the page is built then)
    from phonewizard.domain.inventory import InventoryEntry

Index = QModelIndex | QPersistentModelIndex
# The texts of a row, in this order, come from domain/inventory_words.table_row.
TABLE_COLUMNS = ("Number", "Carrier", "Agent", "Inbound", "Outbound", "State")
STATE_COLUMN = TABLE_COLUMNS.index("State")
# What a state looks like besides its word (never colour alone: the word is always there).
# Tones (ui/widgets/tones.py), so the table stays readable on a dark palette too.
STATE_TONES = {"incomplete": "warning", "not made by phonewizard": "error", "partly made by phonewizard": "error"}


class RegistrationsModel(QAbstractTableModel):
    """Rows of (texts, entry). `entry_at(row)` gives the InventoryEntry behind a visible row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[tuple[tuple[str, ...], InventoryEntry]] = []
        self._shown: list[tuple[tuple[str, ...], InventoryEntry]] = []
        self._filter = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- filling --------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[tuple[tuple[str, ...], InventoryEntry]]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._shown = self._visible()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        """Show only rows with `text` in any column (case-insensitive)."""
        self.beginResetModel()
        self._filter = text.strip().lower()
        self._shown = self._visible()
        self.endResetModel()

    def _visible(self) -> list[tuple[tuple[str, ...], InventoryEntry]]:
        rows = self._all
        if self._filter:
            rows = [r for r in rows if any(self._filter in cell.lower() for cell in r[0])]
        if self._sort is not None:
            column, order = self._sort
            rows = sorted(rows, key=lambda r: r[0][column].lower(), reverse=order == Qt.SortOrder.DescendingOrder)
        return list(rows)

    def entry_at(self, row: int) -> InventoryEntry | None:
        return self._shown[row][1] if 0 <= row < len(self._shown) else None

    def row_of(self, phone_number: str) -> int:
        return next((i for i, (_, e) in enumerate(self._shown) if e.phone_number == phone_number), -1)

    @property
    def total(self) -> int:
        return len(self._all)

    # --- QAbstractTableModel --------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(TABLE_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        texts, entry = self._shown[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return texts[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(entry.problems) or None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATE_COLUMN:
            tone = STATE_TONES.get(texts[STATE_COLUMN])
            return QColor(tone_color(tone)) if tone else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return TABLE_COLUMNS[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._shown = self._visible()
        self.layoutChanged.emit()


APART_COLUMNS = ("Object", "ID", "Name", "Made by", "Why it matters")


class ApartModel(QAbstractTableModel):
    """The objects that serve no single number (few), each with why it changes where calls go."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: Sequence[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(APART_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        text = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return APART_COLUMNS[section]
        return None
