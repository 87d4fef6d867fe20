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


class ScanState(StrEnum):
    """The state of lbconsole's scan status (`orchestrator.SCAN_CONTEXT`) on the head commit.

    GitHub's `StatusState` values, plus NONE when the head carries no scan status.
    SUCCESS is the only state that lets a PR be merged (SPEC 3.5); FAILURE means
    the scan found something to review; PENDING and ERROR mean "scan again".
    """

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    ERROR = "ERROR"
    PENDING = "PENDING"
    NONE = "NONE"

    @property
    def finished(self) -> bool:
        """The scan ran to its end on this head, with or without findings."""
        return self in (ScanState.SUCCESS, ScanState.FAILURE)


class ChecksState(StrEnum):
    """GitHub's `StatusState` of the head commit's rollup, plus NONE for no checks."""

    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    ERROR = "ERROR"
    PENDING = "PENDING"
    EXPECTED = "EXPECTED"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A PR's place in GitHub's merge queue (GraphQL `MergeQueueEntry`)."""

    position: int
    """1 is the next to merge."""
    state: str
    """GitHub's `MergeQueueEntryState`: QUEUED, AWAITING_CHECKS, MERGEABLE, UNMERGEABLE, LOCKED."""
    eta_s: int | None = None
    """GitHub's estimate of the seconds until it merges (None: no estimate)."""

    def text(self) -> str:
        """`in the merge queue at position 2 (awaiting checks, about 6 min)`."""
        eta = f", about {max(1, round(self.eta_s / 60))} min" if self.eta_s is not None else ""
        return f"in the merge queue at position {self.position} ({self.state.lower().replace('_', ' ')}{eta})"


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
    """The built-in scan finished on the head commit (`scan` SUCCESS or FAILURE); derived from `scan`.

    Passing True without a `scan` (older callers, e.g. the simulator's `core_pull`)
    means the scan passed: `scan` becomes SUCCESS.
    """
    scan: ScanState = ScanState.NONE
    """lbconsole's scan status on the head commit: the security gate reads it (SPEC 3.5)."""
    url: str = ""
    queue_entry: QueueEntry | None = None
    """Its entry in the base branch's merge queue, when it is queued."""
    queue_removed: str = ""
    """Why GitHub last removed it from the merge queue, with when ('' if never)."""
    label_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    """The labels casefolded, computed once: label checks are hot in the planner."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "label_keys", frozenset(label.casefold() for label in self.labels))
        if self.scan is ScanState.NONE and self.security_scanned:
            object.__setattr__(self, "scan", ScanState.SUCCESS)
        object.__setattr__(self, "security_scanned", self.scan.finished)

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
    strict: bool | None = None
    """Branch protection of the default branch requires PRs to be up to date before merging
    (None: not readable with this token)."""
    required_checks: tuple[str, ...] = ()
    """The status checks branch protection requires (empty: none, or not readable)."""
    merge_queue: bool = False
    """The default branch has a GitHub merge queue (GraphQL `Repository.mergeQueue`)."""
