"""GitHub's failures as lbconsole's errors, with GitHub's own words and never the token.

githubkit and httpx errors never leave the gateway: a 401 becomes an
`AuthError` that says what to do, a timeout or a connection error an
`Unreachable` naming the host, and every other refusal a `GatewayError`
with GitHub's message and the HTTP status.
"""

from __future__ import annotations

from typing import Any

import httpx
from githubkit.exception import RequestError, RequestFailed, RequestTimeout

from lbconsole.errors import AuthError, GatewayError, LbError, Unreachable
from lbconsole.redact import redact as redact_text

_MAX_MESSAGE = 300


def redact(text: str, token: str | None) -> str:
    """`text` with `token` and every known token shape masked (see `lbconsole.redact`)."""
    return redact_text(text, (token,) if token else ())


def describe(request: httpx.Request) -> str:
    """`GET /repos/acme/rocket/pulls/3`: a request as error messages name it."""
    return f"{request.method} {request.url.path}"


def github_message(response: httpx.Response) -> str:
    """GitHub's own explanation of a failed response, one line.

    Uses the JSON ``message`` and the ``errors`` details (422s put the useful
    part there); falls back to the HTTP reason phrase for non-JSON bodies
    (a proxy's HTML error page, say).
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        if isinstance(body.get("message"), str) and body["message"]:
            parts.append(body["message"])
        for error in body.get("errors") or ():
            if isinstance(error, dict):
                detail = error.get("message") or " ".join(
                    str(error[key]) for key in ("resource", "field", "code") if error.get(key)
                )
                if detail:
                    parts.append(str(detail))
            elif isinstance(error, str):
                parts.append(error)
    text = "; ".join(parts) or response.reason_phrase or "no message"
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def failure(exc: RequestFailed, token: str | None) -> LbError:
    """A refused request as an error: `AuthError` for a 401, else `GatewayError` with the status."""
    response = exc.response.raw_response
    status = response.status_code
    message = redact(github_message(response), token)
    what = describe(exc.request)
    if status == 401:
        if token is None:
            return AuthError(
                f"GitHub needs a token for {what} (401 {message}). Set LBCONSOLE_TOKEN "
                "(or GH_TOKEN / GITHUB_TOKEN), or run `lbconsole auth login`."
            )
        return AuthError(
            f"GitHub rejected the token (401 {message}) on {what}. It may be expired or revoked: "
            "set a new one in LBCONSOLE_TOKEN (or GH_TOKEN / GITHUB_TOKEN), or run `lbconsole auth login`."
        )
    return GatewayError(f"GitHub answered {status} to {what}: {message}", status=status)


def unreachable(exc: RequestError[Any], *, host: str, timeout_s: float, token: str | None) -> Unreachable:
    """A request that got no answer (timeout, connection failure) as `Unreachable`, naming the host."""
    if isinstance(exc, RequestTimeout):
        return Unreachable(
            f"GitHub at {host} did not answer within {timeout_s:g}s "
            f"({describe(exc.request)} timed out); check the network or github.timeout_s."
        )
    cause = redact(str(exc.exc) or type(exc.exc).__name__, token)
    return Unreachable(f"GitHub at {host} could not be reached: {cause}")
