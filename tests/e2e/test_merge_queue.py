"""The `queue` strategy end to end: the real gateway and executor against the simulator's merge queue.

The `queue:N` scenario is `strict:N` (N ready PRs, 5 simulated minutes of
CI) with a merge queue on `main`. A run enqueues the batch through GraphQL
and waits for none of it; the simulator's queue tests each PR's merge group
and merges them in order as its clock advances. Each test asserts the
simulator's own final state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from lbconsole.cli import main
from lbconsole.core.planner import plan
from lbconsole.core.settings import GithubSettings, Settings
from lbconsole.engine.executor import execute
from lbconsole.engine.logbus import LogBus
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.server import SimHandle, running_simulator

REPO = "acme/rocket"


@pytest.fixture(scope="module")
def server() -> Iterator[SimHandle]:
    with running_simulator(scenario="queue:6") as handle:
        yield handle


@pytest.fixture
def sim(server: SimHandle) -> SimHandle:
    server.reset("queue:6")
    return server


def settings(strategy: str = "auto") -> Settings:
    s = Settings()
    return replace(s, merge=replace(s.merge, strategy=strategy), github=GithubSettings(write_interval_s=0))


def gateway(sim: SimHandle) -> GitHubGateway:
    return GitHubGateway(REPO, api_url=sim.url, settings=GithubSettings(write_interval_s=0, timeout_s=10))


def run(sim: SimHandle, config: Settings | None = None) -> Any:
    config = config or settings()
    gw = gateway(sim)
    try:
        planned = plan(gw.fetch_queue(), "merge-only", config, sim.state.now())
        report = execute(planned, gw, settings=config, bus=LogBus(), apply=True, sleep=sim.state.clock.advance)
    finally:
        gw.close()
    return planned, report


def after_ci(sim: SimHandle, minutes: float) -> None:
    """The simulator's clock moves on, and the queue does what is due."""
    sim.state.clock.advance(minutes * 60)
    sim.state.settle()


def test_auto_enqueues_the_batch_pinned_to_its_heads_and_the_queue_merges_it_in_order(sim: SimHandle) -> None:
    planned, report = run(sim)

    merges = [a for a in planned.actions if a.kind == "merge"]
    assert planned.strategy == "queue"
    assert [a.via for a in merges] == ["queue"] * 5
    assert any("merge queue, so merge.strategy = auto enqueues the batch" in n for n in planned.notes)
    done = [o for o in report.outcomes if o.action.kind == "merge"]
    assert [o.outcome for o in done] == ["done"] * 5
    assert [o.message.split(": ", 1)[1].split(" (")[0] for o in done] == [
        f"in the merge queue at position {i}" for i in range(1, 6)
    ]
    heads = {a.pr: a.head_sha for a in merges}
    assert not any(p.merged for p in sim.state.pulls.values())  # the run waited for none of it

    after_ci(sim, 6)

    merged = {p.number: p for p in sim.state.pulls.values() if p.merged}
    assert set(merged) == set(heads)
    for number, head in heads.items():
        snapshot = sim.state.snapshot(number)["merge_queue"]
        assert snapshot["merged_by_queue"] is True
        assert snapshot["log"] == [
            f"queued at {head[:7]}",
            f"merged at {head[:7]} after its merge group's checks passed",
        ]
        assert merged[number].head_sha == head  # merged at the head the plan saw
    order = sorted(merged.values(), key=lambda p: sim.state.base_history.index(p.merge_commit_sha))
    assert [p.number for p in order] == [a.pr for a in merges]  # in queue order


