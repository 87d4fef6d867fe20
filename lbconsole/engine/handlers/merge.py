"""The `merge` action: merge a ready PR at its planned head, never untested.

The first merge of a run trusts the plan's mergeability (the executor has
just checked the head). After an earlier merge, the base has moved: a PR
that became BEHIND or DIRTY is skipped, and one whose mergeability GitHub is
still computing (UNKNOWN) is re-read a few times, then skipped.

A merge the plan marked `via: train` that reads BEHIND is a train car
(`lbconsole.engine.handlers.train`): its branch is updated, its checks on
the new head awaited, the new head scanned, and it merges at that head.

A merge the plan marked `via: queue` enqueues the PR in the base branch's
merge queue instead (GraphQL, pinned to the planned head): GitHub merges it
once its `merge_group` checks pass, after the PRs ahead of it.

The security gate: right before the merge (or enqueue) call, the built-in scan's status
on exactly the planned head is read again; anything but a passed scan
skips the merge with the gate's reason (`core.gate.merge_refusal`).
"""

from __future__ import annotations

from lbconsole.core.gate import merge_refusal
from lbconsole.core.models import MergeState
from lbconsole.core.plan import Action
from lbconsole.core.ports import PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers.base import PullHandler, Run, gh_message, pr_of, short
from lbconsole.engine.handlers.train import Boarded, board
from lbconsole.engine.outcomes import ActionOutcome
from lbconsole.errors import GatewayError, RateLimited, Unreachable

MERGEABILITY_POLLS = 3
"""Re-reads of a PR whose mergeability GitHub is still computing after an earlier merge."""
MERGEABILITY_POLL_S = 2.0


def merge(run: Run, action: Action, snap: PullSnapshot) -> ActionOutcome:
    """Merge the PR with `sha` pinned to the planned head (409: it moved, `stale`)."""
    if action.via == "queue":
        return _enqueue(run, action, snap)
    n = pr_of(action)
    sha, rode = action.head_sha, ""
    after = "after an earlier merge" if run.merged_any else "since the plan"
    if run.merged_any:
        snap = _settled(run, snap)
        if snap.head_sha != sha:
            return run.outcome(action, "stale", f"head moved to {short(snap.head_sha)} since the plan")
    if action.via == "train" and snap.merge_state is MergeState.BEHIND:
        refusal = merge_refusal(run.gateway.scan_state(sha), sha)
        if refusal is not None:  # held at the planned head: no branch update, no CI cycle spent on it
            return run.outcome(action, "skipped", refusal)
        run.train_cars += 1
        car = board(run, action, snap, run.train_cars)
        if not isinstance(car, Boarded):
            return car
        sha = car.snap.head_sha
        snap = _settled(run, run.gateway.get_pull(n))
        if snap.head_sha != sha:
            return run.outcome(action, "stale", f"train: head moved to {short(snap.head_sha)} while its checks ran")
        rode = f" after a branch update (train car {run.train_cars}; {car.checks})"
        after = "after its branch update"
    state = snap.merge_state
    if state is MergeState.BEHIND:
        return run.outcome(action, "skipped", f"became behind {after}")
    if state is MergeState.DIRTY:
        return run.outcome(action, "skipped", f"became conflicting {after}")
    if state is MergeState.UNKNOWN and (run.merged_any or rode):
        return run.outcome(
            action, "skipped", "mergeability unknown after an earlier merge (GitHub is still computing it)"
        )
    refusal = merge_refusal(run.gateway.scan_state(sha), sha)
    if refusal is not None:  # the security gate, read again right before the merge (SPEC 3.5)
        return run.outcome(action, "skipped", refusal)
    method = run.settings.merge.method
    try:
        result = run.write(lambda: run.gateway.merge(n, sha=sha, method=method))
    except (Unreachable, RateLimited):
        raise
    except GatewayError as exc:
        if exc.status == 409:
            return run.outcome(action, "stale", f"GitHub refused: {gh_message(exc)}", status=409)
        if exc.status == 405:
            return run.outcome(action, "failed", exc.message, status=405)
        raise
    if not result.merged:  # a 200 answer can still say it did not merge
        why = result.message or "GitHub answered that it did not merge the pull request"
        return run.outcome(action, "failed", f"not merged: {why}", status=200)
    run.merged_any = True
    return run.outcome(action, "done", f"merged {short(result.sha)} ({method}){rode}", merged_sha=result.sha)


def _enqueue(run: Run, action: Action, snap: PullSnapshot) -> ActionOutcome:
    """Add the PR to the merge queue at its planned head, once the gate passed there."""
    n, sha = pr_of(action), action.head_sha
    if snap.merge_state is MergeState.DIRTY:
        return run.outcome(action, "skipped", "became conflicting since the plan: not enqueued")
    refusal = merge_refusal(run.gateway.scan_state(sha), sha)
    if refusal is not None:
        return run.outcome(action, "skipped", refusal)
    try:
        entry = run.write(lambda: run.gateway.enqueue(n, sha))
    except (Unreachable, RateLimited):
        raise
    except GatewayError as exc:
        if exc.status == 409:
            return run.outcome(action, "stale", f"GitHub refused: {gh_message(exc)}", status=409)
        return run.outcome(action, "failed", f"merge queue refused: {gh_message(exc)}", status=exc.status)
    return run.outcome(action, "done", f"enqueued at {short(sha)}: {entry.text()}")


def _settled(run: Run, snap: PullSnapshot) -> PullSnapshot:
    """The PR re-read while GitHub computes its mergeability (a few polls), or as it stands."""
    polls = 0
    while snap.merge_state is MergeState.UNKNOWN and polls < MERGEABILITY_POLLS:
        polls += 1
        run.sleep(MERGEABILITY_POLL_S)
        snap = run.gateway.get_pull(snap.number)
    return snap


def describe(action: Action, settings: Settings) -> str:
    """`would merge at 1a2b3c4 (squash)`."""
    if action.via == "queue":
        return f"would enqueue it in the merge queue at {short(action.head_sha)}"
    train = ", after a branch update and its checks if it is behind by then" if action.via == "train" else ""
    return f"would merge at {short(action.head_sha)} ({settings.merge.method}){train}"


HANDLER = PullHandler(apply=merge, describe=describe)
