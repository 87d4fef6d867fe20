"""Merge strategies end to end: the real gateway and executor against the simulator under strict protection.

The `strict:N` scenario has N ready PRs; every new head gets 5 simulated
minutes of CI. The executor's waits advance the simulator's clock, so a
train of five cars runs in well under a second of real time. Each test
asserts the simulator's own final state: which PRs merged, at which head,
after which checks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from lbconsole.core.planner import plan
from lbconsole.core.settings import GithubSettings, Settings
from lbconsole.engine.executor import execute
from lbconsole.engine.logbus import LogBus
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.server import SimHandle, running_simulator
from lbconsole.sim.state.checks import FAILING_CONCLUSIONS

REPO = "acme/rocket"


@pytest.fixture(scope="module")
def server() -> Iterator[SimHandle]:
    with running_simulator(scenario="strict:6") as handle:
        yield handle


@pytest.fixture
def sim(server: SimHandle) -> SimHandle:
    server.reset("strict:6")
    state = server.state
    state.update_branch_delay_s = 4.0  # GitHub moves the head a little after its 202
    state.mergeability_delay_s = 3.0  # and computes the other PRs' test merges after a merge
    return server


def settings(strategy: str, budget: int = 1800) -> Settings:
    s = Settings()
    return replace(
        s,
        merge=replace(s.merge, strategy=strategy, train_budget_s=budget),
        github=GithubSettings(write_interval_s=0, timeout_s=10),
    )


def run(sim: SimHandle, config: Settings, cancel: threading.Event | None = None) -> Any:
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=config.github)
    try:
        queue = gateway.fetch_queue()
        planned = plan(queue, "merge-only", config, sim.state.now())
        report = execute(
            planned,
            gateway,
            settings=config,
            bus=LogBus(),
            apply=True,
            sleep=sim.state.clock.advance,  # simulated waiting: the sim's clock moves, no real time passes
            cancel=cancel,
        )
    finally:
        gateway.close()
    return planned, report


def merged(sim: SimHandle) -> dict[int, str]:
    """PR number -> the head SHA it was merged at."""
    return {p.number: p.head_sha for p in sim.state.pulls.values() if p.merged}


def checks_at(sim: SimHandle, sha: str) -> dict[str, str | None]:
    return {r.name: r.conclusion for r in sim.state.runs_for(sha)}


def test_the_queue_knows_strict_protection_and_its_required_checks(sim) -> None:
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=GithubSettings(write_interval_s=0))
    try:
        queue = gateway.fetch_queue()
    finally:
        gateway.close()
    assert queue.strict is True
    assert queue.required_checks == ("ci/test", "ci/lint")


def test_train_merges_five_in_one_run_each_at_an_updated_head_whose_checks_passed(sim) -> None:
    planned, report = run(sim, settings("train"))

    assert planned.strategy == "train"
    assert [a.via for a in planned.actions if a.kind == "merge"] == ["", "train", "train", "train", "train"]
    assert report.counts["done"] == sum(1 for a in planned.actions if a.kind in ("merge", "security_scan"))
    done = merged(sim)
    assert sorted(done) == [a.pr for a in planned.actions if a.kind == "merge"] == sorted(done)
    assert len(done) == 5
    planned_heads = {a.pr: a.head_sha for a in planned.actions if a.kind == "merge"}
    first = planned.actions[[a.kind for a in planned.actions].index("merge")].pr
    for number, head in done.items():
        if number == first:
            assert head == planned_heads[number]  # merged as planned: nothing had moved yet
            continue
        assert head != planned_heads[number]  # merged at the head its branch update produced
        assert checks_at(sim, head) == {"ci/test": "success", "ci/lint": "success", "build": "success"}
        assert sim.state.statuses_for(head)[0].context == "lbconsole/security-scan"
        assert sim.state.statuses_for(head)[0].state == "success"  # scanned at exactly that head
    left = [p for p in sim.state.pulls.values() if not p.merged]
    assert len(left) == 1  # the sixth: beyond the merge limit of 5


def test_pipeline_merges_one_and_updates_the_rest_so_the_next_run_merges_them(sim) -> None:
    planned, report = run(sim, settings("pipeline"))

    assert planned.strategy == "pipeline"
    assert [a.kind for a in planned.actions if a.via == "pipeline"] == ["update_branch"] * 4
    assert len(merged(sim)) == 1
    updated = [a.pr for a in planned.actions if a.via == "pipeline"]
    assert [o.outcome for o in report.outcomes if o.action.via == "pipeline"] == ["done"] * 4
    sim.state.clock.advance(10)  # GitHub moves the heads a little after its 202
    sim.state.settle()
    for number in updated:
        pull = sim.state.pulls[number]
        assert pull.base_sha == sim.state.base_sha  # brought up to date after this run's merge

    sim.state.clock.advance(600)  # their CI runs between the runs
    second, _ = run(sim, settings("pipeline"))

    done = merged(sim)
    assert len(done) == 2  # the next run merges one more: the merge leaves the other updated PRs behind
    assert second.strategy == "pipeline"
    for head in done.values():
        assert all(c == "success" for c in checks_at(sim, head).values())


def test_a_failing_check_on_an_updated_pr_takes_only_that_car_off_the_train(sim) -> None:
    sim.state.fail_next_checks.add(3)

    _, report = run(sim, settings("train"))

    outcome = next(o for o in report.outcomes if o.action.kind == "merge" and o.action.pr == 3)
    assert outcome.outcome == "skipped"
    assert "train: removed, check build, ci/lint, ci/test failed on" in outcome.message
    done = merged(sim)
    assert 3 not in done
    assert len(done) == 4  # the rest of the train went on
    failing = checks_at(sim, sim.state.pulls[3].head_sha)
    assert set(failing.values()) <= FAILING_CONCLUSIONS


def test_a_push_mid_train_stops_only_its_own_car(sim) -> None:
    state = sim.state
    original = state.merge

    def push_to_4_during_the_first_merge(number: int, **kw: Any) -> Any:
        result = original(number, **kw)
        if number == 1:
            state.push(4)  # the author pushes while the train runs
        return result

    state.merge = push_to_4_during_the_first_merge  # type: ignore[method-assign]
    try:
        _, report = run(sim, settings("train"))
    finally:
        del state.merge

    outcome = next(o for o in report.outcomes if o.action.kind == "merge" and o.action.pr == 4)
    assert outcome.outcome == "stale"
    assert len(merged(sim)) == 4


def test_the_train_never_waits_past_its_budget(sim) -> None:
    _, report = run(sim, settings("train", budget=400))  # one car's CI (300 s), not two

    messages = {o.action.pr: o for o in report.outcomes if o.action.kind == "merge"}
    assert len(merged(sim)) == 2
    budget = [o for o in messages.values() if "train: budget reached (merge.train_budget_s = 400 s)" in o.message]
    assert len(budget) == 3
    assert all(o.outcome == "skipped" for o in budget)


def test_cancel_stops_the_train_at_once(sim) -> None:
    cancel = threading.Event()
    state = sim.state
    original = state.update_branch

    def cancel_on_the_first_update(number: int, expected_head_sha: str | None) -> None:
        original(number, expected_head_sha)
        cancel.set()

    state.update_branch = cancel_on_the_first_update  # type: ignore[method-assign]
    try:
        _, report = run(sim, settings("train"), cancel)
    finally:
        del state.update_branch

    kinds = [o.outcome for o in report.outcomes if o.action.kind == "merge"]
    assert kinds[0] == "done"
    assert kinds[1] == "cancelled"
    assert "train: cancelled while waiting for the branch update" in report.outcomes[-4].message
    assert kinds[2:] == ["cancelled"] * 3
    assert len(merged(sim)) == 1
