"""The simulator's in-memory repository: every fact the fake GitHub serves.

One `SimState` holds one repository (its default branch, its pull requests,
their files, labels, comments, reviews, commit statuses and check runs) and
implements GitHub's dynamics that lbconsole depends on: merging moves the
base branch (so PRs under strict protection fall BEHIND and PRs touching the
same files become DIRTY), the merge endpoint honours `sha`, update-branch
honours `expected_head_sha`, and checks on a new head commit run for a
while before they conclude.

It is deterministic (a seeded `random.Random`, a clock anchored at a fixed
instant that only advances with real elapsed time) and thread-safe: every
public method takes `self.lock`, because uvicorn serves it from a thread
while tests read it from another.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, ReviewDecision
from lbconsole.core.orchestrator import SCAN_CONTEXT

DEFAULT_NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
"""The instant a scenario is anchored at unless `reset(now=...)` says otherwise."""

MERGEABLE = "MERGEABLE"
CONFLICTING = "CONFLICTING"
UNKNOWN = "UNKNOWN"

FAILING_CONCLUSIONS = frozenset({"failure", "cancelled", "timed_out", "action_required", "startup_failure"})
"""Check-run conclusions that make a status check rollup FAILURE."""


class SimError(Exception):
    """A request the simulated GitHub refuses, with GitHub's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def fake_sha(rng: random.Random) -> str:
    """A 40-hex commit SHA drawn from `rng`."""
    return f"{rng.getrandbits(160):040x}"


def blob_sha(content: bytes) -> str:
    """Git's blob SHA-1 of `content` (what GitHub reports as a file's `sha`)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


class SimClock:
    """Sim time: a fixed anchor plus the real time elapsed since the anchor was set."""

    def __init__(self, anchor: datetime = DEFAULT_NOW) -> None:
        self.anchor = anchor
        self._started = time.monotonic()
        self.offset = 0.0
        """Extra seconds added by `advance` (tests move time without sleeping)."""

    def now(self) -> datetime:
        """The current sim time (UTC)."""
        return self.anchor + timedelta(seconds=time.monotonic() - self._started + self.offset)

    def advance(self, seconds: float) -> None:
        """Move sim time forward without waiting."""
        self.offset += seconds


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


@dataclass(slots=True)
class Fault:
    """Injected misbehaviour (admin `POST /_sim/faults`)."""

    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 500
    rate_limited: bool = False
    rate_limit_status: int = 403
    retry_after: int | None = None
    """Seconds; when set, a rate-limited answer is a secondary rate limit (Retry-After)."""
    routes: tuple[str, ...] = ()
    """`METHOD /template`, or substrings of a route template or path; empty: every non-admin route."""
    count: int | None = None
    """How many matching requests to affect before the fault clears itself."""

    def matches(self, method: str, template: str, path: str) -> bool:
        """Whether a request falls under this fault."""
        if not self.routes:
            return True
        key = f"{method} {template}"
        return any(r == key or r in template or r in path for r in self.routes)


@dataclass(slots=True)
class RateBucket:
    """One rate-limit resource (core, graphql...) with GitHub's hourly window."""

    limit: int
    used: int = 0
    reset: int = 0
    """POSIX seconds when the window resets."""

    @property
    def remaining(self) -> int:
        """Points left in the window."""
        return max(self.limit - self.used, 0)

    def roll(self, now_posix: float) -> None:
        """Start a new window when the current one has expired."""
        if now_posix >= self.reset:
            self.used = 0
            self.reset = int(now_posix) + 3600


@dataclass
class RequestStats:
    """Request counters for `GET /_sim/requests`."""

    by_route: dict[str, int] = field(default_factory=dict)
    counted: int = 0
    """Requests that cost rate-limit points."""
    not_modified: int = 0
    total: int = 0

    def as_json(self) -> dict[str, Any]:
        """The admin API's JSON form."""
        return {
            "total": self.total,
            "rate_limited_counted": self.counted,
            "not_modified": self.not_modified,
            "routes": dict(sorted(self.by_route.items())),
        }


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


