"""The githubkit client, made safe to call from a console.

githubkit's defaults do not fit an interactive tool, so this module builds
the client itself and wraps every call in one policy:

* **Timeouts that fire.** githubkit's HTTP cache (hishel, on by default)
  rebuilds each request for the network and keeps only its own cache
  extensions, so httpx's per-request ``timeout`` extension is lost and a
  silent server hangs the call forever. lbconsole does its own conditional
  requests (the ETag of `queue_changed`), so the cache buys nothing:
  the client is built with ``http_cache=False`` and an explicit
  ``httpx.Timeout(settings.timeout_s)``. ``tests/unit/test_gateway_client.py``
  proves it against a real socket that never answers (and shows that the
  cached client does not time out).
* **Bounded rate-limit waits.** githubkit's own retry sleeps until the
  rate limit resets (up to an hour) with no way to show it. It is turned
  off (``auto_retry=False``); `GitHubClient.call` waits out short limits
  itself, reporting a countdown through ``on_wait(seconds_left, reason)``
  about once a second, and raises `RateLimited` when the wait would exceed
  ``settings.max_wait_s``. The sleep and the clock are injectable.
* **One error tree.** githubkit/httpx errors never leave this module:
  401 -> `AuthError`, timeouts and connection errors -> `Unreachable`
  (naming the host), rate limits -> `RateLimited`, every other failure ->
  `GatewayError` with GitHub's own message and the HTTP status. No message
  ever contains the token.
* **One connection pool.** Outside a ``with github:`` block githubkit opens
  (and closes) a new httpx client, TLS context included, for every request;
  `build_github` returns a client that keeps one pool for its lifetime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from githubkit import GitHub
from githubkit.exception import (
    GitHubException,
    PrimaryRateLimitExceeded,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
    SecondaryRateLimitExceeded,
)
from githubkit.response import Response

from lbconsole import __version__
from lbconsole.core.ports import RateLimit, WaitCallback
from lbconsole.core.settings import GithubSettings
from lbconsole.errors import AuthError, GatewayError, LbError, RateLimited, Unreachable
from lbconsole.redact import redact as redact_text

T = TypeVar("T")

GITHUB_COM_API = "https://api.github.com"

GHES_REST_API_VERSION = "2022-11-28"
"""REST API version sent to GitHub Enterprise Server, which rejects versions it does not know."""

SERVER_ERROR_BACKOFF_S: tuple[float, ...] = (1.0, 2.0)
"""Waits before retrying an idempotent request that got a 5xx (one retry per entry)."""

RATE_LIMIT_RETRIES = 2
"""How many times one call may wait out a rate limit before giving up."""

DEFAULT_SECONDARY_WAIT_S = 60.0
"""GitHub's advice when a secondary limit names no time: wait at least a minute."""

_MAX_MESSAGE = 300


def graphql_url(api_url: str) -> str:
    """The GraphQL endpoint that belongs to a REST root.

    Args:
        api_url: the REST root: ``https://api.github.com``, a GitHub
            Enterprise ``https://HOST/api/v3``, or the simulator's
            ``http://127.0.0.1:PORT``.

    Returns:
        ``https://api.github.com/graphql``, ``https://HOST/api/graphql`` or
        ``http://127.0.0.1:PORT/graphql`` respectively.
    """
    root = api_url.rstrip("/")
    if root.endswith("/api/v3"):
        return root[: -len("/v3")] + "/graphql"
    return root + "/graphql"


def api_host(api_url: str) -> str:
    """The host (with a non-default port) of an API URL, for error messages."""
    url = httpx.URL(api_url)
    return f"{url.host}:{url.port}" if url.port else url.host


def rest_api_version(api_url: str) -> str | None:
    """The ``X-GitHub-Api-Version`` to send, or None for githubkit's own.

    github.com (and the simulator) get githubkit's version; GitHub
    Enterprise Server only knows ``2022-11-28`` and answers 400 to newer ones.
    """
    host = httpx.URL(api_url).host
    if host in ("api.github.com", "127.0.0.1", "localhost", "::1"):
        return None
    return GHES_REST_API_VERSION


def redact(text: str, token: str | None) -> str:
    """`text` with `token` and every known token shape masked (see `lbconsole.redact`)."""
    return redact_text(text, (token,) if token else ())


