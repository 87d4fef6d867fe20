"""The real gateway over a real loopback socket against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lbconsole.core.models import ChecksState, Mergeable, MergeState, ReviewDecision
from lbconsole.core.settings import GithubSettings
from lbconsole.errors import GatewayError
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.scenarios import build
from lbconsole.sim.server import running_simulator

REPO = "acme/rocket"


@pytest.fixture(scope="module")
def sim() -> Iterator[Any]:
    with running_simulator(scenario="demo", seed=0) as handle:
        yield handle


@pytest.fixture
def gw(sim: Any) -> Iterator[GitHubGateway]:
    httpx.post(f"{sim.url}/_sim/reset", json={"scenario": "demo", "seed": 0}, timeout=10).raise_for_status()
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=GithubSettings(write_interval_s=0, timeout_s=10))
    yield gateway
    gateway.close()


def sim_requests(sim: Any) -> dict[str, Any]:
    response = httpx.get(f"{sim.url}/_sim/requests", timeout=10)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def test_fetch_queue_returns_the_demo_with_its_facts(gw: GitHubGateway, sim: Any) -> None:
    before = sim_requests(sim)["total"]
    queue = gw.fetch_queue()
    assert sim_requests(sim)["total"] - before == 1  # 40 PRs: one GraphQL page
    expected = build("demo", 0)
    by_number = {pull.number: pull for pull in queue.pulls}
    assert sorted(by_number) == sorted(p.number for p in expected.open_pulls())
    assert len(queue.pulls) == 40
    assert queue.complete is True
    assert queue.repo == REPO
    assert queue.default_branch == "main"
    for want in expected.open_pulls():
        got = by_number[want.number]
        assert (got.title, got.author, got.author_is_bot) == (want.title, want.author, want.author_is_bot)
        assert got.head_sha == want.head_sha
        assert (got.head_ref, got.base_ref, got.draft) == (want.head_ref, want.base_ref, want.draft)
        assert set(got.labels) == set(want.labels)
        assert set(got.changed_files) == want.paths
        assert (got.additions, got.deletions) == (want.additions, want.deletions)
        assert got.mergeable is Mergeable(want.mergeable)
        assert got.merge_state is MergeState(expected.merge_state(want))
        assert got.review_decision is ReviewDecision(want.review_decision or "NONE")
        assert got.created_at == want.created_at
        state, failing = expected.rollup(want.head_sha)
        assert got.checks is ChecksState(state or "NONE")
        assert set(got.failing_checks) == set(failing)
    # the demo has bots, so the [bot] suffix matters
    assert any(p.author == "dependabot[bot]" and p.author_is_bot for p in queue.pulls)
    assert gw.rate_limit is None or gw.rate_limit.remaining > 0


def test_queue_changed_is_a_304_until_something_changes(gw: GitHubGateway, sim: Any) -> None:
    assert gw.queue_changed() is True
    before = sim_requests(sim)
    assert gw.queue_changed() is False
    after = sim_requests(sim)
    assert after["total"] - before["total"] == 1
    assert after["not_modified"] - before["not_modified"] == 1
    number = gw.fetch_queue().pulls[0].number
    httpx.post(f"{sim.url}/_sim/pulls/{number}/push", json={}, timeout=10).raise_for_status()
    assert gw.queue_changed() is True
    assert gw.queue_changed() is False


def test_merge_honours_the_sha(gw: GitHubGateway) -> None:
    queue = gw.fetch_queue()
    ready = next(
        p
        for p in queue.pulls
        if p.merge_state is MergeState.CLEAN and p.mergeable is Mergeable.MERGEABLE and not p.draft
    )
    with pytest.raises(GatewayError) as caught:
        gw.merge(ready.number, "0" * 40, "squash")
    assert caught.value.status == 409
    assert gw.get_pull(ready.number).merged is False
    result = gw.merge(ready.number, ready.head_sha, "squash")
    assert len(result.sha) == 40
    snapshot = gw.get_pull(ready.number)
    assert (snapshot.state, snapshot.merged) == ("closed", True)
    assert ready.number not in {p.number for p in gw.fetch_queue().pulls}


def test_rest_reads_and_writes_round_trip(gw: GitHubGateway) -> None:
    pull = gw.fetch_queue().pulls[0]
    files = gw.list_pull_files(pull.number)
    assert {f.filename for f in files} == set(pull.changed_files)
    comment = gw.create_comment(pull.number, "<!-- lbconsole:conflict -->\nhello")
    gw.update_comment(comment.id, "<!-- lbconsole:conflict -->\nedited")
    bodies = [c.body for c in gw.list_comments(pull.number)]
    assert "<!-- lbconsole:conflict -->\nedited" in bodies
    gw.add_labels(pull.number, ["needs-rebase"])
    assert "needs-rebase" in gw.get_pull(pull.number).labels
    gw.set_commit_status(pull.head_sha, "lbconsole/security-scan", "success", "no findings")
    again = {p.number: p for p in gw.fetch_queue().pulls}[pull.number]
    assert again.security_scanned is True
    assert gw.get_file("README.md", "main") is not None
    assert gw.get_file("no/such/file.txt", "main") is None


def test_the_scan_state_of_a_commit_is_read_for_the_merge_gate(gw: GitHubGateway) -> None:
    from lbconsole.core.models import ScanState

    pull = next(p for p in gw.fetch_queue().pulls if not p.security_scanned)
    assert gw.scan_state(pull.head_sha) is ScanState.NONE
    gw.set_commit_status(pull.head_sha, "ci/other", "success", "unrelated")
    gw.set_commit_status(pull.head_sha, "lbconsole/security-scan", "pending", "scanning")
    assert gw.scan_state(pull.head_sha) is ScanState.PENDING
    gw.set_commit_status(pull.head_sha, "lbconsole/security-scan", "failure", "1 finding to review")
    assert gw.scan_state(pull.head_sha) is ScanState.FAILURE
    assert {p.number: p for p in gw.fetch_queue().pulls}[pull.number].scan is ScanState.FAILURE


def test_missing_pull_is_a_404(gw: GitHubGateway) -> None:
    with pytest.raises(GatewayError) as caught:
        gw.get_pull(99999)
    assert caught.value.status == 404


def test_simulator_answers_parse_with_githubkits_models(gw: GitHubGateway) -> None:
    """The gateway reads JSON leniently; the simulator must still match GitHub's shapes (SPEC 8)."""
    rest = gw.client.github.rest
    pull = gw.fetch_queue().pulls[0]
    owner, name = gw.owner, gw.name
    comment = gw.create_comment(pull.number, "hello")
    answers: dict[str, Any] = {
        "pulls.list": rest.pulls.list(owner, name, state="open", per_page=5),
        "pulls.get": rest.pulls.get(owner, name, pull.number),
        "pulls.list_files": rest.pulls.list_files(owner, name, pull.number),
        "issues.list_comments": rest.issues.list_comments(owner, name, pull.number),
        "issues.update_comment": rest.issues.update_comment(owner, name, comment.id, body="edited"),
        "repos.get_content": rest.repos.get_content(owner, name, "README.md", ref="main"),
        "repos.create_commit_status": rest.repos.create_commit_status(
            owner, name, pull.head_sha, state="pending", context="lbconsole/e2e"
        ),
    }
    for endpoint, response in answers.items():
        assert response.parsed_data is not None, endpoint
