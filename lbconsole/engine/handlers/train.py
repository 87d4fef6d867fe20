"""One car of a merge train: bring a PR that fell behind up to date and wait until it may merge.

Under strict branch protection every merge leaves the other PRs BEHIND.
For a merge the plan marked `via: train` (`lbconsole.core.strategy`), the
merge handler calls `board` after an earlier merge:

1. update the branch, pinned to the planned head (`expected_head_sha`: a
   422 means the head moved, and only this car is `stale`);
2. wait for the update to land (GitHub moves the head asynchronously);
3. wait for the required checks on the new head, polling conditionally
   (1 s, doubling to 10 s; a 304 costs no rate limit); a failing check
   takes the PR off the train with its reason; no check at all after
   `NO_CI_S` means nothing started CI (a `GITHUB_TOKEN` push starts no
   workflow);
4. run the built-in scan on the new head (the security gate holds for the
   head that is merged, not the one planned).

When the orchestrator workflow runs with its own `GITHUB_TOKEN` (no
`LAMBDA_BOT_TOKEN` secret: the job's `TOKEN_KIND` is `github-actions`), or
once one car saw no CI at all, the remaining cars are skipped at once.

Every wait counts against the run's train budget (`merge.train_budget_s`)
and stops at once on cancel.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.core.plan import Action
from lbconsole.core.ports import PullSnapshot
from lbconsole.engine.handlers.base import Run, gh_message, pr_of, short
from lbconsole.engine.handlers.scan import security_scan
from lbconsole.engine.outcomes import ActionOutcome
from lbconsole.errors import GatewayError, RateLimited, Unreachable

FIRST_POLL_S = 1.0
LAST_POLL_S = 10.0
NO_CI_S = 180.0
"""Seconds without a single check on an updated head after which the car gives up."""
NO_CI_HINT = (
    "branch updates made with the workflow's GITHUB_TOKEN start no workflow runs: give the orchestrator "
    "a GitHub App token or a PAT (secret LAMBDA_BOT_TOKEN)"
)


@dataclass(frozen=True, slots=True)
class Boarded:
    """The car is ready: merge `snap` at its new head."""

    snap: PullSnapshot
    checks: str
    """What the checks said (`checks passed: ci/test, ci/lint`)."""


class _Waiter:
    """Polls with a growing interval, within the run's train budget, stopping on cancel."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.interval = FIRST_POLL_S

    def pause(self) -> str:
        """Wait one poll interval; the reason to stop instead ('' to go on)."""
        if self.run.train_left <= 0:
            return "budget"
        step = min(self.interval, self.run.train_left)
        self.interval = min(self.interval * 2, LAST_POLL_S)
        self.run.train_left -= step
        return "" if self.run.wait(step) else "cancel"


def board(run: Run, action: Action, snap: PullSnapshot, car: int) -> Boarded | ActionOutcome:
    """Update a BEHIND PR, wait for its checks and scan its new head; an outcome when it leaves the train."""
    n = pr_of(action)
    budget = run.settings.merge.train_budget_s
    if run.train_blocked:  # no CI would start on the update: do not spend a CI-less wait on it
        return run.outcome(action, "skipped", f"train: {run.train_blocked}")
    if run.train_left <= 0:
        return _left(run, action, "budget", budget, "before its branch update")
    try:
        run.write(lambda: run.gateway.update_branch(n, expected_head_sha=action.head_sha))
    except (Unreachable, RateLimited):
        raise
    except GatewayError as exc:
        if exc.status == 422 and "conflict" in exc.message.casefold():
            return run.outcome(action, "skipped", "train: became conflicting after an earlier merge", status=422)
        if exc.status == 422:
            return run.outcome(action, "stale", f"train: GitHub refused the branch update: {gh_message(exc)}")
        raise
    run.bus.emit("merge", f"train car {car}: branch update requested at {short(action.head_sha)}", "info", n)
    waiter = _Waiter(run)
    while snap.head_sha == action.head_sha:  # GitHub moves the head when the update lands
        if stop := waiter.pause():
            return _left(run, action, stop, budget, "while waiting for the branch update")
        snap = run.gateway.get_pull(n)
        if snap.state != "open":
            return run.outcome(action, "skipped", "train: closed while its branch was updated")
    head = snap.head_sha
    run.bus.emit("merge", f"train car {car}: new head {short(head)}, waiting for its checks", "info", n)
    waiter = _Waiter(run)
    waited_for_any = 0.0
    while True:  # every check on the new head must pass (lbconsole's own scan status is not CI)
        verdict, detail = run.gateway.commit_checks(head).verdict(ignore=SCAN_CONTEXT)
        if verdict == "success":
            break
        if verdict == "failure":
            return run.outcome(action, "skipped", f"train: removed, {detail} on {short(head)}")
        if verdict == "none" and waited_for_any >= NO_CI_S:
            run.train_blocked = f"no CI started on an earlier car's update; {NO_CI_HINT}"
            return run.outcome(
                action, "skipped", f"train: no CI started on {short(head)} within {NO_CI_S:.0f} s; {NO_CI_HINT}"
            )
        before = run.train_left
        if stop := waiter.pause():
            return _left(run, action, stop, budget, f"while {detail} on {short(head)}")
        if verdict == "none":
            waited_for_any += before - run.train_left
    scanned = security_scan(run, replace(action, kind="security_scan", category="", head_sha=head), snap)
    run.bus.emit("scan", f"train car {car}: {scanned.message}", "info", n)
    return Boarded(snap, detail)


def _left(run: Run, action: Action, stop: str, budget: int, doing: str) -> ActionOutcome:
    if stop == "cancel":
        return run.outcome(action, "cancelled", f"train: cancelled {doing}")
    return run.outcome(
        action, "skipped", f"train: budget reached (merge.train_budget_s = {budget} s) {doing}; the next run takes it"
    )
