"""The simulator's Starlette app: GitHub's routes behind the request policy, and the admin API.

Wiring only: the REST and GraphQL routes (`routes`) and the Actions routes
(`actions.routes`) are wrapped in the request policy (`policy`); the admin
API (`admin`) is mounted under `/_sim/`. Unknown routes and methods answer
like GitHub, with a JSON 404.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lbconsole.sim.actions import ActionsState
from lbconsole.sim.actions.routes import github_routes as actions_github_routes
from lbconsole.sim.admin import admin_routes
from lbconsole.sim.http import error, template_of
from lbconsole.sim.policy import RequestPolicy
from lbconsole.sim.routes import REST_ROUTES, graphql
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

    def app(self) -> Starlette:
        """The ASGI app."""
        wrap = self.policy.endpoint
        routes: list[BaseRoute] = [
            Route(path, wrap(method, template_of(path), handler, docs), methods=[method])
            for method, path, handler, docs in REST_ROUTES
        ]
        routes.append(Route("/graphql", wrap("POST", "/graphql", graphql, "graphql", "graphql"), methods=["POST"]))
        routes += actions_github_routes(wrap)
        routes.append(admin_routes(self))
        return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and methods answer like GitHub: a JSON 404."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error(404 if status == 405 else status, "Not Found")
