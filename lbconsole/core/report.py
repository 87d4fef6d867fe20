"""The full-audit Markdown report: counts, oldest PRs, and what blocks each PR."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from lbconsole.core.priority import age_days

if TYPE_CHECKING:
    from lbconsole.core.analysis import Analysis

OLDEST = 5


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_report(repo: str, analyses: Sequence[Analysis], now: datetime) -> str:
    """Markdown summary for a full audit (deterministic for the same input)."""
    lines = [f"## lbconsole audit of {repo}", "", f"{len(analyses)} open pull requests.", ""]
    by_category = Counter(a.category for a in analyses)
    by_state = Counter(a.readiness.state for a in analyses)
    lines += ["| category | PRs |", "|---|---:|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(by_category.items())]
    lines += ["", "| state | PRs |", "|---|---:|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(by_state.items())]
    oldest = sorted(analyses, key=lambda a: (a.pr.created_at, a.pr.number))[:OLDEST]
    if oldest:
        lines += ["", "### Oldest", ""]
        lines += [f"- #{a.pr.number} {_cell(a.pr.title)} ({age_days(a.pr, now)} days)" for a in oldest]
    blocked = [a for a in analyses if not a.readiness.ready]
    if blocked:
        lines += ["", "### What blocks each PR", "", "| PR | category | blocked by |", "|---|---|---|"]
        for a in sorted(blocked, key=lambda a: a.pr.number):
            lines.append(f"| #{a.pr.number} | {a.category} | {_cell('; '.join(a.readiness.reasons))} |")
    return "\n".join(lines) + "\n"
