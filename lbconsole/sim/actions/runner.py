"""The orchestrator job a dispatched run executes inside the simulator: the real planner and engine.

A dispatched orchestrator run really runs the orchestrator: its one job,
``orchestrate``, plans with `lbconsole.core.planner.plan` on the queue
fetched through a `GitHubGateway` pointed at the simulator itself, and
applies the plan with the engine (unless the run is a dry run), so the
simulator's pull requests really change and the job log is the engine's
real output, in GitHub's log format.

This module is the one place the simulator reaches into the product: it is
imported on a run's first step, never to serve requests, and `_run_plan` is
the one call into the engine's execution.
"""

from __future__ import annotations

from dataclasses import replace

from lbconsole import __version__
from lbconsole.config.schema import SECTIONS
from lbconsole.core import planner
from lbconsole.core.plan import Plan
from lbconsole.core.settings import GithubSettings, Settings
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.engine.outcomes import RunReport, format_summary_table
from lbconsole.engine.run import run_plan
from lbconsole.github.gateway import GitHubGateway
from lbconsole.output import plan_text
from lbconsole.sim.actions.model import ORCHESTRATOR_STEPS, JobContext, JobLog, SimRun, Work
from lbconsole.workflow.permissions import job_permissions

TOKEN_PERMISSIONS = tuple(
    sorted(
        [f"{name.title().replace('-', '')}: {level}" for name, level in job_permissions().items()] + ["Metadata: read"]
    )
)
"""What the job log says the run's GITHUB_TOKEN may do (the generated workflow's `permissions`)."""


def orchestrator_steps(ctx: JobContext) -> list[tuple[str, Work | None]]:
    """The steps of the generated workflow's `orchestrate` job, doing the real work.

    Plan fetches the queue through a `GitHubGateway` pointed at the simulator
    and plans with the core planner; Run the plan executes it with the engine
    (applying unless `dry_run`), logging everything the engine says.

    Args:
        ctx: the run, its job, the simulator's state and URL.

    Returns:
        The job's (name, work) steps.
    """
    job = _OrchestratorJob(ctx)
    ctx.job.labels = (job.settings.workflow.runs_on,)  # the generated workflow's `runs-on`
    # the token step: the simulator's repository has no GitHub App, so its `if:` is false
    works = (job.set_up, job.checkout, job.python, _skipped, job.install, job.plan, job.apply, job.complete)
    return list(zip(ORCHESTRATOR_STEPS, works, strict=True))


class _OrchestratorJob:
    """One `orchestrate` job: its steps share the gateway, the settings and the plan."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.mode = ctx.run.inputs.get("mode") or "auto"
        self.dry_run = ctx.run.inputs.get("dry_run", "false") == "true"
        self.gateway: GitHubGateway | None = None
        self.settings = _run_settings(ctx.run)
        self.planned: Plan | None = None

    def set_up(self, log: JobLog) -> str:
        log.line("Current runner version: '2.329.0'")
        log.group("Operating System")
        log.line("Ubuntu\n24.04.3\nLTS")
        log.endgroup()
        log.group("GITHUB_TOKEN Permissions")
        for scope in TOKEN_PERMISSIONS:
            log.line(scope)
        log.endgroup()
        log.line(f"Secret source: Actions\nPrepare workflow directory\nComplete job name: {self.ctx.job.name}")
        return "success"

    def checkout(self, log: JobLog) -> str:
        sha = self.ctx.run.head_sha
        log.line(f"Syncing repository: {self.ctx.sim.full_name}")
        log.line(f"[command]/usr/bin/git checkout --progress --force {sha}")
        log.line(f"HEAD is now at {sha[:7]}")
        return "success"

    def python(self, log: JobLog) -> str:
        log.line("Successfully set up CPython (3.11.14)")
        return "success"

    def install(self, log: JobLog) -> str:
        log.line(f'[command]python -m pip install --disable-pip-version-check "lbconsole=={__version__}"')
        log.line(f"Successfully installed lbconsole-{__version__}")
        return "success"

    def plan(self, log: JobLog) -> str:
        self.gateway = _gateway(self.ctx)
        result = planner.plan(self.gateway.fetch_queue(), self.mode, self.settings, self.ctx.sim.now())
        self.planned = result
        log.line(f"[command]lbconsole plan --repo {self.ctx.sim.full_name} --mode {self.mode} --json")
        log.line(plan_text(result))
        if result.empty:
            log.line("the plan is empty: nothing to do, the run stops here")
        return "success"

    def apply(self, log: JobLog) -> str:
        if self.planned is None or self.planned.empty or self.gateway is None:
            return "skipped"
        bus = LogBus(clock=self.ctx.sim.now)

        def to_log(record: LogRecord) -> None:
            prefix = {"error": "##[error]", "warning": "##[warning]"}.get(record.level, "")
            pr = f" #{record.pr}" if record.pr is not None else ""
            log.line(f"{prefix}{record.source}{pr}: {record.text}", record.time)

        bus.subscribe(to_log)
        log.line(f"[command]lbconsole run --plan plan.json{'' if self.dry_run else ' --apply'}")
        report = _run_plan(self.planned, self.gateway, self.settings, bus, apply=not self.dry_run)
        log.line(format_summary_table(report))
        if report.exit_code:
            log.error(f"Process completed with exit code {report.exit_code}.")
            return "failure"
        return "success"

    def complete(self, log: JobLog) -> str:
        if self.gateway is not None:
            self.gateway.close()
            self.gateway = None
        log.line("Cleaning up orphan processes")
        return "success"


def _run_plan(planned: Plan, gateway: GitHubGateway, settings: Settings, bus: LogBus, *, apply: bool) -> RunReport:
    """Run the plan through the engine's one entry point, as `lbconsole run` does.

    No state directory: a run inside the simulator keeps no audit log and takes no lock (the
    workflow's concurrency group serialises runs), and needs no pacing.
    """
    return run_plan(planned, gateway, settings=settings, bus=bus, apply=apply, sleep=_no_sleep)


def _skipped(_log: JobLog) -> str:
    """A step whose `if:` is false."""
    return "skipped"


def _no_sleep(_seconds: float) -> None:
    """The engine's pacing inside the simulator (write_interval_s is 0 there anyway)."""


def _gateway(ctx: JobContext) -> GitHubGateway:
    settings = GithubSettings(repo=ctx.sim.full_name, api_url=ctx.api, write_interval_s=0.0, timeout_s=30.0)
    return GitHubGateway(ctx.sim.full_name, token=ctx.token, settings=settings, api_url=ctx.api)


def _run_settings(run: SimRun) -> Settings:
    """The settings a run executes with: the defaults, no write pacing, and the limits its inputs set.

    A limit input that is not an integer the settings schema accepts for
    that limit is ignored, as the workflow's `lbconsole run` would refuse it.
    """
    settings = Settings(github=GithubSettings(write_interval_s=0.0))
    limits = settings.limits
    for name in ("merge", "conflict"):
        text = run.inputs.get(f"{name}_limit", "")
        if not text.strip().isdigit():
            continue
        value, problem = SECTIONS["limits"][name].check(int(text))
        if problem is None:
            limits = replace(limits, **{name: value})
    return replace(settings, limits=limits)
