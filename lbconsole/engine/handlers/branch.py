"""The `update_branch` action: bring a PR that is behind up to date with its base.

GitHub's update-branch takes the head SHA the plan saw; a 422 that is not
about conflicts (or about a branch already up to date) means the head
moved, so the action is `stale`. A `pipeline` update (a ready PR updated
after this run's merge, so the next run can merge it) is skipped when that
merge did not leave it behind.
"""

from __future__ import annotations

from lbconsole.core.models import MergeState
from lbconsole.core.plan import Action
from lbconsole.core.ports import PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers.base import PullHandler, Run, gh_message, pr_of, short
from lbconsole.engine.outcomes import ActionOutcome
from lbconsole.errors import GatewayError, RateLimited, Unreachable


def update_branch(run: Run, action: Action, snap: PullSnapshot) -> ActionOutcome:
    """Ask GitHub to merge the base into the PR's branch, pinned to the planned head."""
    n = pr_of(action)
    if action.via == "pipeline" and snap.merge_state not in (MergeState.BEHIND, MergeState.UNKNOWN):
        return run.outcome(action, "skipped", "pipeline: not behind the base branch, nothing to update")
    try:
        run.write(lambda: run.gateway.update_branch(n, expected_head_sha=action.head_sha))
    except (Unreachable, RateLimited):
        raise
    except GatewayError as exc:
        if exc.status == 422 and "no new commits" in exc.message.casefold():
            return run.outcome(action, "skipped", "already up to date with the base branch", status=422)
        if exc.status == 422 and "conflict" not in exc.message.casefold():
            return run.outcome(action, "stale", f"GitHub refused: {gh_message(exc)}", status=422)
        raise
    return run.outcome(action, "done", f"branch update requested at {short(action.head_sha)}")


def describe(action: Action, settings: Settings) -> str:
    """`would update the branch from its base (expected head 1a2b3c4)`."""
    return f"would update the branch from its base (expected head {short(action.head_sha)})"


HANDLER = PullHandler(apply=update_branch, describe=describe)
