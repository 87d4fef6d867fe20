"""The Cost tab: what the repository's Actions runs billed, per day and per workflow, and the runs behind each figure.

The history is read once, when the tab is first shown, by a thread worker
(the source is handed in by whoever starts the console: it reads the
Actions runs list and each run's jobs, with a disk cache), priced by the
core's cost model, and shown as two charts (billed minutes per day and runs
per day, per workflow; textual-plotext), the totals, the split before and
after the orchestrator's first run, the projected month, and a table of
figures: highlighting one lists the runs behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from lbconsole.core.cost import CostReport, RunRecord, Tally, build_report, price, window
from lbconsole.core.cost_text import dollars
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import Settings
from lbconsole.core.times import iso_z

CostSource = Callable[[Gateway, datetime, datetime], tuple[Sequence[RunRecord], int, int]]
"""Reads the runs created in a window with their jobs: (records, API requests made, runs read from a cache)."""

DAYS = 21
"""The window the tab shows."""
SERIES = 5
"""Workflows charted on their own (the most expensive, and the orchestrator); the rest are summed."""
RUNS_LISTED = 200


class CostPane(Vertical):
    """Charts, totals and the figures of the Actions cost, with the runs behind the highlighted figure."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "reload", "Reload cost", id="cost.reload"),
    ]

    class Loaded(Message):
        """The history was read and priced (None: `error` says why not)."""

        def __init__(
            self, report: CostReport | None, records: Sequence[RunRecord], requests: int, cached: int, error: str | None
        ) -> None:
            super().__init__()
            self.report, self.records, self.requests, self.cached, self.error = report, records, requests, cached, error

    def __init__(
        self,
        source: CostSource | None,
        gateway: Callable[[], Gateway],
        settings: Callable[[], Settings],
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        days: int = DAYS,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id)
        self.source = source
        self.gateway = gateway
        self.settings = settings
        self.clock = clock
        self.tz = tz
        self.days = days
        self.report: CostReport | None = None
        self.records: dict[int, RunRecord] = {}
        self.figures: dict[str, Tally] = {}
        self.loading = False

    def compose(self) -> ComposeResult:
        yield Static("Cost: shown when this tab is opened.", id="cost-summary")
        with Horizontal(id="cost-charts"):
            yield PlotextPlot(id="cost-minutes")
            yield PlotextPlot(id="cost-runs")
        with Horizontal(id="cost-tables"):
            yield DataTable(id="cost-figures", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="cost-run-list", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        figures = self.query_one("#cost-figures", DataTable)
        figures.add_columns("figure", "runs", "runner jobs", "minutes", "money")
        runs = self.query_one("#cost-run-list", DataTable)
        runs.add_columns("run", "created", "workflow", "event", "minutes", "url")

    # -- loading ----------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Read the history the first time the tab is shown."""
        if self.report is None and not self.loading:
            self.action_reload()

    def action_reload(self) -> None:
        """Read the window's history again (only new runs are fetched when the source caches)."""
        if self.source is None:
            self.query_one("#cost-summary", Static).update("Cost: no Actions history source.")
            return
        self.loading = True
        self.query_one("#cost-summary", Static).update(f"Cost: reading the Actions runs of the last {self.days} days…")
        self._load()

    @work(thread=True, exclusive=True, group="cost", exit_on_error=False)
    def _load(self) -> None:
        start, end = window(self.clock(), self.days)
        source = self.source
        assert source is not None
        try:
            records, requests, cached = source(self.gateway(), start, end)
            settings = self.settings()
            report = build_report(
                settings.github.repo,
                records,
                settings.cost,
                start=start,
                end=end,
                workflow_file=settings.github.workflow,
            )
        except Exception as exc:
            self.post_message(self.Loaded(None, (), 0, 0, str(exc)))
            return
        self.post_message(self.Loaded(report, records, requests, cached, None))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.loading = False
        if message.report is None:
            self.query_one("#cost-summary", Static).update(f"Cost: could not read the history: {message.error}")
            return
        self.show(message.report, message.records, requests=message.requests, cached=message.cached)

    # -- showing ----------------------------------------------------------------------

    def show(self, report: CostReport, records: Sequence[RunRecord], *, requests: int = 0, cached: int = 0) -> None:
        """Show `report` (the `records` it was computed from give each figure its runs)."""
        self.report = report
        self.records = {r.run.id: r for r in records}
        self.query_one("#cost-summary", Static).update(summary(report, requests, cached))
        self._chart(report)
        self.figures = figures(report)
        table = self.query_one("#cost-figures", DataTable)
        table.clear()
        for name, tally in self.figures.items():
            table.add_row(
                name,
                f"{tally.runs:,}",
                f"{tally.runner_jobs:,}",
                f"{tally.minutes:,}",
                dollars(report.money(tally)),
                key=name,
            )
        if self.figures:
            self._list(next(iter(self.figures)))

    def _chart(self, report: CostReport) -> None:
        days = [
            report.start.date() + timedelta(days=i) for i in range((report.end.date() - report.start.date()).days + 1)
        ]
        series = chart_series(report, days)
        ticks = list(range(0, len(days), max(1, len(days) // 7)))
        for widget_id, index, title in (
            ("#cost-minutes", 0, "billed minutes per day"),
            ("#cost-runs", 1, "runs per day"),
        ):
            plt = self.query_one(widget_id, PlotextPlot).plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(title)
            for name, values in series.items():
                plt.plot(list(range(len(days))), [v[index] for v in values], label=name[:22], marker="braille")
            plt.xticks([float(i) for i in ticks], [days[i].strftime("%m-%d") for i in ticks])
            if report.enabled_at is not None:
                plt.vline((report.enabled_at.date() - days[0]).days, "red")
            self.query_one(widget_id, PlotextPlot).refresh()

    @on(DataTable.RowHighlighted, "#cost-figures")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._list(str(event.row_key.value))

    def _list(self, figure: str) -> None:
        """List the runs behind `figure`, newest first."""
        tally = self.figures.get(figure)
        table = self.query_one("#cost-run-list", DataTable)
        table.clear()
        if tally is None or self.report is None:
            return
        rates = self.report.rates
        for run_id in tally.run_ids[:RUNS_LISTED]:
            record = self.records.get(run_id)
            if record is None:
                continue
            run = record.run
            minutes = sum(price(job, rates).minutes for job in record.jobs)
            created = run.created_at.astimezone(self.tz).strftime("%m-%d %H:%M") if run.created_at else ""
            table.add_row(str(run.id), created, run.name, run.event, str(minutes), run.html_url, key=str(run.id))
        if len(tally.run_ids) > RUNS_LISTED:
            table.add_row("…", "", f"{len(tally.run_ids) - RUNS_LISTED:,} more", "", "", "")


def figures(report: CostReport) -> dict[str, Tally]:
    """Every figure the tab shows, by its label, with the runs behind it."""
    rows: dict[str, Tally] = {
        "total": report.total,
        "legacy bots": report.legacy,
        "orchestrator": report.orchestrator,
    }
    if report.enabled_at is not None:
        rows["before the orchestrator"] = report.before
        rows["since the orchestrator"] = report.after
    rows["waste: empty plans"] = report.waste.empty_runs
    rows["waste: jobs < 10 s"] = Tally(
        runs=len(report.waste.short_run_ids),
        runner_jobs=report.waste.short_jobs,
        minutes=report.waste.short_minutes,
        run_ids=list(report.waste.short_run_ids),
    )
    rows.update({f"workflow: {name}": tally for name, tally in report.by_workflow.items()})
    rows.update({f"event: {name}": tally for name, tally in report.by_event.items()})
    return rows


def chart_series(report: CostReport, days: Sequence[date]) -> dict[str, list[tuple[int, int]]]:
    """(billed minutes, runs) per day of the most expensive workflows (the orchestrator always), the rest summed."""
    names = list(report.by_workflow)
    orchestrator = [report.orchestrator_name] if report.orchestrator_name in report.by_workflow else []
    chosen = list(dict.fromkeys([*orchestrator, *names]))[:SERIES]
    series: dict[str, list[tuple[int, int]]] = {}
    for name in chosen:
        per_day = report.by_day.get(name, {})
        series[name] = [(per_day[d].minutes, per_day[d].runs) if d in per_day else (0, 0) for d in days]
    rest = [name for name in names if name not in chosen]
    if rest:
        series["other workflows"] = [
            (
                sum(report.by_day[n][d].minutes for n in rest if d in report.by_day.get(n, {})),
                sum(report.by_day[n][d].runs for n in rest if d in report.by_day.get(n, {})),
            )
            for d in days
        ]
    return series


def summary(report: CostReport, requests: int, cached: int) -> str:
    """The lines above the charts: window, totals, before/after, projected month, waste, requests."""
    total, projection = report.total, report.projection
    lines = [
        f"{report.repo}: {iso_z(report.start)} .. {iso_z(report.end)}   total {total.runs:,} runs, "
        f"{total.minutes:,} billed minutes, {dollars(report.money(total))}   "
        f"projected month {projection.minutes:,} min, {dollars(projection.money)}",
    ]
    if report.enabled_at is not None and report.days_before > 0 and report.days_after > 0:
        before = report.before.per_day(report.days_before)
        after = report.after.per_day(report.days_after)
        ratio = f", {before / after:,.1f}x less" if after else ""
        lines.append(
            f"orchestrator since {iso_z(report.enabled_at)}: {before:,.0f} -> {after:,.0f} billed min/day{ratio}; "
            f"{report.before.runs / report.days_before:,.0f} -> {report.after.runs / report.days_after:,.0f} runs/day"
        )
    lines.append(
        f"waste: {report.waste.empty_runs.runs:,} empty-plan runs ({report.waste.empty_runs.minutes:,} min), "
        f"{report.waste.short_jobs:,} jobs < 10 s billed a minute each   "
        f"each job rounded up to the minute; {requests:,} API requests, {cached:,} runs from the cache"
    )
    return "\n".join(lines)
