"""A local run of the plan from the console (`r`): the one place the console calls the engine to run a plan.

No Textual here: `execute_locally` is the blocking part, for a thread
worker. It takes the run lock and the audit log when the console has a
state directory, calls the engine's executor with ``apply=True``, and
reports each finished action through `progress`; `outcome_text` says how
the run ended. When the engine's way to run a plan changes, only this
module changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from lbconsole.core.plan import Plan
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import Settings
from lbconsole.engine.logbus import LogBus

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
) -> Any:
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
    from lbconsole.engine.executor import execute

    audit = None
    lock: AbstractContextManager[object] = nullcontext()
    if state_dir is not None:
        from lbconsole.engine.audit import AuditLog
        from lbconsole.engine.lock import RunLock

        audit = AuditLog(state_dir, clock=clock)
        lock = RunLock(state_dir, plan.repo)

    def on_outcome(done: int, total: int, outcome: Any) -> None:
        number = f"#{outcome.action.pr} " if outcome.action.pr is not None else ""
        progress(done, total, f"{outcome.action.kind} {number}{outcome.outcome}: {outcome.message}")

    with lock:
        return execute(
            plan,
            gateway,
            settings=settings,
            bus=bus,
            audit=audit,
            apply=True,
            cancel=cancel,
            progress=on_outcome,
            clock=clock,
        )


def outcome_text(report: Any) -> tuple[str, bool]:
    """How a local run ended, in one line, and whether it went well.

    Args:
        report: the RunReport `execute_locally` returned.

    Returns:
        (`run finished: done 3 · …` or `run cancelled: …`, with the reason
        when the run was aborted; True when its exit code is 0).
    """
    from lbconsole.engine.executor import format_counts

    text = f"run {'cancelled' if report.cancelled else 'finished'}: {format_counts(report)}"
    if report.aborted:
        text += f" — aborted: {report.aborted}"
    return text, report.exit_code == 0
