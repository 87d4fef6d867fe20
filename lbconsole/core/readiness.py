"""Readiness to merge, derived with a reason for every unmet condition (SPEC 1.3)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, ReviewDecision
from lbconsole.core.settings import MergePolicy

BOT_TRUSTED_CATEGORIES = frozenset({"dependencies", "security"})

BEHIND_REASON = "behind the base branch"
"""The reason of a PR that is ready but for an update from its base branch."""
UNKNOWN_REASON = "mergeability unknown (GitHub is computing it)"


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether a PR is READY, its one-word state for the queue, and why."""

    ready: bool
    state: str
    """ready, queued (in the merge queue), behind, conflict, checks failing, changes requested, draft,
    blocked or pending."""
    reasons: tuple[str, ...]
    """Every unmet condition; empty when ready."""
    summary: str = ""
    """For a ready PR: what makes it ready, e.g. "approved, checks passing, clean"."""


@lru_cache(maxsize=64)
def _keys(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, casefolded name) pairs, computed once per policy."""
    return tuple((name, name.casefold()) for name in names)


@lru_cache(maxsize=64)
def _folded(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name.casefold() for name in names)


def is_conflicting(pr: PullRequest) -> bool:
    """GitHub says the PR conflicts with its base: mergeable CONFLICTING, or merge state DIRTY.

    DIRTY counts only while mergeability is known: with mergeable UNKNOWN
    GitHub is still computing, and UNKNOWN is pending, never conflicting (SPEC 1.3).
    """
    if pr.mergeable is Mergeable.CONFLICTING:
        return True
    return pr.merge_state is MergeState.DIRTY and pr.mergeable is not Mergeable.UNKNOWN


def blocking_labels(pr: PullRequest, policy: MergePolicy) -> list[str]:
    """The policy's blocking labels that `pr` carries, as the policy spells them."""
    keys = pr.label_keys
    if not keys or keys.isdisjoint(_folded(policy.blocking_labels)):  # most PRs: no list built
        return []
    return [label for label, key in _keys(policy.blocking_labels) if key in keys]


_MET_ORDER = {"approved": 0, "checks passing": 1, "clean": 2}
_USUAL_MET = ["clean", "checks passing", "approved"]
"""What a ready PR usually meets, in the order `assess` finds it, and its summary (sorted by `_met_rank`)."""
_USUAL_SUMMARY = "approved, checks passing, clean"


def _met_rank(met: str) -> int:
    """Where a met condition goes in a ready PR's summary: approval first, then checks, then state."""
    return _MET_ORDER.get(met, 0 if met.startswith("trusted") else 3)


def assess(pr: PullRequest, category: str, policy: MergePolicy) -> Readiness:
    """Assess `pr` against the merge policy.

    Args:
        pr: the pull request.
        category: its category (trusted bots skip approval in dependencies/security).
        policy: the merge settings.

    Returns:
        Readiness with every unmet condition as a reason. UNKNOWN mergeability
        is "pending", never mergeable or conflicting.
    """
    reasons: list[str] = []
    met: list[str] = []
    if pr.draft or pr.merge_state is MergeState.DRAFT:
        reasons.append("draft")
    blocking = blocking_labels(pr, policy)
    if blocking:
        reasons += [f'blocking label "{label}"' for label in blocking]

    conflict = is_conflicting(pr)
    if conflict:
        reasons.append("merge conflict with the base branch")
    elif pr.mergeable is Mergeable.UNKNOWN:
        reasons.append(UNKNOWN_REASON)

    state = pr.merge_state
    if state in (MergeState.CLEAN, MergeState.HAS_HOOKS):
        met.append("clean")
    elif state is MergeState.UNSTABLE:
        if policy.allow_unstable:
            met.append("unstable allowed")
        else:
            reasons.append("merge state unstable (non-required checks failing)")
    elif state is MergeState.BEHIND:
        reasons.append(BEHIND_REASON)
    elif state is MergeState.BLOCKED:
        reasons.append("blocked by branch protection")
    elif state is MergeState.UNKNOWN and pr.mergeable is not Mergeable.UNKNOWN:
        reasons.append("merge state unknown (GitHub is computing it)")

    checks = pr.checks
    if checks is ChecksState.SUCCESS:
        met.append("checks passing")
    elif checks is ChecksState.NONE:
        if policy.allow_no_checks:
            met.append("no checks (allowed)")
        else:
            reasons.append("no checks reported")
    elif checks in (ChecksState.FAILURE, ChecksState.ERROR):
        names = ", ".join(pr.failing_checks) or checks.value.lower()
        reasons.append(f"checks failing: {names}")
    else:
        reasons.append("checks pending")

    review = pr.review_decision
    if review is ReviewDecision.APPROVED:
        met.append("approved")
    elif review is ReviewDecision.CHANGES_REQUESTED:
        reasons.append("review: changes requested")
    elif category in BOT_TRUSTED_CATEGORIES and pr.author.casefold() in _folded(policy.trusted_bots):
        met.append(f"trusted bot {pr.author}")
    elif review is ReviewDecision.REVIEW_REQUIRED:
        reasons.append("review: approval required")
    elif policy.require_approval:
        reasons.append("review: not approved (merge.require_approval)")
    else:
        met.append("review not required")

    if not reasons:
        summary = _USUAL_SUMMARY if met == _USUAL_MET else ", ".join(sorted(met, key=_met_rank))
        return Readiness(True, "queued" if pr.queue_entry else "ready", (), summary)
    word = "queued" if pr.queue_entry else _state_word(pr, reasons, blocking, conflict)
    return Readiness(False, word, tuple(reasons))


def _state_word(pr: PullRequest, reasons: list[str], blocking: list[str], conflict: bool) -> str:
    """The single most useful word for the queue's state column."""
    if reasons[0] == "draft":
        return "draft"
    if blocking:
        return "blocked"
    if conflict:
        return "conflict"
    if pr.checks in (ChecksState.FAILURE, ChecksState.ERROR):
        return "checks failing"
    if pr.review_decision is ReviewDecision.CHANGES_REQUESTED:
        return "changes requested"
    if pr.merge_state is MergeState.BEHIND:
        return "behind"
    if pr.mergeable is Mergeable.UNKNOWN or pr.checks in (ChecksState.PENDING, ChecksState.EXPECTED):
        return "pending"
    return "blocked"
