"""The plan: what a mode would do, and why every other PR is left alone.

A plan is data. `to_dict`/`from_dict` give the stable, versioned JSON of
SPEC 2.1 (`lbconsole plan --json`), which `lbconsole run --plan FILE`
executes exactly as it was previewed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lbconsole.core.orchestrator import MODES
from lbconsole.core.problems import capped
from lbconsole.core.settings import REPO_PATTERN, Limits
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
    via: str = ""
    """How a merge-batch action happens under strict protection (`lbconsole.core.strategy`):
    `train` (a merge after update and checks), `pipeline` (an update the next run merges) or
    `queue` (a merge that enqueues the PR in GitHub's merge queue)."""


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
    strategy: str = ""
    """The merge strategy its merges follow (`direct`, `train`, `pipeline`); empty: no merges planned."""

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
        if a.via:
            item["via"] = a.via
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
    } | ({"merge_strategy": plan.strategy} if plan.strategy else {})


class PlanFormatError(ValueError):
    """A plan file is not a valid lbconsole.plan/1 document, or asks for more than the limits allow."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        """Every problem found, one line each."""
        super().__init__("\n".join(capped(self.problems)))


MAX_LABEL_LENGTH = 50
"""GitHub's longest label name."""

PR_KINDS = frozenset(ACTION_KINDS) - {"report"}
"""Action kinds that act on one pull request (and carry its head SHA)."""

VIAS = frozenset({("train", "merge"), ("queue", "merge"), ("pipeline", "update_branch")})
"""(via, kind) pairs a plan may carry."""
STRATEGY_NAMES = frozenset({"direct", "queue", "train", "pipeline"})

_SHA = re.compile(r"[0-9a-f]{40}")
_BATCHES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("merge", "merge", ("merge",)),
    ("conflict", "conflict (update_branch + notify_conflict)", ("update_branch", "notify_conflict")),
    ("scan", "security_scan", ("security_scan",)),
    ("label", "label", ("label",)),
)


def _show(value: Any) -> str:
    """A wrong value for a message, without echoing long strings (a token pasted in the wrong place)."""
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value) if len(value) <= 24 else f"a {len(value)}-character string"
    return "an object" if isinstance(value, Mapping) else "a list" if isinstance(value, list) else type(value).__name__


