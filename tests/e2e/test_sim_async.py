"""GitHub's asynchronous side, on the simulated clock, and lbconsole under it.

After the base moves, GitHub reads the other PRs' mergeability as UNKNOWN
while it computes test merges; update-branch answers 202 before the head
moves. The simulator does both when its delays are set, and the executor
must wait out UNKNOWN (bounded, with its injectable sleep) instead of
skipping a PR as behind or conflicting. A dispatched run shows in the runs
list only after a delay, so the dispatcher's correlation-id search retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.core.plan import Action, Plan
from lbconsole.core.settings import GithubSettings, Limits, Settings
from lbconsole.engine.dispatch import Dispatcher
from lbconsole.engine.logbus import LogBus
from lbconsole.engine.run import run_plan
from lbconsole.errors import LbError
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.actions import ActionsState
from lbconsole.sim.server import SimHandle

REPO = "acme/rocket"
FAST = Settings(github=GithubSettings(write_interval_s=0, timeout_s=10))
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def admin(sim: SimHandle, path: str, body: dict[str, Any] | None = None, method: str = "POST") -> Any:
    response = httpx.request(method, f"{sim.url}/_sim/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def gw(sim: SimHandle) -> Iterator[GitHubGateway]:
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=FAST.github)
    yield gateway
    gateway.close()


def plan_of(sim: SimHandle, *numbers: int, kind: str = "merge") -> Plan:
    """A plan of `kind` actions on the PRs' current heads; merged heads carry a passed built-in scan, as after
    the plan's gate scan, so only GitHub's asynchronous side can stop them."""
    if kind == "merge":
        for n in numbers:
            sim.state.add_status(sim.state.pulls[n].head_sha, "success", SCAN_CONTEXT)
    actions = tuple(Action(kind, pr=n, head_sha=sim.state.pulls[n].head_sha, reason="ready") for n in numbers)
    return Plan(repo=REPO, mode="auto", generated_at=NOW, limits=Limits(), actions=actions)


def test_other_pulls_read_unknown_after_a_merge_then_resolve(sim: SimHandle, gw: GitHubGateway) -> None:
    admin(sim, "settings", {"mergeability_delay_s": 30})
    gw.merge(1201, sha=sim.state.pulls[1201].head_sha, method="squash")
    pull = admin(sim, "state/pulls/1265", method="GET")
    assert (pull["mergeable"], pull["merge_state"]) == ("UNKNOWN", "UNKNOWN")
    assert gw.get_pull(1265).merge_state.name == "UNKNOWN"
    admin(sim, "clock/advance", {"seconds": 31})
    pull = admin(sim, "state/pulls/1265", method="GET")
    assert (pull["mergeable"], pull["merge_state"]) == ("MERGEABLE", "BEHIND")  # strict protection: behind now


def test_a_pull_touching_the_merged_files_resolves_to_conflicting(sim: SimHandle, gw: GitHubGateway) -> None:
    state = sim.state
    admin(sim, "settings", {"mergeability_delay_s": 5})
    state.pulls[1265].files = list(state.pulls[1201].files)  # both change the same file
    gw.merge(1201, sha=state.pulls[1201].head_sha, method="squash")
    assert admin(sim, "state/pulls/1265", method="GET")["mergeable"] == "UNKNOWN"
    admin(sim, "clock/advance", {"seconds": 6})
    assert admin(sim, "state/pulls/1265", method="GET")["merge_state"] == "DIRTY"


def test_executor_waits_out_unknown_after_a_merge(sim: SimHandle, gw: GitHubGateway, tmp_path: Any) -> None:
    admin(sim, "settings", {"mergeability_delay_s": 3, "strict": False})
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # the engine's wait moves the simulated clock, never the real one
        waits.append(seconds)
        sim.state.clock.advance(seconds)

    report = run_plan(
        plan_of(sim, 1201, 1265), gw, settings=FAST, bus=LogBus(), apply=True, state_dir=tmp_path, sleep=sleep
    )
    assert [o.outcome for o in report.outcomes] == ["done", "done"]
    assert sim.state.pulls[1265].merged
    assert waits  # it re-read UNKNOWN at least once instead of skipping


def test_executor_skips_a_pull_still_unknown_after_its_polls(sim: SimHandle, gw: GitHubGateway, tmp_path: Any) -> None:
    admin(sim, "settings", {"mergeability_delay_s": 3600, "strict": False})
    waits: list[float] = []
    report = run_plan(
        plan_of(sim, 1201, 1265), gw, settings=FAST, bus=LogBus(), apply=True, state_dir=tmp_path, sleep=waits.append
    )
    first, second = report.outcomes
    assert (first.outcome, second.outcome) == ("done", "skipped")
    assert "mergeability unknown" in second.message
    assert "behind" not in second.message
    assert "conflicting" not in second.message
    assert len(waits) == 3  # bounded
    assert not sim.state.pulls[1265].merged


def test_update_branch_answers_202_and_moves_the_head_later(sim: SimHandle, gw: GitHubGateway, tmp_path: Any) -> None:
    admin(sim, "settings", {"update_branch_delay_s": 10})
    before = admin(sim, "state/pulls/1220", method="GET")
    assert before["merge_state"] == "BEHIND"
    report = run_plan(
        plan_of(sim, 1220, kind="update_branch"), gw, settings=FAST, bus=LogBus(), apply=True, state_dir=tmp_path
    )
    assert [o.outcome for o in report.outcomes] == ["done"]
    pending = admin(sim, "state/pulls/1220", method="GET")
    assert pending["head_sha"] == before["head_sha"]
    assert pending["update_pending"] is True
    admin(sim, "clock/advance", {"seconds": 11})
    moved = admin(sim, "state/pulls/1220", method="GET")
    assert moved["head_sha"] != before["head_sha"]
    assert moved["behind"] is False
    assert moved["update_pending"] is False


def late_run_dispatcher(sim: SimHandle, gw: GitHubGateway, waits: list[float], **kwargs: Any) -> Dispatcher:
    admin(sim, "actions/settings", {"auto_run": False, "list_delay_s": 5})
    admin(sim, "actions/legacy-dispatch", {"enabled": True})  # no run details: the run must be found in the list

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        sim.state.clock.advance(seconds)

    return Dispatcher(gw.actions(), sleep=sleep, **kwargs)


def test_dispatch_finds_a_run_that_appears_late(sim: SimHandle, gw: GitHubGateway) -> None:
    waits: list[float] = []
    dispatcher = late_run_dispatcher(sim, gw, waits)
    done = dispatcher.dispatch("auto", merge_limit=1, conflict_limit=0, bus=LogBus(), correlation_id="a" * 32)
    assert done.found_by == "run list"
    assert ActionsState.of(sim.state).run(done.run_id).display_title.endswith("a" * 32)
    assert len(waits) == 3  # 2 s a poll: not listed at 0, 2 and 4 s, listed at 6 s


def test_dispatch_gives_up_on_a_run_that_never_appears_in_time(sim: SimHandle, gw: GitHubGateway) -> None:
    waits: list[float] = []
    dispatcher = late_run_dispatcher(sim, gw, waits, find_attempts=2)
    with pytest.raises(LbError, match="no run named with correlation id"):
        dispatcher.dispatch("auto", merge_limit=1, conflict_limit=0, bus=LogBus(), correlation_id="b" * 32)
    assert waits == [2.0]


def test_checks_on_a_new_head_go_queued_in_progress_completed_on_a_frozen_clock(sim: SimHandle) -> None:
    frozen = admin(sim, "clock", {"freeze": True, "now": "2026-11-23T12:00:00Z"})
    assert frozen == {"now": "2026-11-23T12:00:00Z", "frozen": True}
    admin(sim, "settings", {"checks_queue_s": 5, "checks_delay_s": 60})
    admin(sim, "pulls/1201/push")

    def statuses() -> set[str]:
        return {run["status"] for run in admin(sim, "state/pulls/1201", method="GET")["check_runs"]}

    assert statuses() == {"queued"}
    admin(sim, "clock", {"advance": 5})
    assert statuses() == {"in_progress"}
    assert admin(sim, "state/pulls/1201", method="GET")["merge_state"] == "BLOCKED"
    admin(sim, "clock", {"advance": 60})
    assert statuses() == {"completed"}
    assert admin(sim, "clock", {"freeze": False})["now"] == "2026-11-23T12:01:05Z"


def test_unknown_scenario_pulls_resolve_unless_pinned(sim: SimHandle) -> None:
    admin(sim, "clock", {"freeze": True})
    unknown = [p.number for p in sim.state.open_pulls() if p.mergeable == "UNKNOWN"]
    assert len(unknown) >= 2  # the demo has PRs GitHub is still computing
    pinned, free = unknown[0], unknown[1]
    admin(sim, f"pulls/{pinned}", {"pinned": True}, method="PATCH")
    admin(sim, "settings", {"mergeability_delay_s": 10})
    assert admin(sim, f"state/pulls/{free}", method="GET")["mergeable"] == "UNKNOWN"
    admin(sim, "clock", {"advance": 10})
    assert admin(sim, f"state/pulls/{free}", method="GET")["mergeable"] == "MERGEABLE"
    assert admin(sim, f"state/pulls/{pinned}", method="GET")["mergeable"] == "UNKNOWN"
