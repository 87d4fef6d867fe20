"""A local run of the plan from the console (`r`): the one place the console calls the engine to run a plan.

No Textual here: `execute_locally` is the blocking part, for a thread
worker. It runs the plan through the engine's one entry point
(`engine.run.run_plan`: the run lock and the audit log when the console has
a state directory) with ``apply=True``, and reports each finished action
through `progress`; `outcome_text` says how the run ended.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from lbconsole.core.plan import Plan
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import Settings
from lbconsole.engine.logbus import LogBus
from lbconsole.engine.outcomes import RunReport, format_counts

Progress = Callable[[int, int, str], object]
"""(done, total, one line about the action that just finished)."""


def execute_locally(
    plan: Plan,
    gateway: Gateway,
    *,
    settings: Settings,
    bus: LogBus,
    cancel: threading.Event,
    progress: Progress,
    clock: Callable[[], datetime],
    state_dir: Path | None = None,
) -> RunReport:
    """Execute `plan` with apply=True, under the run lock when `state_dir` is set.

    Args:
        plan: the plan shown in the Plan tab.
        gateway: the console's gateway.
        settings: the settings in force.
        bus: where the engine logs.
        cancel: set to stop after the action in flight.
        progress: called after each action.
        clock: the console's clock (audit timestamps).
        state_dir: audit log and run lock directory; None runs without them.

    Returns:
        The engine's RunReport.

    Raises:
        LbError: the run could not start (lock held...) or the engine refused.
    """
    from lbconsole.engine.outcomes import outcome_line
    from lbconsole.engine.run import run_plan

    return run_plan(
        plan,
        gateway,
        settings=settings,
        bus=bus,
        apply=True,
        state_dir=state_dir,
        cancel=cancel,
        progress=lambda done, total, outcome: progress(done, total, outcome_line(outcome)),
        clock=clock,
    )


def outcome_text(report: RunReport) -> tuple[str, bool]:
    """How a local run ended, in one line, and whether it went well.

    Args:
        report: the RunReport `execute_locally` returned.

    Returns:
        (`run finished: done 3 · …` or `run cancelled: …`, with the reason
        when the run was aborted; True when its exit code is 0).
    """
    text = f"run {'cancelled' if report.cancelled else 'finished'}: {format_counts(report)}"
    if report.aborted:
        text += f" — aborted: {report.aborted}"
    return text, report.exit_code == 0
