"""The simulator's Starlette app: GitHub's routes behind the request policy, and the admin API.

Wiring only: the REST and GraphQL routes (`routes`) and the Actions routes
(`actions.routes`) are wrapped in the request policy (`policy`); the admin
API (`admin`) is mounted under `/_sim/`. Unknown routes and methods answer
like GitHub, with a JSON 404.

GitHub Enterprise Server serves the same API under `/api/v3` and GraphQL at
`/api/graphql`; `EnterprisePaths` makes both prefixes root paths, so any GHES
client (the gh CLI, Octokit) can use the simulator as an Enterprise host and
every URL in an answer keeps the prefix the request came with.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from lbconsole.sim.actions import ActionsState
from lbconsole.sim.actions.routes import github_routes as actions_github_routes
from lbconsole.sim.admin import admin_routes
from lbconsole.sim.http import error, template_of
from lbconsole.sim.policy import RequestPolicy
from lbconsole.sim.routes import REST_ROUTES, api_root, graphql
from lbconsole.sim.state import SimState


class Simulator:
    """Holds the live state and builds the Starlette app around it."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        self.policy = RequestPolicy(state)

    def reset_to(self, fresh: SimState) -> None:
        """Replace the live state's contents in place (handles and tests keep their reference).

        The pinned token survives a reset; the Actions runs of the previous scenario do not.
        """
        state = self.state
        with state.lock:
            token = state.auth_token
            for name, value in vars(fresh).items():
                if name != "lock":
                    setattr(state, name, value)
            state.auth_token = token
            self.policy.reseed()
        ActionsState.of(state).reset()  # the state object is reused: drop the previous scenario's runs

    def app(self) -> ASGIApp:
        """The ASGI app (github.com's paths, and GitHub Enterprise Server's under `/api/v3` and `/api/graphql`)."""
        wrap = self.policy.endpoint
        routes: list[BaseRoute] = [
            Route("/", wrap("GET", "/", api_root, "meta/meta#github-api-root"), methods=["GET"]),
        ]
        routes += [
            Route(path, wrap(method, template_of(path), handler, docs), methods=[method])
            for method, path, handler, docs in REST_ROUTES
        ]
        routes.append(Route("/graphql", wrap("POST", "/graphql", graphql, "graphql", "graphql"), methods=["POST"]))
        routes += actions_github_routes(wrap)
        routes.append(admin_routes(self))
        return EnterprisePaths(Starlette(routes=routes, exception_handlers={HTTPException: _http_error}))


class EnterprisePaths:
    """ASGI middleware: `/api/v3/...` and `/api/graphql` are GitHub Enterprise Server's paths to the same API."""

    PREFIXES = ("/api/v3", "/api")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            for prefix in self.PREFIXES:
                if path == prefix or path.startswith(prefix + "/"):
                    if prefix == "/api" and path != "/api/graphql":
                        continue
                    scope = {**scope, "root_path": scope.get("root_path", "") + prefix}
                    break
        await self.app(scope, receive, send)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and methods answer like GitHub: a JSON 404."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error(404 if status == 405 else status, "Not Found")
