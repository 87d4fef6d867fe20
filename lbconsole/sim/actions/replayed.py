"""Activity replayed against workflows: the runs GitHub would start, how long their jobs run, what they achieve.

`replay` applies GitHub's trigger rules (`lbconsole.workflow.replay`) to
every event and every schedule tick; `bot_runs` gives the legacy bots' jobs
their runtimes; `orchestrate` plays the orchestrator's runs one at a time
(its `concurrency` group: one running, at most one pending, a newer pending
run replacing the older), deciding from the activity what each plan holds
(merges of ready PRs up to the merge limit, conflict notices up to the
conflict limit, scans of new security PRs) and so which plans are empty.
Used by the simulator's Actions history and by the economy replay.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lbconsole.core.cron import cron_times
from lbconsole.core.settings import Settings
from lbconsole.sim.actions.events import Activity
from lbconsole.workflow.replay import Event, jobs_for, runs_on, schedules, triggered
from lbconsole.workflow.triggers import job_condition

ORCHESTRATOR_TYPES = ["opened", "synchronize", "reopened", "labeled", "unlabeled", "ready_for_review"]


def orchestrator_workflow(settings: Settings | None = None) -> dict[str, Any]:
    """The orchestrator workflow's triggers and job as `workflow init` writes them, as parsed data."""
    settings = settings or Settings()
    return {
        "name": "ΛBot orchestrator",
        "on": {
            "workflow_dispatch": {},
            "schedule": [{"cron": cron} for cron in settings.workflow.schedule],
            "pull_request": {"types": list(ORCHESTRATOR_TYPES)},
        },
        "jobs": {"orchestrate": {"if": " ".join(job_condition(settings)), "runs-on": settings.workflow.runs_on}},
    }


@dataclass(frozen=True, slots=True)
class Hit:
    """One run an event started: the workflow, the event, and whether each job reached a runner."""

    workflow: str
    """The workflow's key (its file name)."""
    event: Event
    jobs: tuple[tuple[str, bool, tuple[str, ...]], ...]
    """(job, reaches a runner, runner labels)."""


def replay(activity: Activity, workflows: Mapping[str, Mapping[str, Any]], repository: str) -> list[Hit]:
    """Every run the activity's events and the workflows' schedules start, in time order."""
    hits: list[Hit] = []

    def hit(key: str, workflow: Mapping[str, Any], event: Event) -> None:
        jobs = tuple((job, ok, runs_on(workflow, job)) for job, ok in jobs_for(workflow, event, repository))
        hits.append(Hit(key, event, jobs))

    for event in activity.events:
        for key, workflow in workflows.items():
            if triggered(workflow, event):
                hit(key, workflow, event)
    for key, workflow in workflows.items():
        for cron in schedules(workflow):
            for moment in cron_times(cron, activity.start, activity.end):
                hit(key, workflow, Event(at=moment, name="schedule", cron=cron, actor="github-actions"))
    hits.sort(key=lambda h: (h.event.at, h.workflow))
    return hits


@dataclass(slots=True)
class PlayedRun:
    """A run with its timing: when it was created, started, ended, and what its jobs billed."""

    workflow: str
    event: Event
    created: datetime
    start: datetime
    end: datetime
    jobs: list[tuple[str, bool, tuple[str, ...], float]] = field(default_factory=list)
    """(job, reached a runner, labels, seconds)."""
    empty: bool = False
    """An orchestrator run whose plan was empty."""
    cancelled: bool = False
    """Replaced while pending by a newer run of the same concurrency group."""
    merged: list[int] = field(default_factory=list)
    notified: list[tuple[datetime, int]] = field(default_factory=list)
    """(when the PR became conflicting, its number)."""
    scanned: list[int] = field(default_factory=list)


def bot_runs(hits: Sequence[Hit], seconds: Mapping[str, tuple[int, int]], rng: random.Random) -> list[PlayedRun]:
    """The legacy bots' runs: each job that reaches a runner runs for a time in its bot's range."""
    runs = []
    for h in hits:
        low, high = seconds.get(h.workflow, (20, 60))
        queued = rng.uniform(3, 20)
        start = h.event.at + timedelta(seconds=queued)
        jobs = [(job, ok, labels, rng.uniform(low, high) if ok else 0.0) for job, ok, labels in h.jobs]
        end = start + timedelta(seconds=max([s for *_, s in jobs] or [0.0]))
        runs.append(PlayedRun(h.workflow, h.event, h.event.at, start, end, jobs))
    return runs


@dataclass(frozen=True, slots=True)
class Limits:
    """The orchestrator's batch limits."""

    merge: int = 5
    conflict: int = 3


def orchestrate(
    hits: Sequence[Hit], activity: Activity, rng: random.Random, limits: Limits | None = None
) -> list[PlayedRun]:
    """Play the orchestrator's runs in its concurrency group and decide each plan from the activity.

    A running job takes its setup (checkout, Python, install: 35-70 s) and its
    plan (5-10 s); a plan with actions then runs them (8-20 s each). A job
    skipped by its `if:` is over at once and bills nothing.
    """
    limits = limits or Limits()
    ready = sorted((p.ready_at, p.number) for p in activity.pulls if p.ready_at)
    conflicts = sorted((moment, p.number) for p in activity.pulls for moment in p.conflicts)
    security = sorted((p.opened_at, p.number) for p in activity.pulls if p.security)
    merged: set[int] = set()
    done_conflicts: set[tuple[datetime, int]] = set()
    scanned: set[int] = set()
    played: list[PlayedRun] = []
    busy_until = activity.start
    pending: Hit | None = None

    def start(h: Hit, at: datetime) -> datetime:
        run = PlayedRun(h.workflow, h.event, h.event.at, at, at)
        plan_at = at + timedelta(seconds=rng.uniform(40, 80))
        to_merge = [n for t, n in ready if t <= plan_at and n not in merged][: limits.merge]
        to_notify = [c for c in conflicts if c[0] <= plan_at and c not in done_conflicts][: limits.conflict]
        to_scan = [n for t, n in security if t <= plan_at and n not in scanned][:10]
        actions = len(to_merge) + len(to_notify) + len(to_scan)
        seconds = (plan_at - at).total_seconds() + sum(rng.uniform(8, 20) for _ in range(actions))
        run.end = at + timedelta(seconds=seconds)
        run.jobs = [(job, ok, labels, seconds if ok else 0.0) for job, ok, labels in h.jobs]
        run.empty = actions == 0
        run.merged, run.notified, run.scanned = to_merge, to_notify, to_scan
        merged.update(to_merge)
        done_conflicts.update(to_notify)
        scanned.update(to_scan)
        played.append(run)
        return run.end

    def skipped(h: Hit, *, cancelled: bool = False, at: datetime | None = None) -> None:
        moment = at or h.event.at
        run = PlayedRun(h.workflow, h.event, h.event.at, moment, moment, cancelled=cancelled)
        run.jobs = [(job, False, labels, 0.0) for job, _, labels in h.jobs]
        played.append(run)

    for h in hits:
        now = h.event.at
        if pending is not None and busy_until <= now:
            busy_until = start(pending, busy_until)
            pending = None
        if not any(ok for _, ok, _ in h.jobs):
            skipped(h)
            continue
        queued = now + timedelta(seconds=rng.uniform(3, 20))
        if busy_until <= queued and pending is None:
            busy_until = start(h, queued)
        else:
            if pending is not None:
                skipped(pending, cancelled=True, at=now)
            pending = h
    if pending is not None:
        start(pending, busy_until)
    played.sort(key=lambda r: (r.created, r.workflow))
    return played
