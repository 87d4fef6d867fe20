"""Rate limits as GitHub shapes them, and the gateway under each.

A secondary limit is an HTTP error that leaves the primary bucket alone
(`x-ratelimit-remaining` stays what it was), with or without `Retry-After`;
`GET /rate_limit` answers even while a limit is exhausted.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lbconsole.core.settings import GithubSettings
from lbconsole.github.gateway import GitHubGateway
from lbconsole.github.ratelimit import DEFAULT_SECONDARY_WAIT_S
from lbconsole.sim.server import SimHandle

REPO = "/repos/acme/rocket"


@pytest.fixture
def admin(sim: SimHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        yield client
        client.delete("/_sim/faults")


def test_secondary_limit_without_retry_after_leaves_remaining_as_it_was(admin: httpx.Client) -> None:
    before = admin.get(REPO)
    admin.post("/_sim/faults", json={"rate_limited": True, "secondary": True, "count": 1})
    limited = admin.get(REPO)
    assert limited.status_code == 403
    assert "secondary rate limit" in limited.json()["message"]
    assert "retry-after" not in limited.headers
    assert int(limited.headers["x-ratelimit-remaining"]) > 0
    assert limited.headers["x-ratelimit-reset"] == before.headers["x-ratelimit-reset"]


def test_secondary_limit_with_retry_after_leaves_remaining_as_it_was(admin: httpx.Client) -> None:
    admin.post("/_sim/faults", json={"rate_limited": True, "error_status": 429, "retry_after": 7, "count": 1})
    limited = admin.get(REPO)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    assert int(limited.headers["x-ratelimit-remaining"]) > 0


def test_rate_limit_answers_while_the_limit_is_exhausted(admin: httpx.Client, sim: SimHandle) -> None:
    admin.post("/_sim/faults", json={"rate_limited": True, "error_status": 403})
    assert admin.get(REPO).status_code == 403
    answer = admin.get("/rate_limit")
    assert answer.status_code == 200
    assert answer.json()["resources"]["core"]["limit"] == 5000
    admin.delete("/_sim/faults")
    sim.state.core.used = sim.state.core.limit  # the primary bucket spent
    assert admin.get(REPO).status_code == 403
    assert admin.get("/rate_limit").json()["resources"]["core"]["remaining"] == 0


def test_gateway_waits_a_minute_on_a_secondary_limit_without_retry_after(sim: SimHandle, admin: httpx.Client) -> None:
    gateway = GitHubGateway("acme/rocket", api_url=sim.url, settings=GithubSettings(write_interval_s=0, timeout_s=10))
    waits: list[float] = []
    gateway.client._sleep = waits.append  # no real waiting in a test
    try:
        admin.post(
            "/_sim/faults", json={"rate_limited": True, "secondary": True, "count": 1, "routes": ["/pulls/{number}"]}
        )
        snap = gateway.get_pull(1201)
    finally:
        gateway.close()
    assert snap.number == 1201
    assert sum(waits) == pytest.approx(DEFAULT_SECONDARY_WAIT_S, abs=1)
