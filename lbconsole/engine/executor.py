"""The plan executor: does what a plan says, safely, one SHA-guarded action at a time (SPEC 3.1).

`execute()` is the one place that writes to GitHub on behalf of a plan, for
the console, for `lbconsole run`, and for the orchestrator workflow. Rules:

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
- `cancel` (Ctrl+C, the console's cancel) lets the action in flight finish;
  every later one is `cancelled`.
- Every outcome goes to the log bus and, when given, the audit log.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lbconsole.auth import without_tokens
from lbconsole.core.models import MergeState
from lbconsole.core.orchestrator import CONFLICT_MARKER, NEEDS_REBASE, SCAN_CONTEXT, SCAN_MARKER, SECURITY_REVIEW
from lbconsole.core.plan import Action, Plan
from lbconsole.core.ports import Comment, Gateway, PullFile, PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.audit import AuditLog
from lbconsole.engine.logbus import LogBus
from lbconsole.errors import AuthError, GatewayError, LbError, RateLimited, Unreachable, UsageError
from lbconsole.redact import redact

SIGNIFICANT = frozenset({"high", "medium"})
"""Severities that fail the scan status; any finding at all adds the security-review label (SPEC 3.1)."""
"""Finding severities that label the PR `security-review` and fail the scan status."""

UNREACHABLE_ABORT = 3
"""Consecutive actions failing with `Unreachable` after which the rest are not attempted."""
MERGEABILITY_POLLS = 3
"""Re-reads of a PR whose mergeability GitHub is still computing after an earlier merge."""
MERGEABILITY_POLL_S = 2.0

OUTCOMES: tuple[str, ...] = ("done", "stale", "skipped", "failed", "cancelled", "planned")
"""Every outcome: `planned` is a dry run's."""

T = TypeVar("T")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What happened to one action of a plan."""

    action: Action
    outcome: str
    """One of `OUTCOMES`."""
    message: str
    """What was done or why not (GitHub's own message for a refused request)."""
    status: int | None = None
    """HTTP status of the request that decided the outcome, when GitHub refused one."""
    merged_sha: str = ""
    """The merge commit of a `merge` that was done by this run."""
    time: datetime = field(default_factory=_utcnow)


@dataclass(frozen=True, slots=True)
class RunReport:
    """The result of `execute()`: every outcome, the counts, and the exit code."""

    repo: str
    mode: str
    run_id: str
    apply: bool
    outcomes: tuple[ActionOutcome, ...]
    counts: Mapping[str, int]
    """Outcome -> number of actions, every outcome of `OUTCOMES` present."""
    exit_code: int
    """0 all done (or dry run), 1 some action failed, was stale or was cancelled, 3/4 when aborted."""
    cancelled: bool = False
    aborted: str = ""
    """Why the rest of the batch was not attempted (authentication, GitHub unreachable), if it was cut short."""


class ScanReportLike(Protocol):
    """What the executor reads from the scanner's report."""

    @property
    def findings(self) -> Sequence[Any]:
        """Findings with `rule`, `severity`, `file`, `line`, `message`."""
        ...


Fetch = Callable[[str], bytes | None]


@dataclass(frozen=True, slots=True)
class ScanTools:
    """The security scanner, injectable (tests pass fakes).

    `default()` uses `lbconsole.engine.scanner`.
    """

    scan: Callable[[Sequence[PullFile], Fetch | None], Any]
    """`scan(files, fetch) -> ScanReport` (a report with `.findings`)."""
    format_summary: Callable[[Any, str], str]
    """`format_summary(report, head_sha) -> str`, starting with the scan marker."""
    run_commands: Callable[..., Any] | None = None
    """`run_commands(commands, env, on_line)`: the configured extra scan commands."""

    @classmethod
    def default(cls) -> ScanTools:
        """The built-in scanner."""
        from lbconsole.engine import scanner

        return cls(scan=scanner.scan, format_summary=scanner.format_summary, run_commands=scanner.run_commands)


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
    progress: Callable[[int, int, ActionOutcome], None] | None = None,
    run_id: str | None = None,
    summary_path: str | os.PathLike[str] | None = None,
    clock: Callable[[], datetime] | None = None,
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
    )
    return runner.run(cancel, progress)


