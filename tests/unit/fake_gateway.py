"""FakeGateway: an in-memory implementation of `lbconsole.core.ports.Gateway` for engine tests.

It records every call (`calls`, `writes`), behaves like GitHub where the
executor depends on it (merge honours `sha` with 409, update-branch honours
`expected_head_sha` with 422, merging makes the other open PRs BEHIND under
strict protection) and lets a test inject an error into one call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lbconsole.core.models import MergeState, Queue, QueueEntry, ScanState
from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.core.ports import CheckResult, Comment, CommitChecks, MergeResult, PullFile, PullSnapshot, RateLimit
from lbconsole.errors import GatewayError

WRITES = frozenset({"merge", "update_branch", "add_labels", "create_comment", "update_comment", "set_commit_status"})


@dataclass
class FakePull:
    """One pull request as the fake GitHub holds it."""

    number: int
    head_sha: str
    state: str = "open"
    merged: bool = False
    mergeable_state: str = "clean"
    labels: list[str] = field(default_factory=list)
    author: str = "alice"
    comments: list[Comment] = field(default_factory=list)
    files: list[PullFile] = field(default_factory=list)


class FakeGateway:
    """In-memory Gateway. `fail[(method, pr)] = exc` raises `exc` on that call (once, or always)."""

    def __init__(self, *pulls: FakePull, repo: str = "acme/rocket", strict: bool = True, scanned: bool = True) -> None:
        self.repo = repo
        self.pulls = {p.number: p for p in pulls}
        self.strict = strict
        """Merging makes every other open PR `behind` (branch protection: require up to date)."""
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail: dict[tuple[str, int | str | None], BaseException] = {}
        self.fail_always: set[tuple[str, int | str | None]] = set()
        self.statuses: list[tuple[str, str, str, str]] = []
        self.passed_scans: set[str] = {p.head_sha for p in pulls} if scanned else set()
        """Heads whose built-in scan passed before the run (`scanned=False`: none)."""
        self.contents: dict[tuple[str, str], bytes] = {}
        self.checks: dict[str, list[str]] = {}
        """Per head: the states `ci/test` reads on successive polls (the last one stays); default success."""
        self.after_merge: Callable[[FakeGateway, int], None] | None = None
        """Called after each successful merge (e.g. to make another PR conflicting)."""
        self.merge_queue = False
        """The base branch has a merge queue (`enqueue` works)."""
        self.queued: list[int] = []
        self._comment_id = 1000
        self._merge_seq = 0

    # -- helpers for tests -------------------------------------------------------------

    @property
    def writes(self) -> list[tuple[str, tuple[Any, ...]]]:
        """Every mutating call, in order."""
        return [c for c in self.calls if c[0] in WRITES]

    def names(self) -> list[str]:
        """Method names of every call, in order."""
        return [name for name, _ in self.calls]

    def _enter(self, name: str, key: int | str | None, *args: Any) -> None:
        self.calls.append((name, args))
        exc = self.fail.get((name, key))
        if exc is not None:
            if (name, key) not in self.fail_always:
                del self.fail[(name, key)]
            raise exc

    def _pull(self, number: int) -> FakePull:
        try:
            return self.pulls[number]
        except KeyError:
            raise GatewayError("Not Found", status=404) from None

    # -- the Gateway protocol ------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        return None

    def fetch_queue(self) -> Queue:  # pragma: no cover - the executor never fetches the queue
        raise NotImplementedError

    def queue_changed(self) -> bool:  # pragma: no cover
        return True

    def get_pull(self, number: int) -> PullSnapshot:
        self._enter("get_pull", number, number)
        p = self._pull(number)
        return PullSnapshot(
            number=p.number,
            head_sha=p.head_sha,
            state=p.state,
            merged=p.merged,
            merge_state=MergeState(p.mergeable_state.upper()),
            labels=tuple(p.labels),
            author=p.author,
        )

    def merge(self, number: int, sha: str, method: str) -> MergeResult:
        self._enter("merge", number, number, sha, method)
        p = self._pull(number)
        if p.merged or p.state != "open":
            raise GatewayError("Pull Request is not mergeable", status=405)
        if sha != p.head_sha:
            raise GatewayError("Head branch was modified. Review and try the merge again.", status=409)
        if p.mergeable_state in ("dirty", "behind", "blocked"):
            raise GatewayError("Pull Request is not mergeable", status=405)
        p.merged, p.state = True, "closed"
        self._merge_seq += 1
        if self.strict:
            for other in self.pulls.values():
                if other.state == "open" and other.mergeable_state == "clean":
                    other.mergeable_state = "behind"
        if self.after_merge is not None:
            self.after_merge(self, number)
        return MergeResult(sha=f"{self._merge_seq:07x}" + "m" * 33, message="Pull Request successfully merged")

    def enqueue(self, number: int, expected_head_sha: str) -> QueueEntry:
        self._enter("enqueue", number, number, expected_head_sha)
        p = self._pull(number)
        if not self.merge_queue:
            raise GatewayError("Pull request is not in a repository with a merge queue.")
        if expected_head_sha != p.head_sha:
            raise GatewayError("the head moved: not enqueued", status=409)
        if number in self.queued:
            raise GatewayError("Pull request is already queued to merge.")
        self.queued.append(number)
        return QueueEntry(position=len(self.queued), state="AWAITING_CHECKS", eta_s=300 * len(self.queued))

    def update_branch(self, number: int, expected_head_sha: str) -> None:
        self._enter("update_branch", number, number, expected_head_sha)
        p = self._pull(number)
        if expected_head_sha != p.head_sha:
            raise GatewayError("expected head sha didn't match current head ref.", status=422)
        if p.mergeable_state == "dirty":
            raise GatewayError("merge conflict between base and head", status=422)
        p.head_sha = "u" + p.head_sha[1:]
        p.mergeable_state = "clean"

    def add_labels(self, number: int, labels: list[str]) -> None:
        self._enter("add_labels", number, number, tuple(labels))
        p = self._pull(number)
        for label in labels:
            if label.casefold() not in (x.casefold() for x in p.labels):
                p.labels.append(label)

    def list_comments(self, number: int) -> list[Comment]:
        self._enter("list_comments", number, number)
        return list(self._pull(number).comments)

    def create_comment(self, number: int, body: str) -> Comment:
        self._enter("create_comment", number, number, body)
        self._comment_id += 1
        comment = Comment(id=self._comment_id, body=body, author="lambda-bot[bot]")
        self._pull(number).comments.append(comment)
        return comment

    def update_comment(self, comment_id: int, body: str) -> None:
        self._enter("update_comment", comment_id, comment_id, body)
        for p in self.pulls.values():
            for i, c in enumerate(p.comments):
                if c.id == comment_id:
                    p.comments[i] = Comment(id=c.id, body=body, author=c.author)
                    return
        raise GatewayError("Not Found", status=404)

    def list_pull_files(self, number: int) -> list[PullFile]:
        self._enter("list_pull_files", number, number)
        return list(self._pull(number).files)

    def get_file(self, path: str, ref: str) -> bytes | None:
        self._enter("get_file", path, path, ref)
        return self.contents.get((path, ref))

    def set_commit_status(self, sha: str, context: str, state: str, description: str) -> None:
        self._enter("set_commit_status", sha, sha, context, state, description)
        self.statuses.append((sha, context, state, description))

    def commit_checks(self, sha: str) -> CommitChecks:
        self._enter("commit_checks", sha, sha)
        states = self.checks.get(sha, ["success"])
        state = states.pop(0) if len(states) > 1 else states[0]
        return CommitChecks(sha, (CheckResult("ci/test", state),) if state != "none" else ())

    def scan_state(self, sha: str) -> ScanState:
        self._enter("scan_state", sha, sha)
        states = [state for s, context, state, _ in self.statuses if s == sha and context == SCAN_CONTEXT]
        if states:
            return ScanState(states[-1].upper())
        return ScanState.SUCCESS if sha in self.passed_scans else ScanState.NONE


def sha(n: int) -> str:
    """A 40-hex head SHA for PR `n`."""
    return f"{n:040x}"


def pulls(*numbers: int, **changes: Any) -> Iterable[FakePull]:
    """Open, clean PRs with `sha(n)` heads."""
    return [FakePull(number=n, head_sha=sha(n), **changes) for n in numbers]
