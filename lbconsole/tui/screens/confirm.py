"""Confirmation before anything writes to GitHub: lists the PRs affected, default No."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

MAX_LISTED = 200


class ConfirmScreen(ModalScreen[bool]):
    """Yes/No modal; No is focused, Escape and `n` answer No."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", "No", id="confirm.no"),
        Binding("n", "no", "No", show=False, id="confirm.n"),
        Binding("y", "yes", "Yes", show=False, id="confirm.yes"),
    ]

    def __init__(self, title: str, question: str, items: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            # the question and the items carry plan reasons and PR text: never markup
            yield Label(f"{self.title_text}  [y/N]", id="confirm-title", markup=False)
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):  # before the list: always on screen, even at 80×24
                yield Button("No (n)", id="confirm-no", variant="primary")
                yield Button("Yes, go (y)", id="confirm-yes", variant="error")
            shown = self.items[:MAX_LISTED]
            more = len(self.items) - len(shown)
            text = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
            with VerticalScroll(id="confirm-items"):
                yield Static(text or "(no pull request)", markup=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)
