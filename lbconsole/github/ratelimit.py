"""How long lbconsole waits for GitHub's rate limits, and when it gives up instead.

A short limit is waited out with a countdown (``on_wait(seconds_left,
reason)`` about once a second, the console's status bar), a long one is a
`RateLimited` error at once: the wait cap (``github.max_wait_s``) is for a
whole call, retries included, and a call waits at most `RATE_LIMIT_RETRIES`
times. The sleep and the clock are the caller's (tests pass fakes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import httpx

from lbconsole.core.ports import RateLimit, WaitCallback
from lbconsole.errors import RateLimited
from lbconsole.github.failures import describe

RATE_LIMIT_RETRIES = 2
"""How many times one call may wait out a rate limit before giving up."""

DEFAULT_SECONDARY_WAIT_S = 60.0
"""GitHub's advice when a secondary limit names no time: wait at least a minute."""

SERVER_ERROR_BACKOFF_S: tuple[float, ...] = (1.0, 2.0)
"""Waits before retrying an idempotent request that got a 5xx (one retry per entry)."""


class WaitBudget:
    """The rate-limit waits one call has made, against the cap."""

    def __init__(self, max_wait_s: float) -> None:
        """A budget of `max_wait_s` seconds and `RATE_LIMIT_RETRIES` waits."""
        self.max_wait_s = max_wait_s
        self.waits = 0
        self.waited = 0.0
        """Seconds of rate-limit wait so far."""

    def allows(self, wait: float) -> bool:
        """Whether the call may wait `wait` seconds more."""
        return self.waited + wait <= self.max_wait_s and self.waits < RATE_LIMIT_RETRIES

    def spend(self, wait: float) -> None:
        """Count a wait that was made."""
        self.waits += 1
        self.waited += wait


def rate_limit_of(headers: Mapping[str, str]) -> RateLimit | None:
    """The REST (`core`) or GraphQL limit a response's ``x-ratelimit-*`` headers report, if complete."""
    resource = headers.get("x-ratelimit-resource", "core")
    if resource not in ("core", "graphql"):
        return None
    try:
        return RateLimit(
            limit=int(headers["x-ratelimit-limit"]),
            remaining=int(headers["x-ratelimit-remaining"]),
            reset_at=float(headers["x-ratelimit-reset"]),
            resource=resource,
        )
    except (KeyError, ValueError):
        return None


def reset_wait(headers: Mapping[str, str], now: float) -> tuple[float, float]:
    """(seconds to wait, POSIX reset time) from the headers of a rate-limited response.

    ``retry-after`` wins; else ``x-ratelimit-reset`` plus a second of slack
    (it is rounded to whole seconds); else GitHub's advice of a minute.
    """
    try:
        if "retry-after" in headers:
            wait = max(0.0, float(headers["retry-after"]))
            return wait, now + wait
        if "x-ratelimit-reset" in headers:
            reset_at = float(headers["x-ratelimit-reset"])
            return max(0.0, reset_at - now) + 1.0, reset_at
    except ValueError:
        pass
    return DEFAULT_SECONDARY_WAIT_S, now + DEFAULT_SECONDARY_WAIT_S


def is_secondary_limit(status: int, message: str) -> bool:
    """GitHub's third kind of limit: a 403/429 that says so, with no Retry-After and requests left."""
    return status in (403, 429) and "secondary rate limit" in message.lower()


def rate_limited(kind: str, request: httpx.Request, wait: float, reset_at: float, max_wait_s: float) -> RateLimited:
    """The error for a `kind` (primary, secondary) limit that would need more than `max_wait_s`."""
    when = datetime.fromtimestamp(reset_at, tz=UTC).strftime("%H:%M:%S UTC")
    return RateLimited(
        f"GitHub's {kind} rate limit is exhausted ({describe(request)}); it resets at {when}, "
        f"in {wait:.0f}s, more than the {max_wait_s:.0f}s lbconsole waits per request "
        "(github.max_wait_s). Try again after the reset.",
        reset_at=reset_at,
        wait_s=wait,
    )


def countdown(seconds: float, reason: str, sleep: Callable[[float], None], on_wait: WaitCallback | None) -> None:
    """Sleep `seconds`, telling `on_wait` the time left about once a second, then 0."""
    left = seconds
    while left > 0:
        if on_wait is not None:
            on_wait(left, reason)
        step = min(1.0, left)
        sleep(step)
        left -= step
    if on_wait is not None:
        on_wait(0.0, reason)
