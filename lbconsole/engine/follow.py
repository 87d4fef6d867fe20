"""Following an orchestrator run on GitHub Actions: status changes, then each job's log (SPEC 3.2).

`follow_run` polls the run and its jobs, logs every run, job and step
status change to the log bus (source ``workflow``, ``job`` = the job's name),
and as each job completes fetches its log once and streams its lines into
the bus with their own timestamps. GitHub's public API has no live log: while
a job runs, the follower says so once instead of pretending to stream. The
log blob lags the job's completion a little, so a 404 is tried again at the
next polls (`LOG_ATTEMPTS` in all, the follower polling on past the run's end
for it) before the log is reported missing, once.

Kept apart from dispatching (`lbconsole.engine.dispatch`): the console and
`lbconsole dispatch --follow` follow a run the dispatcher found, and a run
can be followed without dispatching one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from lbconsole.core.ports import Actions, JobInfo, RunInfo, StepInfo
from lbconsole.engine.job_log import parse_log_line
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.errors import GatewayError, RateLimited

SOURCE = "workflow"
"""Log-bus source of every record about a remote run (dispatch and follow)."""

DEFAULT_POLL_S = 3.0
"""Seconds between polls of a followed run and its jobs."""
LOG_ATTEMPTS = 5
"""Polls at which a completed job's log is asked for while GitHub answers 404 (its blob lags the job)."""

SUCCESS_CONCLUSIONS = frozenset({"success", "neutral", "skipped"})
"""Conclusions of a run, job or step that count as success."""

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class RunResult:
    """How a followed run ended (or where following stopped)."""

    run_id: int
    status: str
    conclusion: str | None
    html_url: str
    jobs: tuple[JobInfo, ...] = ()
    stopped: bool = False
    """True when following was cancelled before the run completed (the run goes on on GitHub)."""
    logs_missing: int = 0
    """Jobs whose log could not be read (reported as warnings): opening the run again asks once more."""

    @property
    def exit_code(self) -> int:
        """0 when the run completed successfully, 1 otherwise (failed, cancelled, or not followed to the end)."""
        if self.stopped or self.status != "completed":
            return 1
        return 0 if self.conclusion in SUCCESS_CONCLUSIONS else 1


