"""The simulator's GitHub Actions REST routes: workflows, dispatch, runs, jobs and job logs.

Each route answers in GitHub's shapes and refuses what GitHub refuses (a
dispatch is validated here, the way GitHub validates the request, before
the Actions state creates the run). The routes are a table in the shape of
the simulator's other GitHub routes, so the simulator wraps them in the
same request policy; `actions_routes` serves them bare, with the Actions
admin API, for tests that want only the Actions side.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from lbconsole.core.orchestrator import MODES, run_name
from lbconsole.sim.actions import admin
from lbconsole.sim.actions.model import SimRun, SimWorkflow
from lbconsole.sim.actions.shapes import job_json, run_json, workflow_json
from lbconsole.sim.actions.state import ActionsState
from lbconsole.sim.http import (
    ACTIONS_DOCS,
    Answer,
    Endpoint,
    Handler,
    Wrap,
    api_base,
    bearer_token,
    check_repo,
    error,
    paginate,
    read_body,
    request_json,
    template_of,
)
from lbconsole.sim.ids import WEB
from lbconsole.sim.state import SimError, SimState


def _input_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _dispatch_request(actions: ActionsState, workflow: SimWorkflow, body: Any) -> tuple[str, str, dict[str, str]]:
    """The (branch, SHA, inputs as text) of a valid dispatch body, validated like GitHub does.

    Raises:
        SimError: 400 for `return_run_details` in legacy mode, 422 for a
            workflow without the trigger, a missing or unknown ref, unknown
            inputs or a mode outside the choice.
    """
    if not isinstance(body, dict):
        raise SimError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an object.")
    with actions.lock:
        legacy = actions.legacy_dispatch
    if legacy and "return_run_details" in body:
        raise SimError(400, 'Invalid request.\n\n"return_run_details" is not a permitted key.')
    if not workflow.dispatchable:
        raise SimError(422, "Workflow does not have 'workflow_dispatch' trigger")
    ref = body.get("ref")
    if not isinstance(ref, str) or not ref:
        raise SimError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.')
    branch, sha = actions.resolve_ref(ref)
    raw_inputs = body.get("inputs") or {}
    if not isinstance(raw_inputs, dict):
        raise SimError(422, "Invalid request.\n\nFor 'properties/inputs', it is not an object.")
    unexpected = sorted(k for k in raw_inputs if k not in workflow.inputs)
    if unexpected:
        raise SimError(422, f"Unexpected inputs provided: {json.dumps(unexpected)}")
    inputs = {k: _input_text(v) for k, v in raw_inputs.items()}
    mode = inputs.get("mode") or "auto"
    if mode not in MODES:
        raise SimError(422, f"Provided value '{mode}' for input 'mode' not in the list of allowed values")
    return branch, sha, inputs


def _runs_answer(request: Request, sim: SimState, api: str, runs: list[SimRun]) -> Response:
    event = request.query_params.get("event")
    status = request.query_params.get("status")
    branch = request.query_params.get("branch")
    if event:
        runs = [r for r in runs if r.event == event]
    if status:
        runs = [r for r in runs if status in (r.status, r.conclusion)]
    if branch:
        runs = [r for r in runs if r.head_branch == branch]
    created = request.query_params.get("created")
    if created:
        low, high = created_range(created)
        runs = [r for r in runs if low <= r.created_at.replace(microsecond=0) <= high]
    chunk, headers = paginate(request, runs)
    return Answer({"total_count": len(runs), "workflow_runs": [run_json(sim, api, r) for r in chunk]}, headers=headers)


def _moment(text: str, *, end: bool) -> datetime:
    """A date or date-time of GitHub's search syntax; a bare date covers its whole day."""
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day + timedelta(days=1, microseconds=-1) if end else day
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SimError(422, f"Invalid created filter: {text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def created_range(text: str) -> tuple[datetime, datetime]:
    """The inclusive range of GitHub's `created` filter: `A..B`, `>=A`, `>A`, `<=B`, `<B` or a date.

    Raises:
        SimError: 422 for a filter GitHub would not understand.
    """
    low, high = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    second = timedelta(microseconds=1)
    if ".." in text:
        a, b = text.split("..", 1)
        return (_moment(a, end=False) if a != "*" else low), (_moment(b, end=True) if b != "*" else high)
    for prefix, make in (
        (">=", lambda m: (_moment(m, end=False), high)),
        ("<=", lambda m: (low, _moment(m, end=True))),
        (">", lambda m: (_moment(m, end=True) + second, high)),
        ("<", lambda m: (low, _moment(m, end=False) - second)),
    ):
        if text.startswith(prefix):
            return make(text[len(prefix) :])
    return _moment(text, end=False), _moment(text, end=True)


def list_workflows(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/workflows``."""
    actions = ActionsState.of(sim)
    with actions.lock:
        workflows = list(actions.workflows)
    chunk, headers = paginate(request, workflows)
    return Answer(
        {"total_count": len(workflows), "workflows": [workflow_json(sim, api, w) for w in chunk]}, headers=headers
    )


def get_workflow(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/workflows/{workflow_id}`` (id or file name)."""
    wf = ActionsState.of(sim).workflow(request.path_params["workflow_id"])
    return Answer(workflow_json(sim, api, wf))


def dispatch(request: Request, sim: SimState, api: str) -> Response:
    """``POST /repos/{o}/{r}/actions/workflows/{workflow_id}/dispatches``."""
    actions = ActionsState.of(sim)
    wf = actions.workflow(request.path_params["workflow_id"])
    body = request_json(request)
    branch, sha, inputs = _dispatch_request(actions, wf, body)
    run = actions.create_run(
        wf,
        branch=branch,
        sha=sha,
        inputs=inputs,
        title=run_name(inputs.get("mode") or "auto", inputs.get("correlation_id", "")),
        api=api,
        token=bearer_token(request) or None,
        actor=sim.viewer,
    )
    if body.get("return_run_details") is True:
        full = sim.full_name
        return Answer(
            {
                "workflow_run_id": run.id,
                "run_url": f"{api}/repos/{full}/actions/runs/{run.id}",
                "html_url": f"{WEB}/{full}/actions/runs/{run.id}",
            }
        )
    return Response(status_code=204)


def list_workflow_runs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/workflows/{workflow_id}/runs``."""
    actions = ActionsState.of(sim)
    wf = actions.workflow(request.path_params["workflow_id"])
    return _runs_answer(request, sim, api, actions.newest_first(wf))


def list_runs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs``."""
    return _runs_answer(request, sim, api, ActionsState.of(sim).newest_first())


def get_run(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs/{run_id}``."""
    run = ActionsState.of(sim).run(int(request.path_params["run_id"]))
    return Answer(run_json(sim, api, run))


def list_jobs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs/{run_id}/jobs``."""
    actions = ActionsState.of(sim)
    run = actions.run(int(request.path_params["run_id"]))
    with actions.lock:
        jobs = [job_json(sim, api, run, j) for j in run.jobs]
    chunk, headers = paginate(request, jobs)
    return Answer({"total_count": len(jobs), "jobs": chunk}, headers=headers)


def job_logs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/jobs/{job_id}/logs``: 302 to the plain-text log (once the job is done)."""
    job = ActionsState.of(sim).job(int(request.path_params["job_id"]))
    if job.status != "completed":
        raise SimError(404, "Not Found")
    expires = int(sim.now().timestamp()) + LOG_URL_TTL_S
    query = urlencode({"se": expires, "sig": log_signature(sim, job.id, expires)})
    return RedirectResponse(f"{second_origin(api)}/_sim/actions/logs/{job.id}?{query}", status_code=302)


LOG_URL_TTL_S = 60
"""How long a signed log URL stays valid (sim seconds), like GitHub's short-lived blob URLs."""


def log_signature(sim: SimState, job_id: int, expires: int) -> str:
    """The signature of a job's log URL: keyed by the scenario's seed, bound to the job and the expiry."""
    key = f"lbconsole-sim-{sim.seed}".encode()
    return hmac.new(key, f"{job_id}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def second_origin(api: str) -> str:
    """The API base on another origin of the same socket (127.0.0.1 <-> localhost), as GitHub's blob host is.

    A client that follows the redirect must not send its token there.
    """
    for ours, theirs in (("//127.0.0.1:", "//localhost:"), ("//localhost:", "//127.0.0.1:")):
        if ours in api:
            return api.replace(ours, theirs, 1)
    return api


def get_job(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/jobs/{job_id}``."""
    actions = ActionsState.of(sim)
    job = actions.job(int(request.path_params["job_id"]))
    with actions.lock:
        run = next(r for r in actions.runs.values() if job in r.jobs)
        return Answer(job_json(sim, api, run, job))


def run_logs(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs/{run_id}/logs``: a zip, one `{job}/{n}_{step}.txt` per step.

    The simulator keeps one log per job, so the job's whole log is its first step's file.
    """
    actions = ActionsState.of(sim)
    run = actions.run(int(request.path_params["run_id"]))
    buffer = io.BytesIO()
    with actions.lock, zipfile.ZipFile(buffer, "w") as archive:
        if run.status != "completed":
            raise SimError(404, "Not Found")
        for job in run.jobs:
            for index, step in enumerate(job.steps):
                text = "\n".join(job.log) + "\n" if index == 0 else ""
                archive.writestr(f"{job.name}/{step.number}_{step.name}.txt", text)
    return Response(buffer.getvalue(), media_type="application/zip")


def run_artifacts(request: Request, sim: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/actions/runs/{run_id}/artifacts``: the simulated workflows upload none."""
    ActionsState.of(sim).run(int(request.path_params["run_id"]))
    return Answer({"total_count": 0, "artifacts": []})


REPO = "/repos/{owner}/{repo}/actions"
ACTIONS_ROUTES: list[tuple[str, str, Handler, str]] = [
    ("GET", REPO + "/workflows", list_workflows, "workflows#list-repository-workflows"),
    ("GET", REPO + "/workflows/{workflow_id}", get_workflow, "workflows#get-a-workflow"),
    ("POST", REPO + "/workflows/{workflow_id}/dispatches", dispatch, "workflows#create-a-workflow-dispatch-event"),
    (
        "GET",
        REPO + "/workflows/{workflow_id}/runs",
        list_workflow_runs,
        "workflow-runs#list-workflow-runs-for-a-workflow",
    ),
    ("GET", REPO + "/runs", list_runs, "workflow-runs#list-workflow-runs-for-a-repository"),
    ("GET", REPO + "/runs/{run_id:int}", get_run, "workflow-runs#get-a-workflow-run"),
    ("GET", REPO + "/runs/{run_id:int}/jobs", list_jobs, "workflow-jobs#list-jobs-for-a-workflow-run"),
    ("GET", REPO + "/runs/{run_id:int}/logs", run_logs, "workflow-runs#download-workflow-run-logs"),
    ("GET", REPO + "/runs/{run_id:int}/artifacts", run_artifacts, "artifacts#list-workflow-run-artifacts"),
    ("GET", REPO + "/jobs/{job_id:int}", get_job, "workflow-jobs#get-a-job-for-a-workflow-run"),
    ("GET", REPO + "/jobs/{job_id:int}/logs", job_logs, "workflow-jobs#download-job-logs-for-a-workflow-run"),
]
"""The GitHub routes, in the shape of the simulator's other GitHub routes (method, path, handler, docs anchor)."""


def github_routes(wrap: Wrap) -> list[Route]:
    """The Actions GitHub routes, each wrapped by `wrap` (the simulator's request policy)."""
    return [
        Route(path, wrap(method, template_of(path), handler, docs), methods=[method])
        for method, path, handler, docs in ACTIONS_ROUTES
    ]


def _plain_wrap(getter: Callable[[], SimState]) -> Wrap:
    """A wrapper without the simulator's auth/fault/rate-limit policy (tests, or a bare app).

    Like the request policy, it reads the body first and runs the handler under the state's lock.
    """

    def wrap(method: str, template: str, handler: Handler, docs: str) -> Endpoint:
        async def run(request: Request) -> Response:
            sim = getter()
            await read_body(request)
            with sim.lock:
                try:
                    if "{owner}" in template:
                        check_repo(sim, request)
                    return handler(request, sim, api_base(request))
                except SimError as exc:
                    return error(exc.status, exc.message, f"{ACTIONS_DOCS}/{docs}")

        return run

    return wrap


def actions_routes(sim_state_getter: Callable[[], SimState]) -> list[BaseRoute]:
    """The Actions side served bare: the GitHub routes without the request policy, and `/_sim/actions/`.

    Args:
        sim_state_getter: returns the live `SimState`.

    Returns:
        Starlette routes, for an app of their own (the simulator mounts the
        same routes itself, behind its request policy).
    """
    routes: list[BaseRoute] = [*github_routes(_plain_wrap(sim_state_getter))]
    routes.append(Mount("/_sim/actions", routes=admin.admin_routes(sim_state_getter)))
    return routes
