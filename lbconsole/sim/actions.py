"""The simulator's GitHub Actions: workflows, dispatch, runs, jobs, steps and job logs.

A dispatched orchestrator run really runs the orchestrator: its one job,
``orchestrate``, plans with `lbconsole.core.planner.plan` on the queue
fetched through a `GitHubGateway` pointed at the simulator itself, and
applies the plan with `lbconsole.engine.executor.execute` (unless the run is
a dry run), so the simulator's pull requests really change and the job log
is the engine's real output, in GitHub's log format
(``2026-11-23T12:00:00.0000000Z line``).

Runs execute one at a time (the workflow's ``concurrency`` group), on a
background worker thread, as soon as they are dispatched. Tests that want
every transition under their control turn that off
(``POST /_sim/actions/settings {"auto_run": false}``) and step runs with
``POST /_sim/actions/runs/{id}/advance``; tests that only want the end wait
for it with ``GET /_sim/actions/runs/{id}/wait`` or `ActionsState.wait` (a
bounded wait on a condition, never a guessed sleep).

Mounting: `actions_routes` returns Starlette routes; see its docstring.
"""

from __future__ import annotations

import json
import queue
import threading
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from lbconsole.core.orchestrator import WORKFLOW_FILE, run_name
from lbconsole.core.settings import MODES
from lbconsole.sim import shapes
from lbconsole.sim.http import (
    Answer,
    api_base,
    check_repo,
    error,
    json_body,
    paginate,
    read_body,
    request_json,
    template_of,
)
from lbconsole.sim.state import SimError, SimState

ORCHESTRATOR_FILE = WORKFLOW_FILE
ORCHESTRATOR_NAME = "ΛBot orchestrator"
DOCS = "https://docs.github.com/rest/actions"

Handler = Callable[[Request, SimState, str], Response]
"""A GitHub route: synchronous and short (the wrapper runs it under the state's lock)."""
Wrap = Callable[[str, str, Handler, str], Callable[[Request], Awaitable[Response]]]


# -- data -----------------------------------------------------------------------------------


@dataclass(slots=True)
class SimWorkflow:
    """One workflow file of the simulated repository."""

    id: int
    name: str
    file: str
    dispatchable: bool = False
    """Whether it has a `workflow_dispatch` trigger."""
    inputs: tuple[str, ...] = ()
    """Its `workflow_dispatch` inputs."""
    state: str = "active"
    created_at: str = "2024-03-02T10:00:00Z"
    updated_at: str = "2025-09-14T08:30:00Z"

    @property
    def path(self) -> str:
        """``.github/workflows/<file>``."""
        return f".github/workflows/{self.file}"


@dataclass(slots=True)
class SimStep:
    """One step of a job."""

    number: int
    name: str
    work: Callable[[JobLog], str] | None = None
    """Does the step's work, writes its log, returns its conclusion."""
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(slots=True)
class SimJob:
    """One job of a run."""

    id: int
    run_id: int
    name: str
    head_sha: str
    head_branch: str
    created_at: datetime
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    steps: list[SimStep] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    """GitHub-format log lines (timestamp, space, text)."""


@dataclass(slots=True)
class SimRun:
    """One workflow run."""

    id: int
    workflow: SimWorkflow
    run_number: int
    display_title: str
    event: str
    head_branch: str
    head_sha: str
    created_at: datetime
    inputs: dict[str, str] = field(default_factory=dict)
    status: str = "queued"
    conclusion: str | None = None
    updated_at: datetime | None = None
    run_started_at: datetime | None = None
    jobs: list[SimJob] = field(default_factory=list)
    api: str = ""
    """The simulator's URL the run's engine talks to."""
    token: str | None = None
    """The token the dispatch came with (the run's GITHUB_TOKEN)."""
    actor: str = "octocat"
    abandoned: bool = False
    """Set by a reset: the run stops at its next transition."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job's steps need: the run, the simulator's state and URL."""

    run: SimRun
    job: SimJob
    sim: SimState
    api: str
    token: str | None


JobFactory = Callable[[JobContext], list[tuple[str, Callable[["JobLog"], str] | None]]]
"""Builds a job's steps: (name, work) pairs; work returns the step's conclusion."""


