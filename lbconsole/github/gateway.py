"""The real gateway: one GitHub repository through githubkit.

Implements `lbconsole.core.ports.Gateway`. The queue comes from paginated
GraphQL (one request per 100 PRs); live refresh asks a conditional REST
request first (a 304 costs no rate limit); actions are plain REST calls.
Every call goes through `GitHubClient` (timeouts, bounded rate-limit waits,
error translation), and every answer is translated into core
or gateway types here, so no githubkit type leaves this package.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from lbconsole.core.models import PullRequest, Queue, QueueEntry, ScanState
from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.core.ports import Comment, CommitChecks, MergeResult, PullFile, PullSnapshot, RateLimit, WaitCallback
from lbconsole.core.settings import MERGE_METHODS, GithubSettings
from lbconsole.errors import GatewayError, UsageError
from lbconsole.github import translate
from lbconsole.github.actions import ActionsApi
from lbconsole.github.checks import checks_from_rest, protection_of
from lbconsole.github.client import GitHubClient
from lbconsole.github.queries import OPEN_PULLS, PAGE_SIZE
from lbconsole.github.repo_name import parse_repo

STATUS_STATES = ("success", "failure", "error", "pending")
MAX_FILE_PAGES = 30
"""GitHub lists at most 3,000 files of a pull request (30 pages of 100)."""
MAX_DESCRIPTION = 140
"""GitHub refuses commit status descriptions longer than this."""


class GitHubGateway:
    """`Gateway` for one repository on github.com, GitHub Enterprise or the simulator."""

    def __init__(
        self,
        repo: str,
        *,
        token: str | None = None,
        settings: GithubSettings | None = None,
        api_url: str | None = None,
        graphql_url: str | None = None,
        on_wait: WaitCallback | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Connect (lazily: nothing is sent before the first call).

        Args:
            repo: ``owner/name``.
            token: a GitHub token, or None (the simulator, public reads).
            settings: API URL, timeout, rate-limit wait cap.
            api_url: overrides ``settings.api_url`` (e.g. the simulator's URL).
            graphql_url: the GraphQL endpoint (Actions' `GITHUB_GRAPHQL_URL`); default: the API URL's.
            on_wait: countdown callback ``(seconds_left, reason)`` while a
                rate limit is waited out.
            sleep: sleep function (tests pass a fake).
            clock: POSIX time source (tests pass a fake).
            transport: httpx transport instead of the network (tests).

        Raises:
            UsageError: `repo` is not ``owner/name``.
        """
        self.owner, self.name = parse_repo(repo)
        self.repo = f"{self.owner}/{self.name}"
        self.settings = settings or GithubSettings()
        self._clock = clock
        self.client = GitHubClient(
            token,
            self.settings,
            api_url=api_url,
            graphql_url=graphql_url,
            on_wait=on_wait,
            sleep=sleep,
            clock=clock,
            transport=transport,
        )
        self._etag: str | None = None
        self._actions: ActionsApi | None = None

    # -- plumbing -----------------------------------------------------------------

    @property
    def rate_limit(self) -> RateLimit | None:
        """The last core REST rate limit seen, or None before the first request."""
        return self.client.rate_limit

    @property
    def on_wait(self) -> WaitCallback | None:
        """Called with (seconds left, reason) while a rate limit is waited out (the console's countdown)."""
        return self.client.on_wait

    @on_wait.setter
    def on_wait(self, callback: WaitCallback | None) -> None:
        self.client.on_wait = callback

    def actions(self) -> ActionsApi:
        """The repository's GitHub Actions, sharing this gateway's client (same pool, same rate-limit view)."""
        if self._actions is None:
            self._actions = ActionsApi(self.client, self.owner, self.name)
        return self._actions

    @property
    def _rest(self) -> Any:
        return self.client.github.rest

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def __enter__(self) -> GitHubGateway:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reads ----------------------------------------------------------------------

    def whoami(self) -> str:
        """The login the token belongs to (``GET /user``), for ``auth status``."""
        return self.client.whoami()

    def fetch_queue(self) -> Queue:
        """Every open PR via paginated GraphQL (one request per 100 PRs).

        Returns:
            The queue; ``complete`` is False (with a note) when fewer PRs
            arrived than GitHub counted, e.g. PRs opened during paging.
        """
        pulls: dict[int, PullRequest] = {}
        notes: list[str] = []
        after: str | None = None
        total = 0
        remaining: int | None = None
        default_branch = "main"
        strict: bool | None = None
        required: tuple[str, ...] = ()
        merge_queue = False
        while True:
            data = self.client.graphql(
                OPEN_PULLS, {"owner": self.owner, "name": self.name, "first": PAGE_SIZE, "after": after}
            )
            rate = data.get("rateLimit")
            if isinstance(rate, dict) and isinstance(rate.get("remaining"), int):
                remaining = rate["remaining"]
            repository = data.get("repository")
            if not isinstance(repository, dict):
                raise GatewayError(f"repository {self.repo} was not found, or the token cannot see it", status=404)
            branch = repository.get("defaultBranchRef")
            if isinstance(branch, dict) and isinstance(branch.get("name"), str):
                default_branch = branch["name"]
                strict, required = protection_of(branch)
            merge_queue = isinstance(repository.get("mergeQueue"), dict)
            connection = repository.get("pullRequests")
            if not isinstance(connection, dict):
                raise GatewayError(f"repository {self.repo}: GraphQL answer has no pullRequests")
            if isinstance(connection.get("totalCount"), int):
                total = connection["totalCount"]
            for node in connection.get("nodes") or ():
                if node is None:
                    continue
                pull = translate.pull_from_node(node)
                pulls[pull.number] = pull
                notes.extend(translate.truncation_notes(node))
            page_info = connection.get("pageInfo")
            if not isinstance(page_info, dict) or not page_info.get("hasNextPage"):
                break
            cursor = page_info.get("endCursor")
            if not isinstance(cursor, str) or cursor == after:
                raise GatewayError(f"repository {self.repo}: GitHub's pull request pages did not advance")
            after = cursor
        complete = len(pulls) >= total
        if not complete:
            notes.append(f"GitHub counted {total} open pull requests but returned {len(pulls)}")
        return Queue(
            repo=self.repo,
            pulls=tuple(sorted(pulls.values(), key=lambda pull: pull.number)),
            fetched_at=datetime.fromtimestamp(self._clock(), tz=UTC),
            default_branch=default_branch,
            rate_limit_remaining=remaining,
            complete=complete,
            notes=tuple(notes),
            strict=strict,
            required_checks=required,
            merge_queue=merge_queue,
        )

    def queue_changed(self) -> bool:
        """Cheap conditional REST check (ETag): False only on a 304.

        Asks for the most recently updated open PR with the ETag of the
        last answer; the first call has no ETag and returns True.
        """
        extra = {"If-None-Match": self._etag} if self._etag else {}
        response = self.client.call(
            lambda: self._rest.pulls.list(
                self.owner,
                self.name,
                state="open",
                sort="updated",
                direction="desc",
                per_page=1,
                headers=self.client.headers(extra),
            )
        )
        if response.status_code == 304:
            return False
        etag = response.headers.get("etag")
        changed = self._etag is None or etag is None or etag != self._etag
        self._etag = etag
        return changed

    def get_pull(self, number: int) -> PullSnapshot:
        """Re-read one PR (REST). Raises GatewayError(status=404) if missing."""
        response = self.client.call(
            lambda: self._rest.pulls.get(self.owner, self.name, number, headers=self.client.headers())
        )
        return translate.snapshot_from_rest(self.client.json(response), number)

    def list_comments(self, number: int) -> list[Comment]:
        """Every issue comment on the PR (all pages)."""
        comments: list[Comment] = []

        def fetch(page: int) -> Any:
            return self.client.call(
                lambda: self._rest.issues.list_comments(
                    self.owner, self.name, number, per_page=100, page=page, headers=self.client.headers()
                )
            )

        for items in self.client.pages(fetch):
            comments.extend(translate.comment_from_rest(item) for item in items)
        return comments

    def list_pull_files(self, number: int) -> list[PullFile]:
        """Changed files with patches (all pages, up to GitHub's 3,000)."""
        files: list[PullFile] = []

        def fetch(page: int) -> Any:
            return self.client.call(
                lambda: self._rest.pulls.list_files(
                    self.owner, self.name, number, per_page=100, page=page, headers=self.client.headers()
                )
            )

        for items in self.client.pages(fetch, max_pages=MAX_FILE_PAGES):
            files.extend(translate.file_from_rest(item, number) for item in items)
        return files

    def get_file(self, path: str, ref: str) -> bytes | None:
        """A file's content at `ref`, or None when it does not exist there (or is not a file)."""
        clean = path.strip("/")
        try:
            response = self.client.call(
                lambda: self._rest.repos.get_content(
                    self.owner, self.name, clean, ref=ref, headers=self.client.headers()
                )
            )
        except GatewayError as exc:
            if exc.status == 404:
                return None
            raise
        body = self.client.json(response)
        if isinstance(body, dict) and body.get("type") == "file" and body.get("encoding") == "none":
            # over 1 MB: the JSON leaves the content out; ask for the raw bytes
            raw = self.client.call(
                lambda: self._rest.repos.get_content(
                    self.owner,
                    self.name,
                    clean,
                    ref=ref,
                    headers=self.client.headers({"Accept": "application/vnd.github.raw"}),
                )
            )
            return raw.raw_response.content
        return translate.content_bytes(body, clean)

    # -- writes ---------------------------------------------------------------------

    def merge(self, number: int, sha: str, method: str) -> MergeResult:
        """PUT .../merge with `sha`; 405/409 raise GatewayError with that status and GitHub's message."""
        if method not in MERGE_METHODS:
            raise UsageError(f"unknown merge method {method!r}; use one of {', '.join(MERGE_METHODS)}")
        response = self.client.write(
            lambda: self._rest.pulls.merge(
                self.owner, self.name, number, sha=sha, merge_method=method, headers=self.client.headers()
            )
        )
        return translate.merge_result_from_rest(self.client.json(response), number)

    def enqueue(self, number: int, expected_head_sha: str) -> QueueEntry:
        """Add the PR to the base branch's merge queue, pinned to `expected_head_sha` (GraphQL only)."""
        from lbconsole.github.merge_queue import enqueue

        return enqueue(self.client, self.owner, self.name, number, expected_head_sha)

    def update_branch(self, number: int, expected_head_sha: str) -> None:
        """PUT .../update-branch with `expected_head_sha`; 422 on a SHA mismatch."""
        self.client.write(
            lambda: self._rest.pulls.update_branch(
                self.owner,
                self.name,
                number,
                expected_head_sha=expected_head_sha,
                headers=self.client.headers(),
            )
        )

    def add_labels(self, number: int, labels: list[str]) -> None:
        """POST .../issues/{n}/labels (GitHub ignores labels already present)."""
        if not labels:
            return
        self.client.write(
            lambda: self._rest.issues.add_labels(
                self.owner, self.name, number, labels=list(labels), headers=self.client.headers()
            )
        )

    def create_comment(self, number: int, body: str) -> Comment:
        """POST a new issue comment."""
        response = self.client.write(
            lambda: self._rest.issues.create_comment(
                self.owner, self.name, number, body=body, headers=self.client.headers()
            )
        )
        return translate.comment_from_rest(self.client.json(response))

    def update_comment(self, comment_id: int, body: str) -> None:
        """PATCH an existing issue comment."""
        self.client.write(
            lambda: self._rest.issues.update_comment(
                self.owner, self.name, comment_id, body=body, headers=self.client.headers()
            )
        )

    def commit_checks(self, sha: str) -> CommitChecks:
        """The check runs and statuses on `sha`: two conditional GETs (a 304 costs no rate limit).

        Each answer is kept with its ETag, so a train polling a commit whose
        checks have not moved is answered by two 304s.
        """
        runs = self.client.conditional(
            ("runs", sha),
            lambda h: self._rest.checks.list_for_ref(self.owner, self.name, sha, per_page=100, headers=h),
        )
        combined = self.client.conditional(
            ("status", sha),
            lambda h: self._rest.repos.get_combined_status_for_ref(self.owner, self.name, sha, per_page=100, headers=h),
        )
        return CommitChecks(sha, checks_from_rest(runs, combined))

    def scan_state(self, sha: str) -> ScanState:
        """lbconsole's scan status on commit `sha` (combined status, first 100 contexts); NONE when absent."""
        response = self.client.call(
            lambda: self._rest.repos.get_combined_status_for_ref(
                self.owner, self.name, sha, per_page=100, headers=self.client.headers()
            )
        )
        return translate.scan_state_from_rest(self.client.json(response), SCAN_CONTEXT)

    def set_commit_status(self, sha: str, context: str, state: str, description: str) -> None:
        """POST .../statuses/{sha} (state: success, failure, error, pending).

        The description is cut to GitHub's 140 characters.
        """
        if state not in STATUS_STATES:
            raise UsageError(f"unknown commit status state {state!r}; use one of {', '.join(STATUS_STATES)}")
        if len(description) > MAX_DESCRIPTION:
            description = description[: MAX_DESCRIPTION - 1] + "…"
        self.client.write(
            lambda: self._rest.repos.create_commit_status(
                self.owner,
                self.name,
                sha,
                state=state,
                context=context,
                description=description,
                headers=self.client.headers(),
            )
        )
