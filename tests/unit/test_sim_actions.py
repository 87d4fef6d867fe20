"""The simulator's Actions routes: GitHub's shapes (parsed by githubkit's models), dispatch rules, run steps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from githubkit.response import Response as KitResponse
from githubkit_schemas.v2026_03_10.models import (
    Job,
    ReposOwnerRepoActionsRunsGetResponse200,
    ReposOwnerRepoActionsRunsRunIdJobsGetResponse200,
    ReposOwnerRepoActionsWorkflowsGetResponse200,
    Workflow,
    WorkflowDispatchResponse,
    WorkflowRun,
)
from starlette.applications import Starlette
from starlette.testclient import TestClient

from lbconsole.sim.actions import ActionsState, JobContext, JobLog, actions_routes
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import SimState

REPO = "/repos/acme/rocket"
WF = f"{REPO}/actions/workflows"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z .*$")


def fake_steps(ctx: JobContext) -> list[tuple[str, Any]]:
    """Two steps that log, then a third that fails when the input says so."""

    def plan(log: JobLog) -> str:
        log.group("Plan")
        log.line(f"mode {ctx.run.inputs.get('mode')}")
        log.endgroup()
        return "success"

    def apply(log: JobLog) -> str:
        if ctx.run.inputs.get("dry_run") == "true":
            log.error("boom")
            return "failure"
        log.line("applied")
        return "success"

    return [("Set up job", None), ("Plan", plan), ("Apply", apply), ("Complete job", None)]


@pytest.fixture
def sim() -> SimState:
    return build("demo", 0)


@pytest.fixture
def client(sim: SimState) -> Iterator[TestClient]:
    actions = ActionsState.of(sim)
    actions.job_factory = fake_steps
    actions.auto_run = False  # every transition by hand
    app = Starlette(routes=actions_routes(lambda: sim))
    with TestClient(app, base_url="http://sim.test") as tc:
        yield tc


def parsed(response: httpx.Response, model: Any) -> Any:
    """githubkit's own parsing of a response into `model` (what `.parsed_data` does)."""
    return KitResponse(response, model).parsed_data


def dispatch(client: TestClient, **body: Any) -> httpx.Response:
    payload = {"ref": "main", "inputs": {"mode": "auto", "correlation_id": "cid123"}, **body}
    return client.post(f"{WF}/lambda-bot.yml/dispatches", json=payload)


def test_workflows_include_the_orchestrator_and_the_legacy_bots(client: TestClient) -> None:
    answer = client.get(WF)
    assert answer.status_code == 200
    data = parsed(answer, ReposOwnerRepoActionsWorkflowsGetResponse200)
    files = [w.path.rsplit("/", 1)[-1] for w in data.workflows]
    assert files[0] == "lambda-bot.yml"
    assert {"automerge.yml", "conflict-labeler.yml", "security-scan-pr.yml"} <= set(files)
    assert data.total_count == len(files)
    by_file = parsed(client.get(f"{WF}/lambda-bot.yml"), Workflow)
    by_id = parsed(client.get(f"{WF}/{by_file.id}"), Workflow)
    assert by_file == by_id
    assert by_file.path == ".github/workflows/lambda-bot.yml"
    assert client.get(f"{WF}/nope.yml").status_code == 404
    assert client.get("/repos/acme/other/actions/workflows").status_code == 404


def test_dispatch_with_run_details_answers_200_with_the_run(client: TestClient, sim: SimState) -> None:
    answer = dispatch(client, return_run_details=True)
    assert answer.status_code == 200
    details = parsed(answer, WorkflowDispatchResponse)
    run = parsed(client.get(f"{REPO}/actions/runs/{details.workflow_run_id}"), WorkflowRun)
    assert run.html_url == details.html_url
    assert details.run_url.endswith(f"/actions/runs/{run.id}")
    assert (run.status, run.conclusion, run.event) == ("queued", None, "workflow_dispatch")
    assert run.display_title == "lambda-bot auto cid123"
    assert run.head_sha == sim.base_sha


