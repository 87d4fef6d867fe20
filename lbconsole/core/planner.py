"""The planner: what each mode would do, and why every other PR is left alone (SPEC 2).

`plan()` is a pure function of the queue, the mode, the settings and `now`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from lbconsole.core.analysis import Analysis, analyze
from lbconsole.core.models import Mergeable, MergeState, Queue
from lbconsole.core.orchestrator import NEEDS_REBASE, STALE
from lbconsole.core.plan import Action, Plan, Skipped
from lbconsole.core.readiness import UNKNOWN_REASON, blocking_labels, is_conflicting
from lbconsole.core.report import render_report
from lbconsole.core.settings import MODES, OTHER, Settings

MERGES = frozenset({"merge-only", "auto", "full-audit"})
CONFLICTS = frozenset({"conflict-resolution", "auto", "full-audit"})
SCANS = frozenset({"security-only", "auto", "full-audit"})


def _short(sha: str) -> str:
    return sha[:7]


class _Builder:
    """Collects actions and per-PR reasons while the stages run."""

    def __init__(self, analyses: list[Analysis], settings: Settings) -> None:
        self.analyses = analyses
        self.settings = settings
        self.actions: dict[str, list[Action]] = defaultdict(list)
        self.touched: set[int] = set()
        self.reasons: dict[int, list[str]] = defaultdict(list)
        self.labels_used = 0

    def act(self, a: Analysis, kind: str, reason: str, label: str = "") -> None:
        self.actions[kind].append(
            Action(
                kind=kind,
                pr=a.pr.number,
                head_sha=a.pr.head_sha,
                category=a.category,
                priority=a.priority,
                reason=reason,
                label=label,
            )
        )
        self.touched.add(a.pr.number)

    def why(self, a: Analysis, *reasons: str) -> None:
        self.reasons[a.pr.number].extend(reasons)

    def label(self, a: Analysis, name: str, reason: str) -> None:
        if self.labels_used < self.settings.limits.label:
            self.labels_used += 1
            self.act(a, "label", reason, label=name)
        else:
            self.why(a, f"limit: label batch full ({self.settings.limits.label}), not labelled {name!r}")


def _merge_stage(b: _Builder, mode: str) -> None:
    limit = b.settings.limits.merge
    merges = 0
    for a in b.analyses:
        if not a.readiness.ready:
            b.why(a, *a.readiness.reasons)
            continue
        if mode in SCANS and a.category == "security" and not a.pr.security_scanned:
            b.why(a, "ready, but the merge waits for the security scan of this head")
            continue
        if merges < limit:
            merges += 1
            b.act(a, "merge", f"ready: {a.readiness.summary}")
        else:
            b.why(a, f"limit: merge batch full ({limit})")


def _conflict_stage(b: _Builder, mode: str) -> None:
    limit = b.settings.limits.conflict
    used = 0
    for a in b.analyses:
        pr = a.pr
        conflicting = is_conflicting(pr)
        behind = pr.merge_state is MergeState.BEHIND and not conflicting
        if not (conflicting or behind):
            if mode == "conflict-resolution":
                if pr.mergeable is Mergeable.UNKNOWN:
                    b.why(a, UNKNOWN_REASON)
                else:
                    b.why(a, "no conflict: up to date with the base branch")
            continue
        if pr.draft:
            b.why(a, "draft")
            continue
        held = blocking_labels(pr, b.settings.merge)
        if held:
            b.why(a, *(f'blocking label "{label}"' for label in held))
            continue
        if conflicting and pr.has_label(NEEDS_REBASE):
            b.why(a, f'conflict: author already notified (label "{NEEDS_REBASE}")')
            continue
        if used >= limit:
            b.why(a, f"limit: conflict batch full ({limit})")
            continue
        used += 1
        if behind:
            b.act(a, "update_branch", "behind the base branch")
        else:
            b.act(a, "notify_conflict", "merge conflict with the base branch", label=NEEDS_REBASE)


def _security_stage(b: _Builder, mode: str) -> list[str]:
    security = [a for a in b.analyses if a.category == "security"]
    if not security:
        if mode == "security-only":
            for a in b.analyses:
                b.why(a, f"not a security PR (category {a.category})")
            return ["no open security PR: nothing to scan"]
        return []
    limit = b.settings.limits.scan
    scans = 0
    rule = b.settings.rule("security")
    security_label = rule.label if rule and rule.label else "security"
    for a in security:
        if a.pr.security_scanned:
            b.why(a, f"security scan: already scanned at {_short(a.pr.head_sha)}")
        elif scans < limit:
            scans += 1
            b.act(a, "security_scan", f"security PR ({'; '.join(a.classification.reasons)})")
        else:
            b.why(a, f"limit: scan batch full ({limit})")
        if not a.pr.has_label(security_label):
            b.label(a, security_label, f"security PR missing label {security_label!r}")
    if mode == "security-only":
        for a in b.analyses:
            if a.category != "security":
                b.why(a, f"not a security PR (category {a.category})")
    return []


def _audit_stage(b: _Builder, now: datetime) -> None:
    stale_days = b.settings.audit.stale_days
    # category -> (its label, every label name that already marks it), for categories full-audit labels
    marks = {
        rule.name: (rule.label, frozenset(name.casefold() for name in (*rule.labels, rule.label)))
        for rule in b.settings.categories
        if rule.label and rule.name not in (OTHER, "security")  # security is labelled by its own stage
    }
    for a in b.analyses:
        mark = marks.get(a.category)
        if mark is not None and mark[1].isdisjoint(a.pr.label_keys):
            b.label(a, mark[0], f"category {a.category} missing its label {mark[0]!r}")
        idle = (now - a.pr.updated_at).days
        if idle >= stale_days and STALE not in a.pr.label_keys:
            b.label(a, STALE, f"not updated for {idle} days (audit.stale_days = {stale_days})")


def plan(
    queue: Queue,
    mode: str,
    settings: Settings,
    now: datetime,
    *,
    analyses: Sequence[Analysis] | None = None,
) -> Plan:
    """Plan what `mode` would do to `queue`.

    Args:
        queue: the open PRs of one repository.
        mode: one of `MODES`.
        settings: limits, merge policy and category rules.
        now: the moment of planning (ages, staleness, `generated_at`).
        analyses: `analyze(queue.pulls, settings, now)` when the caller has it
            already (the console does, for its rows): planning another mode
            then costs only the mode's own stages.

    Returns:
        A plan whose actions respect every batch limit, and in which every open
        PR without an action is in `skipped` with all its reasons.

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (choose one of {', '.join(MODES)})")
    if analyses is None:
        analyses = analyze(queue.pulls, settings, now)
    b = _Builder(list(analyses), settings)
    notes: list[str] = []
    if mode in MERGES:
        _merge_stage(b, mode)
    if mode in CONFLICTS:
        _conflict_stage(b, mode)
    if mode in SCANS:
        notes += _security_stage(b, mode)
    if mode == "full-audit":
        _audit_stage(b, now)

    actions: list[Action] = []
    for kind in ("merge", "update_branch", "notify_conflict", "security_scan", "label"):
        actions += b.actions[kind]
    explained: set[int] = set()
    for i, action in enumerate(actions):  # answer "why not more?" for PRs that do get something
        pr = action.pr
        if pr is None or pr in explained:
            continue
        explained.add(pr)
        if reasons := b.reasons.get(pr):
            actions[i] = replace(action, held_by=tuple(dict.fromkeys(reasons)))
    if mode == "full-audit":
        actions.append(
            Action(
                kind="report",
                reason=f"audit summary of {len(analyses)} open PRs",
                body=render_report(queue.repo, analyses, now),
            )
        )
    skipped = tuple(
        Skipped(
            pr=a.pr.number,
            category=a.category,
            priority=a.priority,
            reasons=tuple(dict.fromkeys(b.reasons[a.pr.number])) or ("nothing to do",),
        )
        for a in analyses
        if a.pr.number not in b.touched
    )
    if not actions and not notes:
        notes.append("nothing to do" if analyses else "no open pull requests")
    notes = [*queue.notes, *notes]  # e.g. the gateway could not fetch every file of a PR
    return Plan(
        repo=queue.repo,
        mode=mode,
        generated_at=now,
        limits=settings.limits,
        actions=tuple(actions),
        skipped=skipped,
        notes=tuple(notes),
    )
