"""What GitHub Actions bills: minutes and money per workflow, per trigger, per day, from runs and their jobs.

GitHub's billing is per job: a job's minutes are its runtime rounded up to
the whole minute, priced by the runner it ran on. A job skipped by a
job-level `if:` never reaches a runner and bills nothing. The runs list and
each run's jobs (`started_at`, `completed_at`, `labels`) are the dependable
source (the per-run timing endpoints are closing down), so this module works
from exactly those: pure functions of `RunRecord`s, the settings' rates and
the window, with no clock of its own.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from lbconsole.core.orchestrator import WORKFLOW_FILE
from lbconsole.core.ports import JobInfo, RunInfo
from lbconsole.core.settings import CostSettings

ROUNDING_RULE = "each job's runtime is rounded up to the whole minute; a job that never reached a runner bills 0"
"""The rule, as every report states it."""
SHORT_JOB_S = 10.0
"""A job shorter than this still bills a whole minute: the waste the report shows."""
MONTH_DAYS = 30
"""The projected month's length."""
RUN_STEP = "Run the plan"
"""The orchestrator job's step that is skipped when the plan is empty."""
FAMILIES = (("ubuntu", "linux"), ("linux", "linux"), ("windows", "windows"), ("macos", "macos"))
"""Label prefix -> the rate that prices a label not in the table (`ubuntu-24.04` -> `linux`)."""
FREE_LABELS = ("self-hosted",)
"""Labels of runners GitHub does not bill."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One workflow run and its jobs: what the report is computed from."""

    run: RunInfo
    jobs: tuple[JobInfo, ...] = ()
    estimated: bool = False
    """Its jobs were not read (the request budget ran out): it is priced like its workflow's median run."""

    @property
    def completed(self) -> bool:
        """Whether the run is finished (its jobs' minutes are final)."""
        return self.run.status == "completed"


@dataclass(frozen=True, slots=True)
class Price:
    """How one job was priced."""

    minutes: int
    """Billed minutes (rounded up; 0 when the job never reached a runner)."""
    rate: float
    """Dollars per minute of its runner."""
    label: str
    """The rate table's key that priced it (e.g. `ubuntu-slim`, `linux`, `self-hosted`)."""
    seconds: float
    """Its real runtime."""

    @property
    def money(self) -> float:
        """Dollars (before the public-repository and included-minutes rules)."""
        return self.minutes * self.rate


def job_seconds(job: JobInfo) -> float:
    """A job's runtime in seconds (0 when it has no start or end)."""
    if job.started_at is None or job.completed_at is None:
        return 0.0
    return max(0.0, (job.completed_at - job.started_at).total_seconds())


def reached_runner(job: JobInfo) -> bool:
    """Whether the job ran on a runner (a job skipped by its `if:` did not; nor one cancelled before it started)."""
    if job.conclusion == "skipped" or job.started_at is None:
        return False
    return not (job.conclusion == "cancelled" and job_seconds(job) == 0)


def billed_minutes(job: JobInfo) -> int:
    """GitHub's billed minutes of one job: its runtime rounded up, at least 1 once it reached a runner."""
    if not reached_runner(job):
        return 0
    return max(1, math.ceil(job_seconds(job) / 60))


def rate_for(labels: Sequence[str], rates: dict[str, float]) -> tuple[float, str]:
    """The price per minute of a runner with `labels`, and the table key that gave it.

    Args:
        labels: the job's runner labels.
        rates: label -> dollars per minute (`CostSettings.rate_table`).

    Returns:
        (rate, key): an exact label first, then a label's family (`ubuntu-24.04` -> `linux`),
        `self-hosted` free, anything else priced as `linux`.
    """
    lowered = [label.lower() for label in labels]
    if any(label in FREE_LABELS for label in lowered):
        return 0.0, "self-hosted"
    for label in lowered:
        if label in rates:
            return rates[label], label
    for label in lowered:
        for prefix, family in FAMILIES:
            if label.startswith(prefix) and family in rates:
                return rates[family], family
    return rates.get("linux", 0.0), "linux"


def price(job: JobInfo, rates: dict[str, float]) -> Price:
    """How GitHub bills `job` (see `billed_minutes` and `rate_for`)."""
    rate, key = rate_for(job.labels or ("ubuntu-latest",), rates)
    return Price(billed_minutes(job), rate, key, job_seconds(job))


def is_orchestrator(run: RunInfo, workflow_file: str = WORKFLOW_FILE) -> bool:
    """Whether `run` is a run of the orchestrator workflow (by its file name)."""
    return run.path.rsplit("/", 1)[-1] == workflow_file


