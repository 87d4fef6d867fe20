"""The detail pane of the selected PR: why it is in its category, why it is (not) ready,
and what the selected mode does with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.widgets import Static

from lbconsole.core.analysis import Analysis
from lbconsole.core.plan import Plan
from lbconsole.tui.render import category_summary, detail_lines
from lbconsole.tui.widgets.tones import styled_lines, tone_styles


class DetailPane(Static):
    """Shows `render.detail_lines` of one analysis."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    """

    def show(
        self,
        analysis: Analysis | None,
        plan: Plan | None,
        now: datetime,
        category: tuple[str, Sequence[Analysis]] | None = None,
    ) -> None:
        """Show `analysis`, or a category's summary, or a hint when nothing is selected."""
        styles = tone_styles(self.app)
        if analysis is None:
            if category is not None:
                self.update(styled_lines(category_summary(*category), styles))
            else:
                self.update(styled_lines([("no pull request selected", "muted")], styles))
            return
        self.update(styled_lines(detail_lines(analysis, plan, now), styles))
