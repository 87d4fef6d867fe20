"""Remote orchestration: dispatch the orchestrator workflow and follow its run (SPEC 3.2).

`Dispatcher.dispatch` sends ``workflow_dispatch`` with the mode, the limits,
``dry_run`` and a fresh correlation id, asking GitHub for the run's details
(``return_run_details``). A server that refuses that field with a 400 (older
GitHub Enterprise) gets the request again without it, and the run is then
found by listing the workflow's ``workflow_dispatch`` runs and matching the
correlation id in the run name (the workflow's ``run-name`` carries it).

`Dispatcher.follow` follows the run with `lbconsole.engine.follow` (where
`RunResult` and `DEFAULT_POLL_S` live, importable from here too): status
changes, then each job's log; a log not published yet is asked for again
(`LOG_ATTEMPTS` in all, the follower polling on past the run's end
for it) before the log is reported missing, once.

"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from lbconsole.core.orchestrator import WORKFLOW_FILE
from lbconsole.core.ports import Actions, RunInfo
from lbconsole.engine.follow import DEFAULT_POLL_S, SOURCE, RunResult, Sleep, follow_run
from lbconsole.engine.follow import LOG_ATTEMPTS as LOG_ATTEMPTS  # re-exported
from lbconsole.engine.job_log import parse_log_line as parse_log_line  # re-exported
from lbconsole.engine.logbus import LogBus
from lbconsole.errors import AuthError, ConfigError, GatewayError, LbError, RateLimited, UsageError

FIND_ATTEMPTS = 10
"""How many times the run list is polled for a run dispatched without run details."""
FIND_INTERVAL_S = 2.0

REFUSALS = frozenset({400, 403, 404, 422})
"""Statuses of a dispatch GitHub refused, which `Dispatcher.dispatch` words for a user (or retries: 400)."""

_ANSWERED = re.compile(r"^GitHub answered \d{3} to [A-Z]+ \S+: ")
"""The head `GitHubClient` puts before GitHub's own message."""


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
        """Follow a run of this dispatcher's repository: `lbconsole.engine.follow.follow_run` (same arguments)."""
        return follow_run(self.api, run_id, bus=bus, poll_s=poll_s, sleep=sleep, cancel=cancel)


def _refused(exc: GatewayError) -> bool:
    """Whether a dispatch's error is GitHub refusing it (not a rate limit, not the network)."""
    return exc.status in REFUSALS and not isinstance(exc, RateLimited)


def _github_said(exc: GatewayError) -> str:
    """GitHub's own message in a `GitHubClient` error, without the client's "GitHub answered N to ...: "."""
    return _ANSWERED.sub("", exc.message, count=1)


def _say(bus: LogBus | None) -> Callable[..., None]:
    def say(text: str, level: str = "info") -> None:
        if bus is not None:
            bus.emit(SOURCE, text, level)

    return say
