"""The `notify_conflict` action: label a conflicting PR and ask its author, once, to resolve it.

Idempotent across runs: the label is added only when missing, and the
comment only when no comment carries `CONFLICT_MARKER` yet.
"""

from __future__ import annotations

from lbconsole.core.orchestrator import CONFLICT_MARKER, NEEDS_REBASE
from lbconsole.core.plan import Action
from lbconsole.core.ports import PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers.base import PullHandler, Run, find_marked, pr_of, short
from lbconsole.engine.outcomes import ActionOutcome


def notify_conflict(run: Run, action: Action, snap: PullSnapshot) -> ActionOutcome:
    """Add the conflict label (default `needs-rebase`) and the one conflict comment, each if missing."""
    n = pr_of(action)
    label = action.label or NEEDS_REBASE
    did: list[str] = []
    if not snap.has_label(label):
        run.write(lambda: run.gateway.add_labels(n, [label]))
        did.append(f"labelled {label}")
    else:
        did.append(f"label {label} already there")
    if find_marked(run.gateway.list_comments(n), CONFLICT_MARKER) is None:
        run.write(lambda: run.gateway.create_comment(n, conflict_comment(snap.author)))
        did.append("asked the author to resolve the conflicts")
    else:
        did.append("author already notified")
    return run.outcome(action, "done", "; ".join(did))


def conflict_comment(author: str) -> str:
    """The one comment `notify_conflict` leaves, with its hidden marker."""
    who = f"@{author} " if author else ""
    return (
        f"{CONFLICT_MARKER}\n"
        f"{who}this pull request has merge conflicts with its base branch. "
        "Please rebase it (or merge the base branch into it) and resolve the conflicts; "
        "the orchestrator will pick it up again on its next run.\n\n"
        f"<sub>Posted once by lbconsole; the `{NEEDS_REBASE}` label goes away when you remove it.</sub>"
    )


def describe(action: Action, settings: Settings) -> str:
    """`would label needs-rebase and ask the author once to resolve the conflicts (head 1a2b3c4)`."""
    label = action.label or NEEDS_REBASE
    return f"would label {label} and ask the author once to resolve the conflicts (head {short(action.head_sha)})"


HANDLER = PullHandler(apply=notify_conflict, describe=describe)
