"""Plain-text and JSON renderings of the queue and of plans for headless commands.

Pure functions of core data, so they are tested without a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lbconsole.core.analysis import Analysis, group_by_category
from lbconsole.core.plan import Plan
from lbconsole.core.priority import age_days
from lbconsole.core.strategy import merges_text
from lbconsole.core.times import iso_z

QUEUE_SCHEMA = "lbconsole.queue/1"


def json_text(data: Any) -> str:
    """`data` as the indented JSON every `--json` command prints (non-ASCII kept as is)."""
    return json.dumps(data, indent=2, ensure_ascii=False)


def queue_dict(
    repo: str,
    analyses: Sequence[Analysis],
    fetched_at: datetime,
    now: datetime,
    order: Sequence[str],
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The queue as JSON data (`lbconsole.queue/1`)."""
    return {
        "schema": QUEUE_SCHEMA,
        "repo": repo,
        "fetched_at": iso_z(fetched_at),
        "total": len(analyses),
        "notes": list(notes),
        "categories": [
            {
                "name": name,
                "count": len(items),
                "pulls": [
                    {
                        "number": a.pr.number,
                        "title": a.pr.title,
                        "author": a.pr.author,
                        "head_sha": a.pr.head_sha,
                        "priority": a.priority,
                        "state": a.readiness.state,
                        "ready": a.readiness.ready,
                        "category_reasons": list(a.classification.reasons),
                        "readiness_reasons": list(a.readiness.reasons),
                        "checks": a.pr.checks.value,
                        "failing_checks": list(a.pr.failing_checks),
                        "review": a.pr.review_decision.value,
                        "age_days": age_days(a.pr, now),
                        "additions": a.pr.additions,
                        "deletions": a.pr.deletions,
                        "url": a.pr.url,
                        "merge_queue": None
                        if a.pr.queue_entry is None
                        else {
                            "position": a.pr.queue_entry.position,
                            "state": a.pr.queue_entry.state,
                            "estimated_s": a.pr.queue_entry.eta_s,
                        },
                    }
                    for a in items
                ],
            }
            for name, items in group_by_category(analyses, order)
        ],
    }


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def queue_text(
    repo: str,
    analyses: Sequence[Analysis],
    fetched_at: datetime,
    now: datetime,
    order: Sequence[str],
    notes: Sequence[str] = (),
) -> str:
    """The queue grouped by category, priority order, one line a PR."""
    lines = [f"{repo}: {len(analyses)} open pull requests (fetched {iso_z(fetched_at)})"]
    lines += [f"Note: {note}" for note in notes]
    for name, items in group_by_category(analyses, order):
        lines += ["", f"{name} ({len(items)})"]
        for a in items:
            why = "" if a.readiness.ready else f"  [{'; '.join(a.readiness.reasons)}]"
            lines.append(
                f"  #{a.pr.number:<5} {a.priority:>4}  {a.readiness.state:<17} "
                f"{_clip(a.pr.title, 50):<50}  {a.pr.author}  {age_days(a.pr, now)}d{why}"
            )
    return "\n".join(lines)


def plan_text(plan: Plan) -> str:
    """A plan for people: actions with reasons, every skipped PR with its reasons."""
    limits = plan.limits
    lines = [
        f"Plan {plan.mode} for {plan.repo} at {iso_z(plan.generated_at)}",
        f"Limits: merge {limits.merge}, conflict {limits.conflict}, scan {limits.scan}, label {limits.label}",
    ]
    lines += [f"Note: {note}" for note in plan.notes]
    if merges := merges_text(plan):
        lines.append(merges)
    lines += ["", f"Actions ({len(plan.actions)}):"]
    for a in plan.actions:
        target = f"#{a.pr}" if a.pr is not None else "-"
        detail = f"{a.label}: " if a.kind == "label" else ""
        sha = f" @{a.head_sha[:7]}" if a.head_sha else ""
        lines.append(f"  {a.kind:<16} {target:<6} {a.category:<13}{detail}{a.reason}{sha}")
        if a.held_by:
            lines.append(f"  {'':<16} {'':<6} {'':<13}nothing more: {'; '.join(a.held_by)}")
    lines += ["", f"Skipped ({len(plan.skipped)}):"]
    for s in plan.skipped:
        lines.append(f"  #{s.pr:<5} {s.category:<13}{'; '.join(s.reasons)}")
    summary = ", ".join(f"{kind} {count}" for kind, count in plan.summary().items())
    lines += ["", f"Summary: {summary}"]
    return "\n".join(lines)
