"""The demo repository's Actions history: weeks of legacy bot runs, then the orchestrator.

Three weeks of generated activity (`events`) are replayed (`replayed`)
against the 14 legacy bots up to the day the orchestrator was enabled, and
against the orchestrator from then on (the bots disabled, as `workflow init
--disable-redundant` leaves them). The result is the runs and jobs GitHub
would list, with runtimes in each bot's range and the orchestrator's empty
plans marked by its skipped `Run the plan` step. Deterministic from the
scenario's seed (its own generator, so the scenario's SHAs do not move), and
quick: about a second's worth of work is not spent on a demo's start.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from lbconsole.core.orchestrator import WORKFLOW_FILE
from lbconsole.core.times import iso_z
from lbconsole.sim.actions.bots import BOTS
from lbconsole.sim.actions.events import Profile, generate
from lbconsole.sim.actions.model import (
    APP_TOKEN_STEP,
    ORCHESTRATOR_NAME,
    ORCHESTRATOR_STEPS,
    SimJob,
    SimRun,
    SimStep,
    SimWorkflow,
)
from lbconsole.sim.actions.replayed import PlayedRun, bot_runs, orchestrate, orchestrator_workflow, replay

HISTORY_DAYS = 21
"""How far back the history goes."""
ENABLED_DAYS_AGO = 7
"""The orchestrator was enabled this many days before the scenario's now (at midnight UTC)."""
DEMO_PROFILE = Profile(prs_per_day=5.0, dependabot_burst=4, pushes_per_pr=1.5, comments_per_pr=1.0)
"""The demo repository is a small one: a handful of PRs a day."""
FIRST_RUN_ID = 20000000001
"""History runs are numbered below the runs the simulator creates (21000000001 on)."""
FIRST_JOB_ID = 57000000001


@dataclass(frozen=True, slots=True)
class History:
    """The workflows and runs the history adds to a repository's Actions."""

    workflows: tuple[SimWorkflow, ...]
    runs: tuple[SimRun, ...]
    enabled_at: datetime


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _branch(run: PlayedRun) -> str:
    event = run.event
    if event.name in ("pull_request", "pull_request_target", "pull_request_review", "issue_comment") and event.pr:
        return f"pr-{event.pr}"
    return event.ref or "main"


def _steps(names: list[str], start: datetime, end: datetime, skipped: set[str]) -> list[SimStep]:
    steps = []
    span = (end - start) / max(1, len(names))
    for number, name in enumerate(names, start=1):
        begin = start + span * (number - 1)
        conclusion = "skipped" if name in skipped else "success"
        steps.append(SimStep(number, name, None, "completed", conclusion, begin, begin + span))
    return steps


def _sim_run(
    played: PlayedRun, workflow: SimWorkflow, run_id: int, job_id: int, number: int, rng: random.Random
) -> SimRun:
    sha = _sha(rng)
    branch = _branch(played)
    runs_any = any(ok for _, ok, _, _ in played.jobs)
    if played.cancelled:
        conclusion = "cancelled"
    elif not runs_any:
        conclusion = "skipped"
    else:
        conclusion = "success" if rng.random() > 0.02 else "failure"
    run = SimRun(
        id=run_id,
        workflow=workflow,
        run_number=number,
        display_title=f"{workflow.name} ({played.event.name})",
        event=played.event.name,
        head_branch=branch,
        head_sha=sha,
        created_at=played.created,
        status="completed",
        conclusion=conclusion,
        updated_at=played.end,
        run_started_at=played.start,
        actor=played.event.actor or "github-actions[bot]",
    )
    for offset, (name, ok, labels, seconds) in enumerate(played.jobs):
        end = played.start + timedelta(seconds=seconds) if ok else played.start
        job = SimJob(
            id=job_id + offset,
            run_id=run_id,
            name=name,
            head_sha=sha,
            head_branch=branch,
            created_at=played.created,
            status="completed",
            conclusion=(conclusion if ok else ("cancelled" if played.cancelled else "skipped")),
            started_at=played.start,
            completed_at=end,
            labels=labels,
        )
        if ok and workflow.file == WORKFLOW_FILE:
            skipped = {APP_TOKEN_STEP, "Run the plan"} if played.empty else {APP_TOKEN_STEP}
            job.steps = _steps(list(ORCHESTRATOR_STEPS), played.start, end, skipped)
        elif ok:
            job.steps = _steps(["Set up job", f"Run {name}", "Complete job"], played.start, end, set())
        run.jobs.append(job)
    return run


def demo_history(seed: int, now: datetime) -> History:
    """The demo repository's history up to `now`.

    Args:
        seed: the scenario's seed.
        now: the scenario's anchor (the simulator's now when it starts).

    Returns:
        The 14 bots' workflows (disabled since the orchestrator was enabled) and every run, oldest first.
    """
    rng = random.Random(seed * 7919 + 13)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(days=HISTORY_DAYS - 1)
    enabled_at = midnight - timedelta(days=ENABLED_DAYS_AGO)
    activity = generate(rng, start, HISTORY_DAYS, DEMO_PROFILE)
    before = type(activity)(tuple(e for e in activity.events if e.at < enabled_at), activity.pulls, start, enabled_at)
    after = type(activity)(tuple(e for e in activity.events if e.at >= enabled_at), activity.pulls, enabled_at, now)
    bots = {bot.file: bot for bot in BOTS}
    played = bot_runs(
        replay(before, {k: b.workflow for k, b in bots.items()}, "acme/rocket"),
        {k: b.seconds for k, b in bots.items()},
        rng,
    )
    played += orchestrate(replay(after, {WORKFLOW_FILE: orchestrator_workflow()}, "acme/rocket"), after, rng)
    played = [p for p in played if p.created < now]
    for p in played:  # GitHub's timestamps are whole seconds
        p.created, p.start, p.end = (t.replace(microsecond=0) for t in (p.created, p.start, p.end))
    played.sort(key=lambda p: (p.created, p.workflow))
    workflows = {
        bot.file: SimWorkflow(
            id=bot.id,
            name=bot.name,
            file=bot.file,
            dispatchable="workflow_dispatch" in bot.workflow["on"],
            state="disabled_manually",
            created_at="2025-02-10T09:00:00Z",
            updated_at=iso_z(enabled_at),
        )
        for bot in BOTS
    }
    orchestrator = SimWorkflow(
        id=90001001, name=ORCHESTRATOR_NAME, file=WORKFLOW_FILE, dispatchable=True
    )  # replaced by the state's own record of the orchestrator when loaded
    runs: list[SimRun] = []
    numbers: dict[str, int] = {}
    job_id = FIRST_JOB_ID
    for index, p in enumerate(played):
        workflow = workflows.get(p.workflow, orchestrator)
        numbers[p.workflow] = numbers.get(p.workflow, 0) + 1
        run = _sim_run(p, workflow, FIRST_RUN_ID + index, job_id, numbers[p.workflow], rng)
        job_id += len(run.jobs)
        runs.append(run)
    return History(tuple(workflows.values()), tuple(runs), enabled_at)
