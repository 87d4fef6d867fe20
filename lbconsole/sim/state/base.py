"""The data of one simulated repository, and the lookups every part of its state uses.

`RepositoryBase` holds everything the fake GitHub knows about one
repository (its default branch and history, its pull requests, labels,
comments, check runs and statuses, and the request policy's live data:
the pinned token, the fault, the rate-limit buckets and counters). The
behaviour on top of it is split by concern: `CheckFacts` (checks and
statuses), `Conversation` (labels and comments), `PullDynamics` (merging,
branch updates, pushes) and `SimState`, which joins them.

It is deterministic (a seeded `random.Random`, a clock anchored at a fixed
instant that only advances with real elapsed time) and thread-safe: every
public method takes `self.lock`, because uvicorn serves it from a thread
while tests read it from another.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta
from typing import Any

from lbconsole.sim.policy import Fault, RateBucket, RequestStats
from lbconsole.sim.state.model import (
    DEFAULT_NOW,
    Protection,
    SimCheckRun,
    SimClock,
    SimComment,
    SimError,
    SimLabel,
    SimPull,
    SimStatus,
    fake_sha,
)

LABEL_COLORS = {
    "bug": "d73a4a",
    "documentation": "0075ca",
    "enhancement": "a2eeef",
    "dependencies": "0366d6",
    "security": "ee0701",
    "wip": "fbca04",
    "do-not-merge": "b60205",
    "needs-rebase": "e99695",
    "security-review": "b60205",
    "stale": "ededed",
}


class RepositoryBase:
    """One simulated repository's data, ids, clock and lookups."""

    def __init__(self, owner: str, name: str, *, seed: int = 0, now: datetime | None = None) -> None:
        self.lock = threading.RLock()
        self.owner = owner
        self.name = name
        self.seed = seed
        self.rng = random.Random(seed)
        self.clock = SimClock(now or DEFAULT_NOW)
        self.repo_id = 700000001
        self.default_branch = "main"
        self.base_sha = fake_sha(self.rng)
        self.base_history: list[str] = [self.base_sha]
        self.base_files: dict[str, bytes] = {}
        """Content of files on the default branch (served by the contents API)."""
        self.protection = Protection()
        self.pulls: dict[int, SimPull] = {}
        self.labels: dict[str, SimLabel] = {}
        self.comments: dict[int, SimComment] = {}
        self.check_runs: dict[str, list[SimCheckRun]] = {}
        self.statuses: dict[str, list[SimStatus]] = {}
        self.checks_delay_s = 1.0
        """Sim seconds a pending check suite runs before it concludes."""
        self.checks_queue_s = 0.0
        """Sim seconds a new check run stays queued before it is in progress."""
        self.mergeability_delay_s = 0.0
        """Sim seconds other open PRs read UNKNOWN after the base moves, while GitHub computes a test merge."""
        self.update_branch_delay_s = 0.0
        """Sim seconds between update-branch's 202 and the head actually moving."""
        self.pending_mergeable: dict[int, tuple[datetime, str]] = {}
        """PR number -> (when its mergeability resolves, to what), while it reads UNKNOWN after a base move."""
        self.pending_updates: dict[int, datetime] = {}
        """PR number -> when an accepted update-branch moves its head."""
        self.check_names: tuple[str, ...] = ("ci/test", "ci/lint", "build")
        self.check_failure_rate = 0.0
        """The share of CI runs on an updated head that fail (drawn from the seeded generator)."""
        self.fail_next_checks: set[int] = set()
        """PRs whose next branch update (or merge group) gets failing CI (tests)."""
        self.queue_entries: list[Any] = []
        """The merge queue, front first (`merge_queue.SimQueueEntry`)."""
        self.queue_log: dict[int, list[str]] = {}
        """PR number -> what happened to it in the merge queue, in order."""
        self.queue_removals: list[tuple[int, datetime, str]] = []
        """(PR, when, reason) of every removal from the merge queue: `RemovedFromMergeQueueEvent`s."""
        self.queue_groups_started = 0
        """Merge-group CI runs the merge queue started (each a CI run on `merge_group`)."""
        self.viewer = "octocat"
        """The authenticated user, whatever the token."""
        self.auth_token: str | None = None
        """The one token the API accepts (`POST /_sim/auth`); None: any token, or none."""
        self.fault: Fault | None = None
        """The injected fault (`POST /_sim/faults`)."""
        self.core = RateBucket(limit=5000)
        """The REST API's primary rate limit."""
        self.graphql = RateBucket(limit=5000)
        """The GraphQL API's primary rate limit."""
        self.stats = RequestStats()
        self.version = 0
        """Bumped by every write; part of every ETag."""
        self.pushed_at = self.clock.anchor
        """The repository's last write (its `pushed_at`/`updated_at`): fixed between writes, so ETags are stable."""
        self.gql_order_cache: dict[Any, Any] = {}
        """GraphQL's filtered, sorted pulls per (version, filters): one sort per state version, not one per page."""
        self._next_id = 1000

    def __getstate__(self) -> dict[str, Any]:
        """What a saved demo state keeps (`sim.snapshot`): the records, not the lock or the per-version caches."""
        with self.lock:
            kept = dict(vars(self))
        del kept["lock"]
        kept["gql_order_cache"] = {}
        kept["auth_token"] = None
        kept["fault"] = None
        return kept

    def __setstate__(self, kept: dict[str, Any]) -> None:
        vars(self).update(kept)
        self.lock = threading.RLock()

    @property
    def full_name(self) -> str:
        """`owner/name`."""
        return f"{self.owner}/{self.name}"

    def now(self) -> datetime:
        """Current sim time."""
        return self.clock.now()

    def next_id(self) -> int:
        """A fresh id for comments, labels, statuses, check runs, reviews."""
        with self.lock:
            self._next_id += 1
            return self._next_id

    def new_sha(self) -> str:
        """A fresh commit SHA from the seeded generator."""
        with self.lock:
            return fake_sha(self.rng)

    def touch(self, pull: SimPull | None = None) -> None:
        """Record a write: bump the version (ETags) and the PR's updated_at."""
        self.version += 1
        self.pushed_at = self.now()
        if pull is not None:
            pull.updated_at = max(self.now(), pull.updated_at + timedelta(seconds=1))

    def pull(self, number: int) -> SimPull:
        """The PR numbered `number`, or SimError 404."""
        with self.lock:
            found = self.pulls.get(number)
            if found is None:
                raise SimError(404, "Not Found")
            return found

    def label(self, name: str) -> SimLabel:
        """The repository label `name` (case-insensitive), created when missing."""
        with self.lock:
            key = name.casefold()
            existing = self.labels.get(key)
            if existing is None:
                color = LABEL_COLORS.get(key, f"{self.rng.getrandbits(24):06x}")
                existing = SimLabel(id=self.next_id(), name=name, color=color)
                self.labels[key] = existing
            return existing

    def open_pulls(self) -> list[SimPull]:
        """Open PRs by creation time (then number)."""
        with self.lock:
            return sorted((p for p in self.pulls.values() if p.state == "open"), key=lambda p: (p.created_at, p.number))

    def file_at(self, path: str, ref: str | None) -> bytes | None:
        """Content of `path` at `ref` (a PR head SHA or branch, or the default branch)."""
        with self.lock:
            if ref:
                for p in self.pulls.values():
                    if ref in (p.head_sha, p.head_ref, f"refs/heads/{p.head_ref}", f"refs/pull/{p.number}/head"):
                        for f in p.files:
                            if f.filename == path:
                                return f.head_content()
                        return self.base_files.get(path)
                if ref not in (self.default_branch, f"refs/heads/{self.default_branch}", *self.base_history):
                    return None
            return self.base_files.get(path)

    def find_by_sha(self, sha: str) -> SimPull | None:
        """The PR whose head is `sha`, if any."""
        with self.lock:
            for p in self.pulls.values():
                if p.head_sha == sha:
                    return p
            return None
