"""The simulator's one clock: a fixed anchor for tests, the wall clock for the demo and `lbconsole sim`."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest

from lbconsole.sim.scenarios import build, builders
from lbconsole.sim.state import DEFAULT_NOW, model
from lbconsole.sim.state.model import SimClock

T0 = datetime(2027, 3, 1, 9, 30, 0, tzinfo=UTC)


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The wall clock the real clock reads: set `wall[0]` to move it."""
    now = [T0]
    monkeypatch.setattr(model, "wall_now", lambda: now[0])
    monkeypatch.setattr(builders, "wall_now", lambda: now[0])
    return now


def test_a_test_clock_starts_at_its_anchor_and_a_real_one_at_the_wall(wall: list[datetime]) -> None:
    assert SimClock().anchor == DEFAULT_NOW
    assert not SimClock().real
    real = SimClock(real=True)
    assert real.real
    assert real.anchor == T0
    assert T0 <= real.now() < T0 + timedelta(seconds=5)


def test_a_restored_real_clock_has_caught_up_with_the_wall(wall: list[datetime]) -> None:
    saved = pickle.dumps(SimClock(real=True))
    wall[0] = T0 + timedelta(days=3)  # the next demo command runs three days later
    restored = pickle.loads(saved)
    assert restored.real
    assert T0 + timedelta(days=3) <= restored.now() < T0 + timedelta(days=3, seconds=5)


def test_a_restored_real_clock_moved_ahead_stays_ahead(wall: list[datetime]) -> None:
    clock = SimClock(real=True)
    clock.advance(7200)
    restored = pickle.loads(pickle.dumps(clock))
    assert restored.now() >= T0 + timedelta(hours=2)


def test_a_restored_test_clock_goes_on_from_where_it_was_saved(wall: list[datetime]) -> None:
    saved = pickle.dumps(SimClock())
    wall[0] = T0 + timedelta(days=30)
    restored = pickle.loads(saved)
    assert DEFAULT_NOW <= restored.now() < DEFAULT_NOW + timedelta(seconds=5)


def test_a_frozen_real_clock_stays_frozen_when_restored(wall: list[datetime]) -> None:
    clock = SimClock(real=True)
    clock.freeze(T0 - timedelta(days=1))
    wall[0] = T0 + timedelta(days=1)
    restored = pickle.loads(pickle.dumps(clock))
    assert restored.now() == T0 - timedelta(days=1)


def test_a_scenario_on_the_real_clock_keeps_its_dates_relative_to_it(wall: list[datetime]) -> None:
    fixed, real = build("demo", 0), build("demo", 0, real_clock=True)
    assert real.clock.real
    assert real.clock.anchor == T0
    for number, pull in fixed.pulls.items():  # every PR is as old on the wall clock as in the fixed scenario
        assert real.pulls[number].created_at - T0 == pull.created_at - DEFAULT_NOW


def test_a_reset_of_a_simulator_on_the_wall_clock_stays_on_it() -> None:
    import httpx

    from lbconsole.sim.server import running_simulator

    with running_simulator(real_clock=True) as sim:
        httpx.post(f"{sim.url}/_sim/reset", json={"scenario": "demo"}, timeout=10).raise_for_status()
        assert sim.state.clock.real
        assert abs(sim.state.now() - datetime.now(UTC)) < timedelta(seconds=10)
        httpx.post(f"{sim.url}/_sim/reset", json={"now": "2026-01-02T03:04:05Z"}, timeout=10).raise_for_status()
        assert not sim.state.clock.real  # a stated anchor is a test's fixed clock
        assert sim.state.clock.anchor == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_wall_clock_simulator_moves_its_rate_limit_windows_with_its_clock() -> None:
    import httpx

    from lbconsole.sim.server import running_simulator

    with running_simulator(real_clock=True) as sim, httpx.Client(base_url=sim.url, timeout=10) as http:
        http.post("/_sim/settings", json={"rate_limit": 3}).raise_for_status()
        for _ in range(3):
            http.get("/repos/acme/rocket/pulls/1211").raise_for_status()
        limited = http.get("/repos/acme/rocket/pulls/1211")
        assert limited.status_code == 403
        reset = int(limited.headers["x-ratelimit-reset"])
        assert abs(reset - (sim.state.now().timestamp() + 3600)) < 10  # the window started with the first request
        http.post("/_sim/clock", json={"advance": 3601}).raise_for_status()  # an hour on the simulator's clock
        again = http.get("/repos/acme/rocket/pulls/1211")
        assert again.status_code == 200
        assert int(again.headers["x-ratelimit-reset"]) > reset  # a new window, with no real hour waited
