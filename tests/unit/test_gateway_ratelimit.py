"""The rate-limit waiting policy, without a client: how long to wait, when to give up."""

from __future__ import annotations

import httpx

from lbconsole.core.ports import RateLimit
from lbconsole.github.ratelimit import (
    DEFAULT_SECONDARY_WAIT_S,
    RATE_LIMIT_RETRIES,
    WaitBudget,
    countdown,
    is_secondary_limit,
    rate_limit_of,
    rate_limited,
    reset_wait,
)


def test_retry_after_wins_then_the_reset_time_with_a_second_of_slack_then_a_minute() -> None:
    assert reset_wait(httpx.Headers({"retry-after": "7", "x-ratelimit-reset": "2000"}), 1000.0) == (7.0, 1007.0)
    assert reset_wait(httpx.Headers({"x-ratelimit-reset": "1010"}), 1000.0) == (11.0, 1010.0)
    assert reset_wait(httpx.Headers({"x-ratelimit-reset": "990"}), 1000.0) == (1.0, 990.0)
    assert reset_wait(httpx.Headers({"retry-after": "soon"}), 1000.0) == (60.0, 1060.0)
    assert reset_wait(httpx.Headers({}), 1000.0) == (DEFAULT_SECONDARY_WAIT_S, 1000.0 + DEFAULT_SECONDARY_WAIT_S)


def test_the_budget_caps_the_total_wait_and_the_number_of_waits() -> None:
    budget = WaitBudget(max_wait_s=30)
    assert budget.allows(30)
    assert not budget.allows(31)
    for _ in range(RATE_LIMIT_RETRIES):
        assert budget.allows(1)
        budget.spend(1)
    assert not budget.allows(1)  # out of retries, though seconds are left
    assert budget.waited == RATE_LIMIT_RETRIES


def test_rate_limit_headers_are_read_for_core_and_graphql_only() -> None:
    headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "12", "x-ratelimit-reset": "1700000000"}
    assert rate_limit_of(headers) == RateLimit(limit=5000, remaining=12, reset_at=1700000000.0, resource="core")
    graphql = rate_limit_of({**headers, "x-ratelimit-resource": "graphql"})
    assert graphql is not None
    assert graphql.resource == "graphql"
    assert rate_limit_of({**headers, "x-ratelimit-resource": "search"}) is None
    assert rate_limit_of({"x-ratelimit-limit": "5000"}) is None


def test_a_secondary_limit_is_recognised_by_its_message() -> None:
    assert is_secondary_limit(403, "You have exceeded a secondary rate limit. Please wait")
    assert is_secondary_limit(429, "You have exceeded a Secondary Rate Limit")
    assert not is_secondary_limit(403, "Resource not accessible by integration")
    assert not is_secondary_limit(500, "secondary rate limit")


def test_the_error_says_when_the_limit_resets_and_the_cap() -> None:
    request = httpx.Request("GET", "https://api.github.com/repos/acme/rocket/pulls")

    error = rate_limited("primary", request, 1200, 1_700_000_000, 300)

    assert error.message == (
        "GitHub's primary rate limit is exhausted (GET /repos/acme/rocket/pulls); it resets at 22:13:20 UTC, "
        "in 1200s, more than the 300s lbconsole waits per request (github.max_wait_s). Try again after the reset."
    )
    assert (error.reset_at, error.wait_s, error.exit_code) == (1_700_000_000, 1200, 4)


def test_the_countdown_reports_about_once_a_second_then_zero() -> None:
    seen: list[tuple[float, str]] = []
    slept: list[float] = []

    countdown(2.5, "GitHub primary rate limit", slept.append, lambda left, why: seen.append((left, why)))

    assert slept == [1.0, 1.0, 0.5]
    assert [left for left, _ in seen] == [2.5, 1.5, 0.5, 0.0]
