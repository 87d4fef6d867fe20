"""The `report` action: a plan's Markdown report, logged and written to the step summary.

It touches nothing on GitHub, so a dry run performs it too: the report is
what a dry run of full-audit is for.
"""

from __future__ import annotations

from lbconsole.core.plan import Action
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers.base import LocalHandler, Run, plural
from lbconsole.redact import redact


def report(run: Run, action: Action) -> str:
    """Log each line of the report; append it (redacted) to the run's summary file, if any.

    Returns:
        What was done: `report of 12 lines logged[ and written to PATH]`.
    """
    lines = action.body.rstrip("\n").splitlines() if action.body else []
    for line in lines:
        run.bus.emit("report", line)
    message = f"report of {plural(len(lines), 'line')} logged"
    if run.summary_path is not None and action.body:
        with run.summary_path.open("a", encoding="utf-8") as handle:
            handle.write(redact(action.body.rstrip("\n")) + "\n\n")
        message += f" and written to {run.summary_path}"
    return message


def describe(action: Action, settings: Settings) -> str:
    """`report of 12 lines logged`."""
    return f"report of {plural(len(action.body.splitlines()), 'line')} logged"


HANDLER = LocalHandler(run=report, describe=describe)
