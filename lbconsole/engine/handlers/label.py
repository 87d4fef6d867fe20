"""The `label` action: add one label to a PR (full-audit's `stale`, a category's label...)."""

from __future__ import annotations

from lbconsole.core.plan import Action
from lbconsole.core.ports import PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers.base import PullHandler, Run, pr_of, short
from lbconsole.engine.outcomes import ActionOutcome


def label(run: Run, action: Action, snap: PullSnapshot) -> ActionOutcome:
    """Add `action.label` unless the PR already carries it (label names are case-insensitive)."""
    n = pr_of(action)
    if not action.label:
        return run.outcome(action, "failed", "a label action needs a label name")
    if snap.has_label(action.label):
        return run.outcome(action, "done", f"label {action.label} already there")
    run.write(lambda: run.gateway.add_labels(n, [action.label]))
    return run.outcome(action, "done", f"labelled {action.label}")


def describe(action: Action, settings: Settings) -> str:
    """`would add label bug (head 1a2b3c4)`."""
    return f"would add label {action.label} (head {short(action.head_sha)})"


HANDLER = PullHandler(apply=label, describe=describe)
