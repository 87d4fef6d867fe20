"""One way to run a plan: the run lock, the audit log and the executor, together.

`lbconsole run`, the console's local run (`r`) and the simulator's Actions
runner all execute a plan through `run_plan`, so each gets the same
guarantees without wiring them itself:

- **The run lock** (`RunLock`) is taken only when applying, before anything
  is recorded or sent: a second `--apply` on the same repository fails at
  once with `RunLocked`, and a dry run never waits for (or blocks) one.
- **The audit log** (`AuditLog`) records the plan, every outcome and the
  end of the run, for dry runs too.
- **The summary** (`summary_path`, $GITHUB_STEP_SUMMARY): a `report`
  action's Markdown is appended during the run, the run's summary table
  after it (once the lock is released).

Both the lock and the audit log come from a state directory
(`user_state_dir`); a caller without one (the simulator's runner) gets
neither, and a caller that needs its own (secrets to redact, a lock held
elsewhere) passes the objects instead.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path

from lbconsole.core.plan import Plan
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import Settings
from lbconsole.engine.audit import AuditLog
from lbconsole.engine.executor import Progress, execute
from lbconsole.engine.interrupt import Interrupt
from lbconsole.engine.lock import RunLock
from lbconsole.engine.logbus import LogBus
from lbconsole.engine.outcomes import RunReport, format_summary_table
from lbconsole.engine.scan_model import ScanTools


def run_plan(
    plan: Plan,
    gateway: Gateway,
    *,
    settings: Settings,
    bus: LogBus,
    apply: bool,
    state_dir: str | os.PathLike[str] | None = None,
    audit: AuditLog | None = None,
    lock: RunLock | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    summary_path: str | os.PathLike[str] | None = None,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    scanner: ScanTools | None = None,
    run_id: str | None = None,
    interrupt: Interrupt | None = None,
) -> RunReport:
    """Run `plan`: under the run lock when applying, audited, its summary written.

    Args:
        plan: what to do, as previewed.
        gateway: the repository's gateway; its `repo` must be the plan's.
        settings: merge method, write pacing, security commands.
        bus: where every step and outcome is logged.
        apply: False for a dry run (no request to GitHub, no lock).
        state_dir: where the audit log (`audit.jsonl`) and the run lock
            (`locks/`) live; None: neither, unless passed as objects.
        audit: the audit log to use instead of `state_dir`'s.
        lock: the run lock to take instead of `state_dir`'s (when applying);
            one already held is used as it is and left held.
        cancel: when set, the action in flight finishes and the rest are cancelled.
        progress: called after each action with (actions finished, total, outcome).
        summary_path: a `report` action's Markdown, then the run's summary
            table, are appended here ($GITHUB_STEP_SUMMARY).
        clock: current time of outcomes and audit records (tests freeze it).
        sleep: waits between writes and mergeability re-reads (tests and the simulator skip them).
        scanner: the security scanner; default the built-in one.
        run_id: the run's id in the audit log; default a fresh random id.
        interrupt: the SIGINT/SIGTERM handler the caller installed (`engine.interrupt`).

    Returns:
        Every outcome, the counts and the exit code.

    Raises:
        RunLocked: applying while another run holds the repository's lock
            (nothing was recorded or sent).
        UsageError: the plan is for another repository than the gateway's.
        OSError: the summary table could not be appended to `summary_path`.
    """
    if audit is None and state_dir is not None:
        audit = AuditLog(state_dir, clock=clock)
    if apply and lock is None and state_dir is not None:
        lock = RunLock(state_dir, plan.repo)
    # a lock the caller took already (before planning, `lbconsole run`) stays the caller's to release
    held: AbstractContextManager[object] = lock if apply and lock is not None and not lock.held else nullcontext()
    with held:
        report = execute(
            plan,
            gateway,
            settings=settings,
            bus=bus,
            audit=audit,
            apply=apply,
            cancel=cancel,
            sleep=sleep,
            scanner=scanner,
            progress=progress,
            run_id=run_id,
            summary_path=summary_path,
            clock=clock,
            interrupt=interrupt,
        )
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as summary:
            summary.write(format_summary_table(report) + "\n")
    return report
