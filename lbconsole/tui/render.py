"""Pure rendering of queue rows, detail lines and plan rows (k9s style).

Nothing here touches Textual: every function takes core data (and `now`)
and returns plain text cells tagged with a *tone* (success, warning, error,
muted, accent, header or ""), so it can be tested without a screen. The
widgets turn tones into styles from the current theme's variables, which
keeps colours themeable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from lbconsole.core.analysis import Analysis, group_by_category
from lbconsole.core.models import ChecksState, Mergeable, MergeState, ReviewDecision
from lbconsole.core.orchestrator import mode_of_run_name
from lbconsole.core.plan import Action, Plan, Skipped
from lbconsole.core.settings import Limits
from lbconsole.tui.queue_view import COLUMN_KEYS, TITLE_MAX, sorted_members

if TYPE_CHECKING:  # a type only: rendering never imports githubkit
    from lbconsole.core.ports import JobInfo, RunInfo

Cell = tuple[str, str]
"""(text, tone): what one table cell shows and how it is coloured."""

STATE_TONES: dict[str, str] = {
    "ready": "success",
    "queued": "accent",
    "behind": "warning",
    "conflict": "error",
    "checks failing": "error",
    "changes requested": "warning",
    "draft": "muted",
    "blocked": "error",
    "label-blocked": "error",
    "needs approval": "warning",
    "pending": "accent",
    "computing": "accent",
}

CATEGORY_ORDER: tuple[str, ...] = (
    "security",
    "bugfix",
    "dependencies",
    "feature",
    "docs",
    "maintenance",
    "other",
)


def _truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def age_text(created: datetime, now: datetime) -> str:
    """Compact age: `45m`, `5h`, `3d`, `12w`."""
    seconds = max(0, int((now - created).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    days = seconds // 86400
    return f"{days}d" if days < 100 else f"{days // 7}w"


def checks_cell(checks: ChecksState) -> Cell:
    """The checks rollup as a short word."""
    if checks is ChecksState.SUCCESS:
        return ("✓ pass", "success")
    if checks in (ChecksState.FAILURE, ChecksState.ERROR):
        return ("✗ fail", "error")
    if checks in (ChecksState.PENDING, ChecksState.EXPECTED):
        return ("… wait", "accent")
    return ("—", "muted")


def review_cell(review: ReviewDecision) -> Cell:
    """The review decision as a short word."""
    return {
        ReviewDecision.APPROVED: ("approved", "success"),
        ReviewDecision.CHANGES_REQUESTED: ("changes", "warning"),
        ReviewDecision.REVIEW_REQUIRED: ("required", "muted"),
    }.get(review, ("—", "muted"))


def state_word(a: Analysis) -> str:
    """The state column's word: the readiness state, with its two kinds of "blocked" and "computing" told apart.

    `label-blocked`: a blocking label holds it; `needs approval`: GitHub's
    branch protection waits for an approving review; `computing`: GitHub has
    not worked out the mergeability yet (it answers UNKNOWN for a while).
    """
    state = a.readiness.state
    reasons = a.readiness.reasons
    if state == "blocked":
        if any(r.startswith("blocking label") for r in reasons):
            return "label-blocked"
        if a.pr.review_decision is ReviewDecision.REVIEW_REQUIRED or any("approval" in r for r in reasons):
            return "needs approval"
    if state == "pending" and (a.pr.mergeable is Mergeable.UNKNOWN or a.pr.merge_state is MergeState.UNKNOWN):
        if a.pr.checks not in (ChecksState.PENDING, ChecksState.EXPECTED):
            return "computing"
    return state


def queue_row(a: Analysis, now: datetime) -> tuple[Cell, ...]:
    """One queue row for `a`, in `queue_view.QUEUE_COLUMNS` order (the table crops to the column widths).

    Args:
        a: the PR's analysis.
        now: the moment the age is measured at.

    Returns:
        One (text, tone) cell per column.
    """
    pr = a.pr
    state = state_word(a)
    title = ("[draft] " if pr.draft and state != "draft" else "") + pr.title
    return (
        (f"#{pr.number}", "accent"),
        (str(a.priority), "muted"),
        (_truncate(title, TITLE_MAX), ""),
        (_truncate(pr.author, 19), "muted" if pr.author_is_bot else ""),
        (state, STATE_TONES.get(state, "")),
        checks_cell(pr.checks),
        review_cell(pr.review_decision),
        (age_text(pr.created_at, now), "muted"),
        (f"+{pr.additions}/-{pr.deletions}", "muted"),
    )


def category_header(category: str, shown: int, total: int) -> tuple[Cell, ...]:
    """The group row above a category's PRs, with its count (`shown of total` when filtered)."""
    count = str(total) if shown == total else f"{shown} of {total}"
    blank = ("", "")
    cells = [("▾", "header"), blank, (f"{category} ({count})", "header")]
    return (*cells, *([blank] * (len(COLUMN_KEYS) - len(cells))))


