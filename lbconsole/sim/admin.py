"""The simulator's admin API under `/_sim/`: how tests, benchmarks and the demo script situations.

Reset to a scenario, read and clear the request counters, pin a token,
inject or clear a fault, move the base branch or the clock, change the
settings (checks delay, branch protection, rate limit), read one pull
request's every fact, push a commit to it, settle its checks, or patch it.
The Actions admin API is mounted under `/_sim/actions/`.

Every answer is JSON; a refused request answers GitHub's error body (422
``Invalid admin request: ...`` for a malformed one), and an unknown path or
method a JSON 404, like the rest of the simulator.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from lbconsole.sim.actions import admin as actions_admin
from lbconsole.sim.http import Answer, Endpoint, error, json_body
from lbconsole.sim.ids import ts
from lbconsole.sim.policy import Fault, RequestStats
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import CONFLICTING, MERGEABLE, UNKNOWN, SimError, SimState

if TYPE_CHECKING:
    from lbconsole.sim.app import Simulator

AdminHandler = Callable[[Request, dict[str, Any]], Response]
"""An admin route: (request, its JSON body or {}) -> answer."""


def _endpoint(handler: AdminHandler) -> Endpoint:
    """Read the body (of a POST, PATCH or PUT), run `handler`, answer its refusals in GitHub's shape."""

    async def run(request: Request) -> Response:
        try:
            body = await json_body(request) if request.method in ("POST", "PATCH", "PUT") else None
            return handler(request, body or {})
        except SimError as exc:
            return error(exc.status, exc.message)
        except (ValueError, KeyError, TypeError) as exc:
            return error(422, f"Invalid admin request: {exc}")

    return run


def _number(request: Request) -> int:
    return int(request.path_params["number"])


def _after_write(value: Any) -> str | None:
    if value in (None, "502", "drop"):
        return value
    if value == 502:
        return "502"
    raise ValueError(f"after_write must be 502 or drop, got {value!r}")


def _fault(body: dict[str, Any]) -> Fault | None:
    """The fault a `POST /_sim/faults` body asks for; None when it asks for no misbehaviour at all."""
    fault = Fault(
        latency_ms=int(body.get("latency_ms", 0)),
        error_rate=float(body.get("error_rate", 0.0)),
        error_status=int(body.get("error_status", 500)),
        rate_limited=bool(body.get("rate_limited")),
        rate_limit_status=int(body.get("error_status", 403)) if body.get("rate_limited") else 403,
        retry_after=body.get("retry_after"),
        secondary=bool(body.get("secondary")),
        routes=tuple(body.get("routes") or ()),
        count=body.get("count"),
        after_write=_after_write(body.get("after_write")),
        seed=None if body.get("seed") is None else int(body["seed"]),
    )
    return None if fault == Fault(routes=fault.routes, count=fault.count) else fault


