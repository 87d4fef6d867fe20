"""Dispatch and follow the orchestrator against the simulator, over a real loopback socket.

The dispatched run really executes the engine inside the simulator, so these
tests check what the engine did to the simulator's pull requests, and that
its log reached the consolidated log through the follower.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lbconsole.core.orchestrator import CONFLICT_MARKER, SCAN_MARKER
from lbconsole.core.planner import plan
from lbconsole.core.settings import GithubSettings, Settings
from lbconsole.engine.dispatch import Dispatcher
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.actions import ActionsState
from lbconsole.sim.server import SimHandle, running_simulator

REPO = "acme/rocket"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimHandle]:
    with running_simulator(scenario="demo", seed=0) as handle:
        yield handle


def admin(sim: SimHandle, path: str, body: dict[str, Any] | None = None) -> Any:
    response = httpx.post(f"{sim.url}/_sim/{path}", json=body or {}, timeout=30)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def gw(sim: SimHandle) -> Iterator[GitHubGateway]:
    admin(sim, "reset", {"scenario": "demo", "seed": 0})
    admin(sim, "actions/reset")
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=GithubSettings(write_interval_s=0, timeout_s=30))
    yield gateway
    gateway.close()


def collect() -> tuple[LogBus, list[LogRecord]]:
    bus = LogBus()
    records: list[LogRecord] = []
    bus.subscribe(records.append)
    return bus, records


def test_dispatch_auto_and_follow_it_to_completion(sim: SimHandle, gw: GitHubGateway) -> None:
    admin(sim, "actions/settings", {"auto_run": False})  # the follower's wait advances the run: no timing
    expected = plan(gw.fetch_queue(), "auto", Settings(), sim.state.now())
    merges = [a.pr for a in expected.actions if a.kind == "merge" and a.pr is not None]
    conflicts = [a.pr for a in expected.actions if a.kind == "notify_conflict" and a.pr is not None]
    scans = [a.pr for a in expected.actions if a.kind == "security_scan" and a.pr is not None]
    # the demo exercises every stage
    assert merges
    assert conflicts
    assert scans

    dispatcher = Dispatcher(gw.actions())
    bus, records = collect()
    done = dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, bus=bus)
    assert done.found_by == "run details"
    advanced: list[int] = []

    def wait(seconds: float) -> None:
        assert seconds == 3.0
        advanced.append(admin(sim, f"actions/runs/{done.run_id}/advance")["id"])

    result = dispatcher.follow(done.run_id, bus=bus, sleep=wait)

    assert (result.status, result.conclusion, result.exit_code) == ("completed", "success", 0)
    assert len(advanced) == 1 + 2 * 8  # start, then each of the eight steps starts and completes
    texts = [r.text for r in records]
    assert "step 6 'Plan (stops the run when there is nothing to do)' completed: success" in texts
    assert "step 7 'Run the plan' completed: success" in texts
    # the job's real engine output arrived in the consolidated log, tagged with the job
    job_lines = [r for r in records if r.job == "orchestrate" and r.text.startswith(("merge #", "run: "))]
    assert f"merge #{merges[0]}: merged" in " ".join(r.text for r in job_lines)
    assert any(r.text.startswith("run: finished: done") for r in job_lines)
    assert all(r.source == "workflow" for r in job_lines)
    # ...and the simulator's pull requests changed as the plan said
    state = sim.state
    with state.lock:
        assert state.pulls[merges[0]].merged is True
        for number in conflicts:
            assert "needs-rebase" in state.pulls[number].labels
            assert any(CONFLICT_MARKER in c.body for c in state.comments_on(number))
        for number in scans:
            assert any(SCAN_MARKER in c.body for c in state.comments_on(number))
    requests = httpx.get(f"{sim.url}/_sim/requests", timeout=10).json()
    assert "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches" in json.dumps(requests)


def test_a_dry_run_changes_nothing(sim: SimHandle, gw: GitHubGateway) -> None:
    before = {n: sim.state.snapshot(n) for n in sorted(sim.state.pulls)}
    dispatcher = Dispatcher(gw.actions())
    bus, records = collect()
    done = dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, dry_run=True, bus=bus)
    actions = ActionsState.of(sim.state)
    result = dispatcher.follow(done.run_id, bus=bus, sleep=lambda s: until_done(actions, done.run_id))
    assert result.exit_code == 0
    assert any(r.job == "orchestrate" and r.text.startswith("run: dry run of the auto plan") for r in records)
    assert {n: sim.state.snapshot(n) for n in sorted(sim.state.pulls)} == before


def test_old_github_enterprise_falls_back_to_finding_the_run_by_correlation_id(
    sim: SimHandle, gw: GitHubGateway
) -> None:
    admin(sim, "actions/legacy-dispatch", {"enabled": True})
    actions = ActionsState.of(sim.state)
    dispatcher = Dispatcher(gw.actions(), sleep=lambda s: None)
    bus, records = collect()
    done = dispatcher.dispatch("merge-only", merge_limit=1, conflict_limit=0, bus=bus, correlation_id="f" * 32)
    assert done.found_by == "run list"
    run = actions.run(done.run_id)
    assert run.display_title == "lambda-bot merge-only " + "f" * 32
    assert run.inputs["merge_limit"] == "1"
    result = dispatcher.follow(done.run_id, bus=bus, sleep=lambda s: until_done(actions, done.run_id))
    assert result.exit_code == 0
    merged = [r.text for r in records if r.job == "orchestrate" and r.text.startswith("merge #")]
    assert len([t for t in merged if ": merged" in t]) == 1  # the run's merge_limit of 1 was honoured


def test_a_missing_workflow_is_explained(sim: SimHandle, gw: GitHubGateway) -> None:
    from lbconsole.errors import ConfigError

    dispatcher = Dispatcher(gw.actions(), workflow="nope.yml")
    with pytest.raises(ConfigError, match=r"workflow nope.yml not found in acme/rocket: run `lbconsole workflow init`"):
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3)


def until_done(actions: ActionsState, run_id: int) -> None:
    """The follower's wait: a bounded wait for the run to complete, never a guessed sleep."""
    assert actions.wait(run_id, 30)


def test_a_stopped_simulator_leaves_no_actions_worker_behind() -> None:
    with running_simulator(scenario="demo", seed=0) as handle:
        actions = ActionsState.of(handle.state)
        actions._ensure_worker()  # as a dispatch does
        worker = actions._worker
        assert worker is not None
        assert worker.is_alive()
    assert not worker.is_alive()
