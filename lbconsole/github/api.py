"""What the rest of lbconsole may ask of GitHub: the gateway's contract.

The engine and the console depend on this Protocol, not on githubkit, so
they can be tested with a fake and so API types never leak past the border.
All calls are synchronous (the console runs them in thread workers).
Errors are always `lbconsole.errors` types: `GatewayError` (with `.status`
and GitHub's own message), `Unreachable`, `RateLimited`, `AuthError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from lbconsole.core.models import Queue

WaitCallback = Callable[[float, str], None]
"""Called with (seconds left, reason) while a rate limit is waited out."""


@dataclass(frozen=True, slots=True)
class PullSnapshot:
    """A fresh REST read of one pull request, taken right before acting on it."""

    number: int
    head_sha: str
    state: str
    """`open` or `closed`."""
    merged: bool
    mergeable_state: str
    """REST `mergeable_state`: clean, behind, dirty, blocked, unstable, has_hooks, unknown, draft."""
    labels: tuple[str, ...]
    draft: bool = False
    author: str = ""


@dataclass(frozen=True, slots=True)
class MergeResult:
    """GitHub's answer to a successful merge."""

    sha: str
    """The merge commit SHA."""
    message: str


@dataclass(frozen=True, slots=True)
class Comment:
    """An issue comment on a pull request."""

    id: int
    body: str
    author: str


@dataclass(frozen=True, slots=True)
class PullFile:
    """One changed file of a pull request, with its unified-diff patch."""

    filename: str
    status: str
    """added, removed, modified, renamed, copied, changed, unchanged."""
    patch: str | None
    """Unified diff hunks; GitHub omits it for binary or very large files."""
    additions: int = 0
    deletions: int = 0


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A rate limit as last seen in a response header."""

    limit: int
    remaining: int
    reset_at: float
    """POSIX time."""
    resource: str = "core"
    """GitHub's `X-RateLimit-Resource`: core (REST) or graphql."""


class Gateway(Protocol):
    """Everything lbconsole reads from or writes to one GitHub repository."""

    repo: str
    """`owner/name`."""

    @property
    def rate_limit(self) -> RateLimit | None:
        """The last rate limit seen, or None before the first request."""
        ...

    def fetch_queue(self) -> Queue:
        """Every open PR via paginated GraphQL (one request per 100 PRs)."""
        ...

    def queue_changed(self) -> bool:
        """Cheap conditional REST check (ETag): False only on a 304."""
        ...

    def get_pull(self, number: int) -> PullSnapshot:
        """Re-read one PR (REST). Raises GatewayError(status=404) if missing."""
        ...

    def merge(self, number: int, sha: str, method: str) -> MergeResult:
        """PUT .../merge with `sha`; 405/409 raise GatewayError with that status."""
        ...

    def update_branch(self, number: int, expected_head_sha: str) -> None:
        """PUT .../update-branch with `expected_head_sha`; 422 on a SHA mismatch."""
        ...

    def add_labels(self, number: int, labels: list[str]) -> None:
        """POST .../issues/{n}/labels (GitHub ignores labels already present)."""
        ...

    def list_comments(self, number: int) -> list[Comment]:
        """Every issue comment on the PR (all pages)."""
        ...

    def create_comment(self, number: int, body: str) -> Comment:
        """POST a new issue comment."""
        ...

    def update_comment(self, comment_id: int, body: str) -> None:
        """PATCH an existing issue comment."""
        ...

    def list_pull_files(self, number: int) -> list[PullFile]:
        """Changed files with patches (all pages, up to GitHub's 3,000)."""
        ...

    def get_file(self, path: str, ref: str) -> bytes | None:
        """A file's content at `ref`, or None when it does not exist there."""
        ...

    def set_commit_status(self, sha: str, context: str, state: str, description: str) -> None:
        """POST .../statuses/{sha} (state: success, failure, error, pending)."""
        ...
