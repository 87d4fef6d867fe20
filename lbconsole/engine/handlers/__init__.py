"""One handler per action kind: what the executor does to a PR for each kind of action.

The executor (`lbconsole.engine.executor`) keeps the batch: it re-reads each
PR, refuses a stale head, paces writes, aborts and cancels. What one kind of
action does lives in a module of its own here, registered in `HANDLERS`.
"""

from __future__ import annotations

from lbconsole.core.plan import Action
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers import branch, conflict, label, merge, report, scan
from lbconsole.engine.handlers.base import Handler, LocalHandler, PullHandler, Run

__all__ = ["HANDLERS", "Handler", "LocalHandler", "PullHandler", "Run", "describe"]

HANDLERS: dict[str, Handler] = {
    "merge": merge.HANDLER,
    "update_branch": branch.HANDLER,
    "notify_conflict": conflict.HANDLER,
    "label": label.HANDLER,
    "security_scan": scan.HANDLER,
    "report": report.HANDLER,
}
"""Action kind -> its handler (the kinds of `lbconsole.core.plan.Action`)."""


def describe(action: Action, settings: Settings) -> str:
    """What an action would do, for a dry run."""
    handler = HANDLERS.get(action.kind)
    if handler is None:
        return f"would run unknown action kind {action.kind!r}"
    return handler.describe(action, settings)