class JobLog:
    """Writes a job's log in GitHub's format, stamped with sim time."""

    def __init__(self, job: SimJob, clock: Callable[[], datetime]) -> None:
        self.job = job
        self.clock = clock

    @staticmethod
    def stamp(moment: datetime) -> str:
        """GitHub's log timestamp: seven fractional digits, `Z`."""
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"

    def line(self, text: str, moment: datetime | None = None) -> None:
        """Append one line (each line of a multi-line text separately)."""
        when = self.stamp(moment or self.clock())
        for part in text.splitlines() or [""]:
            self.job.log.append(f"{when} {part}")

    def group(self, title: str) -> None:
        """Open a collapsible group."""
        self.line(f"##[group]{title}")

    def endgroup(self) -> None:
        """Close the group."""
        self.line("##[endgroup]")

    def error(self, text: str) -> None:
        """An error annotation."""
        self.line(f"##[error]{text}")


# -- the state ----------------------------------------------------------------------------------


def _default_workflows() -> list[SimWorkflow]:
    return [
        SimWorkflow(
            id=90001001,
            name=ORCHESTRATOR_NAME,
            file=ORCHESTRATOR_FILE,
            dispatchable=True,
            inputs=("mode", "merge_limit", "conflict_limit", "dry_run", "correlation_id"),
            created_at="2026-11-01T09:00:00Z",
            updated_at="2026-11-20T16:45:00Z",
        ),
        SimWorkflow(id=90001002, name="CI", file="ci.yml"),
        SimWorkflow(id=90001003, name="Auto-merge Dependabot", file="automerge.yml"),
        SimWorkflow(id=90001004, name="Label conflicting PRs", file="conflict-labeler.yml"),
        SimWorkflow(id=90001005, name="Security scan (every PR)", file="security-scan-pr.yml"),
    ]


_REGISTRY: WeakKeyDictionary[SimState, ActionsState] = WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


