"""An in-memory gateway over the demo repository (`tests.demo_queue`), for the console's Pilot tests.

It implements `lbconsole.core.ports.Gateway` just well enough for the
console and the real executor: merging closes the PR and records the call.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from lbconsole.core.models import MergeState, PullRequest, Queue, QueueEntry, ScanState
from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.core.ports import (
    CheckResult,
    Comment,
    CommitChecks,
    MergeResult,
    PullFile,
    PullSnapshot,
    RateLimit,
    RunInfo,
)
from lbconsole.errors import GatewayError, LbError, Unreachable
from tests.demo_queue import NOW, REPO, demo_pulls


class FakeGateway:
    """The Gateway Protocol over a dict of PRs; every write is recorded in `calls`."""

    def __init__(self, pulls: list[PullRequest] | None = None, repo: str = REPO) -> None:
        self.repo = repo
        self.pulls: dict[int, PullRequest] = {p.number: p for p in (pulls if pulls is not None else demo_pulls())}
        self.merged: dict[int, str] = {}
        self.calls: list[tuple[str, object]] = []
        self.comments: dict[int, list[Comment]] = {}
        self.fail: Exception | None = None
        self.changed = True
        self.fetches = 0
        self.scan_states: dict[str, ScanState] = {}
        self._lock = threading.Lock()
        self._rate = RateLimit(limit=5000, remaining=4990, reset_at=NOW.timestamp() + 3600)
        self.on_wait: Any = None
        """Set by the console, like GitHubGateway.on_wait."""
        self.rate_waits: list[float] = []
        """Seconds of rate-limit wait the next fetch reports before answering."""
        self.release = threading.Event()
        """A fetch that reports waits answers only once this is set."""
        self.stall: str | None = None
        """"fetch" or "merge": that call first waits out a 10-minute rate limit (see `_wait_out`)."""
        self.waiting = threading.Event()
        """Set once the stalled call is waiting."""
        self.tick = threading.Event()
        """Each second of the stalled wait passes only once this is set."""
        self.wait_ended = threading.Event()
        self.stopped: Exception | None = None
        """What ended the stalled wait early (None: it ran out)."""

    # -- reads ----------------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        return self._rate

    def _check(self) -> None:
        if self.fail is not None:
            raise self.fail

    def _wait_out(self, call: str) -> None:
        """Like `GitHubClient.wait`: on_wait each second of a long wait, when `call` is the stalled one."""
        if self.stall != call:
            return
        self.stall = None
        left = 600.0
        try:
            while left > 0:
                self.on_wait(left, "rate limited (primary)")
                self.waiting.set()
                self.tick.wait(10)
                left -= 1
            self.on_wait(0.0, "rate limited (primary)")
        except Exception as exc:
            self.stopped = exc
            raise
        finally:
            self.wait_ended.set()

    def fetch_queue(self) -> Queue:
        self._check()
        self._wait_out("fetch")
        if self.rate_waits:
            for left in self.rate_waits:
                self.on_wait(left, "rate limited (secondary)")
            self.rate_waits = []
            self.release.wait(timeout=10)
            self.on_wait(0.0, "rate limited (secondary)")
        with self._lock:
            self.fetches += 1
            self.changed = False
            pulls = tuple(sorted(self.pulls.values(), key=lambda p: p.number))
        # The fake repository's protection does not require up-to-date branches.
        return Queue(
            repo=self.repo, pulls=pulls, fetched_at=NOW, rate_limit_remaining=self._rate.remaining, strict=False
        )

    def queue_changed(self) -> bool:
        self._check()
        return self.changed

    def set_pull(self, pr: PullRequest) -> None:
        """Replace or add a PR (as if pushed to GitHub) and mark the queue changed."""
        with self._lock:
            self.pulls[pr.number] = pr
            self.changed = True

    def actions(self) -> Any:
        raise LbError(
            "this gateway has no GitHub Actions API: dispatch and the Runs tab need GitHub (or the simulator)"
        )

    def get_pull(self, number: int) -> PullSnapshot:
        self._check()
        pr = self.pulls.get(number)
        if pr is None:
            if number in self.merged:
                return PullSnapshot(number, self.merged[number], "closed", True, MergeState.UNKNOWN, ())
            raise GatewayError("Not Found", status=404)
        return PullSnapshot(
            number,
            pr.head_sha,
            "open",
            False,
            pr.merge_state,
            pr.labels,
            draft=pr.draft,
            author=pr.author,
        )

    def list_comments(self, number: int) -> list[Comment]:
        return list(self.comments.get(number, []))

    def list_pull_files(self, number: int) -> list[PullFile]:
        pr = self.pulls[number]
        return [PullFile(name, "modified", "@@ -1 +1 @@\n+x = 1\n", 1, 0) for name in pr.changed_files]

    def get_file(self, path: str, ref: str) -> bytes | None:
        return None

    # -- writes -----------------------------------------------------------------------

    def merge(self, number: int, sha: str, method: str) -> MergeResult:
        self._check()
        self._wait_out("merge")
        self.calls.append(("merge", number))
        with self._lock:
            pr = self.pulls.get(number)
            if pr is None:
                raise GatewayError("Pull Request is not mergeable", status=405)
            if pr.head_sha != sha:
                raise GatewayError("Head branch was modified", status=409)
            del self.pulls[number]
            self.merged[number] = sha
            self.changed = True
        return MergeResult(sha="m" * 40, message="Pull Request successfully merged")

    def enqueue(self, number: int, expected_head_sha: str) -> QueueEntry:
        raise GatewayError("Pull request is not in a repository with a merge queue.")

    def update_branch(self, number: int, expected_head_sha: str) -> None:
        self.calls.append(("update_branch", number))
        with self._lock:
            pr = self.pulls[number]
            self.pulls[number] = replace(pr, merge_state=MergeState.CLEAN, head_sha="f" * 40)
            self.changed = True

    def add_labels(self, number: int, labels: list[str]) -> None:
        self.calls.append(("add_labels", (number, tuple(labels))))
        with self._lock:
            pr = self.pulls[number]
            new = tuple(dict.fromkeys((*pr.labels, *labels)))
            self.pulls[number] = replace(pr, labels=new)
            self.changed = True

    def create_comment(self, number: int, body: str) -> Comment:
        self.calls.append(("create_comment", number))
        comment = Comment(id=len(self.calls), body=body, author="lbconsole")
        self.comments.setdefault(number, []).append(comment)
        return comment

    def update_comment(self, comment_id: int, body: str) -> None:
        self.calls.append(("update_comment", comment_id))

    def set_commit_status(self, sha: str, context: str, state: str, description: str) -> None:
        self.calls.append(("set_commit_status", (sha[:7], state)))
        if context == SCAN_CONTEXT:
            self.scan_states[sha] = ScanState(state.upper())

    def commit_checks(self, sha: str) -> CommitChecks:
        return CommitChecks(sha, (CheckResult("ci/test", "success"),))

    def scan_state(self, sha: str) -> ScanState:
        if sha in self.scan_states:
            return self.scan_states[sha]
        # a head scanned before the console started: what the queue says of it
        return next((p.scan for p in self.pulls.values() if p.head_sha == sha), ScanState.NONE)


def offline_error() -> Unreachable:
    """What the gateway raises when GitHub cannot be reached."""
    return Unreachable("cannot reach http://fake: connection refused")


class FakeActions:
    """Just enough of `lbconsole.github.actions.ActionsApi` for the Runs tab's list."""

    def __init__(self, runs: list[RunInfo] | None = None, fail: Exception | None = None) -> None:
        self.repo = REPO
        self.runs = runs or []
        self.fail = fail

    def list_runs(self, workflow: str, per_page: int = 10) -> list[RunInfo]:
        if self.fail is not None:
            raise self.fail
        return self.runs[:per_page]
