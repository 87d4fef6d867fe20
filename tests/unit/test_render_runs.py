"""The Runs tab's duration: the jobs' times when known, else the run's own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lbconsole.core.ports import JobInfo, RunInfo
from lbconsole.tui.render import jobs_span, run_duration

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _job(start: int | None, end: int | None, name: str = "j") -> JobInfo:
    at = lambda s: None if s is None else T0 + timedelta(seconds=s)  # noqa: E731
    return JobInfo(1, name, "completed", "success", started_at=at(start), completed_at=at(end))


def _run(updated_s: int) -> RunInfo:
    return RunInfo(
        7,
        "w",
        "completed",
        "success",
        "workflow_dispatch",
        "",
        run_started_at=T0,
        updated_at=T0 + timedelta(seconds=updated_s),
    )


def test_jobs_span_runs_from_the_first_start_to_the_last_end() -> None:
    assert jobs_span([_job(10, 70), _job(5, 40), _job(None, None)]) == 65.0


def test_jobs_span_is_unknown_when_a_job_that_ran_lacks_a_time() -> None:
    assert jobs_span([_job(10, 70), _job(5, None)]) is None
    assert jobs_span([]) is None
    assert jobs_span([_job(None, None)]) is None


def test_a_completed_run_takes_its_jobs_time_over_its_own() -> None:
    assert run_duration(_run(0), T0, [_job(0, 185)]) == ("3m 05s", "")
    assert run_duration(_run(42), T0) == ("42s", "")
    assert run_duration(_run(42), T0, [_job(0, None)]) == ("42s", "")
