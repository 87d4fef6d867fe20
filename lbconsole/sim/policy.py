"""What GitHub does around every request, apart from the routes that answer it.

Authentication (any token, unless `/_sim/auth` pinned one), injected faults
(latency, 5xx, rate limiting), the primary rate limits (one hourly bucket for
REST, one for GraphQL; X-RateLimit-* headers on every answer; a 304 costs
nothing; GraphQL costs 1 point a request) and the secondary ones
(Retry-After), ETags with `If-None-Match` -> 304, and request counting per
route template. `RequestPolicy.endpoint` wraps a route's handler in all of
it; the routes themselves only say what GitHub answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from lbconsole.sim import permissions as job_tokens
from lbconsole.sim.http import (
    COST,
    DOCS,
    Answer,
    Endpoint,
    Handler,
    api_base,
    bearer_token,
    check_repo,
    error,
    read_body,
)
from lbconsole.sim.ids import user_id
from lbconsole.sim.state.model import SimError

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState

RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = f"{RATE_DOCS}#about-secondary-rate-limits"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you "
    "try again. If you reach out to GitHub Support for help, please include the "
    "request ID 0000:0000:0000000:0000000:00000000."
)
SERVER_ERRORS = {
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that.",
}
"""GitHub's message for each 5xx a fault can inject."""
OAUTH_SCOPES = "repo, read:org, workflow"
"""The scopes a classic token reports (`X-OAuth-Scopes`): what the console and the gh CLI need."""


@dataclass(slots=True)
class Fault:
    """Injected misbehaviour (admin `POST /_sim/faults`)."""

    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 500
    rate_limited: bool = False
    rate_limit_status: int = 403
    retry_after: int | None = None
    """Seconds; when set, a rate-limited answer is a secondary rate limit with `Retry-After`."""
    secondary: bool = False
    """A secondary rate limit even without `retry_after`: GitHub's 403 that names no time."""
    routes: tuple[str, ...] = ()
    """`METHOD /template`, or substrings of a route template or path; empty: every non-admin route."""
    count: int | None = None
    """How many matching requests to affect before the fault clears itself."""
    after_write: str | None = None
    """"502" or "drop": the error comes after the handler ran ("write applied, response lost"):
    a 502, or the connection dropped once the answer's headers are out."""
    seed: int | None = None
    """Seed of the draws of `error_rate` (None: the scenario's), so a test chooses its pattern."""

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


def rate_limit_overview(state: SimState) -> dict[str, Any]:
    """A `rate-limit-overview` (`GET /rate_limit`): the two buckets, and GitHub's other resources untouched."""

    def one(limit: int, used: int, reset: int) -> dict[str, int]:
        return {"limit": limit, "used": used, "remaining": max(limit - used, 0), "reset": reset}

    reset = state.core.reset
    core = one(state.core.limit, state.core.used, reset)
    return {
        "resources": {
            "core": core,
            "graphql": one(state.graphql.limit, state.graphql.used, state.graphql.reset),
            "search": one(30, 0, reset),
            "code_search": one(10, 0, reset),
            "integration_manifest": one(5000, 0, reset),
            "source_import": one(100, 0, reset),
            "dependency_snapshots": one(100, 0, reset),
            "code_scanning_upload": one(1000, 0, reset),
            "actions_runner_registration": one(10000, 0, reset),
            "scim": one(15000, 0, reset),
        },
        "rate": core,
    }


class DroppedConnection(Response):
    """An answer whose connection drops after the status line: the client sees the stream end early."""

    def __init__(self) -> None:
        super().__init__(status_code=200, media_type="application/json")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000")]})
        await send({"type": "http.response.body", "body": b'{"', "more_body": True})
        raise ConnectionAbortedError("the simulator dropped the connection (fault after_write=drop)")


