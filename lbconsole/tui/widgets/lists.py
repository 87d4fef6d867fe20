"""The movement keys every list of the console shares (k9s and gh-dash habits).

`j`/`k` down and up, `g`/Home the first row, `G`/End the last: one
`ListTable` for the Queue, the Plan's tables, the Runs table and the help
screen, so a key works wherever the operator reaches for it.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

CellT = TypeVar("CellT")

LIST_BINDINGS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="list.down"),
    Binding("k", "cursor_up", "Up", show=False, id="list.up"),
    Binding("g,home", "scroll_top", "First", show=False, id="list.first"),
    Binding("G,end", "scroll_bottom", "Last", show=False, id="list.last"),
]


class ListTable(DataTable[CellT]):
    """A row-cursor DataTable with the console's movement keys."""

    BINDINGS: ClassVar[list[BindingType]] = LIST_BINDINGS

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)  # type: ignore[arg-type]
