"""`lbconsole cost` against the simulator's Actions history, over a real loopback socket.

The simulator's demo repository has three weeks of runs: its 14 legacy bots
until the orchestrator was enabled a week ago, the orchestrator since. The
gateway lists them with the `created` filter, reads each run's jobs once and
keeps completed runs on disk, so a second call asks only for what is new.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from lbconsole.cli import main
from lbconsole.core.cost import build_report
from lbconsole.core.settings import CostSettings, GithubSettings
from lbconsole.github.gateway import GitHubGateway
from lbconsole.github.history import RunCache, list_created, read_history
from lbconsole.sim.actions import ActionsState
from lbconsole.sim.server import SimHandle, running_simulator


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    with running_simulator(scenario="demo", seed=0, history=True) as handle:
        yield handle


def _gateway(sim: SimHandle) -> GitHubGateway:
    return GitHubGateway("acme/rocket", settings=GithubSettings(api_url=sim.url, write_interval_s=0))


def test_the_created_filter_lists_the_runs_of_a_range(sim: SimHandle) -> None:
    now = sim.state.clock.now().replace(microsecond=0)
    day = (now - timedelta(days=3)).date().isoformat()
    runs = ActionsState.of(sim.state).runs.values()
    expected = {r.id for r in runs if r.created_at.date().isoformat() == day}
    listed: set[int] = set()
    page = 1
    while True:
        answer = httpx.get(
            f"{sim.url}/repos/acme/rocket/actions/runs", params={"created": day, "per_page": 100, "page": page}
        )
        assert answer.status_code == 200
        body = answer.json()
        assert body["total_count"] == len(expected)
        listed |= {r["id"] for r in body["workflow_runs"]}
        if 'rel="next"' not in answer.headers.get("link", ""):
            break
        page += 1
    assert listed == expected
    assert len(expected) > 20
    bad = httpx.get(f"{sim.url}/repos/acme/rocket/actions/runs", params={"created": ">=yesterday"})
    assert bad.status_code == 422


def test_a_busy_range_is_split_under_githubs_cap(sim: SimHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lbconsole.github.history.SEARCH_CAP", 50)
    now = sim.state.clock.now().replace(microsecond=0)
    start = now - timedelta(days=9)
    gateway = _gateway(sim)
    found = list_created(gateway.actions(), start, now)
    expected = {r.id for r in ActionsState.of(sim.state).runs.values() if start <= r.created_at < now}
    assert sorted(r.id for r in found) == sorted(expected)


def test_a_second_call_reads_only_new_runs_from_github(sim: SimHandle, tmp_path: Path) -> None:
    now = sim.state.clock.now().replace(microsecond=0)
    start = now - timedelta(days=2)
    gateway = _gateway(sim)
    file = tmp_path / "cache.json"
    first = read_history(gateway.actions(), start, now - timedelta(hours=6), RunCache(file))
    assert first.cached == 0
    assert first.requests > len(first.records) > 40
    second = read_history(gateway.actions(), start, now, RunCache(file))
    new = len(second.records) - len(first.records)
    assert second.cached == len(first.records)
    assert new > 0
    assert second.requests <= new + 2  # the runs list of the last six hours, and one jobs list per new run
    third = read_history(gateway.actions(), start, now, RunCache(file))
    assert third.cached == len(second.records)
    assert third.requests == 0
    report = build_report("acme/rocket", third.records, CostSettings(), start=start, end=now)
    fresh = build_report(
        "acme/rocket", read_history(gateway.actions(), start, now).records, CostSettings(), start=start, end=now
    )
    assert report.total == fresh.total
    assert report.total.minutes > 0


def test_demo_cost_prints_a_believable_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "cost", "--days", "10", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "lbconsole.cost/1"
    assert data["repo"] == "acme/rocket"
    workflows = {row["workflow"] for row in data["by_workflow"]}
    assert len(workflows - {"ΛBot orchestrator"}) == 14
    assert "ΛBot orchestrator" in workflows
    before, after = data["before"], data["after"]
    assert before["billed_minutes_per_day"] > 5 * after["billed_minutes_per_day"] > 0
    assert data["waste"]["empty_plan_runs"]["runs"] > 0
    assert data["waste"]["short_jobs"] > 0
    assert data["requests"] >= data["total"]["runs"]
    assert data["cached_runs"] == 0
    assert sum(row["runs"] for row in data["by_event"]) == data["total"]["runs"]
    assert main(["--demo", "cost", "--days", "1"]) == 0
    text = capsys.readouterr().out
    assert "Rounding: each job's runtime is rounded up to the whole minute" in text
    assert "API requests:" in text
    assert "Projected month" in text


def test_bad_days_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "cost", "--days", "0"]) != 0
    assert "--days must be between 1 and 400" in capsys.readouterr().err


def test_past_the_request_budget_runs_are_estimated_and_read_by_the_next_call(sim: SimHandle, tmp_path: Path) -> None:
    now = sim.state.clock.now().replace(microsecond=0)
    start = now - timedelta(days=9)
    gateway = _gateway(sim)
    file = tmp_path / "cache.json"
    first = read_history(gateway.actions(), start, now, RunCache(file), budget=300)
    estimated = [r for r in first.records if r.estimated]
    read = [r for r in first.records if not r.estimated]
    assert len(read) == 300
    assert len(estimated) == len(first.records) - 300
    assert {r.run.path for r in read} == {r.run.path for r in first.records}  # every workflow gets its share
    report = build_report("acme/rocket", first.records, CostSettings(), start=start, end=now)
    full = build_report(
        "acme/rocket", read_history(gateway.actions(), start, now).records, CostSettings(), start=start, end=now
    )
    assert report.total.estimated == len(estimated)
    assert report.total.runs == full.total.runs
    assert abs(report.total.minutes - full.total.minutes) <= 0.15 * full.total.minutes  # the medians stand in well
    second = read_history(gateway.actions(), start, now, RunCache(file), budget=300)
    assert sum(not r.estimated for r in second.records) == 600
    assert second.cached == 300
