"""The planner: what each mode would do, and why every other PR is left alone (SPEC 2).

`plan()` is a pure function of the queue, the mode, the settings and `now`.

It walks the PRs once, highest priority first, and lets each stage of the
mode claim what it needs from its batch; so every batch is filled, and
listed, in priority order. Choices the spec leaves open:

- **The security gate (SPEC 3.5).** A ready PR merges only when the
  built-in scan has passed on its head (`PullRequest.scan` SUCCESS),
  whatever its category. A ready PR whose head has no finished scan gets a
  `security_scan` in the same plan, listed before its merge: one run scans
  and merges a clean PR, and the executor refuses the merge when that scan
  did not pass. A head whose scan found something (FAILURE) is held with
  the reason. Gate scans count against the scan limit, like the scans of
  security PRs; the configured `security.commands` run only for security
  PRs (the executor looks at the action's category).
- **Coherent plans.** The actions on one PR never make another one stale:
  the executor re-reads the head before each action, and only
  `update_branch` moves it. So a plan lists its scans first, then its
  labels, then its merges, then the conflict batch (branch updates and
  conflict notifications), then the report. A PR that is scanned or
  labelled and also updated is updated last, and branch updates come after
  the run's merges, so they take those merges in.
- **Every reason.** A PR without an action is in `skipped` with every
  reason each stage of the mode found; a PR with actions carries the
  reasons it gets nothing more in `held_by` on its first action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from lbconsole.core.analysis import Analysis, analyze
from lbconsole.core.gate import merge_refusal
from lbconsole.core.models import Mergeable, MergeState, Queue, ScanState
from lbconsole.core.orchestrator import NEEDS_REBASE, STALE
from lbconsole.core.plan import Action, Plan, Skipped
from lbconsole.core.readiness import BEHIND_REASON, UNKNOWN_REASON, blocking_labels, is_conflicting
from lbconsole.core.report import render_report
from lbconsole.core.settings import MODES, OTHER, Settings
from lbconsole.core.strategy import DIRECT, Strategy, choose

MERGES = frozenset({"merge-only", "auto", "full-audit"})
CONFLICTS = frozenset({"conflict-resolution", "auto", "full-audit"})
SCANS = frozenset({"security-only", "auto", "full-audit"})

BATCHES: tuple[tuple[str, ...], ...] = (
    ("security_scan",),
    ("label",),
    ("merge",),
    ("update_branch", "notify_conflict"),
)
"""The order a plan lists (and the executor runs) its batches; each batch in priority order."""

GATE_SCAN_REASON = "built-in scan before the merge: no passed scan at this head"
"""The reason of a `security_scan` planned only for the security gate (not a security PR)."""


def _short(sha: str) -> str:
    return sha[:7]


class _Builder:
    """Collects actions and per-PR reasons while the stages run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.batches: dict[str, list[Action]] = defaultdict(list)
        self.touched: set[int] = set()
        self.scanned: set[int] = set()
        self.reasons: dict[int, list[str]] = defaultdict(list)
        self.used: dict[str, int] = defaultdict(int)
        self.strategy = Strategy(DIRECT, "")
        """How the merge batch merges (`lbconsole.core.strategy`); a train also takes PRs only behind."""
        self.merging: set[int] = set()

    def act(self, a: Analysis, kind: str, reason: str, label: str = "") -> None:
        batch = "update_branch" if kind == "notify_conflict" else kind
        self.batches[batch].append(
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

    def take(self, batch: str, limit: int) -> bool:
        """Claim one place in `batch`; False when it is full."""
        if self.used[batch] >= limit:
            return False
        self.used[batch] += 1
        return True

    def label(self, a: Analysis, name: str, reason: str) -> None:
        limit = self.settings.limits.label
        if self.take("label", limit):
            self.act(a, "label", reason, label=name)
        else:
            self.why(a, f"limit: label batch full ({limit}), not labelled {name!r}")

    def scan(self, a: Analysis) -> bool:
        """Plan the PR's one `security_scan` (if not planned yet); False when the scan batch is full."""
        if a.pr.number in self.scanned:
            return True
        if not self.take("security_scan", self.settings.limits.scan):
            return False
        self.scanned.add(a.pr.number)
        if a.category == "security":
            reason = f"security PR ({'; '.join(a.classification.reasons)})"
        else:
            reason = GATE_SCAN_REASON
        self.act(a, "security_scan", reason)
        return True


def _merge(b: _Builder, a: Analysis) -> None:
    via = ""
    if a.pr.queue_entry is not None:  # GitHub's merge queue has it: nothing for this run to do
        b.why(a, a.pr.queue_entry.text())
        return
    removed = (a.pr.queue_removed,) if a.pr.queue_removed and b.strategy.name == "queue" else ()
    if not a.readiness.ready:
        if b.strategy.name not in ("train", "queue") or a.readiness.reasons != (BEHIND_REASON,):
            b.why(a, *a.readiness.reasons, *removed)
            return
        via = b.strategy.name  # ready but for the base branch: the train updates it, the queue tests it
    scan = a.pr.scan
    scan = a.pr.scan
    if scan is ScanState.FAILURE:
        b.why(a, merge_refusal(scan, a.pr.head_sha) or "")
        return
    limit = b.settings.limits.merge
    if b.used["merge"] >= limit:
        b.why(a, f"limit: merge batch full ({limit})")
        return
    reason = f"ready: {a.readiness.summary}"
    if via:
        reason = f"ready but behind the base branch: the {'train updates' if via == 'train' else 'queue tests'} it"
    if scan is not ScanState.SUCCESS:
        if not b.scan(a):
            b.why(
                a,
                "ready, but the merge waits for the built-in scan of this head "
                f"(limit: scan batch full ({b.settings.limits.scan}))",
            )
            return
        reason += "; merges only if the built-in scan of this head passes"
    b.take("merge", limit)
    b.act(a, "merge", "; ".join((reason, *removed)))
    b.merging.add(a.pr.number)
    if via:
        b.batches["merge"][-1] = replace(b.batches["merge"][-1], via=via)


def _conflict(b: _Builder, a: Analysis, mode: str) -> None:
    pr = a.pr
    if pr.number in b.merging or pr.queue_entry is not None:  # a train car, or the merge queue has it
        return
    conflicting = is_conflicting(pr)
    behind = pr.merge_state is MergeState.BEHIND and not conflicting
    if not (conflicting or behind):
        if mode == "conflict-resolution":
            if pr.mergeable is Mergeable.UNKNOWN:
                b.why(a, UNKNOWN_REASON)
            else:
                b.why(a, "no conflict: up to date with the base branch")
        return
    if behind and b.strategy.name == "queue":  # the queue tests each PR against the latest base itself
        b.why(a, "behind the base branch: the merge queue tests it against the latest base, no update needed")
        return
    held: list[str] = []
    if pr.draft or pr.merge_state is MergeState.DRAFT:
        held.append("draft")
    held += [f'blocking label "{label}"' for label in blocking_labels(pr, b.settings.merge)]
    if conflicting and pr.has_label(NEEDS_REBASE):
        held.append(f'conflict: author already notified (label "{NEEDS_REBASE}")')
    if held:
        b.why(a, *held)
        return
    limit = b.settings.limits.conflict
    if not b.take("update_branch", limit):
        b.why(a, f"limit: conflict batch full ({limit})")
    elif behind:
        b.act(a, "update_branch", "behind the base branch")
    else:
        b.act(a, "notify_conflict", "merge conflict with the base branch", label=NEEDS_REBASE)


def _security(b: _Builder, a: Analysis, mode: str, security_label: str) -> None:
    if a.category != "security":
        if mode == "security-only":
            b.why(a, f"not a security PR (category {a.category})")
        return
    scan = a.pr.scan
    if a.pr.number in b.scanned:
        pass
    elif scan is ScanState.SUCCESS:
        b.why(a, f"security scan: scanned at this head ({_short(a.pr.head_sha)}), passed")
    elif scan is ScanState.FAILURE:
        b.why(a, f"security scan: scanned at this head ({_short(a.pr.head_sha)}), findings to review")
    elif not b.scan(a):
        b.why(a, f"limit: scan batch full ({b.settings.limits.scan})")
    if not a.pr.has_label(security_label):
        b.label(a, security_label, f"security PR missing label {security_label!r}")


def _audit(b: _Builder, a: Analysis, now: datetime, marks: dict[str, tuple[str, frozenset[str]]]) -> None:
    stale_days = b.settings.audit.stale_days
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
        A plan whose actions respect every batch limit, listed batch by batch
        (`BATCHES`) in priority order, and in which every open PR without an
        action is in `skipped` with all its reasons.

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (choose one of {', '.join(MODES)})")
    if analyses is None:
        analyses = analyze(queue.pulls, settings, now)
    b = _Builder(settings)
    notes: list[str] = []
    rule = settings.rule("security")
    security_label = rule.label if rule and rule.label else "security"
    # category -> (its label, every label name that already marks it), for the categories full-audit labels
    marks = {
        r.name: (r.label, frozenset(name.casefold() for name in (*r.labels, r.label)))
        for r in settings.categories
        if r.label and r.name not in (OTHER, "security")  # security is labelled by its own stage
    }
    security_stage = mode in SCANS
    if mode == "security-only" and not any(a.category == "security" for a in analyses):
        security_stage = False
        notes.append("no open security PR: nothing to scan")
        for a in analyses:
            b.why(a, f"not a security PR (category {a.category})")
    if mode in MERGES:
        b.strategy = choose(queue, settings.merge)
    for a in analyses:
        if mode in MERGES:
            _merge(b, a)
        if mode in CONFLICTS:
            _conflict(b, a, mode)
        if security_stage:
            _security(b, a, mode, security_label)
        if mode == "full-audit":
            _audit(b, a, now, marks)

    strategy = ""
    if b.batches["merge"]:
        strategy = b.strategy.name
        notes.extend(_follow(b, b.strategy, settings))
    actions = [action for batch in BATCHES for action in b.batches[batch[0]]]
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
        strategy=strategy,
    )


