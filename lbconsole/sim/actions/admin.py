"""The Actions admin API, mounted under `/_sim/actions/`: job log blobs, settings, reset, advance, wait.

Tests that want every transition under their control turn auto-run off
(``POST /_sim/actions/settings {"auto_run": false}``) and step runs with
``POST /_sim/actions/runs/{id}/advance``; tests that only want the end wait
for it with ``GET /_sim/actions/runs/{id}/wait`` (bounded). The job log
blobs are where the job-logs route redirects, as GitHub redirects to a
storage URL. ``POST /_sim/actions/tokens`` issues a job token (a run's
`GITHUB_TOKEN`, with the orchestrator job's permissions unless the body
names others) for a workflow run outside the simulator (act).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from lbconsole.sim import permissions as job_tokens
from lbconsole.sim.actions.model import SimRun
from lbconsole.sim.actions.state import ActionsState
from lbconsole.sim.http import ACTIONS_DOCS, Answer, error, json_body
from lbconsole.sim.state import SimError, SimState
from lbconsole.workflow.permissions import job_permissions


def admin_routes(sim_state_getter: Callable[[], SimState]) -> list[Route]:
    """The routes, relative to where they are mounted (`/_sim/actions`)."""

    def actions() -> ActionsState:
        return ActionsState.of(sim_state_getter())

    async def log_blob(request: Request) -> Response:
        from lbconsole.sim.actions.routes import log_signature

        sim = sim_state_getter()
        job_id = int(request.path_params["job_id"])
        try:
            expires = int(request.query_params.get("se", ""))
        except ValueError:
            return PlainTextResponse("AuthenticationFailed", status_code=403)
        signed = hmac.compare_digest(request.query_params.get("sig", ""), log_signature(sim, job_id, expires))
        if not signed or sim.now().timestamp() > expires:
            return PlainTextResponse("AuthenticationFailed", status_code=403)
        if "authorization" in request.headers:  # a signed URL: the API token must not travel here
            return PlainTextResponse("InvalidAuthenticationInfo", status_code=400)
        try:
            job = actions().job(job_id)
        except SimError:
            return PlainTextResponse("BlobNotFound", status_code=404)
        with actions().lock:
            text = "\ufeff" + "\n".join(job.log) + "\n"
        return PlainTextResponse(text, media_type="text/plain; charset=utf-8")

    async def settings(request: Request) -> Response:
        body = await _safe_body(request)
        state = actions()
        with state.lock:
            if "auto_run" in body:
                state.auto_run = bool(body["auto_run"])
            if "legacy_dispatch" in body:
                state.legacy_dispatch = bool(body["legacy_dispatch"])
            if "step_delay_s" in body:
                state.step_delay_s = max(0.0, float(body["step_delay_s"]))
            if "list_delay_s" in body:
                state.list_delay_s = max(0.0, float(body["list_delay_s"]))
            return Answer(
                {
                    "auto_run": state.auto_run,
                    "legacy_dispatch": state.legacy_dispatch,
                    "step_delay_s": state.step_delay_s,
                    "list_delay_s": state.list_delay_s,
                }
            )

    async def legacy(request: Request) -> Response:
        body = await _safe_body(request)
        state = actions()
        with state.lock:
            state.legacy_dispatch = bool(body.get("enabled", True))
            return Answer({"enabled": state.legacy_dispatch})

    async def token(request: Request) -> Response:
        body = await _safe_body(request)
        wanted = body.get("permissions", job_permissions())
        if not isinstance(wanted, dict) or not all(
            isinstance(k, str) and v in ("read", "write") for k, v in wanted.items()
        ):
            return error(422, 'permissions must map permission names to "read" or "write"', ACTIONS_DOCS)
        return Answer({"token": job_tokens.issue(sim_state_getter(), wanted), "permissions": wanted})

    async def reset(request: Request) -> Response:
        actions().reset()
        return Answer({"ok": True})

    async def advance(request: Request) -> Response:
        body = await _safe_body(request)
        state = actions()
        run_id = int(request.path_params["run_id"])
        steps = int(body.get("steps", 1))
        to_end = bool(body.get("to_end"))

        def go() -> SimRun:
            if to_end:
                return state.run_to_end(run_id)
            run = state.run(run_id)
            for _ in range(max(1, steps)):
                run = state.advance(run_id)
            return run

        try:
            run = await run_in_threadpool(go)
        except SimError as exc:
            return error(exc.status, exc.message, ACTIONS_DOCS)
        return Answer(_admin_run(run))

    async def wait(request: Request) -> Response:
        state = actions()
        run_id = int(request.path_params["run_id"])
        timeout = min(float(request.query_params.get("timeout", 30)), 120.0)
        try:
            state.run(run_id)
        except SimError as exc:
            return error(exc.status, exc.message, ACTIONS_DOCS)
        done = await run_in_threadpool(state.wait, run_id, timeout)
        run = state.run(run_id)
        return Answer({**_admin_run(run), "timed_out": not done}, status_code=200 if done else 408)

    return [
        Route("/logs/{job_id:int}", log_blob, methods=["GET"]),
        Route("/settings", settings, methods=["GET", "POST"]),
        Route("/legacy-dispatch", legacy, methods=["POST"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/tokens", token, methods=["POST"]),
        Route("/runs/{run_id:int}/advance", advance, methods=["POST"]),
        Route("/runs/{run_id:int}/wait", wait, methods=["GET"]),
    ]


async def _safe_body(request: Request) -> dict[str, Any]:
    try:
        body = await json_body(request)
    except SimError:
        body = None
    return body if isinstance(body, dict) else {}


def _admin_run(run: SimRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "conclusion": run.conclusion,
        "inputs": run.inputs,
        "jobs": [
            {
                "id": j.id,
                "name": j.name,
                "status": j.status,
                "conclusion": j.conclusion,
                "steps": [{"name": s.name, "status": s.status, "conclusion": s.conclusion} for s in j.steps],
                "log_lines": len(j.log),
            }
            for j in run.jobs
        ],
    }
