"""Job tokens: what an Actions run's `GITHUB_TOKEN` may do, as GitHub enforces it.

A workflow job's token carries the job's `permissions:`. GitHub refuses a
call outside them with 403 "Resource not accessible by integration" (REST)
or a FORBIDDEN error (GraphQL), and it starts no workflow (so no checks) for
a push made with such a token: a PR whose branch the orchestrator updated
with its `GITHUB_TOKEN` waits for checks that never come.

The simulator models both for the tokens it issued to runs (`issue`): the
request policy asks `denial` before a route answers and calls
`after_answer` once it has. Any other token stays a user's token, which may
do everything (the simulator's default). The permission each route needs is
the product's own table (`lbconsole.workflow.permissions`), so the
workflow asks for exactly what the simulator demands.
"""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from lbconsole.sim.http import Answer, error
from lbconsole.workflow.permissions import BY_ROUTE, allows

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState

FORBIDDEN = "Resource not accessible by integration"
"""GitHub's message when a job token lacks the permission a route needs."""
DOCS = "https://docs.github.com/rest/overview/permissions-required-for-github-apps"

_TOKENS: WeakKeyDictionary[SimState, dict[str, dict[str, str]]] = WeakKeyDictionary()
_LOCK = threading.Lock()


def issue(state: SimState, permissions: dict[str, str]) -> str:
    """A new job token of `state` with `permissions` (permission -> read/write), like a run's GITHUB_TOKEN."""
    token = "ghs_" + secrets.token_hex(18)
    with _LOCK:
        _TOKENS.setdefault(state, {})[token] = dict(permissions)
    return token


def revoke(state: SimState, token: str) -> None:
    """Forget a job token (its job ended, as GitHub expires it)."""
    with _LOCK:
        _TOKENS.get(state, {}).pop(token, None)


def granted(state: SimState, token: str | None) -> dict[str, str] | None:
    """The permissions of a job token; None when `token` is not one."""
    if not token:
        return None
    with _LOCK:
        return _TOKENS.get(state, {}).get(token)


def denial(state: SimState, token: str | None, method: str, template: str) -> Answer | None:
    """GitHub's refusal of a job token's call outside its permissions, or None when it may call.

    A route the product's table does not list is refused too: a job token may
    call only what GitHub grants an installation (no `/user`, for one).
    """
    permissions = granted(state, token)
    if permissions is None:
        return None
    need = BY_ROUTE.get(f"{method} {template}")
    if need is not None and allows(permissions, need):
        return None
    if template == "/graphql":
        return Answer({"data": None, "errors": [{"type": "FORBIDDEN", "message": FORBIDDEN}]})
    return error(403, FORBIDDEN, DOCS)


def after_answer(
    state: SimState, token: str | None, method: str, template: str, number: int | None, status: int
) -> None:
    """GitHub's rule for a push made with a job token: no workflow starts, so no checks run on the new head.

    Args:
        state: the simulated repository (its lock is held by the caller).
        token: the request's token.
        method: the route's method.
        template: the route's template.
        number: the PR number of the route, if any.
        status: the answer's status.
    """
    if granted(state, token) is None or number is None or status >= 300:
        return
    if (method, template) != ("PUT", "/repos/{owner}/{repo}/pulls/{number}/update-branch"):
        return
    head = state.pull(number).head_sha
    state.check_runs[head] = []