class _Run:
    """State of one execution: writes made, merges done, abort reason."""

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
    ) -> None:
        self.plan = plan
        self.gw = gateway
        self.settings = settings
        self.bus = bus
        self.audit = audit
        self.apply = apply
        self.sleep = sleep
        self._scanner = scanner
        self.run_id = run_id
        self.summary_path = summary_path
        self.clock = clock
        self.writes = 0
        self.merged_any = False
        self.unreachable_streak = 0
        self.aborted = ""
        self.abort_code = 0

    # -- the batch -----------------------------------------------------------------

    def run(
        self,
        cancel: threading.Event | None,
        progress: Callable[[int, int, ActionOutcome], None] | None,
    ) -> RunReport:
        plan = self.plan
        total = len(plan.actions)
        what = "applying" if self.apply else "dry run of"
        self.bus.emit("run", f"{what} the {plan.mode} plan for {plan.repo}: {_n(total, 'action')} (run {self.run_id})")
        self._audit(lambda a: a.record_plan(plan, run_id=self.run_id, apply=self.apply))
        outcomes: list[ActionOutcome] = []
        cancelled = False
        for index, action in enumerate(plan.actions):
            if not cancelled and cancel is not None and cancel.is_set():
                cancelled = True
                rest = total - index
                self.bus.emit("run", f"cancelled: {_n(rest, 'remaining action')} not started", "warning")
            if cancelled:
                outcome = self._outcome(action, "cancelled", "cancelled before it started")
            elif self.aborted:
                outcome = self._outcome(action, "failed", f"not attempted: {self.aborted}")
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
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcome in outcomes:
            counts[outcome.outcome] += 1
        if self.aborted:
            exit_code = self.abort_code
        elif counts["failed"] or counts["stale"] or counts["cancelled"]:
            exit_code = 1
        else:
            exit_code = 0
        report = RunReport(
            repo=plan.repo,
            mode=plan.mode,
            run_id=self.run_id,
            apply=self.apply,
            outcomes=tuple(outcomes),
            counts=counts,
            exit_code=exit_code,
            cancelled=cancelled,
            aborted=self.aborted,
        )
        level = "info" if exit_code == 0 else "warning"
        self.bus.emit("run", f"finished: {format_counts(report)} (exit {exit_code})", level)
        self._audit(lambda a: a.record_run(report))
        return report

    def _one(self, action: Action) -> ActionOutcome:
        try:
            outcome = self._dispatch(action)
        except AuthError as exc:
            self._abort(f"authentication failed ({exc.message})", exc.exit_code)
            return self._outcome(action, "failed", exc.message)
        except RateLimited as exc:
            self._abort(f"rate limited ({exc.message})", exc.exit_code)
            return self._outcome(action, "failed", exc.message, status=exc.status)
        except Unreachable as exc:
            self.unreachable_streak += 1
            if self.unreachable_streak >= UNREACHABLE_ABORT:
                self._abort(f"GitHub unreachable ({_n(self.unreachable_streak, 'action')} in a row)", 4)
            return self._outcome(action, "failed", exc.message)
        except GatewayError as exc:
            self.unreachable_streak = 0
            return self._outcome(action, "failed", _gh_message(exc), status=exc.status)
        except LbError as exc:
            self.unreachable_streak = 0
            return self._outcome(action, "failed", exc.message, status=getattr(exc, "status", None))
        except Exception as exc:
            self.unreachable_streak = 0
            for line in traceback.format_exc().rstrip().splitlines():
                self.bus.emit(action.kind, line, "debug", action.pr)
            return self._outcome(action, "failed", f"unexpected error: {type(exc).__name__}: {exc}")
        self.unreachable_streak = 0
        return outcome

    def _abort(self, reason: str, code: int) -> None:
        self.aborted = reason
        self.abort_code = code
        self.bus.emit("run", f"{reason}: the rest of the batch is not attempted", "error")

    def _dispatch(self, action: Action) -> ActionOutcome:
        if not self.apply:
            if action.kind == "report":
                self._report(action)
            return self._outcome(action, "planned", describe(action, self.settings))
        if action.kind == "report":
            return self._outcome(action, "done", self._report(action))
        handler = _HANDLERS.get(action.kind)
        if handler is None:
            return self._outcome(action, "failed", f"unknown action kind {action.kind!r}")
        if action.pr is None:
            return self._outcome(action, "failed", f"a {action.kind} action needs a pull request number")
        snap = self.gw.get_pull(action.pr)
        if snap.merged:
            if action.kind == "merge":
                return self._outcome(action, "done", f"already merged (head {_short(snap.head_sha)})")
            return self._outcome(action, "skipped", "already merged")
        if snap.state != "open":
            return self._outcome(action, "skipped", "closed")
        if action.head_sha and snap.head_sha != action.head_sha:
            return self._outcome(
                action,
                "stale",
                f"head moved from {_short(action.head_sha)} to {_short(snap.head_sha)} since the plan; not touched",
            )
        return handler(self, action, snap)

    # -- actions ---------------------------------------------------------------------

    def _merge(self, action: Action, snap: PullSnapshot) -> ActionOutcome:
        n = _pr(action)
        if self.merged_any:
            polls = 0
            while snap.merge_state is MergeState.UNKNOWN and polls < MERGEABILITY_POLLS:
                polls += 1
                self.sleep(MERGEABILITY_POLL_S)
                snap = self.gw.get_pull(n)
                if snap.head_sha != action.head_sha:
                    return self._outcome(action, "stale", f"head moved to {_short(snap.head_sha)} since the plan")
            after = "after an earlier merge"
        else:
            after = "since the plan"
        state = snap.merge_state
        if state is MergeState.BEHIND:
            return self._outcome(action, "skipped", f"became behind {after}")
        if state is MergeState.DIRTY:
            return self._outcome(action, "skipped", f"became conflicting {after}")
        if state is MergeState.UNKNOWN and self.merged_any:
            return self._outcome(
                action, "skipped", "mergeability unknown after an earlier merge (GitHub is still computing it)"
            )
        method = self.settings.merge.method
        try:
            result = self._write(lambda: self.gw.merge(n, sha=action.head_sha, method=method))
        except (Unreachable, RateLimited):
            raise
        except GatewayError as exc:
            if exc.status == 409:
                return self._outcome(action, "stale", f"GitHub refused: {_gh_message(exc)}", status=409)
            if exc.status == 405:
                return self._outcome(action, "failed", exc.message, status=405)
            raise
        self.merged_any = True
        return self._outcome(action, "done", f"merged {_short(result.sha)} ({method})", merged_sha=result.sha)

    def _update_branch(self, action: Action, snap: PullSnapshot) -> ActionOutcome:
        n = _pr(action)
        try:
            self._write(lambda: self.gw.update_branch(n, expected_head_sha=action.head_sha))
        except (Unreachable, RateLimited):
            raise
        except GatewayError as exc:
            if exc.status == 422 and "conflict" not in exc.message.casefold():
                return self._outcome(action, "stale", f"GitHub refused: {_gh_message(exc)}", status=422)
            raise
        return self._outcome(action, "done", f"branch update requested at {_short(action.head_sha)}")

    def _notify_conflict(self, action: Action, snap: PullSnapshot) -> ActionOutcome:
        n = _pr(action)
        label = action.label or NEEDS_REBASE
        did: list[str] = []
        if not _has_label(snap, label):
            self._write(lambda: self.gw.add_labels(n, [label]))
            did.append(f"labelled {label}")
        else:
            did.append(f"label {label} already there")
        if _find_marked(self.gw.list_comments(n), CONFLICT_MARKER) is None:
            self._write(lambda: self.gw.create_comment(n, conflict_comment(snap.author)))
            did.append("asked the author to resolve the conflicts")
        else:
            did.append("author already notified")
        return self._outcome(action, "done", "; ".join(did))

    def _label(self, action: Action, snap: PullSnapshot) -> ActionOutcome:
        n = _pr(action)
        if not action.label:
            return self._outcome(action, "failed", "a label action needs a label name")
        if _has_label(snap, action.label):
            return self._outcome(action, "done", f"label {action.label} already there")
        self._write(lambda: self.gw.add_labels(n, [action.label]))
        return self._outcome(action, "done", f"labelled {action.label}")

    def _security_scan(self, action: Action, snap: PullSnapshot) -> ActionOutcome:
        n = _pr(action)
        sha = snap.head_sha
        tools = self._scanner = self._scanner or ScanTools.default()
        files = self.gw.list_pull_files(n)

        def fetch(path: str) -> bytes | None:
            return self.gw.get_file(path, ref=sha)

        report = tools.scan(files, fetch)
        findings = list(getattr(report, "findings", ()))
        significant = [f for f in findings if str(getattr(f, "severity", "")).casefold() in SIGNIFICANT]
        for f in findings:
            level = "warning" if f in significant else "info"
            where = f"{f.file}:{f.line}" if getattr(f, "line", None) else f"{f.file}"
            self.bus.emit("scan", f"{f.severity} {f.rule} {where}: {f.message}", level, n)
        command_failures = self._scan_commands(n, sha, files, tools)
        did = [f"{_n(len(files), 'file')} scanned, {_n(len(findings), 'finding')}"]
        if findings and not _has_label(snap, SECURITY_REVIEW):
            self._write(lambda: self.gw.add_labels(n, [SECURITY_REVIEW]))
            did.append(f"labelled {SECURITY_REVIEW}")
        body = tools.format_summary(report, sha)
        existing = _find_marked(self.gw.list_comments(n), SCAN_MARKER)
        if existing is None:
            self._write(lambda: self.gw.create_comment(n, body))
            did.append("summary posted")
        elif existing.body != body:
            self._write(lambda: self.gw.update_comment(existing.id, body))
            did.append("summary updated")
        else:
            did.append("summary unchanged")
        if significant:
            state, desc = "failure", f"{_n(len(significant), 'finding')} to review"
        elif command_failures:
            state, desc = "failure", f"{_n(len(command_failures), 'scan command')} failed"
        else:
            state, desc = "success", "no findings" if not findings else f"{_n(len(findings), 'low finding')}"
        if command_failures:
            did.append("failed: " + ", ".join(command_failures))
        self._write(lambda: self.gw.set_commit_status(sha, SCAN_CONTEXT, state, desc[:140]))
        did.append(f"status {state}")
        return self._outcome(action, "done", "; ".join(did))

    def _scan_commands(self, n: int, sha: str, files: Sequence[PullFile], tools: ScanTools) -> list[str]:
        commands = tuple(self.settings.security.commands)
        if not commands:
            return []
        if tools.run_commands is None:
            self.bus.emit("scan", "scan commands configured but this scanner cannot run them", "warning", n)
            return list(commands)
        env = {
            **without_tokens(os.environ),  # scanners read untrusted PR content: no write token
            "LBCONSOLE_REPO": self.plan.repo,
            "LBCONSOLE_PR": str(n),
            "LBCONSOLE_HEAD_SHA": sha,
            "LBCONSOLE_CHANGED_FILES": "\n".join(f.filename for f in files),
        }

        def on_line(line: str) -> None:
            self.bus.emit("scan", line.rstrip("\n"), "info", n)

        try:
            result = tools.run_commands(commands, env, on_line)
        except Exception as exc:
            self.bus.emit("scan", f"scan commands could not run: {type(exc).__name__}: {exc}", "error", n)
            return list(commands)
        return _failed_commands(commands, result)

    def _report(self, action: Action) -> str:
        lines = action.body.rstrip("\n").splitlines() if action.body else []
        for line in lines:
            self.bus.emit("report", line)
        message = f"report of {_n(len(lines), 'line')} logged"
        if self.summary_path is not None and action.body:
            with self.summary_path.open("a", encoding="utf-8") as handle:
                handle.write(redact(action.body.rstrip("\n")) + "\n\n")
            message += f" and written to {self.summary_path}"
        return message

    # -- plumbing ----------------------------------------------------------------------

    def _write(self, request: Callable[[], T]) -> T:
        """One mutating request, paced `write_interval_s` after the previous one."""
        interval = self.settings.github.write_interval_s
        if self.writes and interval > 0:
            self.sleep(interval)
        self.writes += 1
        return request()

    def _outcome(
        self,
        action: Action,
        outcome: str,
        message: str,
        *,
        status: int | None = None,
        merged_sha: str = "",
    ) -> ActionOutcome:
        # Redacted here, once: outcomes reach --json, --summary and the console, not only the log bus.
        return ActionOutcome(action, outcome, redact(message), status, merged_sha, self.clock())

    def _log_outcome(self, outcome: ActionOutcome) -> None:
        level = {"failed": "error", "stale": "warning", "cancelled": "warning"}.get(outcome.outcome, "info")
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


