"""Pull-request facts as the core sees them, independent of any API type.

The gateway translates GitHub's GraphQL/REST shapes into these at the border;
the simulator, the planner and the console only ever see these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Mergeable(StrEnum):
    """GitHub's `MergeableState`."""

    MERGEABLE = "MERGEABLE"
    CONFLICTING = "CONFLICTING"
    UNKNOWN = "UNKNOWN"


class MergeState(StrEnum):
    """GitHub's `MergeStateStatus`."""

    CLEAN = "CLEAN"
    BEHIND = "BEHIND"
    DIRTY = "DIRTY"
    BLOCKED = "BLOCKED"
    UNSTABLE = "UNSTABLE"
    HAS_HOOKS = "HAS_HOOKS"
    UNKNOWN = "UNKNOWN"
    DRAFT = "DRAFT"


class ReviewDecision(StrEnum):
    """GitHub's `PullRequestReviewDecision`, plus NONE for null."""

    APPROVED = "APPROVED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    REVIEW_REQUIRED = "REVIEW_REQUIRED"
    NONE = "NONE"


class ChecksState(StrEnum):
    """GitHub's `StatusState` of the head commit's rollup, plus NONE for no checks."""

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    ERROR = "ERROR"
    PENDING = "PENDING"
    EXPECTED = "EXPECTED"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class PullRequest:
    """The facts of one open pull request (SPEC 1.1)."""

    number: int
    title: str
    author: str
    head_sha: str
    created_at: datetime
    updated_at: datetime
    body: str = ""
    author_is_bot: bool = False
    labels: tuple[str, ...] = ()
    draft: bool = False
    head_ref: str = ""
    base_ref: str = "main"
    additions: int = 0
    deletions: int = 0
    changed_files: tuple[str, ...] = ()
    mergeable: Mergeable = Mergeable.UNKNOWN
    merge_state: MergeState = MergeState.UNKNOWN
    review_decision: ReviewDecision = ReviewDecision.NONE
    checks: ChecksState = ChecksState.NONE
    failing_checks: tuple[str, ...] = ()
    security_scanned: bool = False
    """True when lbconsole's scan status is already set on the head commit."""
    url: str = ""
    label_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    """The labels casefolded, computed once: label checks are hot in the planner."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "label_keys", frozenset(label.casefold() for label in self.labels))

    def has_label(self, name: str) -> bool:
        """Whether the PR carries `name` (GitHub label names are case-insensitive)."""
        return name.casefold() in self.label_keys


@dataclass(frozen=True, slots=True)
class Queue:
    """Every open pull request of one repository at one moment."""

    repo: str
    pulls: tuple[PullRequest, ...]
    fetched_at: datetime
    default_branch: str = "main"
    rate_limit_remaining: int | None = None
    complete: bool = True
    """False when GitHub returned fewer PRs than it said exist."""
    notes: tuple[str, ...] = field(default=())