def empty_plan(record: RunRecord) -> bool:
    """Whether an orchestrator run found nothing to do: its job ran, and the plan-running step was skipped."""
    for job in record.jobs:
        for step in job.steps:
            if step.name.startswith(RUN_STEP):
                return step.conclusion == "skipped" and reached_runner(job)
    return False


@dataclass(slots=True)
class Tally:
    """Runs, jobs, billed minutes and dollars of a set of runs."""

    runs: int = 0
    jobs: int = 0
    runner_jobs: int = 0
    """Jobs that reached a runner (the others were skipped by their `if:` and billed nothing)."""
    minutes: int = 0
    seconds: float = 0.0
    """Real runtime of the jobs, for comparison with the billed minutes."""
    money: float = 0.0
    run_ids: list[int] = field(default_factory=list)
    """The runs behind the figures, newest first."""
    estimated: int = 0
    """Runs among them priced like their workflow's median run (their jobs were not read)."""

    def add(self, record: RunRecord, prices: Sequence[Price]) -> None:
        """Count one run with the prices of its jobs."""
        self.runs += 1
        self.estimated += record.estimated
        self.jobs += len(prices)
        self.runner_jobs += sum(1 for p in prices if p.minutes)
        self.minutes += sum(p.minutes for p in prices)
        self.seconds += sum(p.seconds for p in prices)
        self.money += sum(p.money for p in prices)
        self.run_ids.append(record.run.id)

    def per_day(self, days: float) -> float:
        """Billed minutes per day over `days`."""
        return self.minutes / days if days > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Waste:
    """Minutes billed for nothing."""

    empty_runs: Tally
    """Orchestrator runs whose plan was empty."""
    short_jobs: int
    """Jobs shorter than `SHORT_JOB_S` that still billed a whole minute."""
    short_minutes: int
    short_seconds: float
    """Their real runtime (the rest of their billed minutes is rounding)."""
    short_run_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Projection:
    """The month ahead at the current daily rate."""

    since: datetime
    """Start of the days the rate is taken from (the orchestrator's first run, or the window's start)."""
    days: float
    minutes_per_day: float
    minutes: int
    """Billed minutes in `MONTH_DAYS` days."""
    billable_minutes: int
    """After the included minutes."""
    money: float
    """Dollars (0 for a public repository)."""


@dataclass(frozen=True, slots=True)
class CostReport:
    """What the Actions runs of a window billed."""

    repo: str
    start: datetime
    end: datetime
    rates: dict[str, float]
    settings: CostSettings
    total: Tally
    by_workflow: dict[str, Tally]
    """Workflow name -> its tally, most expensive first."""
    by_event: dict[str, Tally]
    """Trigger event -> its tally, most expensive first."""
    by_day: dict[str, dict[date, Tally]]
    """Workflow name -> day -> its tally (the chart's data)."""
    legacy: Tally
    """Every workflow other than the orchestrator (the bots it replaces, and anything else)."""
    orchestrator: Tally
    enabled_at: datetime | None
    """The orchestrator's first run in the window (None: it did not run)."""
    before: Tally
    """Every run created before `enabled_at` (all runs when the orchestrator never ran)."""
    after: Tally
    waste: Waste
    projection: Projection
    in_progress: int = 0
    """Runs not finished yet (their minutes so far are counted)."""
    orchestrator_name: str | None = None
    """The orchestrator workflow's name as its runs carry it (None: it did not run)."""
    first_at: datetime | None = None
    """The window's first run (the history may begin after the window does)."""

    @property
    def days(self) -> float:
        """The window's length in days."""
        return max((self.end - self.start).total_seconds() / 86400, 1 / 1440)

    def money(self, tally: Tally) -> float:
        """A tally's dollars after the public-repository rule (standard runners free)."""
        return 0.0 if self.settings.public else tally.money

    @property
    def days_before(self) -> float:
        """Days before the orchestrator's first run, from the window's first run (or its start) on."""
        if self.enabled_at is None:
            return self.days
        begin = max(self.start, self.first_at or self.start)
        return max(0.0, (self.enabled_at - begin).total_seconds() / 86400)

    @property
    def days_after(self) -> float:
        """Days of the window from the orchestrator's first run on."""
        if self.enabled_at is None:
            return 0.0
        return max(0.0, (self.end - self.enabled_at).total_seconds() / 86400)


def _sorted(tallies: dict[str, Tally]) -> dict[str, Tally]:
    return dict(sorted(tallies.items(), key=lambda item: (-item[1].money, -item[1].minutes, item[0])))