_HANDLERS: dict[str, Callable[[_Run, Action, PullSnapshot], ActionOutcome]] = {
    "merge": _Run._merge,
    "update_branch": _Run._update_branch,
    "notify_conflict": _Run._notify_conflict,
    "label": _Run._label,
    "security_scan": _Run._security_scan,
}


# -- text ------------------------------------------------------------------------------


def conflict_comment(author: str) -> str:
    """The one comment `notify_conflict` leaves, with its hidden marker."""
    who = f"@{author} " if author else ""
    return (
        f"{CONFLICT_MARKER}\n"
        f"{who}this pull request has merge conflicts with its base branch. "
        "Please rebase it (or merge the base branch into it) and resolve the conflicts; "
        "the orchestrator will pick it up again on its next run.\n\n"
        "<sub>Posted once by lbconsole; the `needs-rebase` label goes away when you remove it.</sub>"
    )


def describe(action: Action, settings: Settings) -> str:
    """What an action would do, for a dry run."""
    sha = _short(action.head_sha)
    if action.kind == "merge":
        return f"would merge at {sha} ({settings.merge.method})"
    if action.kind == "update_branch":
        return f"would update the branch from its base (expected head {sha})"
    if action.kind == "notify_conflict":
        label = action.label or NEEDS_REBASE
        return f"would label {label} and ask the author once to resolve the conflicts (head {sha})"
    if action.kind == "security_scan":
        extra = f", run {_n(len(settings.security.commands), 'scan command')}" if settings.security.commands else ""
        return (
            f"would scan the diff at {sha}, post or update the summary comment, "
            f"set status {SCAN_CONTEXT}{extra} (label {SECURITY_REVIEW} on findings)"
        )
    if action.kind == "label":
        return f"would add label {action.label} (head {sha})"
    if action.kind == "report":
        lines = len(action.body.splitlines())
        return f"report of {_n(lines, 'line')} logged"
    return f"would run unknown action kind {action.kind!r}"