def _settings(state: SimState, body: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        if "checks_delay_s" in body:
            state.checks_delay_s = float(body["checks_delay_s"])
        for delay in ("checks_queue_s", "mergeability_delay_s", "update_branch_delay_s"):
            if delay in body:
                setattr(state, delay, max(0.0, float(body[delay])))
        if "strict" in body:
            state.protection.strict = bool(body["strict"])
        if "required_checks" in body:
            state.protection.required_checks = tuple(body["required_checks"])
        if "rate_limit" in body:
            state.core.limit = state.graphql.limit = int(body["rate_limit"])
        state.version += 1
        return {
            "checks_delay_s": state.checks_delay_s,
            "checks_queue_s": state.checks_queue_s,
            "mergeability_delay_s": state.mergeability_delay_s,
            "update_branch_delay_s": state.update_branch_delay_s,
            "strict": state.protection.strict,
            "required_checks": list(state.protection.required_checks),
            "rate_limit": state.core.limit,
        }


def _patch_pull(state: SimState, number: int, body: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        p = state.pull(number)
        if "mergeable" in body:
            if body["mergeable"] not in (MERGEABLE, CONFLICTING, UNKNOWN):
                raise SimError(422, "mergeable must be MERGEABLE, CONFLICTING or UNKNOWN")
            p.mergeable = body["mergeable"]
            state.pending_mergeable.pop(number, None)
        if "pinned" in body:
            p.mergeable_pinned = bool(body["pinned"])
        if "draft" in body:
            p.draft = bool(body["draft"])
        if "review_decision" in body:
            p.review_decision = body["review_decision"]
        if "labels" in body:
            p.labels = list(body["labels"])
            for name in p.labels:
                state.label(name)
        if "title" in body:
            p.title = body["title"]
        if "body" in body:
            p.body = body["body"]
        state.touch(p)
        return state.snapshot(number)


def admin_routes(simulator: Simulator) -> Mount:
    """`/_sim/`, with the Actions admin API under `/_sim/actions/`.

    Args:
        simulator: the simulator the admin API drives (its live state, and its reset).

    Returns:
        The mount, for the simulator's app.
    """
    state = simulator.state

    def reset(request: Request, body: dict[str, Any]) -> Response:
        now = datetime.fromisoformat(body["now"].replace("Z", "+00:00")) if body.get("now") else None
        scenario = body.get("scenario", "demo")
        real = now is None and state.clock.real  # a simulator on the wall clock stays on it
        simulator.reset_to(build(scenario, int(body.get("seed", 0)), now, real_clock=real))
        return Answer({"scenario": scenario, "open_pulls": len(state.open_pulls())})

    def requests(request: Request, body: dict[str, Any]) -> Response:
        with state.lock:
            return Answer(state.stats.as_json())

    def requests_reset(request: Request, body: dict[str, Any]) -> Response:
        with state.lock:
            state.stats = RequestStats()
        return Answer({"ok": True})

    def auth(request: Request, body: dict[str, Any]) -> Response:
        state.auth_token = body.get("token")
        return Answer({"token_required": state.auth_token is not None})

    def set_fault(request: Request, body: dict[str, Any]) -> Response:
        state.fault = _fault(body)
        if state.fault is not None and state.fault.seed is not None:
            simulator.policy.fault_rng = random.Random(state.fault.seed)  # the test chose the draws
        return Answer({"fault": None if state.fault is None else asdict(state.fault)})

    def clear_fault(request: Request, body: dict[str, Any]) -> Response:
        state.fault = None
        return Answer({"fault": None})

    def advance_base(request: Request, body: dict[str, Any]) -> Response:
        return Answer({"sha": state.advance_base(body.get("paths"))})

    def advance_clock(request: Request, body: dict[str, Any]) -> Response:
        with state.lock:
            state.clock.advance(float(body["seconds"]))
        return Answer({"now": ts(state.now())})

    def clock(request: Request, body: dict[str, Any]) -> Response:
        with state.lock:
            if body.get("freeze"):
                at = body.get("now")
                state.clock.freeze(datetime.fromisoformat(at.replace("Z", "+00:00")) if isinstance(at, str) else None)
            elif body.get("freeze") is False:
                state.clock.thaw()
            if "advance" in body:
                state.clock.advance(float(body["advance"]))
            return Answer({"now": ts(state.now()), "frozen": state.clock.frozen is not None})

    def settings(request: Request, body: dict[str, Any]) -> Response:
        return Answer(_settings(state, body))

    def pull_state(request: Request, body: dict[str, Any]) -> Response:
        return Answer(state.snapshot(_number(request)))

    def push(request: Request, body: dict[str, Any]) -> Response:
        return Answer({"head_sha": state.push(_number(request), checks=body.get("checks", "success"))})

    def checks(request: Request, body: dict[str, Any]) -> Response:
        number = _number(request)
        state.set_checks(number, body["state"], body.get("names"))
        return Answer(state.snapshot(number))

    def create_pull(request: Request, body: dict[str, Any]) -> Response:
        return Answer(state.snapshot(state.open_pull(body).number), status_code=201)

    def close_pull(request: Request, body: dict[str, Any]) -> Response:
        return Answer(state.snapshot(state.set_open(_number(request), bool(body.get("reopen"))).number))

    def review_pull(request: Request, body: dict[str, Any]) -> Response:
        number = _number(request)
        state.add_review(number, str(body.get("user") or "reviewer"), str(body["event"]), str(body.get("body") or ""))
        return Answer(state.snapshot(number))

    def patch_pull(request: Request, body: dict[str, Any]) -> Response:
        return Answer(_patch_pull(state, _number(request), body))

    def route(path: str, handler: AdminHandler, method: str, *more: str) -> Route:
        return Route(path, _endpoint(handler), methods=[method, *more])

    def live_state() -> SimState:
        return simulator.state

    return Mount(
        "/_sim",
        routes=[
            Mount("/actions", routes=actions_admin.admin_routes(live_state)),
            route("/reset", reset, "POST"),
            route("/requests", requests, "GET"),
            route("/requests/reset", requests_reset, "POST"),
            route("/auth", auth, "POST"),
            route("/faults", set_fault, "POST"),
            route("/faults", clear_fault, "DELETE"),
            route("/base/advance", advance_base, "POST"),
            route("/clock/advance", advance_clock, "POST"),
            route("/clock", clock, "POST"),
            route("/settings", settings, "GET", "POST"),
            route("/state/pulls/{number}", pull_state, "GET"),
            route("/pulls", create_pull, "POST"),
            route("/pulls/{number}/close", close_pull, "POST"),
            route("/pulls/{number}/reviews", review_pull, "POST"),
            route("/pulls/{number}/push", push, "POST"),
            route("/pulls/{number}/checks", checks, "POST"),
            route("/pulls/{number}", patch_pull, "PATCH"),
        ],
    )