def build_report(
    repo: str,
    records: Iterable[RunRecord],
    settings: CostSettings,
    *,
    start: datetime,
    end: datetime,
    workflow_file: str = WORKFLOW_FILE,
) -> CostReport:
    """Price every run created in ``[start, end)`` and add the figures up.

    Args:
        repo: ``owner/name``, for the report's title.
        records: runs with their jobs (any order; runs outside the window are ignored).
        settings: rates, public repository, included minutes.
        start: the window's start (aware UTC).
        end: the window's end: now.
        workflow_file: the orchestrator workflow's file name.

    Returns:
        The report.
    """
    rates = settings.rate_table()
    records = list(records)
    stand_ins = _median_runs(records, rates)
    chosen = sorted(
        (r for r in records if r.run.created_at is not None and start <= r.run.created_at < end),
        key=lambda r: (r.run.created_at or start, r.run.id),
        reverse=True,
    )
    orchestrator_runs = [r for r in chosen if is_orchestrator(r.run, workflow_file)]
    enabled_at = min((r.run.created_at for r in orchestrator_runs if r.run.created_at), default=None)
    total, legacy, orchestrator, before, after, empty = Tally(), Tally(), Tally(), Tally(), Tally(), Tally()
    by_workflow: dict[str, Tally] = defaultdict(Tally)
    by_event: dict[str, Tally] = defaultdict(Tally)
    by_day: dict[str, dict[date, Tally]] = defaultdict(lambda: defaultdict(Tally))
    short_jobs = short_minutes = 0
    short_seconds = 0.0
    short_runs: list[int] = []
    in_progress = 0
    for record in chosen:
        run = record.run
        created = run.created_at or start
        name = run.name or run.path or "?"
        if record.estimated:
            stand_in = stand_ins.get(name)
            prices = [price(job, rates) for job in stand_in.jobs] if stand_in else []
        else:
            prices = [price(job, rates) for job in record.jobs]
        for tally in (total, by_workflow[name], by_event[run.event or "?"], by_day[name][created.date()]):
            tally.add(record, prices)
        side = orchestrator if is_orchestrator(run, workflow_file) else legacy
        side.add(record, prices)
        (before if enabled_at is None or created < enabled_at else after).add(record, prices)
        if side is orchestrator and empty_plan(record):
            empty.add(record, prices)
        shorts = [p for p in prices if p.minutes and p.seconds < SHORT_JOB_S]
        if shorts:
            short_jobs += len(shorts)
            short_minutes += sum(p.minutes for p in shorts)
            short_seconds += sum(p.seconds for p in shorts)
            short_runs.append(run.id)
        in_progress += not record.completed
    waste = Waste(empty, short_jobs, short_minutes, short_seconds, tuple(short_runs))
    projection = project(after if enabled_at else total, enabled_at or start, end, settings)
    return CostReport(
        repo=repo,
        start=start,
        end=end,
        rates=rates,
        settings=settings,
        total=total,
        by_workflow=_sorted(by_workflow),
        by_event=_sorted(by_event),
        by_day={name: dict(sorted(days.items())) for name, days in by_day.items()},
        legacy=legacy,
        orchestrator=orchestrator,
        enabled_at=enabled_at,
        before=before,
        after=after,
        waste=waste,
        projection=projection,
        in_progress=in_progress,
        orchestrator_name=next((r.run.name for r in orchestrator_runs), None),
        first_at=min((r.run.created_at for r in chosen if r.run.created_at), default=None),
    )


def _median_runs(records: Sequence[RunRecord], rates: dict[str, float]) -> dict[str, RunRecord]:
    """Per workflow, its median run by billed minutes among the runs whose jobs were read."""
    priced: dict[str, list[tuple[int, int, RunRecord]]] = defaultdict(list)
    for record in records:
        if not record.estimated and record.completed:
            minutes = sum(price(job, rates).minutes for job in record.jobs)
            priced[record.run.name or record.run.path or "?"].append((minutes, record.run.id, record))
    return {name: sorted(items)[len(items) // 2][2] for name, items in priced.items() if items}


def project(tally: Tally, since: datetime, end: datetime, settings: CostSettings) -> Projection:
    """The month ahead at the daily rate of `tally` over ``[since, end)``.

    The included minutes come off the month's minutes; what is left is priced
    at the tally's average dollars per minute; a public repository pays nothing.
    """
    days = max((end - since).total_seconds() / 86400, 1 / 1440)
    per_day = tally.minutes / days
    minutes = round(per_day * MONTH_DAYS)
    billable = max(0, minutes - settings.included_minutes)
    per_minute = tally.money / tally.minutes if tally.minutes else 0.0
    money = 0.0 if settings.public else billable * per_minute
    return Projection(since, days, per_day, minutes, billable, money)


def window(end: datetime, days: int) -> tuple[datetime, datetime]:
    """The window of the last `days` days ending at `end`, to the second (GitHub's timestamps are whole seconds)."""
    end = end.replace(microsecond=0)
    return end - timedelta(days=days), end
