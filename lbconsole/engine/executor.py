"""The plan executor: does what a plan says, safely, one SHA-guarded action at a time (SPEC 3.1).

`execute()` is the one place that writes to GitHub on behalf of a plan, for
the console, for `lbconsole run`, and for the orchestrator workflow (which
reach it through `lbconsole.engine.run.run_plan`, the lock and the audit
log around it). This module keeps the batch; what each kind of action does
is its handler's (`lbconsole.engine.handlers`). Rules:

- A dry run (`apply=False`) makes no request at all; each action is `planned`.
  A `report` action touches nothing on GitHub, so a dry run logs its
  Markdown (and appends it to `summary_path`) as well.
- After an earlier merge in the batch, a merge re-checks its PR: BEHIND or
  DIRTY is `skipped`; UNKNOWN is re-read a few times, then `skipped`. Never
  merged untested.
- Before each PR action the PR is re-read; a head SHA that moved makes the
  action `stale` and nothing is done to that PR. A closed PR is `skipped`;
  a merge of an already merged PR is `done` without a second merge call.
- Writes are paced by `github.write_interval_s` (secondary rate limits).
- A failing action never stops the batch, with two exceptions that would
  only make every later request fail too: an `AuthError` or a `RateLimited`
  (a wait longer than the configured cap) aborts at once, and
  `UNREACHABLE_ABORT` consecutive `Unreachable` actions abort; the rest of
  the batch is then `failed` ("not attempted: ...") without a request, and
  the exit code is that error's (3 auth, 4 GitHub unreachable).
- A write whose answer is lost (a timeout, a reset connection, a 5xx) may
  have happened: it is never retried, and the PR is re-read once to decide
  (`lbconsole.engine.reread`): `done` when the re-read shows its effect,
  `failed` when it shows none, `unknown` when the re-read fails too.
- `cancel` (Ctrl+C, the console's cancel) lets the action in flight finish;
  every later one is `cancelled`. SIGTERM or a second Ctrl+C
  (`lbconsole.engine.interrupt`) stops the action in flight too: a re-read
  decides it (`done`, `cancelled` or `unknown`), the rest are `cancelled`,
  the run record is written and the exit code is 128 + the signal (130, 143).
- Every outcome goes to the log bus and, when given, the audit log.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from lbconsole.core.plan import Action, Plan
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import Settings
from lbconsole.engine.audit import AuditLog
from lbconsole.engine.handlers import HANDLERS, LocalHandler, describe
from lbconsole.engine.handlers.base import gh_message, plural, short
from lbconsole.engine.handlers.train import NO_CI_HINT
from lbconsole.engine.interrupt import Interrupt, Interrupted, signal_name
from lbconsole.engine.logbus import LogBus
from lbconsole.engine.outcomes import (
    OUTCOMES,
    ActionOutcome,
    RunReport,
    format_counts,
    format_summary_table,
)
from lbconsole.engine.reread import AnswerLost, decide
from lbconsole.engine.scan_model import ScanTools
from lbconsole.errors import AuthError, GatewayError, LbError, RateLimited, Unreachable, UsageError
from lbconsole.redact import redact

__all__ = [
    "OUTCOMES",
    "UNREACHABLE_ABORT",
    "ActionOutcome",
    "Progress",
    "RunReport",
    "ScanTools",
    "execute",
    "format_counts",
    "format_summary_table",
]

UNREACHABLE_ABORT = 3
"""Consecutive actions failing with `Unreachable` after which the rest are not attempted."""

T = TypeVar("T")

Progress = Callable[[int, int, ActionOutcome], object]
"""Called after each action with (actions finished, total, its outcome)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def execute(
    plan: Plan,
    gateway: Gateway,
    *,
    settings: Settings,
    bus: LogBus,
    audit: AuditLog | None = None,
    apply: bool,
    cancel: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
    scanner: ScanTools | None = None,
    progress: Progress | None = None,
    run_id: str | None = None,
    summary_path: str | os.PathLike[str] | None = None,
    clock: Callable[[], datetime] | None = None,
    interrupt: Interrupt | None = None,
) -> RunReport:
    """Execute `plan` against `gateway` (SPEC 3.1).

    Args:
        plan: what to do, as previewed.
        gateway: the repository's gateway; its `repo` must be the plan's.
        settings: merge method, write pacing, security commands.
        bus: where every step and outcome is logged.
        audit: where the plan and every outcome are recorded (None: not recorded).
        apply: False for a dry run (no request at all).
        cancel: when set, the action in flight finishes and the rest are cancelled.
        sleep: waits between writes (tests inject a fake).
        scanner: the security scanner; default `ScanTools.default()`, loaded on first use.
        progress: called after each action with (actions finished, total, outcome).
        run_id: identifies the run in the audit log; default a fresh random id.
        summary_path: a `report` action's Markdown is appended here too ($GITHUB_STEP_SUMMARY).
        clock: current time for outcomes (tests freeze it).
        interrupt: the signal handler the caller installed (SIGINT, SIGTERM);
            its `cancel` is the run's when `cancel` is None.

    Returns:
        Every outcome, the counts and the exit code.

    Raises:
        UsageError: the plan is for another repository than the gateway's.
    """
    if plan.repo.casefold() != gateway.repo.casefold():
        raise UsageError(f"the plan is for {plan.repo} but the gateway is connected to {gateway.repo}")
    runner = _Run(
        plan,
        gateway,
        settings=settings,
        bus=bus,
        audit=audit,
        apply=apply,
        sleep=sleep,
        scanner=scanner,
        run_id=run_id or uuid.uuid4().hex[:12],
        summary_path=Path(summary_path) if summary_path else None,
        clock=clock or _utcnow,
        interrupt=interrupt,
    )
    if cancel is None and interrupt is not None:
        cancel = interrupt.cancel
    return runner.run(cancel, progress)