def format_counts(report: RunReport) -> str:
    """`done 3, stale 1, skipped 0, failed 0, cancelled 0` (or `planned N` for a dry run)."""
    keys: tuple[str, ...] = ("planned",) if not report.apply else ("done", "stale", "skipped", "failed", "cancelled")
    if not report.apply and report.counts.get("cancelled"):
        keys = ("planned", "cancelled")
    return ", ".join(f"{k} {report.counts.get(k, 0)}" for k in keys)


def format_summary_table(report: RunReport) -> str:
    """Markdown summary of a run: for the end of a headless run and for $GITHUB_STEP_SUMMARY."""
    how = "applied" if report.apply else "dry run"
    lines = [
        f"### lbconsole run: {report.repo}, mode `{report.mode}` ({how})",
        "",
        f"**{format_counts(report)}** (exit {report.exit_code}, run `{report.run_id}`)",
    ]
    if report.aborted:
        lines += ["", f"Stopped early: {_cell(report.aborted)}."]
    if report.cancelled:
        lines += ["", "Cancelled by the operator; the action in flight finished."]
    if not report.outcomes:
        lines += ["", "Nothing to do."]
        return "\n".join(lines) + "\n"
    lines += ["", "| # | action | PR | outcome | detail |", "|---:|---|---|---|---|"]
    for i, o in enumerate(report.outcomes, 1):
        a = o.action
        kind = f"{a.kind} `{_cell(a.label)}`" if a.kind == "label" and a.label else a.kind
        pr = f"#{a.pr}" if a.pr is not None else ""
        detail = _cell(o.message) + (f" (HTTP {o.status})" if o.status else "")
        lines.append(f"| {i} | {kind} | {pr} | {o.outcome} | {detail} |")
    return "\n".join(lines) + "\n"


