"""How a merge batch is merged when branch protection requires up-to-date branches.

Under "require branches to be up to date before merging" (strict), every
merge moves the base branch and leaves every other PR BEHIND: a plain batch
merges one PR and skips the rest. A strategy says what happens to the rest:

- `train`: the run merges the first PR, then for each next one updates its
  branch (pinned to the planned head), waits for its required checks on the
  new head, runs the built-in scan on it and merges it at that new head,
  within `merge.train_budget_s`; a PR that is ready but behind is a car
  too. Measured on the throughput benchmark (`tests/bench/bench_throughput.py`,
  20 ready PRs, 5-minute CI, 10 % failing, a run every 10 minutes, seed 0),
  against one merge per run (0.47 merges per run, 43 runs, 96 CI runs, 420
  simulated minutes to an empty queue, 86 runner minutes): with the default
  540 s budget (the job stays under ubuntu-slim's 15-minute limit) 0.95
  merges per run, 21 runs, 68 CI runs, 201 minutes, 209 runner minutes; with
  1800 s (ubuntu-latest) 2.50 merges per run, 8 runs, 28 CI runs, 121
  minutes, 119 runner minutes. The job waits for CI, so it bills more
  minutes; at slim's price the 540 s train costs less than the baseline on
  ubuntu-latest would.
- `pipeline`: the run merges the first PR and only updates the next
  (limit - 1), so their CI runs in parallel before the next run merges
  them. It needs no waiting job, but each merge moves the base again, so
  under strict protection all but one of the updated PRs are behind again
  by the next run: 0.49 merges per run, 41 runs, and 137 CI runs.
- `queue`: when the base branch has a GitHub merge queue, the run enqueues
  the batch (GraphQL `enqueuePullRequest` with `expectedHeadOid`, so the
  SHA guard holds) and waits for none of it: GitHub tests each PR on
  `merge_group` against the PRs ahead of it and merges them in order, and
  the orchestrator job bills no minute waiting. Strict protection or not,
  a queue is the best way to merge a batch where there is one: on the same
  benchmark with a merge queue on the branch (`queue:20`), 4.00 merges per
  run, 5 runs, 26 CI runs (merge groups), 45 simulated minutes to the last
  merge and 10 runner minutes.
- `auto` (the default) is `queue` when the base branch has a merge queue,
  else `train` under strict protection: the train is the only strategy
  without a queue that beats one merge per run, at the price of runner
  minutes spent waiting for CI (the budget bounds them).

Without strict protection (or when nothing says it is on) a batch merges
as planned: the strategy is `direct`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lbconsole.core.models import MergeState, Queue
from lbconsole.core.plan import Plan
from lbconsole.core.settings import MergePolicy

DIRECT = "direct"
"""No strategy needed: every planned merge can happen in this run."""


@dataclass(frozen=True, slots=True)
class Strategy:
    """The strategy a plan's merges follow, and why."""

    name: str
    """`direct`, `train` or `pipeline`."""
    why: str
    """One line: what decided it."""


def choose(queue: Queue, policy: MergePolicy) -> Strategy:
    """The strategy for `queue`'s merges under `policy` (`merge.strategy`).

    Strict protection is what branch protection says; when the rule cannot be
    read (a token without admin rights sees none), a PR reading BEHIND proves
    it, since GitHub reports BEHIND only under strict protection.
    """
    if queue.merge_queue and policy.strategy in ("auto", "queue"):
        return Strategy(
            "queue", f"the base branch has a merge queue, so merge.strategy = {policy.strategy} enqueues the batch"
        )
    strict = queue.strict
    how = "branch protection requires up-to-date branches"
    if strict is None and any(p.merge_state is MergeState.BEHIND for p in queue.pulls):
        strict, how = True, "a PR reads BEHIND, so branches must be up to date"
    if not strict:
        return Strategy(DIRECT, "branches need not be up to date: every merge can happen in this run")
    if policy.strategy in ("auto", "queue"):
        why = "auto" if policy.strategy == "auto" else "queue, but the base branch has no merge queue: it"
        return Strategy("train", f"{how}, so merge.strategy = {why} runs a merge train")
    return Strategy(policy.strategy, f"{how}; merge.strategy = {policy.strategy}")


def merges_text(plan: Plan) -> str:
    """What the plan's merges really do under its strategy, one line ('' when nothing to say)."""
    merges = [a for a in plan.actions if a.kind == "merge"]
    if plan.strategy == "train" and len(merges) > 1:
        cars = sum(1 for a in merges if a.via == "train")
        return (
            f"Merges: up to {len(merges)} in a merge train: 1 now, then {cars} one by one, each after a branch "
            "update and its checks (strict branch protection)."
        )
    if plan.strategy == "queue" and merges:
        return (
            f"Merges: {len(merges)} enqueued in the merge queue, pinned to their planned heads; GitHub tests "
            "each on merge_group and merges them in order (this run waits for none)."
        )
    if plan.strategy == "pipeline":
        updates = sum(1 for a in plan.actions if a.via == "pipeline")
        return (
            f"Merges: 1 this run (strict branch protection); {updates} more PR(s) updated now, "
            "for the next run to merge."
        )
    return ""