def _follow(b: _Builder, strategy: Strategy, settings: Settings) -> list[str]:
    """Make the merge batch follow `strategy`; the plan notes that say what this run will really do."""
    merges = b.batches["merge"]
    if strategy.name == DIRECT:
        return []
    lead = strategy.why
    if strategy.name == "queue":
        b.batches["merge"] = [replace(a, via="queue", reason=f"{a.reason}; enqueued at this head") for a in merges]
        return [
            f"{lead}: {', '.join(f'#{a.pr}' for a in merges)} enqueued with expectedHeadOid pinned to the planned "
            "heads; GitHub tests each on merge_group after the ones ahead of it and merges them in order"
        ]
    first, rest = merges[0], merges[1:]
    if not rest:
        update = "after a branch update and its checks" if first.via else "it needs no branch update"
        return [f"{lead}: one merge planned, #{first.pr}; {update}"]
    numbers = ", ".join(f"#{a.pr}" for a in rest)
    if strategy.name == "train":
        budget = settings.merge.train_budget_s
        b.batches["merge"] = [first] + [
            replace(
                a,
                via="train",
                reason=a.reason
                if a.via
                else f"{a.reason}; train: updated, re-checked and merged after the merge before it",
            )
            for a in rest
        ]
        return [
            f"{lead}: merges #{first.pr} {'after its update' if first.via else 'now'}, then {numbers} one by one, "
            "each after a branch update and its "
            f"required checks on the new head: up to {len(merges)} merges and {len(rest)} CI cycles within "
            f"merge.train_budget_s ({budget} s); the rest waits for the next run"
        ]
    b.batches["merge"] = [first]
    b.batches["update_branch"] = [
        replace(
            a,
            kind="update_branch",
            via="pipeline",
            reason="pipeline: updated after this run's merge so its CI runs now; the next run merges it",
        )
        for a in rest
    ] + b.batches["update_branch"]
    return [
        f"{lead}: this run merges 1 (#{first.pr}) and updates {numbers}, so their "
        f"{len(rest)} CI cycles run before the next run, which merges them"
    ]
