"""The plan: what a mode would do, and why every other PR is left alone.

A plan is data. `to_dict`/`from_dict` give the stable, versioned JSON of
SPEC 2.1 (`lbconsole plan --json`), which `lbconsole run --plan FILE`
executes exactly as it was previewed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lbconsole.core.settings import Limits
from lbconsole.core.times import iso_z, parse_iso_z

SCHEMA = "lbconsole.plan/1"

ACTION_KINDS: tuple[str, ...] = (
    "merge",
    "update_branch",
    "notify_conflict",
    "security_scan",
    "label",
    "report",
)
"""Every action kind (the order of a plan's `summary`; the planner lists batches in `planner.BATCHES` order)."""


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the orchestrator will do. PR-bound actions carry the head SHA planned against."""

    kind: str
    pr: int | None = None
    head_sha: str = ""
    category: str = ""
    priority: int = 0
    reason: str = ""
    label: str = ""
    """The label to add (kind `label`, and `notify_conflict`'s `needs-rebase`)."""
    body: str = ""
    """Markdown of a `report` action."""
    held_by: tuple[str, ...] = ()
    """Why the PR gets nothing more in this plan (e.g. only a label: "draft"); on its first action only."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """An open PR that gets no action, with every reason."""

    pr: int
    category: str
    reasons: tuple[str, ...]
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    """The result of `plan()`: pure data, same input same plan."""

    repo: str
    mode: str
    generated_at: datetime
    limits: Limits
    actions: tuple[Action, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = field(default=())
    """Plan-level explanations, e.g. why the plan is empty."""

    @property
    def empty(self) -> bool:
        """True when the plan does nothing (a triggered run can exit at once)."""
        return not self.actions

    def summary(self) -> dict[str, int]:
        """Action counts per kind, every kind present."""
        counts = dict.fromkeys(ACTION_KINDS, 0)
        for action in self.actions:
            counts[action.kind] += 1
        return counts

    def prs(self) -> list[int]:
        """The PRs the plan touches, in action order, each once."""
        return list(dict.fromkeys(a.pr for a in self.actions if a.pr is not None))




def to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as SPEC 2.1 JSON data (`schema` lbconsole.plan/1)."""
    actions: list[dict[str, Any]] = []
    for a in plan.actions:
        item: dict[str, Any] = {"kind": a.kind}
        if a.pr is not None:
            item |= {"pr": a.pr, "head_sha": a.head_sha, "category": a.category, "priority": a.priority}
        item["reason"] = a.reason
        if a.label:
            item["label"] = a.label
        if a.body:
            item["body"] = a.body
        if a.held_by:
            item["held_by"] = list(a.held_by)
        actions.append(item)
    return {
        "schema": SCHEMA,
        "repo": plan.repo,
        "mode": plan.mode,
        "generated_at": iso_z(plan.generated_at),
        "limits": {
            "merge": plan.limits.merge,
            "conflict": plan.limits.conflict,
            "scan": plan.limits.scan,
            "label": plan.limits.label,
        },
        "actions": actions,
        "skipped": [
            {"pr": s.pr, "category": s.category, "priority": s.priority, "reasons": list(s.reasons)}
            for s in plan.skipped
        ],
        "summary": plan.summary(),
        "notes": list(plan.notes),
    }


class PlanFormatError(ValueError):
    """A plan file is not a valid lbconsole.plan/1 document."""


def from_dict(data: Mapping[str, Any]) -> Plan:
    """Read back a plan written by `to_dict`.

    Raises:
        PlanFormatError: with a message naming the first field that is wrong.
    """
    if not isinstance(data, Mapping):
        raise PlanFormatError("a plan must be a JSON object")
    if data.get("schema") != SCHEMA:
        raise PlanFormatError(f"unsupported plan schema {data.get('schema')!r} (expected {SCHEMA!r})")
    try:
        limits = Limits(**{k: int(v) for k, v in data["limits"].items()})
        actions = []
        for i, item in enumerate(data["actions"]):
            kind = item["kind"]
            if kind not in ACTION_KINDS:
                raise PlanFormatError(f"actions[{i}].kind: unknown action kind {kind!r}")
            pr = item.get("pr")
            if kind != "report" and (not isinstance(pr, int) or not item.get("head_sha")):
                raise PlanFormatError(f"actions[{i}]: a {kind} action needs 'pr' and 'head_sha'")
            actions.append(
                Action(
                    kind=kind,
                    pr=pr,
                    head_sha=str(item.get("head_sha", "")),
                    category=str(item.get("category", "")),
                    priority=int(item.get("priority", 0)),
                    reason=str(item.get("reason", "")),
                    label=str(item.get("label", "")),
                    body=str(item.get("body", "")),
                    held_by=tuple(str(r) for r in item.get("held_by", ())),
                )
            )
        skipped = tuple(
            Skipped(
                pr=int(s["pr"]),
                category=str(s.get("category", "")),
                reasons=tuple(str(r) for r in s.get("reasons", ())),
                priority=int(s.get("priority", 0)),
            )
            for s in data.get("skipped", ())
        )
        return Plan(
            repo=str(data["repo"]),
            mode=str(data["mode"]),
            generated_at=parse_iso_z(data["generated_at"]),
            limits=limits,
            actions=tuple(actions),
            skipped=skipped,
            notes=tuple(str(n) for n in data.get("notes", ())),
        )
    except PlanFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanFormatError(f"malformed plan: {exc.__class__.__name__}: {exc}") from exc
