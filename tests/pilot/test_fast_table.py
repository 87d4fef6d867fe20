"""`FastRowsTable`: rows replaced in one pass, rendered cells kept per cell object."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from lbconsole.tui.widgets.fast_table import FastRowsTable


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield FastRowsTable[Text](cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(FastRowsTable)
        table.add_column("N", key="n", width=6)
        table.add_column("Title", key="title", width=20)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key.value)


def rows(*numbers: int, title: str = "pr") -> list[tuple[str, list[Text]]]:
    return [(f"pr:{n}", [Text(str(n)), Text(f"{title} {n}")]) for n in numbers]


def shown(table: FastRowsTable[Text]) -> list[tuple[str | None, str]]:
    return [(row.key.value, table.get_row(row.key)[1].plain) for row in table.ordered_rows]


def painted_row(table: FastRowsTable[Text], y: int) -> tuple[str, int | None]:
    """The text of the table's line `y` (under the header) and the row index its cells tell the mouse."""
    strip = table.render_line(y + 1)
    metas = [segment.style.meta.get("row") for segment in strip if segment.style and segment.style.meta]
    return strip.text, (metas[0] if metas else None)


async def test_replace_rows_shows_exactly_the_rows_given_in_their_order() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        table.replace_rows(rows(1, 2, 3, 4))
        await pilot.pause()
        kept = table._data[table._records["pr:3"].key]
        table.replace_rows([*rows(3, 1), ("pr:5", [Text("5"), Text("new 5")])])
        await pilot.pause()
        assert shown(table) == [("pr:3", "pr 3"), ("pr:1", "pr 1"), ("pr:5", "new 5")]
        assert table.row_count == 3
        assert table.get_row_index("pr:5") == 2
        assert "pr:2" not in [row.key.value for row in table.ordered_rows]
        assert table._data[table._records["pr:3"].key] is not kept  # new cell objects: a new record


async def test_a_row_keeps_its_record_when_its_cells_are_the_same_objects() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        given = rows(1, 2, 3)
        table.replace_rows(given)
        await pilot.pause()
        record = table._data[table._records["pr:2"].key]
        table.replace_rows(list(reversed(given)))
        await pilot.pause()
        assert table._data[table._records["pr:2"].key] is record
        assert shown(table) == [("pr:3", "pr 3"), ("pr:2", "pr 2"), ("pr:1", "pr 1")]


async def test_a_moved_row_paints_its_text_and_tells_the_mouse_its_new_place() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        given = rows(1, 2, 3)
        table.replace_rows(given)
        await pilot.pause()
        assert painted_row(table, 0)[0].startswith(" 1")
        table.replace_rows([given[2], given[0], given[1]])  # the same cell objects, in another order
        await pilot.pause()
        texts = [painted_row(table, y) for y in range(3)]
        assert [t.split()[:3] for t, _ in texts] == [["3", "pr", "3"], ["1", "pr", "1"], ["2", "pr", "2"]]
        assert [row for _, row in texts] == [0, 1, 2]  # a click on a line selects the row painted there


async def test_a_changed_cell_is_painted_again() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        table.replace_rows(rows(1, 2))
        await pilot.pause()
        assert "pr 2" in painted_row(table, 1)[0]
        table.update_cell("pr:2", "title", Text("renamed"))
        await pilot.pause()
        assert "renamed" in painted_row(table, 1)[0]
        table.replace_rows(rows(1, 2, title="retitled"))
        await pilot.pause()
        assert "retitled 2" in painted_row(table, 1)[0]


async def test_another_row_under_the_cursor_is_announced() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        table.replace_rows(rows(1, 2, 3))
        await pilot.pause()
        table.move_cursor(row=1)
        await pilot.pause()
        app.highlighted.clear()
        table.replace_rows(rows(1, 2, 3))  # new cells, the same row under the cursor
        await pilot.pause()
        assert app.highlighted == []
        table.replace_rows(rows(1, 3))  # #2 went: #3 is under the cursor now
        await pilot.pause()
        assert app.highlighted == ["pr:3"]
        table.replace_rows(rows(1))  # the cursor is clamped onto the last row
        await pilot.pause()
        assert table.cursor_row == 0
        assert app.highlighted[-1] == "pr:1"


async def test_an_updated_cell_is_not_undone_by_the_next_replace() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        given = rows(1, 2)
        table.replace_rows(given)
        table.update_cell("pr:2", "title", Text("renamed"))
        changed = ("pr:2", [given[1][1][0], Text("renamed")])
        table.replace_rows([changed, given[0]])  # the row's new cells, the other row as it was
        await pilot.pause()
        assert shown(table) == [("pr:2", "renamed"), ("pr:1", "pr 1")]
        table.clear(columns=False)
        table.replace_rows(given)  # after a clear every row is new again
        await pilot.pause()
        assert shown(table) == [("pr:1", "pr 1"), ("pr:2", "pr 2")]


async def test_rows_a_filter_hid_keep_their_records_and_another_set_of_the_same_size_is_shown() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FastRowsTable)
        given = rows(1, 2, 3, 4)
        table.replace_rows(given)
        hidden = table._data[table._records["pr:4"].key]
        table.replace_rows(given[:2])  # narrowed
        table.replace_rows(given[2:])  # as many rows, other ones: not taken for a reorder
        await pilot.pause()
        assert shown(table) == [("pr:3", "pr 3"), ("pr:4", "pr 4")]
        assert table._data[table._records["pr:4"].key] is hidden  # its record came back
        table.replace_rows(given)  # broadened again
        await pilot.pause()
        assert [row_id for row_id, _ in shown(table)] == ["pr:1", "pr:2", "pr:3", "pr:4"]
        assert table.row_count == 4
