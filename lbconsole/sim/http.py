"""Request helpers shared by the simulator's GitHub routes and its Actions routes."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from lbconsole.sim.state import SimError


def api_base(request: Request) -> str:
    """The simulator's own base URL, where GitHub would say https://api.github.com."""
    return str(request.base_url).rstrip("/")


async def json_body(request: Request) -> Any:
    """The request's JSON body (None when empty); SimError 400 when malformed."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise SimError(400, "Problems parsing JSON") from None