class ActionsState:
    """The Actions side of one simulated repository: workflows, runs and the run worker."""

    def __init__(self, sim: SimState, *, job_factory: JobFactory | None = None, auto_run: bool = True) -> None:
        """Create the Actions state of `sim`.

        Args:
            sim: the simulated repository.
            job_factory: builds the steps of a dispatched run's job; default
                `orchestrator_steps` (the real engine, over HTTP to the simulator).
            auto_run: run dispatched runs at once on the worker thread.
        """
        self.sim = sim
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.job_factory: JobFactory = job_factory or orchestrator_steps
        self.auto_run = auto_run
        self.legacy_dispatch = False
        """Answer 400 to `return_run_details`, like GitHub Enterprise before it knew the field."""
        self.step_delay_s = 0.0
        """Real seconds between two transitions of an auto-run (0: as fast as possible)."""
        self.workflows: list[SimWorkflow] = _default_workflows()
        self.runs: dict[int, SimRun] = {}
        self._next_run = 21000000001
        self._next_job = 58000000001
        self._numbers: dict[int, int] = {}
        self._pending: queue.Queue[int] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()
        self._advancing = threading.Lock()
        """Serializes transitions (the worker and `/advance` never step a run at once)."""

    @classmethod
    def existing(cls, sim: SimState) -> ActionsState | None:
        """The Actions state attached to `sim`, if any was created."""
        with _REGISTRY_LOCK:
            return _REGISTRY.get(sim)

    @classmethod
    def of(cls, sim: SimState) -> ActionsState:
        """The Actions state attached to `sim` (created on first use)."""
        with _REGISTRY_LOCK:
            found = _REGISTRY.get(sim)
            if found is None:
                found = _REGISTRY[sim] = cls(sim)
            return found

    def reset(self) -> None:
        """Forget every run (the simulator was reset to a scenario); settings go back to defaults."""
        with self.lock:
            for run in self.runs.values():
                run.abandoned = True
            self.runs.clear()
            self._numbers.clear()
            self.workflows = _default_workflows()
            self.legacy_dispatch = False
            self.auto_run = True
            self.step_delay_s = 0.0
            self.changed.notify_all()

    # -- lookups -----------------------------------------------------------------------

    def workflow(self, key: str) -> SimWorkflow:
        """A workflow by id or file name; SimError 404 when there is none."""
        with self.lock:
            for wf in self.workflows:
                if key in (str(wf.id), wf.file, wf.path):
                    return wf
        raise SimError(404, "Not Found")

    def run(self, run_id: int) -> SimRun:
        """A run by id; SimError 404 when there is none."""
        with self.lock:
            found = self.runs.get(run_id)
        if found is None:
            raise SimError(404, "Not Found")
        return found

    def job(self, job_id: int) -> SimJob:
        """A job by id; SimError 404 when there is none."""
        with self.lock:
            for run in self.runs.values():
                for job in run.jobs:
                    if job.id == job_id:
                        return job
        raise SimError(404, "Not Found")

    def newest_first(self, workflow: SimWorkflow | None = None) -> list[SimRun]:
        """Runs, newest first, optionally of one workflow."""
        with self.lock:
            runs = [r for r in self.runs.values() if workflow is None or r.workflow.id == workflow.id]
        return sorted(runs, key=lambda r: r.id, reverse=True)

    # -- dispatch ------------------------------------------------------------------------

    def dispatch(
        self,
        workflow: SimWorkflow,
        body: Any,
        *,
        api: str,
        token: str | None,
        actor: str,
    ) -> SimRun:
        """Create a `workflow_dispatch` run like GitHub does, validating the body like GitHub does.

        Raises:
            SimError: 400 for `return_run_details` in legacy mode, 422 for a
                workflow without the trigger, a missing or unknown ref, unknown
                inputs or a mode outside the choice.
        """
        if not isinstance(body, dict):
            raise SimError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an object.")
        with self.lock:
            legacy = self.legacy_dispatch
        if legacy and "return_run_details" in body:
            raise SimError(400, 'Invalid request.\n\n"return_run_details" is not a permitted key.')
        if not workflow.dispatchable:
            raise SimError(422, "Workflow does not have 'workflow_dispatch' trigger")
        ref = body.get("ref")
        if not isinstance(ref, str) or not ref:
            raise SimError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.')
        branch, sha = self._resolve_ref(ref)
        raw_inputs = body.get("inputs") or {}
        if not isinstance(raw_inputs, dict):
            raise SimError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.")
        unexpected = sorted(k for k in raw_inputs if k not in workflow.inputs)
        if unexpected:
            raise SimError(422, f"Unexpected inputs provided: {json.dumps(unexpected)}")
        inputs = {k: _input_text(v) for k, v in raw_inputs.items()}
        mode = inputs.get("mode") or "auto"
        if mode not in MODES:
            raise SimError(422, f"Provided value '{mode}' for input 'mode' not in the list of allowed values")
        now = self.sim.now()
        with self.lock:
            run_id = self._next_run
            self._next_run += 1
            number = self._numbers.get(workflow.id, 0) + 1
            self._numbers[workflow.id] = number
            run = SimRun(
                id=run_id,
                workflow=workflow,
                run_number=number,
                display_title=run_name(mode, inputs.get("correlation_id", "")),
                event="workflow_dispatch",
                head_branch=branch,
                head_sha=sha,
                created_at=now,
                updated_at=now,
                inputs=inputs,
                api=api,
                token=token,
                actor=actor,
            )
            job = SimJob(
                id=self._next_job,
                run_id=run_id,
                name="orchestrate",
                head_sha=sha,
                head_branch=branch,
                created_at=now,
            )
            self._next_job += 1
            run.jobs.append(job)
            self.runs[run_id] = run
            self.changed.notify_all()
            auto = self.auto_run
        if auto:
            self._pending.put(run_id)
            self._ensure_worker()
        return run

    def _resolve_ref(self, ref: str) -> tuple[str, str]:
        sim = self.sim
        name = ref.removeprefix("refs/heads/")
        with sim.lock:
            if name == sim.default_branch:
                return name, sim.base_sha
            for pull in sim.pulls.values():
                if pull.head_ref == name and pull.state == "open":
                    return name, pull.head_sha
        raise SimError(422, f"No ref found for: {ref}")

    # -- execution -------------------------------------------------------------------------

    def _ensure_worker(self) -> None:
        with self.lock:
            if self._worker is not None and self._worker.is_alive():
                return
            self._stop.clear()
            self._worker = threading.Thread(target=self._work, name="lbconsole-sim-actions", daemon=True)
            self._worker.start()

    def close(self) -> None:
        """Stop the worker (the simulator is shutting down); runs still queued stay queued."""
        self._stop.set()
        with self.lock:
            worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(timeout=5)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                run_id = self._pending.get(timeout=1.0)
            except queue.Empty:
                with self.lock:  # nothing queued: end, so an idle simulator holds no thread
                    if self._pending.empty():
                        self._worker = None
                        return
                continue
            while True:
                with self.lock:
                    run = self.runs.get(run_id)
                    delay = self.step_delay_s
                if run is None or run.abandoned or run.status == "completed":
                    break
                try:
                    self.advance(run_id)
                except SimError:  # reset under our feet
                    break
                if delay > 0:
                    self._stop.wait(delay)

    def advance(self, run_id: int) -> SimRun:
        """Move a run one transition on; the step's work runs here, in the caller's thread.

        Transitions: a queued run starts (its job in progress, steps listed);
        then each step starts, then completes (doing its work); the last
        step's completion completes the job and the run, with a conclusion.

        Returns:
            The run after the transition (unchanged when already completed).
        """
        with self._advancing:
            return self._advance(self.run(run_id))

    def _advance(self, run: SimRun) -> SimRun:
        if run.status == "completed" or run.abandoned:
            return run
        job = run.jobs[0]
        now = self.sim.now()
        if run.status == "queued":
            self._start(run, job, now)
        else:
            step = next((s for s in job.steps if s.status != "completed"), None)
            if step is None:
                self._complete(run, job, now)
            elif step.status == "queued":
                with self.lock:
                    step.status, step.started_at = "in_progress", now
                    run.updated_at = now
            else:
                conclusion = self._do(step, run, job)
                with self.lock:
                    step.status, step.conclusion, step.completed_at = "completed", conclusion, self.sim.now()
                    run.updated_at = step.completed_at
                    if conclusion == "failure":
                        for later in job.steps[step.number :]:
                            later.status, later.conclusion = "completed", "skipped"
                            later.started_at = later.completed_at = step.completed_at
                if all(s.status == "completed" for s in job.steps):
                    self._complete(run, job, self.sim.now())
        with self.lock:
            self.changed.notify_all()
        return run

    def run_to_end(self, run_id: int) -> SimRun:
        """Advance a run until it completes (synchronously)."""
        run = self.run(run_id)
        while run.status != "completed" and not run.abandoned:
            run = self.advance(run_id)
        return run

    def wait(self, run_id: int, timeout: float) -> bool:
        """Wait (bounded) until the run completes; True when it did."""
        with self.changed:
            return self.changed.wait_for(
                lambda: run_id not in self.runs or self.runs[run_id].status == "completed", timeout
            )

    def _start(self, run: SimRun, job: SimJob, now: datetime) -> None:
        ctx = JobContext(run=run, job=job, sim=self.sim, api=run.api, token=run.token)
        try:
            specs = self.job_factory(ctx)
        except Exception as exc:
            specs = [("Set up job", _failing(f"could not set up the job: {exc}"))]
        with self.lock:
            run.status = job.status = "in_progress"
            run.run_started_at = job.started_at = run.updated_at = now
            job.steps = [SimStep(number=i, name=name, work=work) for i, (name, work) in enumerate(specs, 1)]

    def _do(self, step: SimStep, run: SimRun, job: SimJob) -> str:
        log = JobLog(job, self.sim.now)
        if step.work is None:
            return "success"
        try:
            conclusion = step.work(log)
        except Exception as exc:
            log.error(f"{type(exc).__name__}: {exc}")
            for line in traceback.format_exc().splitlines()[-6:]:
                log.line(line)
            conclusion = "failure"
        return conclusion if conclusion in ("success", "failure", "skipped", "cancelled") else "success"

    def _complete(self, run: SimRun, job: SimJob, now: datetime) -> None:
        failed = any(s.conclusion == "failure" for s in job.steps)
        with self.lock:
            job.status = run.status = "completed"
            job.conclusion = run.conclusion = "failure" if failed else "success"
            job.completed_at = run.updated_at = now


