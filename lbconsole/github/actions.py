"""GitHub Actions REST calls: workflows, dispatch, runs, jobs and job logs.

The dispatch follower (`lbconsole.engine.dispatch`) talks to GitHub Actions
only through `ActionsApi`. Every request goes through `GitHubClient` (timeouts,
bounded rate-limit waits, one error tree), and every answer is translated into
the small frozen dataclasses below, so no githubkit type leaves this package.

Two GitHub details shape this module:

* ``POST .../dispatches`` with ``return_run_details: true`` (GitHub, 2026)
  answers 200 with ``workflow_run_id``, ``run_url`` and ``html_url``.
  githubkit's request-body model does not know the field, so the request is
  sent raw through ``github.request``. A refusal (400, 403, 404, 422) is an
  ordinary `GatewayError` from `GitHubClient` (its status, GitHub's own
  message, the token redacted); the dispatcher words it for a user, and
  retries without the field on a 400 (older GitHub Enterprise).
* ``GET .../actions/jobs/{id}/logs`` answers 302 to a short-lived plain-text
  URL; githubkit follows redirects (and httpx drops the token when the
  redirect leaves the API host).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from githubkit.response import Response

from lbconsole.core.ports import DispatchAnswer, JobInfo, RunInfo, StepInfo, WorkflowInfo
from lbconsole.errors import GatewayError
from lbconsole.github.client import GitHubClient

PER_PAGE = 100
"""Page size of the lists read whole (workflows, a run's jobs)."""


def optional_time(value: Any) -> datetime | None:
    """An ISO 8601 time from an API answer or the cache; None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def workflow_info(data: Mapping[str, Any]) -> WorkflowInfo:
    """A `WorkflowInfo` from GitHub's `workflow` JSON."""
    return WorkflowInfo(
        id=_int(data.get("id")),
        name=_str(data.get("name")),
        path=_str(data.get("path")),
        state=_str(data.get("state")),
        html_url=_str(data.get("html_url")),
    )


def run_info(data: Mapping[str, Any]) -> RunInfo:
    """A `RunInfo` from GitHub's `workflow-run` JSON."""
    return RunInfo(
        id=_int(data.get("id")),
        name=_str(data.get("name")),
        status=_str(data.get("status")),
        conclusion=_opt(data.get("conclusion")),
        event=_str(data.get("event")),
        html_url=_str(data.get("html_url")),
        run_number=_int(data.get("run_number")),
        head_branch=_str(data.get("head_branch")),
        display_title=_str(data.get("display_title")),
        created_at=optional_time(data.get("created_at")),
        updated_at=optional_time(data.get("updated_at")),
        run_started_at=optional_time(data.get("run_started_at")),
        path=_str(data.get("path")),
    )


def job_info(data: Mapping[str, Any]) -> JobInfo:
    """A `JobInfo` from GitHub's `job` JSON."""
    steps = tuple(
        StepInfo(
            number=_int(s.get("number")),
            name=_str(s.get("name")),
            status=_str(s.get("status")),
            conclusion=_opt(s.get("conclusion")),
        )
        for s in data.get("steps") or ()
        if isinstance(s, Mapping)
    )
    return JobInfo(
        id=_int(data.get("id")),
        name=_str(data.get("name")),
        status=_str(data.get("status")),
        conclusion=_opt(data.get("conclusion")),
        steps=steps,
        html_url=_str(data.get("html_url")),
        started_at=optional_time(data.get("started_at")),
        completed_at=optional_time(data.get("completed_at")),
        labels=tuple(label for label in data.get("labels") or () if isinstance(label, str)),
    )


class ActionsApi:
    """GitHub Actions for one repository, through lbconsole's `GitHubClient`."""

    def __init__(self, client: GitHubClient, owner: str, name: str) -> None:
        """Wrap `client` for ``owner/name``.

        Args:
            client: the client (its timeout, rate-limit and error policy apply).
            owner: repository owner.
            name: repository name.
        """
        self.client = client
        self.owner = owner
        self.name = name

    @property
    def repo(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    @property
    def _rest(self) -> Any:
        return self.client.github.rest

    def _fetch(self, path: str, params: Mapping[str, Any] | None = None) -> Response[Any]:
        url = f"/repos/{self.owner}/{self.name}{path}"
        return self.client.call(
            lambda: self.client.github.request("GET", url, params=dict(params or {}), headers=self.client.headers())
        )

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.client.json(self._fetch(path, params))

    def _all(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of a paginated list wrapped under `key`, following GitHub's Link header."""

        def fetch(page: int) -> Response[Any]:
            return self._fetch(path, {**(params or {}), "per_page": PER_PAGE, "page": page})

        return [
            item
            for items in self.client.pages(fetch, per_page=PER_PAGE, key=key)
            for item in items
            if isinstance(item, dict)
        ]

    # -- repository ------------------------------------------------------------------

    def default_branch(self) -> str:
        """The repository's default branch (``GET /repos/{o}/{r}``)."""
        body = self._get("")
        branch = body.get("default_branch") if isinstance(body, dict) else None
        if not isinstance(branch, str) or not branch:
            raise GatewayError(f"GitHub's answer to GET /repos/{self.repo} has no default_branch")
        return branch

    # -- workflows ---------------------------------------------------------------------

    def list_workflows(self) -> list[WorkflowInfo]:
        """Every workflow of the repository (all pages)."""
        return [workflow_info(w) for w in self._all("/actions/workflows", "workflows")]

    def get_workflow(self, workflow: str | int) -> WorkflowInfo:
        """One workflow by id or file name; GatewayError(status=404) when it does not exist."""
        body = self._get(f"/actions/workflows/{workflow}")
        if not isinstance(body, dict):
            raise GatewayError(f"GitHub's answer about workflow {workflow} is not an object")
        return workflow_info(body)

    def dispatch(
        self,
        workflow: str | int,
        ref: str,
        inputs: Mapping[str, str],
        *,
        return_run_details: bool = True,
    ) -> DispatchAnswer:
        """``POST .../actions/workflows/{workflow}/dispatches``.

        Args:
            workflow: workflow file name or id.
            ref: branch or tag to run on.
            inputs: the workflow's inputs (strings; GitHub converts them to the input types).
            return_run_details: ask GitHub (2026+) for the run id in the answer.

        Returns:
            The run's id and URLs when GitHub answered 200 with them; a
            `DispatchAnswer` with ``run_id=None`` on 204 No Content.

        Raises:
            GatewayError: GitHub's refusal (400, 403, 404, 422: ``status`` and
                GitHub's message) or anything else `GitHubClient.write` raises.
        """
        url = f"/repos/{self.owner}/{self.name}/actions/workflows/{workflow}/dispatches"
        body: dict[str, Any] = {"ref": ref, "inputs": dict(inputs)}
        if return_run_details:
            body["return_run_details"] = True
        response: Response[Any] = self.client.write(
            lambda: self.client.github.request(
                "POST", url, json=body, headers=self.client.headers({"Content-Type": "application/json"})
            )
        )
        raw = response.raw_response
        if raw.status_code == 204 or not raw.content:
            return DispatchAnswer(run_id=None)
        data = self.client.json(response)
        run_id = data.get("workflow_run_id") if isinstance(data, dict) else None
        if not isinstance(run_id, int):
            return DispatchAnswer(run_id=None)
        return DispatchAnswer(run_id=run_id, run_url=_str(data.get("run_url")), html_url=_str(data.get("html_url")))

    # -- runs ----------------------------------------------------------------------------

    def list_runs(
        self,
        workflow: str | int | None = None,
        *,
        event: str | None = None,
        per_page: int = 20,
    ) -> list[RunInfo]:
        """The most recent runs (newest first), of one workflow or of the whole repository.

        Args:
            workflow: workflow file name or id; None lists every workflow's runs.
            event: only runs triggered by this event (e.g. ``workflow_dispatch``).
            per_page: how many runs (1..100; one page).
        """
        path = f"/actions/workflows/{workflow}/runs" if workflow is not None else "/actions/runs"
        params: dict[str, Any] = {"per_page": max(1, min(per_page, 100))}
        if event:
            params["event"] = event
        body = self._get(path, params)
        items = body.get("workflow_runs") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise GatewayError(f"GitHub's run list of {self.repo} has no 'workflow_runs'")
        return [run_info(r) for r in items if isinstance(r, dict)]

    def get_run(self, run_id: int) -> RunInfo:
        """One workflow run (``GET .../actions/runs/{id}``)."""
        body = self._get(f"/actions/runs/{run_id}")
        if not isinstance(body, dict):
            raise GatewayError(f"GitHub's answer about run {run_id} is not an object")
        return run_info(body)

    def list_jobs(self, run_id: int) -> list[JobInfo]:
        """The jobs of the run's latest attempt, with their steps (all pages)."""
        return [job_info(j) for j in self._all(f"/actions/runs/{run_id}/jobs", "jobs", {"filter": "latest"})]

    def job_log(self, job_id: int) -> str:
        """A finished job's plain-text log (the 302 to the log URL is followed)."""
        url = f"/repos/{self.owner}/{self.name}/actions/jobs/{job_id}/logs"
        response = self.client.call(lambda: self.client.github.request("GET", url, headers=self.client.headers()))
        raw = response.raw_response
        return raw.content.decode("utf-8", errors="replace")

    def runs_page(self, created: str, page: int, *, per_page: int = PER_PAGE) -> tuple[int, list[RunInfo], bool]:
        """One page of the runs created in a range (``GET .../actions/runs?created=...``).

        Args:
            created: GitHub's date filter, e.g. ``2026-11-01T00:00:00Z..2026-11-01T23:59:59Z``.
            page: 1-based page number.
            per_page: page size (at most 100).

        Returns:
            (total_count, the page's runs, whether a next page exists).
        """
        params = {"created": created, "per_page": per_page, "page": page, "exclude_pull_requests": "true"}
        response = self._fetch("/actions/runs", params)
        body = self.client.json(response)
        items = body.get("workflow_runs") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise GatewayError(f"GitHub's run list of {self.repo} has no 'workflow_runs'")
        total = _int(body.get("total_count"))
        links = response.raw_response.links
        more = "next" in links if "link" in response.headers else len(items) >= per_page
        return total, [run_info(r) for r in items if isinstance(r, dict)], more
