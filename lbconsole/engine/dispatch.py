"""Remote orchestration: dispatch the orchestrator workflow and follow its run (SPEC 3.2).

`Dispatcher.dispatch` sends ``workflow_dispatch`` with the mode, the limits,
``dry_run`` and a fresh correlation id, asking GitHub for the run's details
(``return_run_details``). A server that refuses that field with a 400 (older
GitHub Enterprise) gets the request again without it, and the run is then
found by listing the workflow's ``workflow_dispatch`` runs and matching the
correlation id in the run name (the workflow's ``run-name`` carries it).

`Dispatcher.follow` polls the run and its jobs, logs every run, job and step
status change to the log bus (source ``workflow``, ``job`` = the job's name),
and as each job completes fetches its log once and streams its lines into
the bus with their own timestamps. GitHub's public API has no live log: while
a job runs, the follower says so once instead of pretending to stream. The
log blob lags the job's completion a little, so a 404 is tried again at the
next polls (`LOG_ATTEMPTS` in all, the follower polling on past the run's end
for it) before the log is reported missing, once.

`register` adds the ``dispatch`` and ``runs`` sub-commands.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from lbconsole.core.orchestrator import WORKFLOW_FILE
from lbconsole.core.ports import Actions, JobInfo, RunInfo, StepInfo
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.errors import AuthError, ConfigError, GatewayError, LbError, RateLimited, UsageError

SOURCE = "workflow"
"""Log-bus source of every record the follower emits."""

DEFAULT_POLL_S = 3.0
FIND_ATTEMPTS = 10
"""How many times the run list is polled for a run dispatched without run details."""
FIND_INTERVAL_S = 2.0
LOG_ATTEMPTS = 5
"""Polls at which a completed job's log is asked for while GitHub answers 404 (its blob lags the job)."""

REFUSALS = frozenset({400, 403, 404, 422})
"""Statuses of a dispatch GitHub refused, which `Dispatcher.dispatch` words for a user (or retries: 400)."""

SUCCESS_CONCLUSIONS = frozenset({"success", "neutral", "skipped"})

_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?(.*)$")
_ANSWERED = re.compile(r"^GitHub answered \d{3} to [A-Z]+ \S+: ")
"""The head `GitHubClient` puts before GitHub's own message."""
_COMMAND = re.compile(r"^##\[(group|endgroup|error|warning|notice|debug|section|command)\](.*)$")

Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class Dispatched:
    """A dispatched orchestrator run."""

    run_id: int
    html_url: str
    correlation_id: str
    workflow: str
    ref: str
    found_by: str
    """``run details`` (GitHub returned the run id) or ``run list`` (found by correlation id)."""


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

    @property
    def exit_code(self) -> int:
        """0 when the run completed successfully, 1 otherwise (failed, cancelled, or not followed to the end)."""
        if self.stopped or self.status != "completed":
            return 1
        return 0 if self.conclusion in SUCCESS_CONCLUSIONS else 1


def new_correlation_id() -> str:
    """A fresh correlation id (uuid4 hex) that names one dispatched run."""
    return uuid.uuid4().hex


def dispatch_inputs(
    mode: str, *, merge_limit: int, conflict_limit: int, dry_run: bool, correlation_id: str
) -> dict[str, str]:
    """The orchestrator workflow's ``workflow_dispatch`` inputs, as the strings GitHub expects."""
    return {
        "mode": mode,
        "merge_limit": str(merge_limit),
        "conflict_limit": str(conflict_limit),
        "dry_run": "true" if dry_run else "false",
        "correlation_id": correlation_id,
    }


def parse_log_line(line: str) -> tuple[datetime | None, str, str] | None:
    """One line of a GitHub job log: (time, level, text), or None for a line to drop.

    GitHub prefixes each line with ``2026-11-23T12:00:00.0000000Z``; workflow
    commands (``##[group]``, ``##[error]``...) become levels or are dropped
    (``##[endgroup]``).
    """
    line = line.lstrip("\ufeff").rstrip("\r")
    moment: datetime | None = None
    match = _LOG_TIME.match(line)
    if match:
        try:
            moment = datetime.fromisoformat(match.group(1))
        except ValueError:
            moment = None
        line = match.group(2)
    level = "info"
    command = _COMMAND.match(line)
    if command:
        kind, line = command.group(1), command.group(2)
        if kind == "endgroup":
            return None
        if kind in ("error", "warning", "debug"):
            level = kind
        elif kind == "group":
            line = f"▸ {line}"
        elif kind == "command":
            line = f"$ {line}"
    return moment, level, line