def _input_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _failing(message: str) -> Callable[[JobLog], str]:
    def work(log: JobLog) -> str:
        log.error(message)
        return "failure"

    return work


# -- the orchestrator job ---------------------------------------------------------------------


def orchestrator_steps(ctx: JobContext) -> list[tuple[str, Callable[[JobLog], str] | None]]:
    """The steps of the generated workflow's `orchestrate` job, doing the real work.

    Plan fetches the queue through a `GitHubGateway` pointed at the simulator
    and plans with the core planner; Run the plan executes it with the engine
    (applying unless `dry_run`), logging everything the engine says.
    """
    from lbconsole import __version__

    run = ctx.run
    mode = run.inputs.get("mode") or "auto"
    dry_run = run.inputs.get("dry_run", "false") == "true"
    shared: dict[str, Any] = {}

    def set_up(log: JobLog) -> str:
        log.line("Current runner version: '2.329.0'")
        log.group("Operating System")
        log.line("Ubuntu\n24.04.3\nLTS")
        log.endgroup()
        log.group("GITHUB_TOKEN Permissions")
        for scope in (
            "Checks: read",
            "Contents: write",
            "Issues: write",
            "Metadata: read",
            "PullRequests: write",
            "Statuses: read",
        ):
            log.line(scope)
        log.endgroup()
        log.line(f"Secret source: Actions\nPrepare workflow directory\nComplete job name: {ctx.job.name}")
        return "success"

    def checkout(log: JobLog) -> str:
        log.line(f"Syncing repository: {ctx.sim.full_name}")
        log.line(f"[command]/usr/bin/git checkout --progress --force {run.head_sha}")
        log.line(f"HEAD is now at {run.head_sha[:7]}")
        return "success"

    def python(log: JobLog) -> str:
        log.line("Successfully set up CPython (3.11.14)")
        return "success"

    def install(log: JobLog) -> str:
        log.line(f'[command]python -m pip install --disable-pip-version-check "lbconsole=={__version__}"')
        log.line(f"Successfully installed lbconsole-{__version__}")
        return "success"

    def plan_step(log: JobLog) -> str:
        from lbconsole.core.planner import plan

        gateway = _gateway(ctx)
        shared["gateway"] = gateway
        settings = _settings(run)
        shared["settings"] = settings
        queue_ = gateway.fetch_queue()
        result = plan(queue_, mode, settings, ctx.sim.now())
        shared["plan"] = result
        try:
            from lbconsole.output import plan_text

            text = plan_text(result)
        except Exception:  # the renderer is optional here: the counts say enough
            text = f"plan {mode}: {len(result.actions)} actions, {len(result.skipped)} skipped"
        log.line(f"[command]lbconsole plan --repo {ctx.sim.full_name} --mode {mode} --json")
        log.line(text)
        if result.empty:
            log.line("the plan is empty: nothing to do, the run stops here")
        return "success"

    def apply_step(log: JobLog) -> str:
        from lbconsole.engine.executor import execute, format_summary_table
        from lbconsole.engine.logbus import LogBus, LogRecord

        plan = shared.get("plan")
        if plan is None or plan.empty:
            return "skipped"
        bus = LogBus(clock=ctx.sim.now)

        def to_log(record: LogRecord) -> None:
            prefix = {"error": "##[error]", "warning": "##[warning]"}.get(record.level, "")
            pr = f" #{record.pr}" if record.pr is not None else ""
            log.line(f"{prefix}{record.source}{pr}: {record.text}", record.time)

        bus.subscribe(to_log)
        log.line(f"[command]lbconsole run --plan plan.json{'' if dry_run else ' --apply'}")
        report = execute(
            plan, shared["gateway"], settings=shared["settings"], bus=bus, apply=not dry_run, sleep=_no_sleep
        )
        log.line(format_summary_table(report))
        if report.exit_code:
            log.error(f"Process completed with exit code {report.exit_code}.")
            return "failure"
        return "success"

    def complete(log: JobLog) -> str:
        gateway = shared.pop("gateway", None)
        if gateway is not None:
            gateway.close()
        log.line("Cleaning up orphan processes")
        return "success"

    return [
        ("Set up job", set_up),
        ("Check out the repository", checkout),
        ("Set up Python", python),
        ("Install lbconsole", install),
        ("Plan (stops the run when there is nothing to do)", plan_step),
        ("Run the plan", apply_step),
        ("Complete job", complete),
    ]


