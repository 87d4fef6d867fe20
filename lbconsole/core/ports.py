"""The ports of the core: what the engine and the console may ask of GitHub.

The engine and the console depend on these Protocols and small frozen types,
never on githubkit or on the gateway package, so they can be tested with a
fake and API types never leak past the border (the gateway translates). All
calls are synchronous (the console runs them in thread workers). Errors are
always `lbconsole.errors` types: `GatewayError` (with `.status` and GitHub's
own message), `Unreachable`, `RateLimited`, `AuthError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lbconsole.core.models import MergeState, Queue, QueueEntry, ScanState

WaitCallback = Callable[[float, str], None]
"""Called with (seconds left, reason) while a rate limit is waited out."""


# -- pull requests ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PullSnapshot:
    """A fresh REST read of one pull request, taken right before acting on it."""

    number: int
    head_sha: str
    state: str
    """`open` or `closed`."""
    merged: bool
    merge_state: MergeState
    """REST `mergeable_state` as core's `MergeState` (GitHub's lowercase names upper-cased)."""
    labels: tuple[str, ...]
    draft: bool = False
    author: str = ""

    def has_label(self, name: str) -> bool:
        """Whether the PR carries `name` (GitHub label names are case-insensitive)."""
        wanted = name.casefold()
        return any(label.casefold() == wanted for label in self.labels)


@dataclass(frozen=True, slots=True)
class MergeResult:
    """GitHub's answer to a successful merge."""

    sha: str
    """The merge commit SHA."""
    message: str
    merged: bool = True
    """GitHub's `merged`: a 200 answer with `false` did not merge (the message says why)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check on a commit: a check run or a commit status context."""

    name: str
    state: str
    """`pending`, `success` or `failure` (neutral and skipped count as success)."""


@dataclass(frozen=True, slots=True)
class CommitChecks:
    """Every check on one commit, as a merge train waits for them."""

    sha: str
    checks: tuple[CheckResult, ...]

    def verdict(self, required: tuple[str, ...] = (), *, ignore: str = "") -> tuple[str, str]:
        """(`success`, `pending`, `failure` or `none`, what decided it) for the checks that count.

        With `required` (branch protection's list) only those count, and a
        missing one is pending; otherwise every check does. `ignore` is a
        context that is not CI (lbconsole's own scan status).
        """
        seen = {c.name: c.state for c in self.checks if c.name != ignore}
        names = required or tuple(sorted(seen))
        if not names:
            return "none", "no checks on this commit"
        failing = [n for n in names if seen.get(n) == "failure"]
        if failing:
            return "failure", f"check {', '.join(failing)} failed"
        waiting = [n for n in names if seen.get(n) != "success"]
        if waiting:
            return "pending", f"waiting for {', '.join(waiting)}"
        return "success", f"checks passed: {', '.join(names)}"


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


# -- GitHub Actions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkflowInfo:
    """One workflow of the repository (``GET .../actions/workflows``)."""

    id: int
    name: str
    path: str
    """``.github/workflows/lambda-bot.yml``."""
    state: str
    """active, disabled_manually, disabled_inactivity, deleted..."""
    html_url: str = ""

    @property
    def file_name(self) -> str:
        """The file name (``lambda-bot.yml``), which GitHub accepts in place of the id."""
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One workflow run."""

    id: int
    name: str
    """The workflow's name (GitHub's ``name`` of a run)."""
    status: str
    """queued, in_progress, completed, waiting, requested, pending."""
    conclusion: str | None
    """success, failure, cancelled, skipped, timed_out, neutral, action_required... (completed runs)."""
    event: str
    html_url: str
    run_number: int = 0
    head_branch: str = ""
    display_title: str = ""
    """The run's title: the workflow's ``run-name`` (which carries the correlation id)."""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    run_started_at: datetime | None = None
    """When the run (this attempt) started; queued time is before it."""
    path: str = ""
    """The workflow's file, e.g. ``.github/workflows/lambda-bot.yml``."""

    @property
    def started_at(self) -> datetime | None:
        """When the run started, else when it was created."""
        return self.run_started_at or self.created_at

    @property
    def title(self) -> str:
        """What to show for the run: its display title, else the workflow name."""
        return self.display_title or self.name

    @property
    def completed(self) -> bool:
        """Whether GitHub considers the run finished."""
        return self.status == "completed"