def follow_run(
    api: Actions,
    run_id: int,
    *,
    bus: LogBus,
    poll_s: float = DEFAULT_POLL_S,
    sleep: Sleep | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Follow a run until it completes, logging to `bus` (see the module docstring).

    Args:
        api: GitHub Actions of the run's repository.
        run_id: the run.
        bus: where status changes and job log lines go.
        poll_s: seconds between polls of the run and its jobs.
        sleep: the wait between polls; default waits on `cancel` (so a
            cancel is seen at once) or `time.sleep`.
        cancel: when set, following stops (the run itself goes on on GitHub).

    Returns:
        The run's final status and conclusion (or where following stopped).

    Raises:
        GatewayError: GitHub failed while reading the run (a job log that
            cannot be read is logged as a warning instead).
    """
    return _Follower(api, run_id, bus, poll_s, sleep, cancel).run()


class _Follower:
    """State of one follow: what was seen last, which logs were fetched."""

    def __init__(
        self,
        api: Actions,
        run_id: int,
        bus: LogBus,
        poll_s: float,
        sleep: Sleep | None,
        cancel: threading.Event | None,
    ) -> None:
        self.api = api
        self.run_id = run_id
        self.bus = bus
        self.poll_s = poll_s
        self.cancel = cancel
        self.sleep = sleep or self._default_sleep
        self.run_state: tuple[str, str | None] | None = None
        self.jobs: dict[int, tuple[str, str | None]] = {}
        self.steps: dict[tuple[int, int], tuple[str, str | None]] = {}
        self.announced_running: set[int] = set()
        self.logs_fetched: set[int] = set()
        """Jobs whose log was streamed or reported missing: never asked for again."""
        self.log_misses: dict[int, int] = {}
        """404s so far per job whose log GitHub has not published yet."""
        self.logs_missing = 0
        """Jobs whose log could not be read in the end."""

    def _default_sleep(self, seconds: float) -> None:
        if self.cancel is not None:
            self.cancel.wait(seconds)
        else:
            time.sleep(seconds)

    def _cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def run(self) -> RunResult:
        run = self.api.get_run(self.run_id)
        self.bus.emit(SOURCE, f"following run {run.id} ({run.title}): {run.html_url}")
        while True:
            if not run.completed:
                self._note_run(run)
            jobs = self.api.list_jobs(self.run_id)
            for job in jobs:
                self._note_job(job)
            # a completed run is finished once every completed job's log is in (or given up on)
            if run.completed and not any(job.completed and job.id not in self.logs_fetched for job in jobs):
                return self._finish(run, jobs)
            if self._cancelled():
                return self._end(run, jobs)
            self.sleep(self.poll_s)
            if self._cancelled():
                return self._end(run, jobs)
            if not run.completed:
                run = self.api.get_run(self.run_id)

    def _end(self, run: RunInfo, jobs: list[JobInfo]) -> RunResult:
        """Where a cancel leaves following: a completed run is finished (some logs unread), else stopped."""
        return self._finish(run, jobs) if run.completed else self._stop(run, jobs)

    def _note_run(self, run: RunInfo) -> None:
        state = (run.status, run.conclusion)
        if state != self.run_state:
            self.run_state = state
            self.bus.emit(SOURCE, f"run {run.id} {_describe(run.status, run.conclusion)}")

    def _note_job(self, job: JobInfo) -> None:
        # A finished job reads best as: its last steps, then the job's conclusion, then its log.
        if not job.completed:
            self._note_job_state(job)
        if job.status == "in_progress" and job.id not in self.announced_running:
            self.announced_running.add(job.id)
            self.bus.emit(
                SOURCE,
                f"job {job.name} running — GitHub's API has no live log; its lines arrive when the job completes",
                job=job.name,
            )
        for step in job.steps:
            self._note_step(job, step)
        if job.completed:
            self._note_job_state(job)
            if job.id not in self.logs_fetched:
                self._fetch_log(job)

    def _note_job_state(self, job: JobInfo) -> None:
        state = (job.status, job.conclusion)
        if state != self.jobs.get(job.id):
            self.jobs[job.id] = state
            level = "warning" if job.completed and job.conclusion not in SUCCESS_CONCLUSIONS else "info"
            self.bus.emit(SOURCE, f"job {job.name} {_describe(job.status, job.conclusion)}", level, job=job.name)

    def _note_step(self, job: JobInfo, step: StepInfo) -> None:
        key = (job.id, step.number)
        state = (step.status, step.conclusion)
        previous = self.steps.get(key)
        if state == previous:
            return
        self.steps[key] = state
        if previous is None and step.status in ("queued", "pending", "waiting"):
            return  # a step not started yet is not news
        level = "warning" if step.status == "completed" and step.conclusion not in SUCCESS_CONCLUSIONS else "info"
        self.bus.emit(
            SOURCE, f"step {step.number} {step.name!r} {_describe(step.status, step.conclusion)}", level, job=job.name
        )

    def _fetch_log(self, job: JobInfo) -> None:
        try:
            text = self.api.job_log(job.id)
        except GatewayError as exc:
            if exc.status == 404 and not isinstance(exc, RateLimited):
                misses = self.log_misses[job.id] = self.log_misses.get(job.id, 0) + 1
                if misses < LOG_ATTEMPTS:
                    return  # GitHub publishes the log a moment after the job completes: ask at the next poll
            self.logs_fetched.add(job.id)
            self.logs_missing += 1
            self.bus.emit(SOURCE, f"log of job {job.name} not available: {exc.message}", "warning", job=job.name)
            return
        self.logs_fetched.add(job.id)
        lines = text.splitlines()
        self.bus.emit(SOURCE, f"log of job {job.name} ({len(lines)} lines, final):", job=job.name)
        for raw in lines:
            parsed = parse_log_line(raw)
            if parsed is None:
                continue
            moment, level, line = parsed
            record = LogRecord(moment or datetime.now(UTC), SOURCE, level, line, None, job.name)
            self.bus.publish(record)

    def _finish(self, run: RunInfo, jobs: list[JobInfo]) -> RunResult:
        result = RunResult(
            run.id, run.status, run.conclusion, run.html_url, tuple(jobs), logs_missing=self.logs_missing
        )
        level = "info" if result.exit_code == 0 else "warning"
        self.bus.emit(SOURCE, f"run {run.id} finished: {run.conclusion or 'no conclusion'} — {run.html_url}", level)
        return result

    def _stop(self, run: RunInfo, jobs: list[JobInfo]) -> RunResult:
        self.bus.emit(
            SOURCE, f"stopped following run {run.id} ({run.status}); it goes on on GitHub: {run.html_url}", "warning"
        )
        return RunResult(run.id, run.status, run.conclusion, run.html_url, tuple(jobs), stopped=True)


def _describe(status: str, conclusion: str | None) -> str:
    if status == "completed":
        return f"completed: {conclusion or 'no conclusion'}"
    return status.replace("_", " ")