def _no_sleep(_seconds: float) -> None:
    """The engine's pacing inside the simulator (write_interval_s is 0 there anyway)."""


def _gateway(ctx: JobContext) -> Any:
    from lbconsole.core.settings import GithubSettings
    from lbconsole.github.gateway import GitHubGateway

    settings = GithubSettings(repo=ctx.sim.full_name, api_url=ctx.api, write_interval_s=0.0, timeout_s=30.0)
    return GitHubGateway(ctx.sim.full_name, token=ctx.token, settings=settings, api_url=ctx.api)


def _settings(run: SimRun) -> Any:
    from lbconsole.core.settings import GithubSettings, Settings

    settings = Settings(github=GithubSettings(write_interval_s=0.0))
    limits = settings.limits
    for name in ("merge", "conflict"):
        text = run.inputs.get(f"{name}_limit", "")
        if text.strip().isdigit() and 0 <= int(text) <= 100:
            limits = replace(limits, **{name: int(text)})
    return replace(settings, limits=limits)


# -- shapes -------------------------------------------------------------------------------------


def _ts(value: datetime | None) -> str | None:
    return shapes.ts(value)


def workflow_json(sim: SimState, api: str, wf: SimWorkflow) -> dict[str, Any]:
    """GitHub's `workflow`."""
    full = sim.full_name
    return {
        "id": wf.id,
        "node_id": shapes.node_id("W", wf.id),
        "name": wf.name,
        "path": wf.path,
        "state": wf.state,
        "created_at": wf.created_at,
        "updated_at": wf.updated_at,
        "url": f"{api}/repos/{full}/actions/workflows/{wf.id}",
        "html_url": f"{shapes.WEB}/{full}/blob/{sim.default_branch}/{wf.path}",
        "badge_url": f"{shapes.WEB}/{full}/workflows/{wf.file}/badge.svg",
    }