class RequestPolicy:
    """The request behaviour of one simulated GitHub: wraps its routes' handlers."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        self.fault_rng = random.Random(state.seed)
        """Draws which requests an `error_rate` fault fails (seeded: a scenario replays alike)."""

    def reseed(self) -> None:
        """Start the fault draws again from the state's seed (after a reset)."""
        self.fault_rng = random.Random(self.state.seed)

    def _bucket(self, resource: str) -> RateBucket:
        return self.state.graphql if resource == "graphql" else self.state.core

    def _rate_headers(self, resource: str) -> dict[str, str]:
        bucket = self._bucket(resource)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(bucket.remaining),
            "X-RateLimit-Reset": str(bucket.reset),
            "X-RateLimit-Used": str(bucket.used),
            "X-RateLimit-Resource": resource,
        }

    def _authorized(self, request: Request) -> bool:
        expected = self.state.auth_token
        return expected is None or bearer_token(request) == expected

    def _take_fault(self, method: str, template: str, path: str) -> Fault | None:
        fault = self.state.fault
        if fault is None or not fault.matches(method, template, path):
            return None
        if fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                self.state.fault = None
        return fault

    def _fault_response(self, fault: Fault, resource: str) -> Response | None:
        headers = self._rate_headers(resource)
        resp: Response
        if fault.rate_limited:
            if fault.secondary or fault.retry_after is not None:
                # A secondary limit leaves the primary bucket as it is: remaining and reset stay true.
                resp = error(fault.rate_limit_status, SECONDARY_MESSAGE, SECONDARY_DOCS)
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
            else:
                reset = int(self._epoch()) + 60
                headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
                resp = self._limit_answer(resource, self._primary_message(), fault.rate_limit_status)
            resp.headers.update(headers)
            return resp
        if fault.after_write is not None:
            return None  # decided after the handler (`lost_response`)
        if fault.error_rate > 0 and self.fault_rng.random() < fault.error_rate:
            resp = error(fault.error_status, SERVER_ERRORS.get(fault.error_status, "Server Error"))
            resp.headers.update(headers)
            return resp
        return None

    def lost_response(self, fault: Fault | None, resource: str) -> Response | None:
        """The answer lost after the handler ran: a 502, or a dropped connection (None: no such fault)."""
        if fault is None or fault.after_write is None:
            return None
        if fault.error_rate < 1.0 and self.fault_rng.random() >= fault.error_rate:
            return None
        if fault.after_write == "drop":
            return DroppedConnection()
        resp = error(502, SERVER_ERRORS[502])
        resp.headers.update(self._rate_headers(resource))
        return resp

    def _epoch(self) -> float:
        """POSIX seconds of rate-limit windows: the simulator's clock when it is the wall clock.

        A simulator on the wall clock (`lbconsole sim`, the demo) keeps one
        clock, so `POST /_sim/clock` moves the windows too. A test's fixed
        anchor is days from the time clients read, so its windows stay on
        the wall clock that clients compute their waits from.
        """
        clock = self.state.clock
        return clock.now().timestamp() if clock.real else time.time()

    def _primary_message(self) -> str:
        return f"API rate limit exceeded for user ID {user_id(self.state.viewer)}."

    @staticmethod
    def _limit_answer(resource: str, message: str, status: int) -> Answer:
        """An exhausted primary limit as GitHub answers it: GraphQL says 200 with RATE_LIMITED, REST an error."""
        if resource == "graphql":
            return Answer({"errors": [{"type": "RATE_LIMITED", "message": message}]})
        return error(status, message, RATE_DOCS)

    def endpoint(self, method: str, template: str, handler: Handler, docs: str, resource: str = "core") -> Endpoint:
        """Wrap `handler` in GitHub's request behaviour.

        The body is read first; then the (synchronous, short) handler runs
        whole under ``state.lock``, so tests and the admin API that change the
        state from other threads never see (or cause) a half-made answer.
        Nothing that holds the lock talks HTTP: the Actions worker calls back
        into the simulator without it.

        Args:
            method: the route's HTTP method.
            template: the route's path without converters (`/pulls/{number}`), for counters and faults.
            handler: the route.
            docs: the route's anchor under GitHub's REST docs, for error bodies.
            resource: the rate-limit bucket the route costs: `core` or `graphql`.

        Returns:
            The Starlette endpoint.
        """
        key = f"{method} {template}"

        async def run(request: Request) -> Response:
            state = self.state
            with state.lock:
                state.stats.total += 1
                state.stats.by_route[key] = state.stats.by_route.get(key, 0) + 1
                if not self._authorized(request):
                    return error(401, "Bad credentials")
                refused = job_tokens.denial(state, bearer_token(request), method, template)
                if refused is not None:
                    return refused
                fault = self._take_fault(method, template, request.url.path)
            if fault is not None and fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            await read_body(request)
            bucket = self._bucket(resource)
            with state.lock:
                bucket.roll(self._epoch())
                free = template == "/rate_limit"  # GitHub answers it whatever the limits say
                if fault is not None and not (free and fault.rate_limited):
                    faulted = self._fault_response(fault, resource)
                    if faulted is not None:
                        return faulted
                if bucket.remaining <= 0 and not free:
                    resp = self._limit_answer(resource, self._primary_message(), 403)
                    resp.headers.update(self._rate_headers(resource))
                    return resp
                state.settle()  # what GitHub finished computing since the last request
                try:
                    if "{owner}" in template:
                        check_repo(state, request)
                    response = handler(request, state, api_base(request))
                except SimError as exc:
                    response = error(exc.status, exc.message, f"{DOCS}/{docs}")
                number = request.path_params.get("number")
                job_tokens.after_answer(state, bearer_token(request), method, template, number, response.status_code)
                lost = self.lost_response(fault, resource)
                if lost is not None:
                    return lost
                if method == "GET" and response.status_code == 200:
                    etag = 'W/"' + hashlib.sha256(bytes(response.body)).hexdigest()[:40] + '"'
                    response.headers["ETag"] = etag
                    if request.headers.get("if-none-match") in (etag, etag[2:]):
                        state.stats.not_modified += 1
                        not_modified = Response(status_code=304, headers={"ETag": etag})
                        not_modified.headers.update(self._rate_headers(resource))
                        return not_modified
                if template != "/rate_limit":
                    bucket.used += int(request.scope.get(COST, 1))
                    state.stats.counted += 1
                response.headers.update(self._rate_headers(resource))
                response.headers["X-OAuth-Scopes"] = OAUTH_SCOPES
            return response

        return run