# -- helpers ---------------------------------------------------------------------------


def _pr(action: Action) -> int:
    assert action.pr is not None
    return action.pr


def _short(sha: str) -> str:
    return sha[:7] if sha else "?"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _gh_message(exc: GatewayError) -> str:
    return f"{exc.message} (HTTP {exc.status})" if exc.status else exc.message


def _has_label(snap: PullSnapshot, name: str) -> bool:
    wanted = name.casefold()
    return any(label.casefold() == wanted for label in snap.labels)


def _find_marked(comments: Iterable[Comment], marker: str) -> Comment | None:
    return next((c for c in comments if marker in c.body), None)


def _failed_commands(commands: Sequence[str], result: Any) -> list[str]:
    """Commands that failed, read from whatever `run_commands` returned.

    Understands an int (worst exit code), or a sequence of results with `returncode`
    / `exit_code` (and optionally `command`), in the order of `commands`.
    """
    if result is None:
        return []
    if isinstance(result, bool):
        return [] if result else list(commands)
    if isinstance(result, int):
        return [] if result == 0 else list(commands)
    failed: list[str] = []
    try:
        items = list(result)
    except TypeError:
        return []
    for i, item in enumerate(items):
        code = getattr(item, "returncode", getattr(item, "exit_code", item if isinstance(item, int) else 0))
        if code:
            name = getattr(item, "command", commands[i] if i < len(commands) else "?")
            failed.append(f"{name} (exit {code})")
    return failed