def run_json(sim: SimState, api: str, run: SimRun) -> dict[str, Any]:
    """GitHub's `workflow-run`."""
    full = sim.full_name
    url = f"{api}/repos/{full}/actions/runs/{run.id}"
    actor = shapes.user(api, run.actor)
    with sim.lock:
        repo = shapes.minimal_repository(sim, api)
    created = _ts(run.created_at)
    return {
        "id": run.id,
        "name": run.workflow.name,
        "node_id": shapes.node_id("WFR", run.id),
        "check_suite_id": run.id + 1000,
        "check_suite_node_id": shapes.node_id("CS", run.id + 1000),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.workflow.path,
        "display_title": run.display_title,
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow.id,
        "url": url,
        "html_url": f"{shapes.WEB}/{full}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": created,
        "updated_at": _ts(run.updated_at) or created,
        "actor": actor,
        "triggering_actor": actor,
        "run_attempt": 1,
        "referenced_workflows": [],
        "run_started_at": _ts(run.run_started_at) or created,
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": f"{api}/repos/{full}/check-suites/{run.id + 1000}",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{api}/repos/{full}/actions/workflows/{run.workflow.id}",
        "head_commit": {
            "id": run.head_sha,
            "tree_id": run.head_sha[::-1],
            "message": f"Merge the queue ({run.head_branch})",
            "timestamp": created,
            "author": {"name": "Monalisa Octocat", "email": "octocat@github.com"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        },
        "repository": repo,
        "head_repository": repo,
    }


def job_json(sim: SimState, api: str, run: SimRun, job: SimJob) -> dict[str, Any]:
    """GitHub's `job`, with its steps."""
    full = sim.full_name
    started = job.started_at or job.created_at
    running = job.status != "queued"
    return {
        "id": job.id,
        "run_id": run.id,
        "workflow_name": run.workflow.name,
        "head_branch": job.head_branch,
        "run_url": f"{api}/repos/{full}/actions/runs/{run.id}",
        "run_attempt": 1,
        "node_id": shapes.node_id("CR", job.id),
        "head_sha": job.head_sha,
        "url": f"{api}/repos/{full}/actions/jobs/{job.id}",
        "html_url": f"{shapes.WEB}/{full}/actions/runs/{run.id}/job/{job.id}",
        "status": job.status,
        "conclusion": job.conclusion,
        "created_at": _ts(job.created_at),
        "started_at": _ts(started),
        "completed_at": _ts(job.completed_at),
        "name": job.name,
        "steps": [
            {
                "name": s.name,
                "status": s.status,
                "conclusion": s.conclusion,
                "number": s.number,
                "started_at": _ts(s.started_at),
                "completed_at": _ts(s.completed_at),
            }
            for s in job.steps
        ],
        "check_run_url": f"{api}/repos/{full}/check-runs/{job.id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 7 if running else None,
        "runner_name": "GitHub Actions 7" if running else None,
        "runner_group_id": 2 if running else None,
        "runner_group_name": "GitHub Actions" if running else None,
    }


# -- routes ---------------------------------------------------------------------------------------


def _token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "token") or not token.strip():
        return None
    return token.strip()


def _runs_answer(request: Request, sim: SimState, api: str, runs: list[SimRun]) -> Response:
    event = request.query_params.get("event")
    status = request.query_params.get("status")
    branch = request.query_params.get("branch")
    if event:
        runs = [r for r in runs if r.event == event]
    if status:
        runs = [r for r in runs if status in (r.status, r.conclusion)]
    if branch:
        runs = [r for r in runs if r.head_branch == branch]
    chunk, headers = paginate(request, runs)
    return Answer({"total_count": len(runs), "workflow_runs": [run_json(sim, api, r) for r in chunk]}, headers=headers)


