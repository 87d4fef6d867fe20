"""The help screen: every key binding, with its id (for `ui.keymap`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from lbconsole.tui.widgets.lists import ListTable


class HelpScreen(ModalScreen[None]):
    """Lists (context, keys, action, id) rows; Escape, `q` or `?` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", show=False, id="help.close2"),
        Binding("q", "close", "Close", show=False, id="help.close3"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str, str, str]]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label("lbconsole — key bindings, then the legend of columns and states", id="help-title")
            table: ListTable[str] = ListTable(id="help-table")
            yield table
            yield Static(
                'Remap any binding in the config: [ui.keymap] "plan.run" = "R"  ·  ctrl+p: command palette'
                "  ·  Esc closes",
                id="help-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Where", "Keys", "Action", "Id")
        for row in self.rows:
            table.add_row(*row)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