class _PooledGitHub(GitHub[Any]):
    """A githubkit client that keeps one httpx connection pool for its lifetime.

    githubkit only reuses a client inside ``with github:``, and that is
    stored in a ContextVar, so it is invisible to the console's worker
    threads. httpx clients are thread-safe; one shared pool is fine.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool: httpx.Client | None = None
        self._pool_lock = threading.Lock()

    @contextmanager
    def get_sync_client(self) -> Generator[httpx.Client, None, None]:
        with self._pool_lock:
            if self._pool is None:
                self._pool = self._create_sync_client()
            pool = self._pool
        yield pool

    def close(self) -> None:
        """Close the connection pool (a later request opens a new one)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def build_github(
    token: str | None,
    api_url: str,
    settings: GithubSettings,
    *,
    transport: httpx.BaseTransport | None = None,
) -> GitHub[Any]:
    """Build the githubkit client lbconsole uses.

    Args:
        token: a GitHub token, or None for unauthenticated access.
        api_url: the REST root (see `graphql_url`).
        settings: ``timeout_s`` becomes every request's connect/read/write/pool timeout.
        transport: an httpx transport to use instead of the network (tests).

    Returns:
        A `githubkit.GitHub` with the HTTP cache and githubkit's own retry
        turned off (see the module docstring) and one connection pool.
    """
    return _PooledGitHub(
        token or None,
        base_url=api_url,
        user_agent=f"lbconsole/{__version__}",
        timeout=httpx.Timeout(settings.timeout_s),
        http_cache=False,
        auto_retry=False,
        transport=transport,
    )


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


def _describe(request: httpx.Request) -> str:
    return f"{request.method} {request.url.path}"