def list_workflows(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/workflows``."""
    actions = ActionsState.of(sim)
    with actions.lock:
        workflows = list(actions.workflows)
    chunk, headers = paginate(request, workflows)
    return Answer(
        {"total_count": len(workflows), "workflows": [workflow_json(sim, api, w) for w in chunk]}, headers=headers
    )


def get_workflow(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/workflows/{workflow_id}`` (id or file name)."""
    wf = ActionsState.of(sim).workflow(request.path_params["workflow_id"])
    return Answer(workflow_json(sim, api, wf))


def dispatch(request: Request, sim: SimState, api: str) -> Response:
    """``POST /repos/{o}/{r}/actions/workflows/{workflow_id}/dispatches``."""
    actions = ActionsState.of(sim)
    wf = actions.workflow(request.path_params["workflow_id"])
    body = request_json(request)
    run = actions.dispatch(wf, body, api=api, token=_token(request), actor=sim.viewer)
    if isinstance(body, dict) and body.get("return_run_details") is True:
        full = sim.full_name
        return Answer(
            {
                "workflow_run_id": run.id,
                "run_url": f"{api}/repos/{full}/actions/runs/{run.id}",
                "html_url": f"{shapes.WEB}/{full}/actions/runs/{run.id}",
            }
        )
    return Response(status_code=204)


def list_workflow_runs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/workflows/{workflow_id}/runs``."""
    actions = ActionsState.of(sim)
    wf = actions.workflow(request.path_params["workflow_id"])
    return _runs_answer(request, sim, api, actions.newest_first(wf))


def list_runs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs``."""
    return _runs_answer(request, sim, api, ActionsState.of(sim).newest_first())


def get_run(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs/{run_id}``."""
    run = ActionsState.of(sim).run(int(request.path_params["run_id"]))
    return Answer(run_json(sim, api, run))


def list_jobs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs/{run_id}/jobs``."""
    actions = ActionsState.of(sim)
    run = actions.run(int(request.path_params["run_id"]))
    with actions.lock:
        jobs = [job_json(sim, api, run, j) for j in run.jobs]
    chunk, headers = paginate(request, jobs)
    return Answer({"total_count": len(jobs), "jobs": chunk}, headers=headers)


def job_logs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/jobs/{job_id}/logs``: 302 to the plain-text log (once the job is done)."""
    job = ActionsState.of(sim).job(int(request.path_params["job_id"]))
    if job.status != "completed":
        raise SimError(404, "Not Found")
    return RedirectResponse(f"{api}/_sim/actions/logs/{job.id}?sig=sim", status_code=302)


REST: list[tuple[str, str, Handler, str]] = [
    ("GET", "/repos/{owner}/{repo}/actions/workflows", list_workflows, "workflows#list-repository-workflows"),
    ("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}", get_workflow, "workflows#get-a-workflow"),
    (
        "POST",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
        dispatch,
        "workflows#create-a-workflow-dispatch-event",
    ),
    (
        "GET",
        "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
        list_workflow_runs,
        "workflow-runs#list-workflow-runs-for-a-workflow",
    ),
    ("GET", "/repos/{owner}/{repo}/actions/runs", list_runs, "workflow-runs#list-workflow-runs-for-a-repository"),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id:int}", get_run, "workflow-runs#get-a-workflow-run"),
    (
        "GET",
        "/repos/{owner}/{repo}/actions/runs/{run_id:int}/jobs",
        list_jobs,
        "workflow-jobs#list-jobs-for-a-workflow-run",
    ),
    (
        "GET",
        "/repos/{owner}/{repo}/actions/jobs/{job_id:int}/logs",
        job_logs,
        "workflow-jobs#download-job-logs-for-a-workflow-run",
    ),
]
"""The GitHub routes, in the shape of the simulator's `REST_ROUTES` (method, path, handler, docs anchor)."""


def _plain_wrap(getter: Callable[[], SimState]) -> Wrap:
    """A wrapper without the simulator's auth/fault/rate-limit policy (tests, or a bare app).

    Like `Simulator.endpoint`, it reads the body first and runs the handler under the state's lock.
    """

    def wrap(method: str, template: str, handler: Handler, docs: str) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            sim = getter()
            await read_body(request)
            with sim.lock:
                try:
                    if "{owner}" in template:
                        check_repo(sim, request)
                    return handler(request, sim, api_base(request))
                except SimError as exc:
                    return error(exc.status, exc.message, f"{DOCS}/{docs}")

        return run

    return wrap


def actions_routes(sim_state_getter: Callable[[], SimState], *, wrap: Wrap | None = None) -> list[Route]:
    """The Actions routes: GitHub's REST endpoints, the log blobs, and `/_sim/actions/` admin.

    Mount them BEFORE the simulator's catch-all ``/_sim/{rest:path}`` route,
    and pass ``wrap=simulator.endpoint`` so the GitHub routes get the same
    authentication, faults, rate limits, ETags and request counters as every
    other route::

        routes += actions_routes(lambda: self.state, wrap=self.endpoint)

    Args:
        sim_state_getter: returns the live `SimState` (for the admin routes,
            the log blobs and, without `wrap`, the GitHub routes).
        wrap: ``(method, template, handler, docs) -> endpoint``, the
            simulator's request policy; None serves the routes bare.

    Returns:
        Starlette routes.
    """
    wrapper = wrap or _plain_wrap(sim_state_getter)
    routes = [
        Route(path, wrapper(method, template_of(path), handler, docs), methods=[method])
        for method, path, handler, docs in REST
    ]
    routes += admin_routes(sim_state_getter)
    return routes


def admin_routes(sim_state_getter: Callable[[], SimState]) -> list[Route]:
    """`/_sim/actions/...`: log blobs, settings, reset, advance and wait."""

    def actions() -> ActionsState:
        return ActionsState.of(sim_state_getter())

    async def log_blob(request: Request) -> Response:
        try:
            job = actions().job(int(request.path_params["job_id"]))
        except SimError:
            return PlainTextResponse("BlobNotFound", status_code=404)
        with actions().lock:
            text = "\ufeff" + "\n".join(job.log) + "\n"
        return PlainTextResponse(text, media_type="text/plain; charset=utf-8")

    async def settings(request: Request) -> Response:
        body = await _safe_body(request)
        state = actions()
        with state.lock:
            if "auto_run" in body:
                state.auto_run = bool(body["auto_run"])
            if "legacy_dispatch" in body:
                state.legacy_dispatch = bool(body["legacy_dispatch"])
            if "step_delay_s" in body:
                state.step_delay_s = max(0.0, float(body["step_delay_s"]))
            return Answer(
                {
                    "auto_run": state.auto_run,
                    "legacy_dispatch": state.legacy_dispatch,
                    "step_delay_s": state.step_delay_s,
                }
            )

    async def legacy(request: Request) -> Response:
        body = await _safe_body(request)
        state = actions()
        with state.lock:
            state.legacy_dispatch = bool(body.get("enabled", True))
            return Answer({"enabled": state.legacy_dispatch})

    async def reset(request: Request) -> Response:
        actions().reset()
        return Answer({"ok": True})

    async def advance(request: Request) -> Response:
        body = await _safe_body(request)
        state = actions()
        run_id = int(request.path_params["run_id"])
        steps = int(body.get("steps", 1))
        to_end = bool(body.get("to_end"))

        def go() -> SimRun:
            if to_end:
                return state.run_to_end(run_id)
            run = state.run(run_id)
            for _ in range(max(1, steps)):
                run = state.advance(run_id)
            return run

        try:
            run = await run_in_threadpool(go)
        except SimError as exc:
            return error(exc.status, exc.message, DOCS)
        return Answer(_admin_run(run))

    async def wait(request: Request) -> Response:
        state = actions()
        run_id = int(request.path_params["run_id"])
        timeout = min(float(request.query_params.get("timeout", 30)), 120.0)
        try:
            state.run(run_id)
        except SimError as exc:
            return error(exc.status, exc.message, DOCS)
        done = await run_in_threadpool(state.wait, run_id, timeout)
        run = state.run(run_id)
        return Answer({**_admin_run(run), "timed_out": not done}, status_code=200 if done else 408)

    return [
        Route("/_sim/actions/logs/{job_id:int}", log_blob, methods=["GET"]),
        Route("/_sim/actions/settings", settings, methods=["GET", "POST"]),
        Route("/_sim/actions/legacy-dispatch", legacy, methods=["POST"]),
        Route("/_sim/actions/reset", reset, methods=["POST"]),
        Route("/_sim/actions/runs/{run_id:int}/advance", advance, methods=["POST"]),
        Route("/_sim/actions/runs/{run_id:int}/wait", wait, methods=["GET"]),
    ]


async def _safe_body(request: Request) -> dict[str, Any]:
    try:
        body = await json_body(request)
    except SimError:
        body = None
    return body if isinstance(body, dict) else {}


def _admin_run(run: SimRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "conclusion": run.conclusion,
        "inputs": run.inputs,
        "jobs": [
            {
                "id": j.id,
                "name": j.name,
                "status": j.status,
                "conclusion": j.conclusion,
                "steps": [{"name": s.name, "status": s.status, "conclusion": s.conclusion} for s in j.steps],
                "log_lines": len(j.log),
            }
            for j in run.jobs
        ],
    }