class _Run:
    """State of one execution: writes made, merges done, abort reason (the handlers' `Run`)."""

    def __init__(
        self,
        plan: Plan,
        gateway: Gateway,
        *,
        settings: Settings,
        bus: LogBus,
        audit: AuditLog | None,
        apply: bool,
        sleep: Callable[[float], None],
        scanner: ScanTools | None,
        run_id: str,
        summary_path: Path | None,
        clock: Callable[[], datetime],
        interrupt: Interrupt | None = None,
    ) -> None:
        self.plan = plan
        self.interrupt = interrupt
        self.repo = plan.repo
        self.gateway = gateway
        self.settings = settings
        self.bus = bus
        self.audit = audit
        self.apply = apply
        self.sleep = sleep
        self.scanner = scanner
        self.run_id = run_id
        self.summary_path = summary_path
        self.clock = clock
        self.writes = 0
        self.merged_any = False
        self.train_left = float(settings.merge.train_budget_s)
        self.train_cars = 0
        self.train_blocked = ""
        if os.environ.get("TOKEN_KIND") == "github-actions":  # the orchestrator job without LAMBDA_BOT_TOKEN
            self.train_blocked = f"this run writes with the workflow's GITHUB_TOKEN; {NO_CI_HINT}"
        self.cancel: threading.Event | None = None
        self.unreachable_streak = 0
        self.aborted = ""
        self.abort_code = 0

    # -- the batch -----------------------------------------------------------------

    def run(self, cancel: threading.Event | None, progress: Progress | None) -> RunReport:
        self.cancel = cancel
        plan = self.plan
        total = len(plan.actions)
        what = "applying" if self.apply else "dry run of"
        self.bus.emit(
            "run", f"{what} the {plan.mode} plan for {plan.repo}: {plural(total, 'action')} (run {self.run_id})"
        )
        self._audit(lambda a: a.record_plan(plan, run_id=self.run_id, apply=self.apply))
        outcomes: list[ActionOutcome] = []
        cancelled = False
        for index, action in enumerate(plan.actions):
            if not cancelled and cancel is not None and cancel.is_set():
                cancelled = True
                rest = total - index
                self.bus.emit("run", f"cancelled: {plural(rest, 'remaining action')} not started", "warning")
            if cancelled:
                outcome = self.outcome(action, "cancelled", "cancelled before it started")
            elif self.aborted:
                outcome = self.outcome(action, "failed", f"not attempted: {self.aborted}")
            else:
                outcome = self._one(action)
            outcomes.append(outcome)
            self._log_outcome(outcome)
            self._audit_outcome(outcome)
            if progress is not None:
                try:
                    progress(index + 1, total, outcome)
                except Exception as exc:  # a broken progress display must not stop the batch
                    self.bus.emit("run", f"progress callback failed: {type(exc).__name__}: {exc}", "error")
        aborted, code = self.aborted, self.abort_code
        if self.interrupt is not None and self.interrupt.signum:  # the exit says which signal stopped it
            aborted, code = self.interrupt.stopping, self.interrupt.exit_code
        report = RunReport.of(
            outcomes,
            repo=plan.repo,
            mode=plan.mode,
            run_id=self.run_id,
            apply=self.apply,
            cancelled=cancelled,
            aborted=aborted,
            abort_code=code,
        )
        level = "info" if report.exit_code == 0 else "warning"
        self.bus.emit("run", f"finished: {format_counts(report)} (exit {report.exit_code})", level)
        self._audit(lambda a: a.record_run(report))
        return report

    def _one(self, action: Action) -> ActionOutcome:
        try:
            with self.interrupt.armed() if self.interrupt is not None else nullcontext():
                outcome = self._dispatch(action)
        except Interrupted as stop:
            return self._reread(action, f"interrupted by {signal_name(stop.signum)}", "cancelled")
        except AnswerLost as lost:
            return self._reread(action, f"the answer was lost ({gh_message(lost.cause)})", "failed", lost.cause.status)
        except AuthError as exc:
            self._abort(f"authentication failed ({exc.message})", exc.exit_code)
            return self.outcome(action, "failed", exc.message)
        except RateLimited as exc:
            self._abort(f"rate limited ({exc.message})", exc.exit_code)
            return self.outcome(action, "failed", exc.message, status=exc.status)
        except Unreachable as exc:
            self.unreachable_streak += 1
            if self.unreachable_streak >= UNREACHABLE_ABORT:
                self._abort(f"GitHub unreachable ({plural(self.unreachable_streak, 'action')} in a row)", 4)
            return self.outcome(action, "failed", exc.message)
        except GatewayError as exc:
            self.unreachable_streak = 0
            return self.outcome(action, "failed", gh_message(exc), status=exc.status)
        except LbError as exc:
            self.unreachable_streak = 0
            return self.outcome(action, "failed", exc.message, status=getattr(exc, "status", None))
        except Exception as exc:
            self.unreachable_streak = 0
            for line in traceback.format_exc().rstrip().splitlines():
                self.bus.emit(action.kind, line, "debug", action.pr)
            return self.outcome(action, "failed", f"unexpected error: {type(exc).__name__}: {exc}")
        self.unreachable_streak = 0
        return outcome

    def _reread(self, action: Action, why: str, not_done: str, status: int | None = None) -> ActionOutcome:
        """`reread.decide`, counting a re-read that could not reach GitHub towards the abort."""
        if not self.apply:  # a dry run sent nothing: nothing to re-read
            return self.outcome(action, not_done, why)
        outcome, failure = decide(self, action, why, not_done, status)
        if isinstance(failure, Unreachable):
            self.unreachable_streak += 1
            if self.unreachable_streak >= UNREACHABLE_ABORT:
                self._abort(f"GitHub unreachable ({plural(self.unreachable_streak, 'action')} in a row)", 4)
        elif failure is None:
            self.unreachable_streak = 0
        if outcome.outcome == "done" and action.kind == "merge":
            self.merged_any = True
        return outcome

    def _abort(self, reason: str, code: int) -> None:
        self.aborted = reason
        self.abort_code = code
        self.bus.emit("run", f"{reason}: the rest of the batch is not attempted", "error")

    def _dispatch(self, action: Action) -> ActionOutcome:
        handler = HANDLERS.get(action.kind)
        if isinstance(handler, LocalHandler):  # touches nothing on GitHub: a dry run does it too
            done = handler.run(self, action)
            if not self.apply:
                return self.outcome(action, "planned", handler.describe(action, self.settings))
            return self.outcome(action, "done", done)
        if not self.apply:
            return self.outcome(action, "planned", describe(action, self.settings))
        if handler is None:
            return self.outcome(action, "failed", f"unknown action kind {action.kind!r}")
        if action.pr is None:
            return self.outcome(action, "failed", f"a {action.kind} action needs a pull request number")
        snap = self.gateway.get_pull(action.pr)
        if snap.merged:
            if action.kind == "merge":
                return self.outcome(action, "done", f"already merged (head {short(snap.head_sha)})")
            return self.outcome(action, "skipped", "already merged")
        if snap.state != "open":
            return self.outcome(action, "skipped", "closed")
        if action.head_sha and snap.head_sha != action.head_sha:
            return self.outcome(
                action,
                "stale",
                f"head moved from {short(action.head_sha)} to {short(snap.head_sha)} since the plan; not touched",
            )
        return handler.apply(self, action, snap)

    # -- what handlers use ---------------------------------------------------------------

    def wait(self, seconds: float) -> bool:
        """Wait `seconds` (the injected sleep), or until cancelled; False when cancelled."""
        cancel = self.cancel
        if cancel is None:
            self.sleep(seconds)
            return True
        if cancel.is_set():
            return False
        if self.sleep is time.sleep:  # a real wait: wake up the moment the run is cancelled
            return not cancel.wait(seconds)
        self.sleep(seconds)
        return not cancel.is_set()

    def write(self, request: Callable[[], T]) -> T:
        """One mutating request, paced `write_interval_s` after the previous one."""
        interval = self.settings.github.write_interval_s
        if self.writes and interval > 0:
            self.sleep(interval)
        self.writes += 1
        try:
            return request()
        except RateLimited:  # refused before anything happened
            raise
        except Unreachable as exc:  # a timeout or a reset: it may have reached GitHub
            raise AnswerLost(exc) from exc
        except GatewayError as exc:
            if exc.status is not None and exc.status >= 500:  # e.g. a proxy's 502 after GitHub did it
                raise AnswerLost(exc) from exc
            raise

    def outcome(
        self,
        action: Action,
        outcome: str,
        message: str,
        *,
        status: int | None = None,
        merged_sha: str = "",
    ) -> ActionOutcome:
        """The outcome of `action`, its message redacted once (it reaches --json, --summary and the console)."""
        return ActionOutcome(action, outcome, redact(message), status, merged_sha, self.clock())

    # -- log and audit -------------------------------------------------------------------

    def _log_outcome(self, outcome: ActionOutcome) -> None:
        level = {"failed": "error", "unknown": "error", "stale": "warning", "cancelled": "warning"}.get(
            outcome.outcome, "info"
        )
        text = outcome.message if outcome.outcome in ("done", "planned") else f"{outcome.outcome}: {outcome.message}"
        self.bus.emit(outcome.action.kind, text, level, outcome.action.pr)

    def _audit_outcome(self, outcome: ActionOutcome) -> None:
        plan = self.plan
        self._audit(
            lambda a: a.record_outcome(outcome, repo=plan.repo, mode=plan.mode, run_id=self.run_id, apply=self.apply)
        )

    def _audit(self, write: Callable[[AuditLog], object]) -> None:
        if self.audit is None:
            return
        try:
            write(self.audit)
        except OSError as exc:
            self.bus.emit("run", f"audit log not written ({self.audit.path}): {exc}", "error")
