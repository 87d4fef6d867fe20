"""The records a simulated repository is made of, and the small facts they share.

Pull requests, their files, reviews, comments, labels, commit statuses and
check runs are plain dataclasses here; what happens to them (merging,
checks concluding, labels added) is `SimState`'s business. `SimError` is
how any part of the simulator refuses a request with GitHub's status and
message.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
"""The instant a scenario is anchored at unless `reset(now=...)` says otherwise."""

MERGEABLE = "MERGEABLE"
CONFLICTING = "CONFLICTING"
UNKNOWN = "UNKNOWN"


class SimError(Exception):
    """A request the simulated GitHub refuses, with GitHub's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def wall_now() -> datetime:
    """The wall clock in UTC (what a real clock is anchored at)."""
    return datetime.now(UTC)


def fake_sha(rng: random.Random) -> str:
    """A 40-hex commit SHA drawn from `rng`."""
    return f"{rng.getrandbits(160):040x}"


def blob_sha(content: bytes) -> str:
    """Git's blob SHA-1 of `content` (what GitHub reports as a file's `sha`)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


class SimClock:
    """Sim time: an anchor plus the real time elapsed since the anchor was set.

    A `real` clock is anchored at the wall clock when it is made and again
    whenever a saved state is restored, so the demo's dates, its checks and its
    runs agree with the time the operator reads; tests use a fixed anchor.
    """

    def __init__(self, anchor: datetime = DEFAULT_NOW, *, real: bool = False) -> None:
        self.anchor = wall_now() if real else anchor
        self.real = real
        """Scenario dates are relative to the wall clock (`lbconsole demo`, `--demo`, `lbconsole sim`)."""
        self._started = time.monotonic()
        self.offset = 0.0
        """Extra seconds added by `advance` (tests move time without sleeping)."""

        self.frozen: datetime | None = None
        """When set, sim time stands still here (tests); `advance` still moves it."""

    def now(self) -> datetime:
        """The current sim time (UTC)."""
        if self.frozen is not None:
            return self.frozen + timedelta(seconds=self.offset)
        return self.anchor + timedelta(seconds=time.monotonic() - self._started + self.offset)

    def __getstate__(self) -> dict[str, Any]:
        """Saved as the time it reads now: a restored clock goes on from there (`sim.snapshot`)."""
        if self.frozen is not None:
            return {"anchor": self.anchor, "frozen": self.frozen, "offset": self.offset, "real": self.real}
        return {"anchor": self.now(), "frozen": None, "offset": 0.0, "real": self.real}

    def __setstate__(self, kept: dict[str, Any]) -> None:
        self.real = bool(kept.get("real", False))
        self.frozen = kept["frozen"]
        self.offset = kept["offset"]
        self.anchor = kept["anchor"]
        if self.real and self.frozen is None:
            # The time between two demo commands passed on GitHub too; a clock moved ahead by tests stays ahead.
            self.anchor = max(self.anchor, wall_now())
        self._started = time.monotonic()

    def advance(self, seconds: float) -> None:
        """Move sim time forward without waiting."""
        self.offset += seconds

    def freeze(self, at: datetime | None = None) -> None:
        """Stop sim time at `at` (default: now); `advance` alone moves it afterwards."""
        self.frozen = at or self.now()
        self.offset = 0.0

    def thaw(self) -> None:
        """Let sim time run again from where it stands."""
        if self.frozen is not None:
            self.anchor, self.frozen = self.frozen + timedelta(seconds=self.offset), None
            self._started, self.offset = time.monotonic(), 0.0


@dataclass(slots=True)
class SimFile:
    """One changed file of a pull request."""

    filename: str
    status: str = "modified"
    """added, removed, modified, renamed..."""
    patch: str | None = None
    additions: int = 0
    deletions: int = 0
    content: bytes | None = None
    """The file's full content at the PR's head (None: derive from the patch)."""

    def head_content(self) -> bytes | None:
        """Content at the head commit: explicit, or the patch's context and added lines."""
        if self.status == "removed":
            return None
        if self.content is not None:
            return self.content
        lines = []
        for line in (self.patch or "").splitlines():
            if line.startswith("@@") or line.startswith("-"):
                continue
            lines.append(line[1:] if line[:1] in "+ " else line)
        return ("\n".join(lines) + "\n").encode()


@dataclass(slots=True)
class SimCheckRun:
    """A check run on one commit (GitHub Actions job)."""

    id: int
    name: str
    head_sha: str
    status: str = "completed"
    """queued, in_progress, completed."""
    conclusion: str | None = "success"
    started_at: datetime | None = None
    completed_at: datetime | None = None
    resolves_at: datetime | None = None
    """While pending: the sim time at which it completes with `resolves_to`."""
    resolves_to: str = "success"
    starts_at: datetime | None = None
    """While queued: the sim time at which it starts (in_progress)."""


@dataclass(slots=True)
class SimStatus:
    """A commit status (the Statuses API)."""

    id: int
    sha: str
    context: str
    state: str
    """error, failure, pending, success."""
    description: str | None
    target_url: str | None
    created_at: datetime
    updated_at: datetime
    creator: str = "lbconsole-bot"


@dataclass(slots=True)
class SimReview:
    """A submitted pull request review."""

    id: int
    user: str
    state: str
    """APPROVED, CHANGES_REQUESTED, COMMENTED."""
    body: str
    commit_id: str
    submitted_at: datetime


@dataclass(slots=True)
class SimComment:
    """An issue comment."""

    id: int
    issue: int
    body: str
    user: str
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class SimLabel:
    """A repository label."""

    id: int
    name: str
    color: str
    description: str | None = None


@dataclass(slots=True)
class SimPull:
    """Everything the simulator knows about one pull request."""

    number: int
    title: str
    author: str
    head_sha: str
    base_sha: str
    """The base commit the head branch contains (behind when it is not the branch tip)."""
    created_at: datetime
    updated_at: datetime
    body: str = ""
    author_is_bot: bool = False
    labels: list[str] = field(default_factory=list)
    draft: bool = False
    head_ref: str = ""
    base_ref: str = "main"
    files: list[SimFile] = field(default_factory=list)
    mergeable: str = MERGEABLE
    """MERGEABLE, CONFLICTING or UNKNOWN (GitHub's `MergeableState`)."""
    mergeable_pinned: bool = False
    """Keep an UNKNOWN mergeability UNKNOWN (otherwise it resolves after the mergeability delay)."""
    review_decision: str | None = None
    """APPROVED, CHANGES_REQUESTED, REVIEW_REQUIRED or None."""
    reviews: list[SimReview] = field(default_factory=list)
    state: str = "open"
    merged: bool = False
    merged_at: datetime | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    closed_at: datetime | None = None
    commits: int = 1

    @property
    def additions(self) -> int:
        """Lines added over every file."""
        return sum(f.additions for f in self.files)

    @property
    def deletions(self) -> int:
        """Lines deleted over every file."""
        return sum(f.deletions for f in self.files)

    @property
    def paths(self) -> set[str]:
        """Paths of every changed file."""
        return {f.filename for f in self.files}


@dataclass(slots=True)
class Protection:
    """Branch protection of the default branch."""

    strict: bool = True
    """Require branches to be up to date before merging."""
    required_checks: tuple[str, ...] = ("ci/test", "ci/lint")
    merge_queue: bool = False
    """The default branch has a merge queue (`lbconsole.sim.state.merge_queue`)."""