class SimState:
    """One simulated repository with its pull requests, thread-safe."""

    def __init__(
        self, owner: str = "acme", name: str = "rocket", *, seed: int = 0, now: datetime | None = None
    ) -> None:
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
        self.check_names: tuple[str, ...] = ("ci/test", "ci/lint", "build")
        self.auth_token: str | None = None
        self.viewer = "octocat"
        self.fault: Fault | None = None
        self.core = RateBucket(limit=5000)
        self.graphql = RateBucket(limit=5000)
        self.stats = RequestStats()
        self.version = 0
        """Bumped by every write; part of every ETag."""
        self.pushed_at = self.clock.anchor
        """The repository's last write (its `pushed_at`/`updated_at`): fixed between writes, so ETags are stable."""
        self._next_id = 1000

    # ---------------------------------------------------------------- basics
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

    def add_pull(self, pull: SimPull, checks: dict[str, str] | None = None) -> SimPull:
        """Insert a PR (scenarios), with completed check runs `checks` on its head."""
        with self.lock:
            self.pulls[pull.number] = pull
            for name in pull.labels:
                self.label(name)
            if checks:
                for name, conclusion in checks.items():
                    self._add_check(pull.head_sha, name, conclusion, pull.updated_at)
            return pull

    def _add_check(self, sha: str, name: str, conclusion: str, at: datetime) -> None:
        runs = self.check_runs.setdefault(sha, [])
        runs[:] = [r for r in runs if r.name != name]
        if conclusion == "pending":
            runs.append(SimCheckRun(self.next_id(), name, sha, status="in_progress", conclusion=None, started_at=at))
        else:
            runs.append(SimCheckRun(self.next_id(), name, sha, conclusion=conclusion, started_at=at, completed_at=at))

    # ------------------------------------------------------------ derived facts
    def runs_for(self, sha: str) -> list[SimCheckRun]:
        """Check runs on `sha`, resolving those whose time has come."""
        with self.lock:
            runs = self.check_runs.get(sha, [])
            now = self.now()
            for run in runs:
                if run.status != "completed" and run.resolves_at is not None and now >= run.resolves_at:
                    run.status = "completed"
                    run.conclusion = run.resolves_to
                    run.completed_at = run.resolves_at
            return list(runs)

    def statuses_for(self, sha: str) -> list[SimStatus]:
        """The latest status per context on `sha` (newest first, as GitHub lists them)."""
        with self.lock:
            latest: dict[str, SimStatus] = {}
            for status in self.statuses.get(sha, []):
                latest[status.context] = status
            return sorted(latest.values(), key=lambda s: (s.updated_at, s.id), reverse=True)

    def combined_status(self, sha: str) -> str:
        """REST combined status state: failure, pending or success."""
        states = [s.state for s in self.statuses_for(sha)]
        if any(s in ("failure", "error") for s in states):
            return "failure"
        if not states or any(s == "pending" for s in states):
            return "pending"
        return "success"

    def rollup(self, sha: str) -> tuple[str | None, list[str]]:
        """GraphQL `statusCheckRollup.state` of `sha` (None: no checks) and the failing names."""
        with self.lock:
            runs = self.runs_for(sha)
            statuses = self.statuses_for(sha)
            if not runs and not statuses:
                return None, []
            failing = [r.name for r in runs if r.status == "completed" and r.conclusion in FAILING_CONCLUSIONS]
            failing += [s.context for s in statuses if s.state in ("failure", "error")]
            pending = any(r.status != "completed" for r in runs) or any(s.state == "pending" for s in statuses)
            if failing:
                errored = any(s.state == "error" for s in statuses) and not any(
                    r.conclusion in FAILING_CONCLUSIONS for r in runs
                )
                return ("ERROR" if errored else "FAILURE"), sorted(failing)
            return ("PENDING" if pending else "SUCCESS"), []

    def behind(self, pull: SimPull) -> bool:
        """Whether the PR's head lacks the base branch tip."""
        return pull.base_sha != self.base_sha

    def merge_state(self, pull: SimPull) -> str:
        """GitHub's `mergeStateStatus` derived from the PR's facts and branch protection."""
        with self.lock:
            if pull.state != "open":
                return "UNKNOWN"
            if pull.draft:
                return "DRAFT"
            if pull.mergeable == UNKNOWN:
                return "UNKNOWN"
            if pull.mergeable == CONFLICTING:
                return "DIRTY"
            if self.protection.strict and self.behind(pull):
                return "BEHIND"
            runs = {r.name: r for r in self.runs_for(pull.head_sha)}
            statuses = {s.context: s for s in self.statuses_for(pull.head_sha)}
            required_ok = True
            for name in self.protection.required_checks:
                run, status = runs.get(name), statuses.get(name)
                if run is not None:
                    required_ok &= run.status == "completed" and run.conclusion in ("success", "neutral", "skipped")
                elif status is not None:
                    required_ok &= status.state == "success"
                else:
                    required_ok = False
            if not required_ok or pull.review_decision == "CHANGES_REQUESTED":
                return "BLOCKED"
            state, _ = self.rollup(pull.head_sha)
            if state in ("FAILURE", "ERROR", "PENDING"):
                return "UNSTABLE"
            return "CLEAN"

    def open_pulls(self) -> list[SimPull]:
        """Open PRs by creation time (then number)."""
        with self.lock:
            return sorted((p for p in self.pulls.values() if p.state == "open"), key=lambda p: (p.created_at, p.number))

    def snapshot(self, number: int) -> dict[str, Any]:
        """Every internal fact of one PR (admin `GET /_sim/state/pulls/{n}`)."""
        with self.lock:
            p = self.pull(number)
            rollup, failing = self.rollup(p.head_sha)
            return {
                "number": p.number,
                "title": p.title,
                "author": p.author,
                "state": p.state,
                "merged": p.merged,
                "merged_at": p.merged_at.isoformat() if p.merged_at else None,
                "merge_commit_sha": p.merge_commit_sha,
                "draft": p.draft,
                "labels": list(p.labels),
                "comments": [
                    {"id": c.id, "body": c.body, "user": c.user} for c in self.comments.values() if c.issue == number
                ],
                "head_sha": p.head_sha,
                "head_ref": p.head_ref,
                "base_sha": p.base_sha,
                "base_tip": self.base_sha,
                "behind": self.behind(p),
                "mergeable": p.mergeable,
                "merge_state": self.merge_state(p),
                "review_decision": p.review_decision,
                "checks": rollup,
                "failing_checks": failing,
                "check_runs": [
                    {"name": r.name, "status": r.status, "conclusion": r.conclusion} for r in self.runs_for(p.head_sha)
                ],
                "statuses": [
                    {"context": s.context, "state": s.state, "description": s.description}
                    for s in self.statuses_for(p.head_sha)
                ],
                "files": sorted(p.paths),
                "updated_at": p.updated_at.isoformat(),
            }

    # ----------------------------------------------------------------- writes
    def start_checks(self, sha: str, conclusion: str = "success", *, delay: float | None = None) -> None:
        """Queue every check on `sha`; they complete with `conclusion` after the checks delay.

        `conclusion="pending"` leaves them running until the admin API settles them.
        """
        with self.lock:
            now = self.now()
            wait = self.checks_delay_s if delay is None else delay
            runs = []
            for name in self.check_names:
                run = SimCheckRun(self.next_id(), name, sha, status="in_progress", conclusion=None, started_at=now)
                if conclusion != "pending":
                    run.resolves_at = now + timedelta(seconds=wait)
                    run.resolves_to = conclusion
                runs.append(run)
            self.check_runs[sha] = runs

    def set_checks(self, number: int, state: str, names: list[str] | None = None) -> None:
        """Settle (or restart) the checks on a PR's head: success, failure or pending."""
        if state not in ("success", "failure", "pending"):
            raise SimError(422, f"state must be success, failure or pending, not {state!r}")
        with self.lock:
            p = self.pull(number)
            now = self.now()
            runs = self.check_runs.setdefault(p.head_sha, [])
            if not runs:
                runs.extend(SimCheckRun(self.next_id(), n, p.head_sha, started_at=now) for n in self.check_names)
            wanted = set(names) if names else None
            for run in runs:
                if wanted is not None and run.name not in wanted:
                    continue
                run.resolves_at = None
                if state == "pending":
                    run.status, run.conclusion, run.completed_at = "in_progress", None, None
                else:
                    run.status, run.conclusion, run.completed_at = "completed", state, now
            if wanted:
                for name in sorted(wanted - {r.name for r in runs}):
                    self._add_check(p.head_sha, name, state, now)
            self.version += 1

    def push(self, number: int, *, checks: str = "success", files: list[SimFile] | None = None) -> str:
        """A new commit on the PR's head branch: new SHA, checks restarted, updated_at bumped."""
        with self.lock:
            p = self.pull(number)
            if p.state != "open":
                raise SimError(422, "Pull request is closed")
            p.head_sha = self.new_sha()
            p.commits += 1
            if files is not None:
                p.files = files
            self.start_checks(p.head_sha, checks)
            self.touch(p)
            return p.head_sha

    def advance_base(self, paths: list[str] | None = None) -> str:
        """A commit lands on the default branch (not through a PR).

        Every open PR falls behind; those touching `paths` become conflicting.
        """
        with self.lock:
            self.base_sha = self.new_sha()
            self.base_history.append(self.base_sha)
            touched = set(paths or ())
            for p in self.open_pulls():
                if touched & p.paths:
                    p.mergeable = CONFLICTING
            self.version += 1
            return self.base_sha

    def merge(
        self, number: int, *, sha: str | None, method: str = "merge", actor: str | None = None
    ) -> tuple[str, str]:
        """Merge a PR like `PUT .../pulls/{n}/merge`; returns (merge commit SHA, message).

        Raises:
            SimError: 405 when it cannot be merged, 409 when `sha` is not the head.
        """
        if method not in ("merge", "squash", "rebase"):
            raise SimError(422, "Invalid request.\n\nmerge_method must be one of merge, squash, rebase")
        with self.lock:
            p = self.pull(number)
            if p.merged or p.state != "open":
                raise SimError(405, "Pull Request is not mergeable")
            if sha is not None and sha != p.head_sha:
                raise SimError(409, "Head branch was modified. Review and try the merge again.")
            state = self.merge_state(p)
            if p.draft or state in ("DIRTY", "UNKNOWN", "DRAFT") or p.mergeable != MERGEABLE:
                raise SimError(405, "Pull Request is not mergeable")
            if state == "BEHIND":
                raise SimError(405, "Head branch is not up to date with the base branch")
            if state == "BLOCKED":
                if p.review_decision == "CHANGES_REQUESTED":
                    raise SimError(405, "At least 1 approving review is required by reviewers with write access.")
                raise SimError(405, self._blocking_check_message(p))
            merge_sha = self.new_sha()
            now = self.now()
            p.merged, p.state = True, "closed"
            p.merged_at = p.closed_at = now
            p.merged_by = actor or self.viewer
            p.merge_commit_sha = merge_sha
            self.base_sha = merge_sha
            self.base_history.append(merge_sha)
            for f in p.files:
                content = f.head_content()
                if content is None:
                    self.base_files.pop(f.filename, None)
                else:
                    self.base_files[f.filename] = content
            for other in self.open_pulls():
                if other.paths & p.paths and other.mergeable != CONFLICTING:
                    other.mergeable = CONFLICTING
                    self.touch(other)
            self.touch(p)
            message = {
                "squash": "Pull Request successfully merged",
                "rebase": "Pull Request successfully rebased and merged",
            }.get(method, "Pull Request successfully merged")
            return merge_sha, message

    def _blocking_check_message(self, p: SimPull) -> str:
        runs = {r.name: r for r in self.runs_for(p.head_sha)}
        for name in self.protection.required_checks:
            run = runs.get(name)
            if run is None:
                return f'Required status check "{name}" is expected.'
            if run.status != "completed":
                return f'Required status check "{name}" is in progress.'
            if run.conclusion not in ("success", "neutral", "skipped"):
                return f'Required status check "{name}" is failing.'
        return "Required status checks have not succeeded."

    def update_branch(self, number: int, expected_head_sha: str | None) -> None:
        """Bring the base branch into the PR's head (`PUT .../update-branch`).

        Raises:
            SimError: 422 on a SHA mismatch, a conflict, or when it is already up to date.
        """
        with self.lock:
            p = self.pull(number)
            if p.state != "open":
                raise SimError(422, "Pull request is closed")
            if expected_head_sha is not None and expected_head_sha != p.head_sha:
                raise SimError(422, "expected_head_sha does not match the pull request's head sha")
            if p.mergeable == CONFLICTING:
                raise SimError(422, "merge conflict between base and head")
            if not self.behind(p):
                raise SimError(422, "There are no new commits on the base branch.")
            p.base_sha = self.base_sha
            p.head_sha = self.new_sha()
            p.commits += 1
            self.start_checks(p.head_sha, "success")
            self.touch(p)

    def add_labels(self, number: int, names: list[str]) -> list[SimLabel]:
        """Add labels (creating missing ones, ignoring ones present); returns the PR's labels."""
        with self.lock:
            p = self.pull(number)
            have = {n.casefold() for n in p.labels}
            changed = False
            for name in names:
                label = self.label(name)
                if label.name.casefold() not in have:
                    p.labels.append(label.name)
                    have.add(label.name.casefold())
                    changed = True
            if changed:
                self.touch(p)
            return [self.label(n) for n in p.labels]

    def remove_label(self, number: int, name: str) -> list[SimLabel]:
        """Remove one label; SimError 404 "Label does not exist" when absent."""
        with self.lock:
            p = self.pull(number)
            for existing in p.labels:
                if existing.casefold() == name.casefold():
                    p.labels.remove(existing)
                    self.touch(p)
                    return [self.label(n) for n in p.labels]
            raise SimError(404, "Label does not exist")

    def add_comment(self, number: int, body: str, user: str | None = None) -> SimComment:
        """A new issue comment on PR `number`."""
        with self.lock:
            p = self.pull(number)
            now = self.now()
            comment = SimComment(self.next_id(), number, body, user or self.viewer, now, now)
            self.comments[comment.id] = comment
            self.touch(p)
            return comment

    def edit_comment(self, comment_id: int, body: str) -> SimComment:
        """Replace an issue comment's body."""
        with self.lock:
            comment = self.comments.get(comment_id)
            if comment is None:
                raise SimError(404, "Not Found")
            comment.body = body
            comment.updated_at = self.now()
            self.touch(self.pulls.get(comment.issue))
            return comment

    def comments_on(self, number: int) -> list[SimComment]:
        """Issue comments of PR `number`, oldest first."""
        with self.lock:
            self.pull(number)
            return sorted((c for c in self.comments.values() if c.issue == number), key=lambda c: c.id)

    def add_status(
        self,
        sha: str,
        state: str,
        context: str = "default",
        description: str | None = None,
        target_url: str | None = None,
    ) -> SimStatus:
        """A commit status on `sha` (`POST .../statuses/{sha}`)."""
        if state not in ("error", "failure", "pending", "success"):
            raise SimError(422, "Validation Failed")
        with self.lock:
            known = {p.head_sha for p in self.pulls.values()} | set(self.base_history)
            if sha not in known:
                raise SimError(422, f"No commit found for SHA: {sha}")
            now = self.now()
            status = SimStatus(
                self.next_id(), sha, context, state, description, target_url, now, now, creator=self.viewer
            )
            self.statuses.setdefault(sha, []).append(status)
            self.version += 1
            return status

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


