"""What a run of a plan produced: one outcome per action, the report, and their text.

The executor produces these, the audit log records them, and the command
line, the console and the simulator's runner print them. Kept apart from
the executor so that the audit log (and anything else that only reads a
run's result) does not import the machinery that makes one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lbconsole.core.plan import Action

OUTCOMES: tuple[str, ...] = ("done", "stale", "skipped", "failed", "cancelled", "unknown", "planned")
"""Every outcome: `planned` is a dry run's; `unknown` an action whose answer was lost and whose re-read failed too."""

_NOT_CLEAN = ("failed", "stale", "cancelled", "unknown")
"""Outcomes that make a run's exit code 1."""


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
    """The result of a run: every outcome, the counts, and the exit code."""

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

    @classmethod
    def of(
        cls,
        outcomes: Iterable[ActionOutcome],
        *,
        repo: str,
        mode: str,
        run_id: str,
        apply: bool,
        cancelled: bool = False,
        aborted: str = "",
        abort_code: int = 0,
    ) -> RunReport:
        """The report of a finished batch, its counts and exit code computed.

        Args:
            outcomes: every action's outcome, in the plan's order.
            repo: the plan's repository.
            mode: the plan's mode.
            run_id: the run's id (audit log).
            apply: False for a dry run.
            cancelled: whether the operator cancelled the run.
            aborted: why the rest of the batch was not attempted ("" when it was not cut short).
            abort_code: the exit code of the error that cut it short (3 auth, 4 unreachable).

        Returns:
            The report; its exit code is `abort_code` when aborted, else 1 when
            any action failed, was stale or was cancelled, else 0.
        """
        done = tuple(outcomes)
        counts = tally(done)
        if aborted:
            exit_code = abort_code
        elif any(counts[k] for k in _NOT_CLEAN):
            exit_code = 1
        else:
            exit_code = 0
        return cls(
            repo=repo,
            mode=mode,
            run_id=run_id,
            apply=apply,
            outcomes=done,
            counts=counts,
            exit_code=exit_code,
            cancelled=cancelled,
            aborted=aborted,
        )


def tally(outcomes: Iterable[ActionOutcome]) -> dict[str, int]:
    """Outcome -> number of actions, with every outcome of `OUTCOMES` present (0 when none)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome in outcomes:
        counts[outcome.outcome] += 1
    return counts


def format_counts(report: RunReport) -> str:
    """`done 3, stale 1, skipped 0, failed 0, cancelled 0` (or `planned N` for a dry run)."""
    keys: tuple[str, ...] = ("planned",) if not report.apply else ("done", "stale", "skipped", "failed", "cancelled")
    if not report.apply and report.counts.get("cancelled"):
        keys = ("planned", "cancelled")
    if report.counts.get("unknown"):  # rare, and never to be missed: shown only when there is one
        keys = (*keys, "unknown")
    return ", ".join(f"{k} {report.counts.get(k, 0)}" for k in keys)


def with_status(message: str, status: int | None) -> str:
    """`message (HTTP 422)`, unless the message says its status already (never `(HTTP 200) (HTTP 200)`)."""
    if not status:
        return message
    suffix = f"(HTTP {status})"
    return message if suffix in message else f"{message} {suffix}"


def outcome_line(outcome: ActionOutcome) -> str:
    """One line about a finished action, for a progress display: `merge #12 done: merged 1a2b3c4 (squash)`."""
    action = outcome.action
    number = f"#{action.pr} " if action.pr is not None else ""
    return f"{action.kind} {number}{outcome.outcome}: {outcome.message}"


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
    if report.cancelled and not report.aborted:
        lines += ["", "Cancelled by the operator; the action in flight finished."]
    if not report.outcomes:
        lines += ["", "Nothing to do."]
        return "\n".join(lines) + "\n"
    lines += ["", "| # | action | PR | outcome | detail |", "|---:|---|---|---|---|"]
    for i, o in enumerate(report.outcomes, 1):
        a = o.action
        kind = f"{a.kind} `{_cell(a.label)}`" if a.kind == "label" and a.label else a.kind
        pr = f"#{a.pr}" if a.pr is not None else ""
        detail = _cell(with_status(o.message, o.status))
        lines.append(f"| {i} | {kind} | {pr} | {o.outcome} | {detail} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