class Dispatcher:
    """Dispatches the orchestrator workflow of one repository and follows its runs."""

    def __init__(
        self,
        api: Actions,
        *,
        workflow: str = WORKFLOW_FILE,
        sleep: Sleep = time.sleep,
        find_attempts: int = FIND_ATTEMPTS,
        find_interval_s: float = FIND_INTERVAL_S,
    ) -> None:
        """Create a dispatcher.

        Args:
            api: GitHub Actions of the repository.
            workflow: the orchestrator workflow's file name or id.
            sleep: waits between run-list polls (tests pass a fake).
            find_attempts: run-list polls before a run dispatched without run details is given up on.
            find_interval_s: seconds between those polls.
        """
        self.api = api
        self.workflow = workflow
        self.sleep = sleep
        self.find_attempts = find_attempts
        self.find_interval_s = find_interval_s

    # -- dispatch ---------------------------------------------------------------------

    def dispatch(
        self,
        mode: str,
        *,
        merge_limit: int,
        conflict_limit: int,
        dry_run: bool = False,
        ref: str | None = None,
        correlation_id: str | None = None,
        bus: LogBus | None = None,
    ) -> Dispatched:
        """Dispatch one orchestrator run and return its id.

        Args:
            mode: one of the five modes.
            merge_limit: the run's merge batch limit.
            conflict_limit: the run's conflict batch limit.
            dry_run: plan and report only.
            ref: branch or tag to run on; None or empty: the default branch.
            correlation_id: names the run (default: a fresh uuid4 hex).
            bus: where progress is logged, if anywhere.

        Returns:
            The run, found through GitHub's run details or by its correlation id.

        Raises:
            ConfigError: the workflow does not exist in the repository (404).
            AuthError: the token may not dispatch workflows (403).
            UsageError: GitHub refused the ref or an input (422), with its message.
            LbError: the run did not show up in the run list in time.
            GatewayError: anything else GitHub or the network did.
        """
        correlation_id = correlation_id or new_correlation_id()
        branch = ref or self.api.default_branch()
        inputs = dispatch_inputs(
            mode,
            merge_limit=merge_limit,
            conflict_limit=conflict_limit,
            dry_run=dry_run,
            correlation_id=correlation_id,
        )
        say = _say(bus)
        say(
            f"dispatching {self.workflow} on {branch}: mode {mode}{' (dry run)' if dry_run else ''}, "
            f"merge limit {merge_limit}, conflict limit {conflict_limit}, correlation id {correlation_id}"
        )
        try:
            answer = self.api.dispatch(self.workflow, branch, inputs, return_run_details=True)
        except GatewayError as exc:
            if not _refused(exc):
                raise
            said = _github_said(exc)
            if exc.status != 400 and not (exc.status == 422 and "return_run_details" in said):
                raise self._explain(exc, branch) from exc
            say(
                f"GitHub refused return_run_details ({exc.status}: {said}); "
                "dispatching again without it (older GitHub Enterprise)",
                "warning",
            )
            try:
                answer = self.api.dispatch(self.workflow, branch, inputs, return_run_details=False)
            except GatewayError as again:
                if not _refused(again):
                    raise
                raise self._explain(again, branch) from again
        if answer.run_id is not None:
            html_url = answer.html_url or self._run_url(answer.run_id)
            say(f"run {answer.run_id} dispatched: {html_url}")
            return Dispatched(answer.run_id, html_url, correlation_id, self.workflow, branch, "run details")
        say(f"GitHub returned no run details; looking for the run named with {correlation_id}")
        run = self._find(correlation_id)
        say(f"run {run.id} found by its correlation id: {run.html_url}")
        return Dispatched(run.id, run.html_url, correlation_id, self.workflow, branch, "run list")

    def _run_url(self, run_id: int) -> str:
        return f"https://github.com/{self.api.repo}/actions/runs/{run_id}"

    def _explain(self, exc: GatewayError, ref: str) -> LbError:
        repo = self.api.repo
        said = _github_said(exc)
        if exc.status == 404:
            return ConfigError(
                f"workflow {self.workflow} not found in {repo}: run `lbconsole workflow init` and push it "
                f"(or the token cannot see {repo})"
            )
        if exc.status == 403:
            return AuthError(f"the token lacks actions:write (needed to dispatch workflows): {said}")
        if exc.status == 422:
            return UsageError(f"GitHub refused to dispatch {self.workflow} on {ref!r}: {said}")
        return GatewayError(f"GitHub refused to dispatch {self.workflow}: {said}", status=exc.status)

    def _find(self, correlation_id: str) -> RunInfo:
        for attempt in range(self.find_attempts):
            if attempt:
                self.sleep(self.find_interval_s)
            for run in self.api.list_runs(self.workflow, event="workflow_dispatch", per_page=30):
                if correlation_id in run.name or correlation_id in run.display_title:
                    return run
        waited = self.find_interval_s * max(0, self.find_attempts - 1)
        raise LbError(
            f"{self.workflow} was dispatched, but no run named with correlation id {correlation_id} appeared "
            f"within {waited:g}s. Check https://github.com/{self.api.repo}/actions; if the workflow has no "
            "`run-name` with inputs.correlation_id, regenerate it with `lbconsole workflow init --force`."
        )

    # -- runs -------------------------------------------------------------------------------

    def recent_runs(self, limit: int = 10) -> list[RunInfo]:
        """The orchestrator workflow's most recent runs, newest first."""
        try:
            return self.api.list_runs(self.workflow, per_page=limit)
        except GatewayError as exc:
            if exc.status == 404:
                raise ConfigError(
                    f"workflow {self.workflow} not found in {self.api.repo}: run `lbconsole workflow init` and push it"
                ) from exc
            raise

    # -- follow -------------------------------------------------------------------------------

    def follow(
        self,
        run_id: int,
        *,
        bus: LogBus,
        poll_s: float = DEFAULT_POLL_S,
        sleep: Sleep | None = None,
        cancel: threading.Event | None = None,
    ) -> RunResult:
        """Follow a run until it completes, logging to `bus` (see the module docstring).

        Args:
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
        return _Follower(self.api, run_id, bus, poll_s, sleep, cancel).run()


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
        result = RunResult(run.id, run.status, run.conclusion, run.html_url, tuple(jobs))
        level = "info" if result.exit_code == 0 else "warning"
        self.bus.emit(SOURCE, f"run {run.id} finished: {run.conclusion or 'no conclusion'} — {run.html_url}", level)
        return result

    def _stop(self, run: RunInfo, jobs: list[JobInfo]) -> RunResult:
        self.bus.emit(
            SOURCE, f"stopped following run {run.id} ({run.status}); it goes on on GitHub: {run.html_url}", "warning"
        )
        return RunResult(run.id, run.status, run.conclusion, run.html_url, tuple(jobs), stopped=True)


def _refused(exc: GatewayError) -> bool:
    """Whether a dispatch's error is GitHub refusing it (not a rate limit, not the network)."""
    return exc.status in REFUSALS and not isinstance(exc, RateLimited)


def _github_said(exc: GatewayError) -> str:
    """GitHub's own message in a `GitHubClient` error, without the client's "GitHub answered N to ...: "."""
    return _ANSWERED.sub("", exc.message, count=1)


def _describe(status: str, conclusion: str | None) -> str:
    if status == "completed":
        return f"completed: {conclusion or 'no conclusion'}"
    return status.replace("_", " ")


def _say(bus: LogBus | None) -> Callable[..., None]:
    def say(text: str, level: str = "info") -> None:
        if bus is not None:
            bus.emit(SOURCE, text, level)

    return say

