"""Request and response helpers shared by the simulator's GitHub routes, its Actions routes and its admin API.

Every route set answers in GitHub's shapes (compact JSON, GitHub's error
body, ``Link`` pagination, 404 for another repository) and reads the token
and the body the same way, so the helpers live here once instead of
drifting apart in several copies.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from lbconsole.sim.state.model import SimError

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState

DOCS = "https://docs.github.com/rest"
ACTIONS_DOCS = f"{DOCS}/actions"

Handler = Callable[[Request, "SimState", str], Response]
"""A GitHub route: (request, state, the simulator's base URL) -> answer.

Synchronous and short: the request policy runs it whole under the state's lock.
"""
Endpoint = Callable[[Request], Awaitable[Response]]
"""A Starlette endpoint."""
Wrap = Callable[[str, str, Handler, str], Endpoint]
"""Turns (method, route template, handler, docs anchor) into an endpoint: the request policy."""

COST = "lbconsole.sim.cost"
"""Scope key where a handler says what its request costs (GraphQL's formula); 1 when it says nothing."""
_BODY = "lbconsole.sim.body"
"""Scope key of a request body read ahead by `read_body` (so handlers can stay synchronous)."""


class Answer(Response):
    """A JSON response rendered like GitHub does (compact, UTF-8)."""

    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()


def error(status: int, message: str, docs: str = DOCS, **extra: Any) -> Answer:
    """GitHub's error body: message, documentation_url, status."""
    return Answer({"message": message, **extra, "documentation_url": docs, "status": str(status)}, status_code=status)


def api_base(request: Request) -> str:
    """The simulator's own base URL, where GitHub would say https://api.github.com."""
    return str(request.base_url).rstrip("/")


def paginate(request: Request, items: list[Any], *, default: int = 30) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` per `per_page`/`page`, with GitHub's Link header.

    Raises:
        SimError: 422 when ``per_page`` or ``page`` is not an integer.
    """
    try:
        per_page = max(1, min(int(request.query_params.get("per_page", default)), 100))
        page = max(1, int(request.query_params.get("page", 1)))
    except ValueError:
        raise SimError(422, "Invalid request.\n\nper_page and page must be integers.") from None
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    links = []

    def link(n: int, rel: str) -> str:
        params = dict(request.query_params)
        params.update(per_page=str(per_page), page=str(n))
        return f'<{request.url.replace(query=urlencode(params))}>; rel="{rel}"'

    if page > 1:
        links.append(link(page - 1, "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
        links.append(link(last, "last"))
    if page > 1:
        links.append(link(1, "first"))
    return chunk, ({"Link": ", ".join(links)} if links else {})


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer|token <token>`` header (stripped); None for another scheme."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "token"):
        return None
    return token.strip()


def template_of(path: str) -> str:
    """A route path without Starlette's converters, for counters: /pulls/{number}."""
    return "/".join(p.split(":")[0] + "}" if p.startswith("{") and ":" in p else p for p in path.split("/"))


def check_repo(state: SimState, request: Request) -> None:
    """SimError 404 unless the request's ``{owner}/{repo}`` names the simulated repository (case-insensitive)."""
    owner = request.path_params.get("owner", "")
    repo = request.path_params.get("repo", "")
    if owner.casefold() != state.owner.casefold() or repo.casefold() != state.name.casefold():
        raise SimError(404, "Not Found")


def _parse(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise SimError(400, "Problems parsing JSON") from None


async def read_body(request: Request) -> None:
    """Read the request's body ahead, for `request_json` (the route wrappers call this)."""
    request.scope[_BODY] = await request.body()


def request_json(request: Request) -> Any:
    """The JSON body read ahead by `read_body` (None when empty); SimError 400 when malformed.

    Synchronous, so a handler can run whole under the state's lock.
    """
    raw = request.scope.get(_BODY)
    if raw is None:
        raise RuntimeError("request_json needs the body read ahead: the route wrapper calls read_body first")
    return _parse(raw)


async def json_body(request: Request) -> Any:
    """The request's JSON body (None when empty); SimError 400 when malformed."""
    return _parse(await request.body())
