"""The Cost tab: key 6 opens it, the history is read once in a worker, and every figure lists the runs behind it.

The source is the demo repository's Actions history as GitHub would list it:
the simulator's runs and jobs rendered in GitHub's JSON shapes, read back by
the gateway's translators (no socket needed for what this tab does with them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from textual.widgets import DataTable, Static, TabbedContent

from lbconsole.core.cost import RunRecord
from lbconsole.github.actions import job_info, run_info
from lbconsole.sim.actions.history import demo_history
from lbconsole.sim.actions.shapes import job_json, run_json
from lbconsole.sim.scenarios import build_demo
from lbconsole.tui.app import LbConsoleApp
from tests.pilot.conftest import SIZE, settle

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def history_records() -> list[RunRecord]:
    sim = build_demo(0)
    api = "http://127.0.0.1:1"
    history = demo_history(0, NOW)
    return [
        RunRecord(run_info(run_json(sim, api, run)), tuple(job_info(job_json(sim, api, run, j)) for j in run.jobs))
        for run in history.runs
    ]


RECORDS = history_records()


class Source:
    """A cost source that counts its calls."""

    def __init__(self, records: Sequence[RunRecord], fail: bool = False) -> None:
        self.records, self.fail, self.calls = records, fail, 0

    def __call__(self, gateway: Any, start: datetime, end: datetime) -> tuple[Sequence[RunRecord], int, int]:
        self.calls += 1
        if self.fail:
            raise RuntimeError("GitHub is down")
        return self.records, len(self.records) + 5, 0


async def test_key_6_opens_the_cost_tab_and_reads_the_history_once(make_app: Callable[..., LbConsoleApp]) -> None:
    source = Source(RECORDS)
    app = make_app(clock=lambda: NOW, cost_source=source)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert source.calls == 0  # nothing is read before the tab is shown
        await pilot.press("6")
        await settle(app, pilot)
        assert app.query_one(TabbedContent).active == "cost"
        assert source.calls == 1
        summary = str(app.query_one("#cost-summary", Static).render())
        assert "acme/rocket" in summary
        assert "orchestrator since" in summary
        assert "projected month" in summary
        figures = app.query_one("#cost-figures", DataTable)
        labels = [str(figures.get_row_at(i)[0]) for i in range(figures.row_count)]
        assert labels[:3] == ["total", "legacy bots", "orchestrator"]
        assert "before the orchestrator" in labels
        assert sum(label.startswith("workflow: ") for label in labels) == 15
        await pilot.press("1", "6")
        await settle(app, pilot)
        assert source.calls == 1  # shown again: not read again


async def test_each_figure_lists_the_runs_behind_it(make_app: Callable[..., LbConsoleApp]) -> None:
    app = make_app(clock=lambda: NOW, cost_source=Source(RECORDS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(app, pilot)
        pane = app.cost_pane
        figures = app.query_one("#cost-figures", DataTable)
        runs = app.query_one("#cost-run-list", DataTable)
        labels = [str(figures.get_row_at(i)[0]) for i in range(figures.row_count)]
        target = labels.index("waste: empty plans")
        figures.move_cursor(row=target)
        await pilot.pause()
        tally = pane.figures["waste: empty plans"]
        assert tally.runs > 0
        listed = [str(runs.get_row_at(i)[0]) for i in range(runs.row_count)]
        assert listed[: min(len(listed), 200)] == [str(r) for r in tally.run_ids[:200]]
        first = runs.get_row_at(0)
        assert str(first[2]) == "ΛBot orchestrator"
        assert str(first[5]).startswith("https://github.com/acme/rocket/actions/runs/")


async def test_a_failing_source_is_a_message_not_a_crash(make_app: Callable[..., LbConsoleApp]) -> None:
    app = make_app(clock=lambda: NOW, cost_source=Source((), fail=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(app, pilot)
        assert "could not read the history: GitHub is down" in str(app.query_one("#cost-summary", Static).render())
        assert app.is_running
