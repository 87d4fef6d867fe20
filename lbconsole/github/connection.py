"""Building the githubkit client: the endpoints, timeouts that fire, one connection pool.

githubkit's defaults do not fit an interactive tool, so lbconsole builds
the client itself:

* **Timeouts that fire.** githubkit's HTTP cache (hishel, on by default)
  rebuilds each request for the network and keeps only its own cache
  extensions, so httpx's per-request ``timeout`` extension is lost and a
  silent server hangs the call forever. lbconsole does its own conditional
  requests (the ETag of `queue_changed`), so the cache buys nothing:
  the client is built with ``http_cache=False`` and an explicit
  ``httpx.Timeout(settings.timeout_s)``. ``tests/unit/test_gateway_client.py``
  proves it against a real socket that never answers (and shows that the
  cached client does not time out).
* **No hidden waits.** githubkit's own retry sleeps until the rate limit
  resets (up to an hour) with no way to show it; it is turned off
  (``auto_retry=False``) and `lbconsole.github.ratelimit` waits instead.
* **One connection pool.** Outside a ``with github:`` block githubkit opens
  (and closes) a new httpx client, TLS context included, for every request;
  `build_github` returns a client that keeps one pool for its lifetime.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

import httpx
from githubkit import GitHub

from lbconsole import __version__
from lbconsole.core.settings import GithubSettings

GHES_REST_API_VERSION = "2022-11-28"
"""REST API version sent to GitHub Enterprise Server, which rejects versions it does not know."""


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


class PooledGitHub(GitHub[Any]):
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
    return PooledGitHub(
        token or None,
        base_url=api_url,
        user_agent=f"lbconsole/{__version__}",
        timeout=httpx.Timeout(settings.timeout_s),
        http_cache=False,
        auto_retry=False,
        transport=transport,
    )
