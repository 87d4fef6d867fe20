"""Remote orchestration for the console: the blocking calls behind `d` and the Runs tab.

Everything here runs in a thread worker (never on the UI thread) and imports
no Textual: `Remote` builds a `Dispatcher` on the console's gateway (sharing
its client, timeouts and rate-limit view) and dispatches, follows and lists
orchestrator runs. The follower writes to the log bus itself, so a followed
run's job and step changes and its job logs reach the Logs tab like any
other source.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from lbconsole.core.plan import Plan
from lbconsole.core.ports import Actions, Gateway, RunInfo
from lbconsole.core.settings import Settings
from lbconsole.core.strategy import merges_text
from lbconsole.engine.dispatch import DEFAULT_POLL_S, Dispatched, Dispatcher, RunResult
from lbconsole.engine.logbus import LogBus

RUNS_SHOWN = 20
"""How many recent runs the Runs tab lists."""

Sleep = Callable[[float], None]
ActionsFactory = Callable[[Gateway], Actions]
"""Builds the Actions API from the console's gateway (default: `Gateway.actions`)."""


@dataclass(frozen=True, slots=True)
class DispatchRequest:
    """What `d` dispatches: the plan's mode and the limits in force."""

    mode: str
    merge_limit: int
    conflict_limit: int
    ref: str | None = None
    """Branch or tag; None: the repository's default branch."""
    dry_run: bool = False


def dispatch_prompt(plan: Plan, settings: Settings) -> tuple[DispatchRequest, str, str]:
    """What `d` would dispatch for `plan`, and the confirmation's title and question.

    The run plans again on GitHub, so the preview's PRs are what it is
    expected to touch, not a promise; and GitHub's API has no live log.
    """
    github = settings.github
    request = DispatchRequest(plan.mode, settings.limits.merge, settings.limits.conflict, ref=github.ref or None)
    preview = (
        "This console's preview of the plan is empty: the run will most likely stop at its plan step."
        if plan.empty
        else "The run plans again on GitHub; this preview lists the PRs it is expected to touch."
    )
    if merges := merges_text(plan):
        preview += f"\n{merges}"
    question = (
        f"Dispatch {github.workflow} on {plan.repo} ({github.ref or 'default branch'}): mode {plan.mode}, "
        f"merge limit {request.merge_limit}, conflict limit {request.conflict_limit}?\n{preview}\n"
        "The run is followed in the Logs tab; each job's log arrives when the job completes "
        "(GitHub's API has no live log)."
    )
    return request, f"Dispatch {plan.mode} on GitHub Actions", question


def _default_actions(gateway: Gateway) -> Actions:
    return gateway.actions()


class Remote:
    """The orchestrator workflow of the console's repository, for thread workers."""

    def __init__(
        self,
        gateway: Callable[[], Gateway],
        *,
        bus: LogBus,
        workflow: Callable[[], str],
        actions_factory: ActionsFactory | None = None,
        poll_s: float = DEFAULT_POLL_S,
        sleep: Sleep | None = None,
    ) -> None:
        """Create the remote side of the console.

        Args:
            gateway: returns the console's gateway (built once, thread-safe).
            bus: where dispatch progress and followed runs are logged.
            workflow: returns the orchestrator workflow's file name (settings `github.workflow`).
            actions_factory: builds the Actions API from the gateway (tests may pass a fake).
            poll_s: seconds between polls of a followed run.
            sleep: the follower's wait between polls; None waits on the cancel event
                (so `c` is seen at once). Tests pass one that advances the simulator.
        """
        self._gateway = gateway
        self.bus = bus
        self._workflow = workflow
        self._actions_factory = actions_factory or _default_actions
        self.poll_s = poll_s
        self.sleep = sleep
        self._lock = threading.Lock()
        self._dispatcher: Dispatcher | None = None

    def dispatcher(self) -> Dispatcher:
        """The dispatcher (built on first use, from the gateway)."""
        with self._lock:
            workflow = self._workflow()
            if self._dispatcher is None or self._dispatcher.workflow != workflow:
                self._dispatcher = Dispatcher(self._actions_factory(self._gateway()), workflow=workflow)
            return self._dispatcher

    @property
    def workflow(self) -> str:
        """The orchestrator workflow's file name."""
        return self._workflow()

    def dispatch(self, request: DispatchRequest) -> Dispatched:
        """Dispatch one orchestrator run (see `Dispatcher.dispatch`); progress goes to the bus."""
        return self.dispatcher().dispatch(
            request.mode,
            merge_limit=request.merge_limit,
            conflict_limit=request.conflict_limit,
            dry_run=request.dry_run,
            ref=request.ref,
            bus=self.bus,
        )

    def follow(self, run_id: int, cancel: threading.Event) -> RunResult:
        """Follow a run until it completes or `cancel` is set; a completed run's logs are fetched at once."""
        return self.dispatcher().follow(run_id, bus=self.bus, poll_s=self.poll_s, sleep=self.sleep, cancel=cancel)

    def recent(self, limit: int = RUNS_SHOWN) -> list[RunInfo]:
        """The orchestrator workflow's most recent runs, newest first."""
        return self.dispatcher().recent_runs(limit)