def test_dispatch_without_run_details_answers_204(client: TestClient) -> None:
    answer = dispatch(client)
    assert answer.status_code == 204
    assert answer.content == b""
    runs = parsed(
        client.get(f"{WF}/lambda-bot.yml/runs", params={"event": "workflow_dispatch"}),
        ReposOwnerRepoActionsRunsGetResponse200,
    )
    assert [r.display_title for r in runs.workflow_runs] == ["lambda-bot auto cid123"]


def test_legacy_dispatch_refuses_return_run_details_with_400(client: TestClient) -> None:
    assert client.post("/_sim/actions/legacy-dispatch", json={"enabled": True}).json() == {"enabled": True}
    refused = dispatch(client, return_run_details=True)
    assert refused.status_code == 400
    assert "return_run_details" in refused.json()["message"]
    assert client.get(f"{REPO}/actions/runs").json()["total_count"] == 0  # nothing was dispatched
    assert dispatch(client).status_code == 204
    client.post("/_sim/actions/legacy-dispatch", json={"enabled": False})
    assert dispatch(client, return_run_details=True).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("automerge.yml", {"ref": "main"}, 422, "Workflow does not have 'workflow_dispatch' trigger"),
        ("lambda-bot.yml", {"ref": "no-such-branch"}, 422, "No ref found for: no-such-branch"),
        ("lambda-bot.yml", {}, 422, '"ref" wasn\'t supplied'),
        ("lambda-bot.yml", {"ref": "main", "inputs": {"mode": "yolo"}}, 422, "not in the list of allowed values"),
        ("lambda-bot.yml", {"ref": "main", "inputs": {"colour": "red"}}, 422, 'Unexpected inputs provided: ["colour"]'),
        ("missing.yml", {"ref": "main"}, 404, "Not Found"),
    ],
)
def test_dispatch_validates_like_github(
    client: TestClient, path: str, body: dict[str, Any], status: int, message: str
) -> None:
    answer = client.post(f"{WF}/{path}/dispatches", json=body)
    assert answer.status_code == status
    assert message in answer.json()["message"]


def test_a_run_steps_through_queued_in_progress_completed(client: TestClient) -> None:
    run_id = dispatch(client, return_run_details=True).json()["workflow_run_id"]
    jobs_url = f"{REPO}/actions/runs/{run_id}/jobs"

    [job] = parsed(client.get(jobs_url), ReposOwnerRepoActionsRunsRunIdJobsGetResponse200).jobs
    assert (job.status, job.steps) == ("queued", [])
    assert client.get(f"{REPO}/actions/jobs/{job.id}/logs", follow_redirects=False).status_code == 404

    seen: list[tuple[str, list[tuple[str, str, str | None]]]] = []
    for _ in range(20):
        client.post(f"/_sim/actions/runs/{run_id}/advance")
        [job] = parsed(client.get(jobs_url), ReposOwnerRepoActionsRunsRunIdJobsGetResponse200).jobs
        seen.append((job.status, [(s.name, s.status, s.conclusion) for s in job.steps or []]))
        if job.status == "completed":
            break
    assert seen[0] == (
        "in_progress",
        [
            ("Set up job", "queued", None),
            ("Plan", "queued", None),
            ("Apply", "queued", None),
            ("Complete job", "queued", None),
        ],
    )
    assert seen[1][1][0] == ("Set up job", "in_progress", None)
    assert seen[2][1][0] == ("Set up job", "completed", "success")
    assert seen[-1] == (
        "completed",
        [
            ("Set up job", "completed", "success"),
            ("Plan", "completed", "success"),
            ("Apply", "completed", "success"),
            ("Complete job", "completed", "success"),
        ],
    )
    assert len(seen) == 1 + 2 * 4  # start, then each step starts and completes
    run = parsed(client.get(f"{REPO}/actions/runs/{run_id}"), WorkflowRun)
    assert (run.status, run.conclusion) == ("completed", "success")


