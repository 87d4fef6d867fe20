"""The githubkit client behind the gateway: every request through one policy.

`GitHubClient.call` sends a githubkit request and returns its response or
raises one of `lbconsole.errors` (401 -> `AuthError`, no answer ->
`Unreachable`, a limit past the cap -> `RateLimited`, any other refusal ->
`GatewayError` with GitHub's message and status; `lbconsole.github.failures`).
On the way it waits out short rate limits with a countdown
(`lbconsole.github.ratelimit`), retries an idempotent request that got a
5xx, and records the last rate limit seen. The githubkit client itself
(timeouts, one connection pool) is built by `lbconsole.github.connection`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from githubkit.exception import (
    GitHubException,
    PrimaryRateLimitExceeded,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    SecondaryRateLimitExceeded,
)
from githubkit.response import Response

from lbconsole.core.ports import RateLimit, WaitCallback
from lbconsole.core.settings import GithubSettings
from lbconsole.errors import GatewayError
from lbconsole.github.connection import PooledGitHub, api_host, build_github, graphql_url, rest_api_version
from lbconsole.github.connection import graphql_url as graphql_url_of
from lbconsole.github.failures import describe, failure, github_message, redact, unreachable
from lbconsole.github.ratelimit import (
    DEFAULT_SECONDARY_WAIT_S,
    SERVER_ERROR_BACKOFF_S,
    WaitBudget,
    countdown,
    is_secondary_limit,
    rate_limit_of,
    rate_limited,
    reset_wait,
)

__all__ = ["GitHubClient", "api_host", "build_github", "graphql_url", "rest_api_version"]

T = TypeVar("T")


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
        graphql_url: str | None = None,
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
            graphql_url: the GraphQL endpoint; defaults to the one of `api_url` (`graphql_url`).
            on_wait: called with (seconds left, reason) about once a second
                while a rate limit or a server error is waited out.
            sleep: the sleep function (tests pass a fake).
            clock: POSIX time source (tests pass a fake).
            transport: httpx transport instead of the network (tests).
        """
        self.api_url = (api_url or settings.api_url).rstrip("/")
        self.settings = settings
        self.on_wait = on_wait
        self._answers: dict[tuple[str, str], tuple[str, Any]] = {}
        """(what, ref) -> the ETag and body of its last answer (`conditional`)."""
        self.host = api_host(self.api_url)
        self.graphql_url = graphql_url or graphql_url_of(self.api_url)
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
        if isinstance(github, PooledGitHub):
            github.close()

    @property
    def rate_limit(self) -> RateLimit | None:
        """The core REST limit, or the GraphQL one while no REST answer was seen yet."""
        return self.rate_limits.get("core") or self.rate_limits.get("graphql")

    def _note_rate_limit(self, response: httpx.Response) -> None:
        limit = rate_limit_of(response.headers)
        if limit is not None:
            self.rate_limits[limit.resource] = limit

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep `seconds`, telling ``on_wait`` the time left about once a second."""
        countdown(seconds, reason, self._sleep, self.on_wait)

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
        budget = WaitBudget(self.settings.max_wait_s)
        server_retries = 0
        while True:
            self.requests_sent += 1
            try:
                response = send()
            except RateLimitExceeded as exc:
                self._note_rate_limit(exc.response.raw_response)
                wait, reset_at = reset_wait(exc.response.headers, self._clock())
                kind = "secondary" if isinstance(exc, SecondaryRateLimitExceeded) else "primary"
                if not budget.allows(wait):
                    raise rate_limited(kind, exc.request, wait, reset_at, self.settings.max_wait_s) from exc
                self.wait(wait, f"GitHub {kind} rate limit")
                budget.spend(wait)
                continue
            except RequestFailed as exc:
                raw = exc.response.raw_response
                self._note_rate_limit(raw)
                status = exc.response.status_code
                if is_secondary_limit(status, github_message(raw)):
                    # no Retry-After and requests left; GitHub's advice is to wait a minute
                    wait = DEFAULT_SECONDARY_WAIT_S
                    if not budget.allows(wait):
                        reset_at = self._clock() + wait
                        raise rate_limited("secondary", exc.request, wait, reset_at, self.settings.max_wait_s) from exc
                    self.wait(wait, "GitHub secondary rate limit")
                    budget.spend(wait)
                    continue
                if status >= 500 and idempotent and server_retries < len(SERVER_ERROR_BACKOFF_S):
                    self.wait(SERVER_ERROR_BACKOFF_S[server_retries], f"GitHub answered {status}; retrying")
                    server_retries += 1
                    continue
                raise failure(exc, self._token) from exc
            except RequestError as exc:
                raise unreachable(exc, host=self.host, timeout_s=self.settings.timeout_s, token=self._token) from exc
            except GitHubException as exc:
                raise GatewayError(f"GitHub client error: {redact(repr(exc), self._token)}") from exc
            self._note_rate_limit(response.raw_response)
            return response

    def write(self, send: Callable[[], Response[T]]) -> Response[T]:
        """`call` for a mutating request: never retried on a 5xx.

        Pacing writes (``write_interval_s``) is the executor's job, not this one's.
        """
        return self.call(send, idempotent=False)

    def conditional(self, key: tuple[str, str], send: Callable[[dict[str, str]], Any]) -> Any:
        """GET with the ETag of the last answer for `key`; on a 304, that answer's body."""
        cached = self._answers.get(key)
        extra = {"If-None-Match": cached[0]} if cached else {}
        response = self.call(lambda: send(self.headers(extra)))
        if response.status_code == 304 and cached is not None:
            return cached[1]
        body = self.json(response)
        if len(self._answers) >= 256:
            self._answers.clear()
        if etag := response.headers.get("etag"):
            self._answers[key] = (etag, body)
        return body

    def json(self, response: Response[Any]) -> Any:
        """The JSON body of a successful response, or a GatewayError naming the request."""
        raw = response.raw_response
        try:
            return raw.json()
        except ValueError as exc:
            raise GatewayError(
                f"GitHub's answer to {describe(raw.request)} is not JSON (HTTP {raw.status_code})",
                status=raw.status_code,
            ) from exc

    def graphql(self, query: str, variables: dict[str, Any], *, mutation: bool = False) -> dict[str, Any]:
        """Run one GraphQL query, or a `mutation` (never retried on a 5xx: it may have happened).

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

        self.call(send, idempotent=not mutation)
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
                raise GatewayError(f"GitHub's answer to {describe(response.raw_request)} {what}")
            yield items
            links = response.raw_response.links
            if "link" in response.headers:
                if "next" not in links:
                    return
            elif len(items) < per_page:
                return
