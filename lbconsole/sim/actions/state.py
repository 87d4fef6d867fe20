"""The Actions side of one simulated repository: its workflows, its runs, and the worker that runs them.

Runs execute one at a time (the workflow's ``concurrency`` group), on a
background worker thread, as soon as they are dispatched. Tests that want
every transition under their control turn that off (`auto_run`) and step
runs with `ActionsState.advance`; tests that only want the end wait for it
with `ActionsState.wait` (a bounded wait on a condition, never a guessed
sleep).

A run's job gets its steps from a job factory when it starts; the default
is the orchestrator runner (`lbconsole.sim.actions.runner`), which really
runs the engine.
"""

from __future__ import annotations

import queue
import threading
import traceback
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from lbconsole.sim.actions.history import History
from lbconsole.sim.actions.model import (
    JobContext,
    JobFactory,
    JobLog,
    SimJob,
    SimRun,
    SimStep,
    SimWorkflow,
    Work,
    default_workflows,
)
from lbconsole.sim.state import SimError, SimState

_REGISTRY: WeakKeyDictionary[SimState, ActionsState] = WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def _orchestrator_job(ctx: JobContext) -> list[tuple[str, Work | None]]:
    """The default job factory: the orchestrator runner's steps (`runner.orchestrator_steps`).

    The runner is imported on the first run, because it loads the engine and
    the gateway, which serving the simulator does not otherwise need.
    """
    from lbconsole.sim.actions import runner

    return runner.orchestrator_steps(ctx)


class ActionsState:
    """The Actions side of one simulated repository: workflows, runs and the run worker."""

    def __init__(self, sim: SimState, *, job_factory: JobFactory | None = None, auto_run: bool = True) -> None:
        """Create the Actions state of `sim`.

        Args:
            sim: the simulated repository.
            job_factory: builds the steps of a dispatched run's job; default
                the orchestrator runner's (the real engine, over HTTP to the simulator).
            auto_run: run dispatched runs at once on the worker thread.
        """
        self.sim = sim
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.job_factory: JobFactory = job_factory or _orchestrator_job
        self.auto_run = auto_run
        self.legacy_dispatch = False
        """Answer 400 to `return_run_details`, like GitHub Enterprise before it knew the field."""
        self.step_delay_s = 0.0
        """Real seconds between two transitions of an auto-run (0: as fast as possible)."""
        self.list_delay_s = 0.0
        """Sim seconds before a dispatched run shows in the runs lists (GitHub's lag; `GET` by id sees it at once)."""
        self.workflows: list[SimWorkflow] = default_workflows()
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
            self.workflows = default_workflows()
            self.legacy_dispatch = False
            self.auto_run = True
            self.step_delay_s = 0.0
            self.list_delay_s = 0.0
            self.changed.notify_all()

    def load_history(self, history: History) -> None:
        """Add a repository's past runs (`history.demo_history`): its workflows, and runs before any new one."""
        with self.lock:
            ours = {wf.id: wf for wf in self.workflows}
            for wf in history.workflows:
                if wf.id in ours:
                    self.workflows[self.workflows.index(ours[wf.id])] = wf
                else:
                    self.workflows.append(wf)
                ours[wf.id] = wf
            for run in history.runs:
                run.workflow = ours.get(run.workflow.id, run.workflow)
                self.runs[run.id] = run
                self._numbers[run.workflow.id] = max(self._numbers.get(run.workflow.id, 0), run.run_number)
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
        now = self.sim.now()
        with self.lock:
            shown = now - timedelta(seconds=self.list_delay_s)
            runs = [
                r
                for r in self.runs.values()
                if (workflow is None or r.workflow.id == workflow.id) and r.created_at <= shown
            ]
        return sorted(runs, key=lambda r: r.id, reverse=True)

    # -- dispatch ------------------------------------------------------------------------

    def create_run(
        self,
        workflow: SimWorkflow,
        *,
        branch: str,
        sha: str,
        inputs: dict[str, str],
        title: str,
        api: str,
        token: str | None,
        actor: str,
    ) -> SimRun:
        """A new `workflow_dispatch` run with its one queued job, queued on the worker when `auto_run`.

        The dispatch route has validated the request the way GitHub does.

        Args:
            workflow: the dispatched workflow.
            branch: the ref's branch.
            sha: the commit the ref names.
            inputs: the inputs, as text.
            title: the run's `display_title`.
            api: the simulator's URL (the run's engine talks to it).
            token: the dispatch's token (the run's GITHUB_TOKEN).
            actor: who dispatched.

        Returns:
            The run.
        """
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
                display_title=title,
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

    def resolve_ref(self, ref: str) -> tuple[str, str]:
        """The (branch, SHA) a dispatch's `ref` names: the default branch or an open PR's head branch.

        Raises:
            SimError: 422 when no branch has that name.
        """
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


def _failing(message: str) -> Work:
    def work(log: JobLog) -> str:
        log.error(message)
        return "failure"

    return work