class GitHubClient:
    """githubkit plus lbconsole's timeout, retry and error policy.

    Every call goes through `call`, which returns githubkit's response or
    raises an `lbconsole.errors` type, and records the REST rate limit.
    """

    def __init__(
        self,
        token: str | None,
        settings: GithubSettings,
        *,
        api_url: str | None = None,
        on_wait: WaitCallback | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """Build the client.

        Args:
            token: a GitHub token, or None (the simulator, public reads).
            settings: the timeout and the rate-limit wait cap.
            api_url: REST root; defaults to ``settings.api_url``.
            on_wait: called with (seconds left, reason) about once a second
                while a rate limit or a server error is waited out.
            sleep: the sleep function (tests pass a fake).
            clock: POSIX time source (tests pass a fake).
            transport: httpx transport instead of the network (tests).
        """
        self.api_url = (api_url or settings.api_url).rstrip("/")
        self.settings = settings
        self.on_wait = on_wait
        self.host = api_host(self.api_url)
        self.graphql_url = graphql_url(self.api_url)
        self.api_version = rest_api_version(self.api_url)
        self._token = token or None
        self._sleep = sleep
        self._clock = clock
        self.rate_limits: dict[str, RateLimit] = {}
        """The last limit seen per resource (core, graphql)."""
        self.requests_sent = 0
        """HTTP requests sent so far (retries included)."""
        self.github = build_github(self._token, self.api_url, settings, transport=transport)

    # -- helpers ----------------------------------------------------------------

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Headers for a typed githubkit REST call (API version for GHES, `extra`)."""
        headers = dict(extra or {})
        if self.api_version:
            headers.setdefault("X-GitHub-Api-Version", self.api_version)
        return headers

    def close(self) -> None:
        """Close the connection pool."""
        github = self.github
        if isinstance(github, _PooledGitHub):
            github.close()

    @property
    def rate_limit(self) -> RateLimit | None:
        """The core REST limit, or the GraphQL one while no REST answer was seen yet."""
        return self.rate_limits.get("core") or self.rate_limits.get("graphql")

    def _note_rate_limit(self, response: httpx.Response) -> None:
        headers = response.headers
        resource = headers.get("x-ratelimit-resource", "core")
        if resource not in ("core", "graphql"):
            return
        try:
            self.rate_limits[resource] = RateLimit(
                limit=int(headers["x-ratelimit-limit"]),
                remaining=int(headers["x-ratelimit-remaining"]),
                reset_at=float(headers["x-ratelimit-reset"]),
                resource=resource,
            )
        except (KeyError, ValueError):
            pass

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep `seconds`, telling ``on_wait`` the time left about once a second."""
        left = seconds
        while left > 0:
            if self.on_wait is not None:
                self.on_wait(left, reason)
            step = min(1.0, left)
            self._sleep(step)
            left -= step
        if self.on_wait is not None:
            self.on_wait(0.0, reason)

    def _rate_limit_wait(self, exc: RateLimitExceeded) -> tuple[float, float]:
        """(seconds to wait, POSIX reset time) from the headers of a rate-limited response."""
        headers = exc.response.headers
        now = self._clock()
        try:
            if "retry-after" in headers:
                wait = max(0.0, float(headers["retry-after"]))
                return wait, now + wait
            if "x-ratelimit-reset" in headers:
                reset_at = float(headers["x-ratelimit-reset"])
                # one second of slack: the reset time is rounded to whole seconds
                return max(0.0, reset_at - now) + 1.0, reset_at
        except ValueError:
            pass
        return DEFAULT_SECONDARY_WAIT_S, now + DEFAULT_SECONDARY_WAIT_S

    def _rate_limited(self, kind: str, request: httpx.Request, wait: float, reset_at: float) -> RateLimited:
        when = datetime.fromtimestamp(reset_at, tz=UTC).strftime("%H:%M:%S UTC")
        return RateLimited(
            f"GitHub's {kind} rate limit is exhausted ({_describe(request)}); it resets at {when}, "
            f"in {wait:.0f}s, more than the {self.settings.max_wait_s:.0f}s lbconsole waits per request "
            "(github.max_wait_s). Try again after the reset.",
            reset_at=reset_at,
            wait_s=wait,
        )

    def _failure(self, exc: RequestFailed) -> LbError:
        response = exc.response.raw_response
        status = response.status_code
        message = redact(github_message(response), self._token)
        what = _describe(exc.request)
        if status == 401:
            if self._token is None:
                return AuthError(
                    f"GitHub needs a token for {what} (401 {message}). Set LBCONSOLE_TOKEN "
                    "(or GH_TOKEN / GITHUB_TOKEN), or run `lbconsole auth login`."
                )
            return AuthError(
                f"GitHub rejected the token (401 {message}) on {what}. It may be expired or revoked: "
                "set a new one in LBCONSOLE_TOKEN (or GH_TOKEN / GITHUB_TOKEN), or run `lbconsole auth login`."
            )
        return GatewayError(f"GitHub answered {status} to {what}: {message}", status=status)

    def _unreachable(self, exc: RequestError[Any]) -> Unreachable:
        if isinstance(exc, RequestTimeout):
            return Unreachable(
                f"GitHub at {self.host} did not answer within {self.settings.timeout_s:g}s "
                f"({_describe(exc.request)} timed out); check the network or github.timeout_s."
            )
        cause = redact(str(exc.exc) or type(exc.exc).__name__, self._token)
        return Unreachable(f"GitHub at {self.host} could not be reached: {cause}")

    # -- the policy ---------------------------------------------------------------

    def call(self, send: Callable[[], Response[T]], *, idempotent: bool = True) -> Response[T]:
        """Send one request through lbconsole's policy.

        Args:
            send: performs the githubkit call (a typed REST method or
                ``github.request``); called again for each retry.
            idempotent: whether a 5xx may be retried (never for merges and
                other writes, which may have happened despite the error).

        Returns:
            githubkit's response (2xx or 304).

        Raises:
            AuthError: 401.
            RateLimited: a rate limit that would need more than ``max_wait_s``.
            Unreachable: timeout or connection failure.
            GatewayError: any other failure, with GitHub's message and status.
        """
        rate_waits = 0
        waited = 0.0
        """Seconds of rate-limit wait so far: the cap (max_wait_s) is for the whole call."""
        server_retries = 0
        while True:
            self.requests_sent += 1
            try:
                response = send()
            except RateLimitExceeded as exc:
                self._note_rate_limit(exc.response.raw_response)
                wait, reset_at = self._rate_limit_wait(exc)
                kind = "secondary" if isinstance(exc, SecondaryRateLimitExceeded) else "primary"
                if waited + wait > self.settings.max_wait_s or rate_waits >= RATE_LIMIT_RETRIES:
                    raise self._rate_limited(kind, exc.request, wait, reset_at) from exc
                self.wait(wait, f"GitHub {kind} rate limit")
                rate_waits += 1
                waited += wait
                continue
            except RequestFailed as exc:
                raw = exc.response.raw_response
                self._note_rate_limit(raw)
                status = exc.response.status_code
                if status in (403, 429) and "secondary rate limit" in github_message(raw).lower():
                    # GitHub's third kind: no Retry-After and requests left; its advice is to wait a minute.
                    wait = DEFAULT_SECONDARY_WAIT_S
                    if waited + wait > self.settings.max_wait_s or rate_waits >= RATE_LIMIT_RETRIES:
                        raise self._rate_limited("secondary", exc.request, wait, self._clock() + wait) from exc
                    self.wait(wait, "GitHub secondary rate limit")
                    rate_waits += 1
                    waited += wait
                    continue
                if status >= 500 and idempotent and server_retries < len(SERVER_ERROR_BACKOFF_S):
                    self.wait(SERVER_ERROR_BACKOFF_S[server_retries], f"GitHub answered {status}; retrying")
                    server_retries += 1
                    continue
                raise self._failure(exc) from exc
            except RequestError as exc:
                raise self._unreachable(exc) from exc
            except GitHubException as exc:
                raise GatewayError(f"GitHub client error: {redact(repr(exc), self._token)}") from exc
            self._note_rate_limit(response.raw_response)
            return response

    def write(self, send: Callable[[], Response[T]]) -> Response[T]:
        """`call` for a mutating request: never retried on a 5xx.

        Pacing writes (``write_interval_s``) is the executor's job, not this one's.
        """
        return self.call(send, idempotent=False)

    def json(self, response: Response[Any]) -> Any:
        """The JSON body of a successful response, or a GatewayError naming the request."""
        raw = response.raw_response
        try:
            return raw.json()
        except ValueError as exc:
            raise GatewayError(
                f"GitHub's answer to {_describe(raw.request)} is not JSON (HTTP {raw.status_code})",
                status=raw.status_code,
            ) from exc

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run one GraphQL query (never a mutation: it may be retried).

        GitHub reports GraphQL rate limits as a 200 with an error of type
        RATE_LIMITED; those go through the same bounded wait as REST ones.

        Returns:
            The ``data`` object.

        Raises:
            GatewayError: GitHub's errors (status 404 for NOT_FOUND), or a
                body without ``data``; plus everything `call` raises.
        """

        body: Any = None

        def send() -> Response[Any]:
            nonlocal body
            response: Response[Any] = self.github.request(
                "POST", self.graphql_url, json={"query": query, "variables": variables}
            )
            body = self.json(response)  # decoded once: the answer below reads this
            errors = body.get("errors") if isinstance(body, dict) else None
            if errors and any(isinstance(e, dict) and e.get("type") in ("RATE_LIMIT", "RATE_LIMITED") for e in errors):
                raise PrimaryRateLimitExceeded(response, timedelta(0))
            return response

        self.call(send)
        if not isinstance(body, dict):
            raise GatewayError("GitHub's GraphQL answer is not a JSON object")
        errors = body.get("errors")
        data = body.get("data")
        if errors:
            messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
            not_found = any(isinstance(e, dict) and e.get("type") == "NOT_FOUND" for e in errors)
            raise GatewayError(
                f"GitHub's GraphQL API refused the query: {redact(messages, self._token)}",
                status=404 if not_found else None,
            )
        if not isinstance(data, dict):
            raise GatewayError("GitHub's GraphQL answer has no data")
        return data

    def whoami(self) -> str:
        """The login the token belongs to (``GET /user``); needs no repository (``auth status``)."""
        response = self.call(lambda: self.github.rest.users.get_authenticated(headers=self.headers()))
        body = self.json(response)
        login = body.get("login") if isinstance(body, dict) else None
        if not isinstance(login, str):
            raise GatewayError("GitHub's answer to GET /user has no login")
        return login

    def pages(
        self,
        fetch: Callable[[int], Response[Any]],
        *,
        per_page: int = 100,
        max_pages: int = 100,
        key: str | None = None,
    ) -> Iterator[list[Any]]:
        """Yield each page of a paginated REST list.

        Follows the ``Link: rel="next"`` header; a server that sends no Link
        header at all is paged on while pages come back full.

        Args:
            fetch: fetches page N (1-based) through `call`.
            per_page: the page size requested.
            max_pages: stop after this many pages (GitHub caps some lists).
            key: for a list wrapped in an object (``{"total_count": 3,
                "jobs": [...]}``), the key that holds it; None: the body is the list.
        """
        for page in range(1, max_pages + 1):
            response = fetch(page)
            body = self.json(response)
            items = body.get(key) if key is not None and isinstance(body, dict) else body
            if not isinstance(items, list):
                what = "is not a list" if key is None else f"has no {key!r} list"
                raise GatewayError(f"GitHub's answer to {_describe(response.raw_request)} {what}")
            yield items
            links = response.raw_response.links
            if "link" in response.headers:
                if "next" not in links:
                    return
            elif len(items) < per_page:
                return