def test_a_failing_merge_group_leaves_the_queue_with_its_reason_and_the_rest_re_test(sim: SimHandle) -> None:
    sim.state.fail_next_checks = {2}
    planned, _ = run(sim)
    queued = [a.pr for a in planned.actions if a.kind == "merge"]
    assert 2 in queued

    after_ci(sim, 6)  # every group concluded once: #2 failed, those behind it run CI again
    assert sim.state.snapshot(2)["merge_queue"]["removed"] == (
        "removed from the merge queue: its merge group's checks failed"
    )
    assert not sim.state.pulls[2].merged
    behind = queued[queued.index(2) + 1 :]
    assert not any(sim.state.pulls[n].merged for n in behind)
    after_ci(sim, 6)
    assert {n for n in queued if sim.state.pulls[n].merged} == set(queued) - {2}
    gw = gateway(sim)
    try:
        queue = gw.fetch_queue()  # the next run reads why GitHub removed #2 (RemovedFromMergeQueueEvent)
    finally:
        gw.close()
    removed = next(p for p in queue.pulls if p.number == 2).queue_removed
    assert removed.startswith("removed from the merge queue (2026-")
    assert removed.endswith("): its merge group's checks failed")
    again = plan(queue, "merge-only", settings(), sim.state.now())
    merge_2 = next(a for a in again.actions if a.kind == "merge" and a.pr == 2)
    assert removed in merge_2.reason  # enqueued again, and the plan says why it left the queue


def test_the_next_plan_says_a_queued_pr_is_in_the_queue_and_plans_nothing_for_it(
    sim: SimHandle, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(sim)
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "x" * 36)
    assert main(["--repo", REPO, "--api-url", sim.url, "queue", "--json"]) == 0
    listed = {p["number"]: p for c in json.loads(capsys.readouterr().out)["categories"] for p in c["pulls"]}
    assert listed[1]["state"] == "queued"
    assert listed[1]["merge_queue"]["position"] == 1
    assert listed[1]["merge_queue"]["state"] == "AWAITING_CHECKS"
    assert listed[6]["merge_queue"] is None
    gw = gateway(sim)
    try:
        queue = gw.fetch_queue()
    finally:
        gw.close()
    assert queue.merge_queue is True
    entries = {p.number: p.queue_entry for p in queue.pulls if p.queue_entry is not None}
    assert [entries[n].position for n in sorted(entries)] == [1, 2, 3, 4, 5]
    assert all(e.state == "AWAITING_CHECKS" and e.eta_s is not None for e in entries.values())
    again = plan(queue, "merge-only", settings(), sim.state.now())
    merges = [a.pr for a in again.actions if a.kind == "merge"]
    assert merges == [6]  # the one left over; the queued five are not enqueued twice
    reasons = {s.pr: s.reasons for s in again.skipped}
    assert reasons[1][0].startswith("in the merge queue at position 1 (awaiting checks, about ")


def test_a_refused_enqueue_gives_githubs_message(sim: SimHandle) -> None:
    gw = gateway(sim)
    try:
        planned = plan(gw.fetch_queue(), "merge-only", settings(), sim.state.now())
        first = next(a for a in planned.actions if a.kind == "merge")
        sim.state.enqueue(first.pr, first.head_sha)  # someone else queued it since the plan
        report = execute(planned, gw, settings=settings(), bus=LogBus(), apply=True)
    finally:
        gw.close()
    outcome = next(o for o in report.outcomes if o.action.kind == "merge")
    assert outcome.outcome == "failed"
    assert outcome.message == (
        "merge queue refused: GitHub's GraphQL API refused the query: Pull request is already queued to merge."
    )


def test_a_pr_pushed_since_the_plan_is_stale_and_not_enqueued(sim: SimHandle) -> None:
    gw = gateway(sim)
    try:
        planned = plan(gw.fetch_queue(), "merge-only", settings(), sim.state.now())
        first = next(a for a in planned.actions if a.kind == "merge")
        sim.state.push(first.pr)
        report = execute(planned, gw, settings=settings(), bus=LogBus(), apply=True)
    finally:
        gw.close()
    outcome = next(o for o in report.outcomes if o.action.kind == "merge")
    assert outcome.outcome == "stale"
    assert sim.state.queue_entry(first.pr) is None


def test_queue_without_a_merge_queue_falls_back_to_the_train_and_says_why(sim: SimHandle) -> None:
    sim.reset("strict:6")
    gw = gateway(sim)
    try:
        planned = plan(gw.fetch_queue(), "merge-only", settings("queue"), sim.state.now())
    finally:
        gw.close()
    assert planned.strategy == "train"
    assert any("merge.strategy = queue, but the base branch has no merge queue" in n for n in planned.notes)
