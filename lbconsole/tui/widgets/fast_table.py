"""A DataTable that renders each cell text once, and takes thousands of rows in one step.

Textual's DataTable keys its cell cache on a counter that every change bumps,
so after a filter keystroke, a sort or a refresh it renders every visible cell
again through Rich (most of a repaint's time at 5,000 PRs), although the cell
texts are the same objects as before. `FastRowsTable` keeps each rendered cell
for as long as its text object, width and look stay the same, and only moves
the row and column a rendered cell reports to the mouse when the row moved.

`replace_rows` shows a new set or order of one-line rows in one pass, keeping
the records of rows that stay: DataTable's `remove_row` rebuilds the row map
on every call, and `add_row` sets the cursor (a reactive, with its watchers)
and asks for an idle pass for each row. Both reach into DataTable's row map,
which Textual 8 keeps the same way (the dependency is pinned below 9); the
console's tests exercise both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual._two_way_dict import TwoWayDict
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, Row, RowKey

CellT = TypeVar("CellT")

CELL_CACHE_SIZE = 20_000
"""Rendered cells kept (a screen holds a few hundred); past it the cache starts over."""

_Lines = list[list[Segment]]


@dataclass(slots=True)
class _Record(Generic[CellT]):
    """One row as `replace_rows` keeps it: its key, the cells it was given, DataTable's records of it."""

    key: RowKey
    cells: Sequence[CellT]
    data: dict[ColumnKey, CellT]
    row: Row
    shown: int = 0
    """The last `replace_rows` call that showed it."""


class FastRowsTable(DataTable[CellT]):
    """DataTable with rendered cells kept per cell object, and rows appended in bulk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rendered: dict[tuple[Any, ...], tuple[object, _Lines, int]] = {}
        self._records: dict[str, _Record[CellT]] = {}
        """What `replace_rows` was given for each row, by row id: shown now, or lately (a filter narrowed)."""
        self._generation = 0
        self._shown_generation = 0
        """The `replace_rows` call whose rows are shown."""
        self._most_shown = 0
        """The most rows shown at once lately: records are kept for about twice as many."""

    def replace_rows(self, rows: Iterable[tuple[str, Sequence[CellT]]]) -> None:
        """Show exactly `rows` (key, one-line cells in column order), in this order, in one pass.

        A row given the same cells object as before keeps its record (pass a
        new sequence when a row's cells change), also when a filter hid it in
        between; the row map is built once
        (as `DataTable.sort` does), never row by row. The cursor stays where it
        is (a Row/CellHighlighted when another row is under it now) and the
        scroll position is left for the caller to set.
        """
        columns = [column.key for column in self.ordered_columns]
        records = self._records
        self._generation += 1
        generation, previous = self._generation, self._shown_generation
        shown: list[_Record[CellT]] = []
        still_shown = 0  # rows of this call that the last one showed, with the same cells
        for row_id, cells in rows:
            record = records.get(row_id)
            if record is None or record.cells is not cells:
                key = record.key if record is not None else RowKey(row_id)
                data = dict(zip(columns, cells, strict=True))
                record = records[row_id] = _Record(key, cells, data, record.row if record else Row(key, 1))
            elif record.shown == previous:
                still_shown += 1
            if record.shown == generation:
                raise ValueError(f"the row key {row_id!r} is given twice")
            record.shown = generation
            shown.append(record)
        under_cursor = self._row_locations.get_key(self.cursor_row)
        had_rows = bool(self._data)
        if not (still_shown == len(shown) == len(self._data)):  # else the same rows in another order (a sort)
            self._data = {record.key: record.data for record in shown}
            self.rows = {record.key: record.row for record in shown}
        self._shown_generation = generation
        self._most_shown = max(self._most_shown, len(shown))
        if len(records) > 2 * self._most_shown + 1000:  # forget rows long gone (bounded memory)
            self._records = {record.key.value or "": record for record in shown}
            self._most_shown = len(shown)
        order = [record.key for record in shown]
        self._row_locations = TwoWayDict(dict(zip(order, range(len(order)), strict=True)))
        self._updated_cells.clear()
        self._update_count += 1
        # The scrollable size now, not at the next idle: a scroll position set next is kept
        # within it at once, so the first paint is the final one (no new row needs measuring).
        self._require_update_dimensions = False
        self._update_dimensions(())
        self.cursor_coordinate = self.cursor_coordinate  # clamp it, as add_row does
        visible_cursor = bool(self.columns) and self.show_cursor and self.cursor_type != "none"
        moved_under = not had_rows or self._row_locations.get_key(self.cursor_row) != under_cursor
        if order and visible_cursor and moved_under:
            self._highlight_cursor()  # another row is under the cursor now: say so, as a cursor move would
        self.refresh()
        self.check_idle()

    def clear(self, columns: bool = False) -> Self:
        self._records = {}
        return super().clear(columns)

    def update_cell(
        self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellT, *, update_width: bool = False
    ) -> None:
        super().update_cell(row_key, column_key, value, update_width=update_width)
        row_id = row_key.value if isinstance(row_key, RowKey) else row_key
        if row_id is not None:
            self._records.pop(row_id, None)  # its cells are not what `replace_rows` was given any more

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rendered.clear()

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> _Lines:
        if row_index < 0 or column_index < 0:  # the header and row labels: DataTable's own
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cell = self._data.get(row_key, {}).get(column_key) if row_key is not None and column_key is not None else None
        key = (
            row_key,
            column_key,
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self.show_cursor,
            self.cell_padding,
            self._pseudo_class_state,
            self.app.theme,  # the cursor's and hover's colours come from it
        )
        kept = self._rendered.get(key)
        if kept is not None and kept[0] is cell:
            _, lines, rendered_at = kept
            if rendered_at != row_index:  # the row moved: the mouse must be told its new place
                meta = Style.from_meta({"row": row_index, "column": column_index})
                lines = [[_moved(segment, meta) for segment in line] for line in lines]
                self._rendered[key] = (cell, lines, row_index)
            return lines
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if len(self._rendered) >= CELL_CACHE_SIZE:
            self._rendered.clear()
        self._rendered[key] = (cell, lines, row_index)
        return lines


def _moved(segment: Segment, meta: Style) -> Segment:
    """`segment` telling the mouse the row and column in `meta`."""
    return Segment(segment.text, segment.style + meta if segment.style else meta, segment.control)
