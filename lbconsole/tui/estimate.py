"""The estimated GitHub API cost of running a plan locally (the Plan tab and the run confirmation)."""

from __future__ import annotations

from dataclasses import dataclass

from lbconsole.core.plan import ACTION_KINDS, Plan
from lbconsole.core.settings import Settings

REQUESTS_PER_ACTION: dict[str, tuple[int, int, str]] = {
    "merge": (1, 1, "re-read + merge"),
    "update_branch": (1, 1, "re-read + update-branch"),
    "notify_conflict": (2, 2, "re-read + list comments + label + comment"),
    "security_scan": (3, 3, "re-read + files + list comments + status + label + comment"),
    "label": (1, 1, "re-read + add label"),
    "report": (0, 0, "written to the log / step summary"),
}
"""Per action kind: (reads, writes, what they are). Upper bounds for one page of comments."""


TRAIN_CAR = (6, 3)
"""(reads, writes) of one merge-train car beyond its merge; each further checks poll is two conditional reads."""


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """The estimated GitHub API cost of executing a plan locally."""

    reads: int
    writes: int
    by_kind: tuple[tuple[str, int, int], ...]
    """(kind, actions, requests) for every kind present."""
    paced_s: float
    """Minimum run time spent pacing writes (`github.write_interval_s`)."""
    ci_runs: int = 0
    """CI runs the plan starts (every branch update makes a new head; every queued PR a merge group)."""
    train_wait_s: int = 0
    """The longest the job may wait for a merge train's checks (`merge.train_budget_s`); 0: no train."""

    @property
    def requests(self) -> int:
        """Total REST requests."""
        return self.reads + self.writes


def estimate_cost(plan: Plan, settings: Settings | None = None) -> CostEstimate:
    """Estimate the REST requests a local run of `plan` makes (reads and writes).

    The plan is executed as previewed, so no queue fetch is counted. Merges
    later in a batch may re-read their PR once more after an earlier merge;
    that is included as one extra read per merge after the first.
    """
    reads = writes = 0
    by_kind: list[tuple[str, int, int]] = []
    summary = plan.summary()
    for kind in ACTION_KINDS:
        count = summary.get(kind, 0)
        if not count:
            continue
        r, w, _ = REQUESTS_PER_ACTION[kind]
        extra = max(0, count - 1) if kind == "merge" else 0
        reads += r * count + extra
        writes += w * count
        by_kind.append((kind, count, (r + w) * count + extra))
    cars = sum(1 for a in plan.actions if a.via == "train")
    if cars:  # each car: update + re-read + its scan (3 reads, 2 writes) + a first checks read (2)
        r, w = TRAIN_CAR
        reads, writes = reads + r * cars, writes + w * cars
        by_kind.append(("train car", cars, (r + w) * cars))
    queued = sum(1 for a in plan.actions if a.via == "queue")
    if queued:  # each enqueue: the PR's node id (a GraphQL read) before the mutation; its merge needs no call
        reads += queued
        by_kind.append(("merge queue node id", queued, queued))
    interval = settings.github.write_interval_s if settings is not None else 1.0
    budget = (settings or Settings()).merge.train_budget_s
    return CostEstimate(
        reads,
        writes,
        tuple(by_kind),
        paced_s=max(0, writes - 1) * interval,
        ci_runs=summary.get("update_branch", 0) + cars + queued,  # a queued PR's merge group runs CI
        train_wait_s=budget if cars else 0,
    )


def cost_text(cost: CostEstimate) -> str:
    """The cost estimate on one line."""
    if not cost.by_kind:
        return "estimated API cost: 0 requests"
    parts = ", ".join(f"{kind} ×{n}: {req}" for kind, n, req in cost.by_kind)
    pacing = f", ≥{cost.paced_s:.0f}s write pacing" if cost.paced_s else ""
    text = f"estimated API cost: {cost.requests} requests ({cost.reads} reads, {cost.writes} writes{pacing}) — {parts}"
    if cost.ci_runs:
        text += f"; starts {cost.ci_runs} CI run{'' if cost.ci_runs == 1 else 's'}"
    if cost.train_wait_s:
        text += (
            f"; the job waits for the train's checks, up to {cost.train_wait_s / 60:.0f} runner minutes "
            "(304 polls cost no rate limit)"
        )
    return text
