"""Faults closer to life: a write applied whose answer is lost, and error patterns from a seed the test chooses."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lbconsole.sim.server import SimHandle

REPO = "/repos/acme/rocket"


@pytest.fixture
def client(sim: SimHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as c:
        yield c
        c.delete("/_sim/faults")


def test_write_applied_then_a_502(client: httpx.Client, sim: SimHandle) -> None:
    client.post("/_sim/faults", json={"after_write": "502", "error_rate": 1.0, "count": 1, "routes": ["/labels"]})
    answer = client.post(f"{REPO}/issues/1201/labels", json={"labels": ["bug"]})
    assert answer.status_code == 502
    assert "bug" in sim.state.pulls[1201].labels  # GitHub did it; only the answer was lost


def test_write_applied_then_the_connection_drops(client: httpx.Client, sim: SimHandle) -> None:
    client.post("/_sim/faults", json={"after_write": "drop", "error_rate": 1.0, "count": 1, "routes": ["/comments"]})
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(f"{REPO}/issues/1201/comments", json={"body": "lost"})
    assert [c.body for c in sim.state.comments_on(1201)][-1:] == ["lost"]
    assert client.get(f"{REPO}/issues/1201/comments").status_code == 200  # count=1: cleared


def pattern(client: httpx.Client, seed: int) -> list[int]:
    client.post("/_sim/faults", json={"error_rate": 0.5, "error_status": 503, "seed": seed})
    statuses = [client.get(f"{REPO}/pulls/1201").status_code for _ in range(24)]
    client.delete("/_sim/faults")
    return statuses


def test_a_fault_seed_chooses_the_error_pattern(client: httpx.Client) -> None:
    first = pattern(client, 7)
    assert set(first) == {200, 503}
    assert pattern(client, 7) == first  # the same seed, the same pattern
    assert pattern(client, 8) != first  # another seed, another pattern
