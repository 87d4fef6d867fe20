"""The cost model: GitHub's per-job rounding, rates per runner label, tallies, waste, before/after, projection."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lbconsole.config.load import validate
from lbconsole.core.cost import RunRecord, billed_minutes, build_report, price, rate_for
from lbconsole.core.cost_text import COST_SCHEMA, cost_dict, cost_text
from lbconsole.core.ports import JobInfo, RunInfo, StepInfo
from lbconsole.core.settings import CostSettings

T0 = datetime(2026, 11, 1, tzinfo=UTC)
RATES = CostSettings().rate_table()


def job(
    seconds: float | None,
    *,
    labels: tuple[str, ...] = ("ubuntu-latest",),
    conclusion: str = "success",
    steps: tuple[StepInfo, ...] = (),
    at: datetime = T0,
) -> JobInfo:
    end = None if seconds is None else at + timedelta(seconds=seconds)
    return JobInfo(1, "job", "completed", conclusion, steps, "", at, end, labels)


def run(
    rid: int,
    at: datetime,
    jobs: tuple[JobInfo, ...],
    *,
    path: str = ".github/workflows/ci.yml",
    name: str = "CI",
    event: str = "push",
) -> RunRecord:
    info = RunInfo(
        rid, name, "completed", "success", event, f"https://github.com/a/b/actions/runs/{rid}", created_at=at, path=path
    )
    return RunRecord(info, jobs)


@pytest.mark.parametrize(
    ("seconds", "conclusion", "minutes"),
    [
        (0.5, "success", 1),
        (59, "success", 1),
        (60, "success", 1),
        (61, "success", 2),
        (3599, "failure", 60),
        (0, "skipped", 0),
        (30, "skipped", 0),
        (0, "cancelled", 0),
        (90, "cancelled", 2),
    ],
)
def test_each_job_is_rounded_up_to_the_minute_and_skipped_jobs_bill_nothing(
    seconds: float, conclusion: str, minutes: int
) -> None:
    assert billed_minutes(job(seconds, conclusion=conclusion)) == minutes


def test_a_job_that_never_started_bills_nothing() -> None:
    never = JobInfo(1, "job", "completed", "cancelled", (), "", None, None, ("ubuntu-latest",))
    assert billed_minutes(never) == 0


@pytest.mark.parametrize(
    ("labels", "rate", "key"),
    [
        (("ubuntu-latest",), 0.006, "ubuntu-latest"),
        (("ubuntu-slim",), 0.002, "ubuntu-slim"),
        (("ubuntu-24.04",), 0.006, "linux"),
        (("windows-2025",), 0.010, "windows"),
        (("macos-15",), 0.062, "macos"),
        (("self-hosted", "linux"), 0.0, "self-hosted"),
        (("gpu-big",), 0.006, "linux"),
    ],
)
def test_rates_come_from_the_label_then_its_family(labels: tuple[str, ...], rate: float, key: str) -> None:
    assert rate_for(labels, RATES) == (rate, key)


def test_configured_rates_override_the_defaults() -> None:
    settings, problems = validate({"cost": {"rates": {"ubuntu-slim": 0.004, "linux-4core": 0.012}, "public": False}})
    assert problems == ()
    table = settings.cost.rate_table()
    assert table["ubuntu-slim"] == 0.004
    assert table["linux-4core"] == 0.012
    assert table["macos"] == 0.062
    assert price(job(61, labels=("linux-4core",)), table).money == pytest.approx(0.024)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"rates": {"ubuntu-latest": -1}}, "between 0 and 10"),
        ({"rates": "cheap"}, "must be a table"),
        ({"included_minutes": -5}, "integer between 0"),
        ({"public": "yes"}, "true or false"),
        ({"rate": {}}, "did you mean 'cost.rates'"),
    ],
)
def test_bad_cost_settings_are_problems_with_a_hint(table: dict[str, object], message: str) -> None:
    _, problems = validate({"cost": table})
    assert len(problems) == 1
    assert message in str(problems[0])


def _history() -> list[RunRecord]:
    plan = "Plan (stops the run when there is nothing to do)"
    empty_steps = (StepInfo(1, plan, "completed", "success"), StepInfo(2, "Run the plan", "completed", "skipped"))
    full_steps = (StepInfo(1, plan, "completed", "success"), StepInfo(2, "Run the plan", "completed", "success"))
    records = []
    for day in range(4):  # four days of a bot every 6 hours: 8 s jobs, each billed a minute
        for hour in (0, 6, 12, 18):
            at = T0 + timedelta(days=day, hours=hour)
            records.append(
                run(
                    len(records) + 1,
                    at,
                    (job(8, at=at),),
                    name="Poller",
                    path=".github/workflows/poll.yml",
                    event="schedule",
                )
            )
    for day in (4, 5):  # then the orchestrator: one empty run and one that merges, on ubuntu-slim
        at = T0 + timedelta(days=day, hours=1)
        orchestrator = ".github/workflows/lambda-bot.yml"
        records.append(
            run(
                100 + day,
                at,
                (job(70, labels=("ubuntu-slim",), steps=empty_steps, at=at),),
                name="ΛBot",
                path=orchestrator,
                event="schedule",
            )
        )
        records.append(
            run(
                200 + day,
                at + timedelta(hours=2),
                (job(150, labels=("ubuntu-slim",), steps=full_steps, at=at),),
                name="ΛBot",
                path=orchestrator,
                event="schedule",
            )
        )
        records.append(
            run(
                300 + day,
                at,
                (job(None, conclusion="skipped", at=at),),
                name="ΛBot",
                path=orchestrator,
                event="pull_request",
            )
        )
    records.append(run(999, T0 - timedelta(days=1), (job(600),)))  # outside the window
    return records


def test_the_report_adds_up_per_workflow_event_side_and_period() -> None:
    report = build_report("a/b", _history(), CostSettings(), start=T0, end=T0 + timedelta(days=6))
    assert report.total.runs == 16 + 6
    assert report.total.jobs == 22
    assert report.total.runner_jobs == 16 + 4
    poller, orchestrator = report.by_workflow["Poller"], report.by_workflow["ΛBot"]
    assert (poller.runs, poller.minutes) == (16, 16)
    assert (orchestrator.runs, orchestrator.runner_jobs, orchestrator.minutes) == (6, 4, 2 * 2 + 2 * 3)
    assert orchestrator.money == pytest.approx(10 * 0.002)
    assert report.by_event["pull_request"].minutes == 0
    assert report.legacy.runs == 16
    assert report.orchestrator.runs == 6
    assert report.enabled_at == T0 + timedelta(days=4, hours=1)
    assert report.before.runs == 16
    assert report.after.runs == 6
    assert report.waste.empty_runs.runs == 2
    assert report.waste.empty_runs.minutes == 4
    assert (report.waste.short_jobs, report.waste.short_minutes) == (16, 16)
    assert report.waste.short_seconds == pytest.approx(16 * 8)
    assert sorted(report.by_day["Poller"]) == [(T0 + timedelta(days=d)).date() for d in range(4)]


def test_the_projected_month_is_the_rate_since_the_orchestrator_less_the_included_minutes() -> None:
    end = T0 + timedelta(days=6)
    report = build_report("a/b", _history(), CostSettings(included_minutes=100), start=T0, end=end)
    days = (end - report.enabled_at).total_seconds() / 86400  # type: ignore[operator]
    assert report.projection.minutes == round(10 / days * 30)
    assert report.projection.billable_minutes == max(0, report.projection.minutes - 100)
    assert report.projection.money == pytest.approx(report.projection.billable_minutes * 0.002)
    public = build_report("a/b", _history(), CostSettings(public=True), start=T0, end=end)
    assert public.projection.money == 0
    assert public.money(public.total) == 0
    assert public.total.minutes == 26


def test_text_and_json_state_the_rule_the_rates_and_the_requests() -> None:
    report = build_report("a/b", _history(), CostSettings(), start=T0, end=T0 + timedelta(days=6))
    text = cost_text(report, requests=42, cached=7)
    assert "rounded up to the whole minute" in text
    assert "ubuntu-slim $0.002" in text
    assert "API requests: 42 (7 completed runs read from the cache)" in text
    assert "orchestrator runs with an empty plan (among the runs read): 2" in text
    data = cost_dict(report, requests=42, cached=7)
    assert data["schema"] == COST_SCHEMA == "lbconsole.cost/1"
    assert data["total"]["billed_minutes"] == 26
    assert data["requests"] == 42
    assert [row["workflow"] for row in data["by_workflow"]] == ["Poller", "ΛBot"]
    assert data["waste"]["empty_plan_runs"]["runs"] == 2


def test_runs_whose_jobs_were_not_read_are_priced_like_their_workflows_median_run() -> None:
    at = T0 + timedelta(hours=1)
    read = [
        run(i, at + timedelta(minutes=i), (job(seconds, at=at),), name="Scan", path=".github/workflows/scan.yml")
        for i, seconds in enumerate((30, 130, 250), start=1)
    ]  # 1, 3 and 5 minutes: the median is 3
    unread = [RunRecord(run(10 + i, at + timedelta(hours=i), ()).run, (), estimated=True) for i in range(4)]
    unread = [
        RunRecord(replace(r.run, name="Scan", path=".github/workflows/scan.yml"), (), estimated=True) for r in unread
    ]
    report = build_report("a/b", [*read, *unread], CostSettings(), start=T0, end=T0 + timedelta(days=1))
    assert report.total.runs == 7
    assert report.total.estimated == 4
    assert report.total.minutes == 1 + 3 + 5 + 4 * 3
    assert "4 run(s) not read in full" in cost_text(report)
    assert cost_dict(report)["estimated_runs"] == 4