class _Checker:
    """Reads typed fields out of JSON objects, collecting a one-line problem for each wrong one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def text(self, obj: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.bad(f"{where}{key}", f"must be a string, got {_show(value)}" if key in obj else "is missing")
            return ""
        return value

    def integer(self, obj: Mapping[str, Any], key: str, where: str, *, positive: bool = False) -> int:
        value = obj.get(key, None if positive else 0)
        ok = isinstance(value, int) and not isinstance(value, bool) and (value > 0 or not positive)
        if not ok:
            want = "a positive integer (a PR number)" if positive else "an integer"
            self.bad(f"{where}{key}", f"must be {want}, got {_show(value)}" if key in obj else "is missing")
            return 0
        return int(value)

    def texts(self, obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = obj.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.bad(f"{where}{key}", f"must be a list of strings, got {_show(value)}")
            return ()
        return tuple(value)

    def objects(self, data: Mapping[str, Any], key: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.bad(key, f"must be a list, got {_show(value)}")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append((f"{key}[{i}].", item))
            else:
                self.bad(f"{key}[{i}]", f"must be an object, got {_show(item)}")
        return out


def _action(c: _Checker, where: str, item: Mapping[str, Any]) -> Action | None:
    kind = item.get("kind")
    if kind not in ACTION_KINDS:
        c.bad(f"{where}kind", f"unknown action kind {_show(kind)} (kinds: {', '.join(ACTION_KINDS)})")
        return None
    before = len(c.problems)
    pr: int | None = None
    head_sha = ""
    if kind in PR_KINDS:
        pr = c.integer(item, "pr", where, positive=True)
        head_sha = c.text(item, "head_sha", where, required=True)
        if head_sha and not _SHA.fullmatch(head_sha):
            c.bad(f"{where}head_sha", f"must be a commit SHA (40 lower-case hex digits), got {_show(head_sha)}")
    elif item.get("pr") is not None:
        c.bad(f"{where}pr", "a report action is about no pull request")
    label = c.text(item, "label", where, required=kind == "label")
    if len(label) > MAX_LABEL_LENGTH:
        c.bad(f"{where}label", f"must be at most {MAX_LABEL_LENGTH} characters (GitHub's limit), got {len(label)}")
    elif kind == "label" and not label.strip():
        c.bad(f"{where}label", "a label action needs a label name")
    action = Action(
        kind=kind,
        pr=pr,
        head_sha=head_sha,
        category=c.text(item, "category", where),
        priority=c.integer(item, "priority", where),
        reason=c.text(item, "reason", where),
        label=label,
        body=c.text(item, "body", where),
        held_by=c.texts(item, "held_by", where),
        via=c.text(item, "via", where),
    )
    if action.via and (action.via, kind) not in VIAS:
        c.bad(f"{where}via", f"{_show(action.via)} is not a way to {kind} (train and queue merge, pipeline updates)")
    return action if len(c.problems) == before else None


def from_dict(data: Mapping[str, Any]) -> Plan:
    """Read back a plan written by `to_dict`, checking every field.

    Checked: the schema id, `repo` (owner/name), `mode` (one of `MODES`),
    `generated_at`, the limits (integers 0..100), each action's kind and
    types (`pr` a positive integer, never a boolean; `head_sha` a full
    commit SHA; `label` a name of at most 50 characters), no action twice,
    the summary against the actions, and that the plan keeps to its own
    limits. The configured limits are checked by `check_limits`.

    Raises:
        PlanFormatError: with every problem, one line each.
    """
    if not isinstance(data, Mapping):
        raise PlanFormatError([f"a plan must be a JSON object, got {_show(data)}"])
    if data.get("schema") != SCHEMA:
        raise PlanFormatError([f"schema: unsupported plan schema {_show(data.get('schema'))} (expected {SCHEMA!r})"])
    c = _Checker()
    repo = c.text(data, "repo", "", required=True)
    if repo and not re.fullmatch(REPO_PATTERN, repo):
        c.bad("repo", f"must be owner/name, got {_show(repo)}")
    mode = c.text(data, "mode", "", required=True)
    if mode and mode not in MODES:
        c.bad("mode", f"unknown mode {_show(mode)} (modes: {', '.join(MODES)})")
    generated_at = datetime.min
    if stamp := c.text(data, "generated_at", "", required=True):
        try:
            generated_at = parse_iso_z(stamp)
        except ValueError:
            c.bad("generated_at", f"must be a UTC time like 2026-11-23T22:00:00Z, got {_show(stamp)}")
    limits = _limits(c, data.get("limits"))
    actions = [a for where, item in c.objects(data, "actions") if (a := _action(c, where, item)) is not None]
    seen: dict[tuple[str, int | None, str], int] = {}
    for i, a in enumerate(actions):
        key = (a.kind, a.pr, a.label.casefold() if a.kind == "label" else "")
        if key in seen:
            c.bad(f"actions[{i}]", f"repeats actions[{seen[key]}] ({a.kind} #{a.pr})")
        seen.setdefault(key, i)
    skipped = tuple(
        Skipped(
            pr=c.integer(item, "pr", where, positive=True),
            category=c.text(item, "category", where),
            reasons=c.texts(item, "reasons", where),
            priority=c.integer(item, "priority", where),
        )
        for where, item in c.objects(data, "skipped")
    )
    notes = c.texts(data, "notes", "")
    strategy = c.text(data, "merge_strategy", "")
    if strategy and strategy not in STRATEGY_NAMES:
        names = ", ".join(sorted(STRATEGY_NAMES))
        c.bad("merge_strategy", f"unknown merge strategy {_show(strategy)} (strategies: {names})")
    if c.problems:
        raise PlanFormatError(c.problems)
    plan = Plan(repo, mode, generated_at, limits, tuple(actions), skipped, notes, strategy)
    summary = data.get("summary")
    if summary is not None and summary != plan.summary():
        c.bad("summary", "does not match the actions (was the plan edited by hand?)")
    c.problems += check_limits(plan, limits)
    if c.problems:
        raise PlanFormatError(c.problems)
    return plan


def _limits(c: _Checker, value: Any) -> Limits:
    if not isinstance(value, Mapping):
        c.bad("limits", f"must be an object with merge, conflict, scan and label, got {_show(value)}")
        return Limits()
    values: dict[str, int] = {}
    for name, _, _ in _BATCHES:
        number = value.get(name)
        if name not in value:
            c.bad(f"limits.{name}", "is missing")
        elif not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 100:
            c.bad(f"limits.{name}", f"must be an integer between 0 and 100, got {_show(number)}")
        else:
            values[name] = number
    for name in value:
        if name not in values and name not in {n for n, _, _ in _BATCHES}:
            c.bad(f"limits.{name}", "unknown limit (limits: merge, conflict, scan, label)")
    return Limits(**values)


def check_limits(plan: Plan, limits: Limits) -> list[str]:
    """Why `plan` would do more than `limits` allow, one line per batch; empty when it keeps to them.

    A saved plan is run only when this is empty for the configured limits
    (`lbconsole run --plan`): a plan never does more than the limits allow,
    whatever its file says.

    Args:
        plan: the plan to run.
        limits: the limits in force (the configuration with command-line overrides).

    Returns:
        The problems, e.g. `label: 5,030 actions, more than limits.label allows (50)`.
    """
    counts = plan.summary()
    pipelined = sum(1 for a in plan.actions if a.via == "pipeline")  # updates that belong to the merge batch
    counts["merge"] += pipelined
    counts["update_branch"] -= pipelined
    problems = []
    for name, what, kinds in _BATCHES:
        count = sum(counts[kind] for kind in kinds)
        allowed = getattr(limits, name)
        if count > allowed:
            problems.append(f"{what}: {count:,} actions, more than limits.{name} allows ({allowed})")
    if counts["report"] > 1:
        problems.append(f"report: {counts['report']:,} actions, a plan has at most one")
    return problems