def test_job_logs_redirect_to_github_format_plain_text(client: TestClient) -> None:
    run_id = dispatch(client, return_run_details=True).json()["workflow_run_id"]
    done = client.post(f"/_sim/actions/runs/{run_id}/advance", json={"to_end": True}).json()
    assert (done["status"], done["conclusion"]) == ("completed", "success")
    job_id = done["jobs"][0]["id"]
    redirect = client.get(f"{REPO}/actions/jobs/{job_id}/logs", follow_redirects=False)
    assert redirect.status_code == 302
    text = client.get(redirect.headers["location"]).text
    lines = text.lstrip("\ufeff").splitlines()
    assert all(LOG_LINE.match(line) for line in lines), lines
    assert [line.split(" ", 1)[1] for line in lines] == ["##[group]Plan", "mode auto", "##[endgroup]", "applied"]


def test_a_failing_step_fails_the_job_and_skips_the_rest(client: TestClient) -> None:
    body = {"ref": "main", "inputs": {"mode": "auto", "dry_run": True}, "return_run_details": True}
    run_id = client.post(f"{WF}/lambda-bot.yml/dispatches", json=body).json()["workflow_run_id"]
    client.post(f"/_sim/actions/runs/{run_id}/advance", json={"to_end": True})
    [job] = parsed(
        client.get(f"{REPO}/actions/runs/{run_id}/jobs"), ReposOwnerRepoActionsRunsRunIdJobsGetResponse200
    ).jobs
    assert isinstance(job, Job)
    assert job.conclusion == "failure"
    assert [(s.name, s.conclusion) for s in job.steps or []] == [
        ("Set up job", "success"),
        ("Plan", "success"),
        ("Apply", "failure"),
        ("Complete job", "skipped"),
    ]
    run = parsed(client.get(f"{REPO}/actions/runs/{run_id}"), WorkflowRun)
    assert run.conclusion == "failure"


def test_runs_are_listed_newest_first_and_paginated(client: TestClient) -> None:
    ids = [dispatch(client, return_run_details=True).json()["workflow_run_id"] for _ in range(3)]
    page1 = client.get(f"{REPO}/actions/runs", params={"per_page": 2})
    data = parsed(page1, ReposOwnerRepoActionsRunsGetResponse200)
    assert [r.id for r in data.workflow_runs] == ids[::-1][:2]
    assert [r.run_number for r in data.workflow_runs] == [3, 2]
    assert data.total_count == 3
    assert 'rel="next"' in page1.headers["link"]
    assert client.get(f"{WF}/automerge.yml/runs").json() == {"total_count": 0, "workflow_runs": []}


def test_auto_run_executes_on_the_worker_and_wait_is_bounded(sim: SimState) -> None:
    actions = ActionsState.of(sim)
    actions.job_factory = fake_steps
    app = Starlette(routes=actions_routes(lambda: sim))
    with TestClient(app, base_url="http://sim.test") as client:
        run_id = dispatch(client, return_run_details=True).json()["workflow_run_id"]
        waited = client.get(f"/_sim/actions/runs/{run_id}/wait", params={"timeout": 10})
        assert waited.status_code == 200
        assert (waited.json()["status"], waited.json()["conclusion"]) == ("completed", "success")
        assert actions.wait(run_id, timeout=0) is True


def test_reset_forgets_runs_and_settings(client: TestClient, sim: SimState) -> None:
    dispatch(client)
    client.post("/_sim/actions/settings", json={"legacy_dispatch": True, "step_delay_s": 0.5})
    assert client.post("/_sim/actions/reset").json() == {"ok": True}
    assert client.get(f"{REPO}/actions/runs").json()["total_count"] == 0
    assert client.get("/_sim/actions/settings").json() == {
        "auto_run": True,
        "legacy_dispatch": False,
        "step_delay_s": 0.0,
        "list_delay_s": 0.0,
    }