def core_pull(state: SimState, number: int) -> PullRequest:
    """The core model of one PR, with the facts GraphQL would report (tests, benchmarks)."""
    with state.lock:
        p = state.pull(number)
        rollup, failing = state.rollup(p.head_sha)
        # as the gateway's translate does: a pending (or errored) scan status is not a finished scan
        statuses = state.statuses_for(p.head_sha)
        scanned = any(s.context == SCAN_CONTEXT and s.state in ("success", "failure") for s in statuses)
        return PullRequest(
            number=p.number,
            title=p.title,
            author=p.author,
            head_sha=p.head_sha,
            created_at=p.created_at,
            updated_at=p.updated_at,
            body=p.body,
            author_is_bot=p.author_is_bot,
            labels=tuple(p.labels),
            draft=p.draft,
            head_ref=p.head_ref,
            base_ref=p.base_ref,
            additions=p.additions,
            deletions=p.deletions,
            changed_files=tuple(f.filename for f in p.files),
            mergeable=Mergeable(p.mergeable),
            merge_state=MergeState(state.merge_state(p)),
            review_decision=ReviewDecision(p.review_decision or "NONE"),
            checks=ChecksState(rollup or "NONE"),
            failing_checks=tuple(failing),
            security_scanned=scanned,
            url=f"https://github.com/{state.full_name}/pull/{p.number}",
        )