def matches(a: Analysis, query: str) -> bool:
    """Whether `a` matches every word of `query` (number, title, author, category or state).

    `#12` and `12` both match PR 12's number; words are case-insensitive substrings.
    """
    words = query.casefold().split()
    if not words:
        return True
    pr = a.pr
    hay = f"#{pr.number} {pr.title} {pr.author} {a.category} {a.readiness.state} {state_word(a)}".casefold()
    return all(word in hay for word in words)


def group_rows(
    analyses: Iterable[Analysis], query: str = "", order: Sequence[str] = CATEGORY_ORDER, sort: str = "priority"
) -> list[tuple[str, list[Analysis], int]]:
    """Analyses grouped by category: (category, shown PRs, total PRs), in `order` (`Settings.category_order`).

    Groups keep the priority order of `analyses` (or `sort`, a `queue_view.SORTS` name, inside each
    group); groups with no matching PR are dropped. `lbconsole queue` shows the same groups in the
    same order (`core.analysis.group_by_category`).
    """
    result = []
    for category, members in group_by_category(analyses, order):
        shown = [a for a in sorted_members(members, sort) if matches(a, query)]
        if shown:
            result.append((category, shown, len(members)))
    return result


def mode_effect(number: int, plan: Plan | None) -> list[Cell]:
    """What `plan` does with PR `number`: its actions, or why it is skipped."""
    if plan is None:
        return [("no plan yet", "muted")]
    lines: list[Cell] = []
    for action in plan.actions:
        if action.pr == number:
            what = f"{action.kind} {action.label!r}" if action.kind == "label" else action.kind
            lines.append((f"→ {what}: {action.reason}", "success"))
            lines.extend((f"· nothing more: {reason}", "warning") for reason in action.held_by)
    if lines:
        return lines
    for skipped in plan.skipped:
        if skipped.pr == number:
            return [(f"· {reason}", "warning") for reason in skipped.reasons]
    return [("not in this plan (it appeared after planning)", "muted")]


def detail_lines(a: Analysis, plan: Plan | None, now: datetime) -> list[Cell]:
    """The detail pane of one PR: facts, classification, readiness, and the mode's effect."""
    pr = a.pr
    facts = (
        f"by {pr.author} · {pr.head_ref or '?'} → {pr.base_ref} @ {pr.head_sha[:7]} · opened "
        f"{age_text(pr.created_at, now)} ago · +{pr.additions}/-{pr.deletions} in {len(pr.changed_files)} "
        f"file{'s' if len(pr.changed_files) != 1 else ''} · priority {a.priority}"
    )
    if pr.labels:
        facts += " · labels: " + ", ".join(pr.labels)
    state = state_word(a)
    why_state = a.readiness.summary if a.readiness.ready else "; ".join(a.readiness.reasons)
    lines: list[Cell] = [
        (f"#{pr.number} {pr.title}", "header"),
        (facts, "muted"),
        (f"Category {a.category}: " + ("; ".join(a.classification.reasons) or "no rule matched"), "accent"),
        (f"Readiness {state}: {why_state}", STATE_TONES.get(state, "")),
    ]
    mode = plan.mode if plan is not None else "?"
    lines.append((f"Mode {mode}:", "header"))
    lines += [(f"  {text}", tone) for text, tone in mode_effect(pr.number, plan)]
    return lines


def category_summary(category: str, analyses: Sequence[Analysis]) -> list[Cell]:
    """The detail pane for a category header: how many PRs and in which states."""
    states: dict[str, int] = {}
    for a in analyses:
        states[a.readiness.state] = states.get(a.readiness.state, 0) + 1
    parts = ", ".join(f"{n} {state}" for state, n in sorted(states.items(), key=lambda kv: (-kv[1], kv[0])))
    lines: list[Cell] = [(f"{category}: {len(analyses)} open PR{'s' if len(analyses) != 1 else ''}", "header")]
    if parts:
        lines.append((parts, "muted"))
    return lines


def action_cells(action: Action) -> tuple[Cell, ...]:
    """One row of the plan's actions table: kind, PR, category, reason."""
    kind = f"label {action.label}" if action.kind == "label" else action.kind
    pr = f"#{action.pr}" if action.pr is not None else "—"
    return ((kind, "success"), (pr, "accent"), (action.category, "muted"), (action.reason, ""))


def skipped_cells(skipped: Skipped) -> tuple[Cell, ...]:
    """One row of the plan's skipped table: PR, category, every reason."""
    return ((f"#{skipped.pr}", "accent"), (skipped.category, "muted"), ("; ".join(skipped.reasons), "warning"))