@dataclass(frozen=True, slots=True)
class StepInfo:
    """One step of a job."""

    number: int
    name: str
    status: str
    conclusion: str | None


@dataclass(frozen=True, slots=True)
class JobInfo:
    """One job of a workflow run, with its steps."""

    id: int
    name: str
    status: str
    conclusion: str | None
    steps: tuple[StepInfo, ...] = ()
    html_url: str = ""
    started_at: datetime | None = None
    completed_at: datetime | None = None
    labels: tuple[str, ...] = ()
    """The runner labels the job asked for (``runs-on``), e.g. ``("ubuntu-latest",)``."""

    @property
    def completed(self) -> bool:
        """Whether the job is finished (its log can be fetched)."""
        return self.status == "completed"


@dataclass(frozen=True, slots=True)
class DispatchAnswer:
    """GitHub's answer to a dispatch: the run's details, when it gave them."""

    run_id: int | None
    """None when GitHub answered 204 No Content (no run details)."""
    run_url: str = ""
    html_url: str = ""


class Actions(Protocol):
    """GitHub Actions of one repository: workflows, dispatch, runs, jobs and job logs."""

    @property
    def repo(self) -> str:
        """`owner/name`."""
        ...

    def default_branch(self) -> str:
        """The repository's default branch (the ref a dispatch runs on by default)."""
        ...

    def list_workflows(self) -> list[WorkflowInfo]:
        """Every workflow of the repository."""
        ...

    def get_workflow(self, workflow: str | int) -> WorkflowInfo:
        """One workflow, by file name or id."""
        ...

    def dispatch(
        self,
        workflow: str | int,
        ref: str,
        inputs: Mapping[str, str],
        *,
        return_run_details: bool = True,
    ) -> DispatchAnswer:
        """``POST .../actions/workflows/{workflow}/dispatches``."""
        ...

    def list_runs(
        self,
        workflow: str | int | None = None,
        *,
        event: str | None = None,
        per_page: int = 20,
    ) -> list[RunInfo]:
        """The most recent runs (newest first), of one workflow or of the whole repository."""
        ...

    def get_run(self, run_id: int) -> RunInfo:
        """One workflow run."""
        ...

    def list_jobs(self, run_id: int) -> list[JobInfo]:
        """The jobs of the run's latest attempt, with their steps."""
        ...

    def job_log(self, job_id: int) -> str:
        """A finished job's plain-text log."""
        ...


# -- the repository -------------------------------------------------------------------


class Gateway(Protocol):
    """Everything lbconsole reads from or writes to one GitHub repository."""

    repo: str
    """`owner/name`."""
    on_wait: WaitCallback | None
    """Called with (seconds left, reason) while a rate limit is waited out (the console's countdown)."""

    @property
    def rate_limit(self) -> RateLimit | None:
        """The last rate limit seen, or None before the first request."""
        ...

    def actions(self) -> Actions:
        """The repository's GitHub Actions (dispatch, runs, jobs, logs)."""
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

    def enqueue(self, number: int, expected_head_sha: str) -> QueueEntry:
        """GraphQL `enqueuePullRequest` pinned to `expected_head_sha`: the PR's merge queue entry.

        Raises GatewayError with GitHub's message when refused (status 409: the head moved).
        """
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

    def commit_checks(self, sha: str) -> CommitChecks:
        """The check runs and commit statuses on commit `sha` (conditional: a 304 answers from the last read)."""
        ...

    def scan_state(self, sha: str) -> ScanState:
        """lbconsole's scan status (`orchestrator.SCAN_CONTEXT`) on commit `sha`; NONE when it has none.

        GET .../commits/{sha}/status: what the merge gate reads right before a
        merge (SPEC 3.5), and what a lost scan answer is re-read from.
        """
        ...
