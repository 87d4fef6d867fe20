"""The detail pane of the selected PR: why it is in its category, why it is (not) ready,
and what the selected mode does with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from textual.widgets import Static

from lbconsole.core.analysis import Analysis
from lbconsole.core.plan import Plan
from lbconsole.tui.render import Cell, category_summary, detail_lines
from lbconsole.tui.widgets.tones import styled_lines, tone_styles


class DetailPane(Static):
    """Shows `render.detail_lines` of one analysis."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lines: list[Cell] | None = None
        """What is shown, with its tones: styled again when the theme changes."""

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._restyle, init=False)

    def _restyle(self) -> None:
        if self._lines is not None:
            self.update(styled_lines(self._lines, tone_styles(self.app)))

    def _put(self, lines: Sequence[Cell]) -> None:
        self._lines = list(lines)
        self._restyle()

    def show(
        self,
        analysis: Analysis | None,
        plan: Plan | None,
        now: datetime,
        category: tuple[str, Sequence[Analysis]] | None = None,
    ) -> None:
        """Show `analysis`, or a category's summary, or a hint when nothing is selected."""
        if analysis is None:
            if category is not None:
                self._put(category_summary(*category))
            else:
                self._put([("no pull request selected", "muted")])
            return
        self._put(detail_lines(analysis, plan, now))