def limits_text(limits: Limits) -> str:
    """The batch limits in force, on one line."""
    return f"merge {limits.merge} · conflict {limits.conflict} · scan {limits.scan} · label {limits.label}"


def affected_prs(plan: Plan) -> list[str]:
    """One line per PR the plan touches, for the confirmation: `#12 merge, label security`."""
    kinds: dict[int, list[str]] = {}
    for action in plan.actions:
        if action.pr is not None:
            what = f"label {action.label}" if action.kind == "label" else action.kind
            what += f" ({action.via})" if action.via else ""
            kinds.setdefault(action.pr, []).append(what)
    lines = [f"#{pr} {', '.join(whats)}" for pr, whats in kinds.items()]
    lines += [f"{a.kind}: {a.reason}" for a in plan.actions if a.pr is None]
    return lines


# -- orchestrator runs (Runs tab) ---------------------------------------------------------

RUN_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("id", "Run", 12),
    ("number", "#", 5),
    ("status", "Status", 13),
    ("mode", "Mode", 20),
    ("event", "Event", 18),
    ("started", "Started", 19),
    ("duration", "Duration", 10),
)
"""(column key, label, width) of the runs table, in display order."""

RUN_TONES: dict[str, str] = {
    "success": "success",
    "neutral": "success",
    "failure": "error",
    "timed_out": "error",
    "startup_failure": "error",
    "action_required": "warning",
    "cancelled": "warning",
    "stale": "warning",
    "skipped": "muted",
}


def run_state(run: RunInfo) -> Cell:
    """A run's conclusion when completed, else its status (in progress, queued...)."""
    if run.completed:
        conclusion = run.conclusion or "completed"
        return conclusion, RUN_TONES.get(conclusion, "warning")
    return run.status.replace("_", " ") or "?", "accent"


def duration_text(seconds: float) -> str:
    """``42s``, ``3m 05s``, ``1h 02m``."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total}s"
    if total < 3600:
        return f"{total // 60}m {total % 60:02d}s"
    return f"{total // 3600}h {total % 3600 // 60:02d}m"


def jobs_span(jobs: Sequence[JobInfo]) -> float | None:
    """Seconds from the first job's start to the last job's end; None unless every job that ran has both times."""
    ran = [job for job in jobs if job.started_at is not None or job.completed_at is not None]
    if not ran or any(job.started_at is None or job.completed_at is None for job in ran):
        return None
    start = min(job.started_at for job in ran if job.started_at is not None)
    end = max(job.completed_at for job in ran if job.completed_at is not None)
    return (end - start).total_seconds()


def run_duration(run: RunInfo, now: datetime, jobs: Sequence[JobInfo] = ()) -> Cell:
    """A completed run's time on runners, or the time since it started (still running, marked with …).

    When the run's jobs are known (it was followed or its log fetched), a
    completed run lasts from its first job's start to its last job's end:
    GitHub's run has no "completed at", and its ``updated_at`` moves for
    other reasons (a re-run, logs archived). Otherwise it is the start to
    the last update. Time spent queued is not counted (``run_started_at``).
    Times come from GitHub (or the simulator's clock).
    """
    start = run.started_at
    if start is None:
        return "—", "muted"
    if run.completed:
        spanned = jobs_span(jobs)
        if spanned is not None:
            return duration_text(spanned), ""
        end = run.updated_at or start
        return duration_text((end - start).total_seconds()), ""
    elapsed = (now - start).total_seconds()
    return (duration_text(elapsed) + "…", "accent") if elapsed >= 0 else ("—", "muted")


def run_cells(run: RunInfo, now: datetime, tz: tzinfo | None = None, jobs: Sequence[JobInfo] = ()) -> tuple[Cell, ...]:
    """One row of the runs table: id, number, status, mode, event, started, duration (from `jobs` when known)."""
    mode = mode_of_run_name(run.display_title)
    started = run.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if run.started_at else "—"
    return (
        (str(run.id), "accent"),
        (f"#{run.run_number}" if run.run_number else "", "muted"),
        run_state(run),
        (mode, "") if mode else ("—", "muted"),
        (run.event, "muted"),
        (started, ""),
        run_duration(run, now, jobs),
    )


def run_detail(run: RunInfo, jobs: Sequence[JobInfo] = ()) -> str:
    """The line under the runs table: the run's title and link, and its jobs' times when known."""
    line = f"{run.title}  ·  {run.head_branch or '?'}  ·  {run.html_url}"
    timed = [
        f"{job.name} {duration_text((job.completed_at - job.started_at).total_seconds())}"
        for job in jobs
        if job.started_at is not None and job.completed_at is not None
    ]
    return f"{line}  ·  jobs: {', '.join(timed)}" if timed else line
