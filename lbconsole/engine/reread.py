"""What GitHub shows of an action whose answer never arrived: the re-read that decides its outcome.

A write can happen on GitHub while its answer is lost on the way back (a
timeout, a reset connection, a 502 from a proxy). Counting it `failed` would
be a lie half the time, and retrying it could merge or comment twice. The
executor instead re-reads what the action was meant to change, once, and
records what that shows:

- `done` when the re-read shows the action's effect (the PR merged, the
  label there, the marked comment there, the scan status on the head, the
  head moved by the branch update);
- the caller's "not done" outcome when it shows none (`failed` for a lost
  answer, `cancelled` for an action a signal interrupted);
- `unknown` when the re-read fails too: nobody can tell, so the outcome
  says to look at the PR.
"""

from __future__ import annotations

from lbconsole.core.models import ScanState
from lbconsole.core.orchestrator import CONFLICT_MARKER, NEEDS_REBASE
from lbconsole.core.plan import Action
from lbconsole.core.ports import Gateway
from lbconsole.engine.handlers.base import Run, find_marked, short
from lbconsole.engine.outcomes import ActionOutcome, with_status
from lbconsole.errors import GatewayError


class AnswerLost(Exception):
    """A write whose answer never arrived (timeout, reset, 5xx): it may have happened on GitHub.

    Not a `GatewayError`, so no handler mistakes it for a refusal: it reaches
    the executor, which re-reads the PR to decide the outcome.
    """

    def __init__(self, cause: GatewayError) -> None:
        super().__init__(cause.message)
        self.cause = cause


REREAD_KINDS = frozenset({"merge", "update_branch", "label", "notify_conflict", "security_scan"})
"""Action kinds whose effect a re-read can see."""


def effect(gateway: Gateway, action: Action) -> str | None:
    """What GitHub shows was done for `action` now, or None when it shows nothing done.

    Args:
        gateway: the repository's gateway.
        action: an action on a PR (`action.pr` set) of one of `REREAD_KINDS`.

    Returns:
        A message for the `done` outcome, or None.

    Raises:
        GatewayError: the re-read itself failed (the outcome is then `unknown`).
        ValueError: an action a re-read cannot check (no PR, or another kind).
    """
    n = action.pr
    if n is None or action.kind not in REREAD_KINDS:
        raise ValueError(f"a {action.kind} action cannot be checked by a re-read")
    if action.via == "queue":
        raise ValueError("a re-read of the PR does not show the merge queue")
    if action.kind == "security_scan":
        state = gateway.scan_state(action.head_sha)
        if state in (ScanState.SUCCESS, ScanState.FAILURE):
            return f"scan status {state.value.lower()} on {short(action.head_sha)}"
        return None
    snap = gateway.get_pull(n)
    if action.kind == "merge":
        return f"merged (head {short(snap.head_sha)})" if snap.merged else None
    if action.kind == "update_branch":
        moved = snap.head_sha != action.head_sha
        return f"branch updated: head now {short(snap.head_sha)}" if moved else None
    if action.kind == "label":
        return f"labelled {action.label}" if snap.has_label(action.label) else None
    label = action.label or NEEDS_REBASE  # notify_conflict: its label and its one marked comment
    if snap.has_label(label) and find_marked(gateway.list_comments(n), CONFLICT_MARKER) is not None:
        return f"labelled {label}; author notified"
    return None


def decide(
    run: Run, action: Action, why: str, not_done: str, status: int | None = None
) -> tuple[ActionOutcome, GatewayError | None]:
    """The outcome of an action cut off mid-way (`why`), as one re-read of its PR shows it.

    Args:
        run: the run the action belongs to (its gateway, log and outcomes).
        action: the action whose answer was lost, or that a signal interrupted.
        why: what cut it off, the start of the outcome's message.
        not_done: the outcome when the re-read shows nothing done
            (`failed` for a lost answer, `cancelled` for an interrupted action).
        status: the HTTP status of the answer that was lost, if any.

    Returns:
        `done`, `not_done` or `unknown`, and the error of a re-read that failed (None when it answered).
    """
    run.bus.emit(action.kind, f"{why}; re-reading the PR to see what happened", "warning", action.pr)
    try:
        shows = effect(run.gateway, action)
    except GatewayError as exc:
        message = f"{why}; the re-read failed too ({with_status(exc.message, exc.status)}): check the PR"
        return run.outcome(action, "unknown", message, status=status), exc
    except ValueError as exc:
        return run.outcome(action, "unknown", f"{why}; {exc}: check the PR", status=status), None
    if shows is None:
        return run.outcome(action, not_done, f"{why}; a re-read shows it was not done", status=status), None
    return run.outcome(action, "done", f"{shows} ({why}; a re-read shows it done)"), None
