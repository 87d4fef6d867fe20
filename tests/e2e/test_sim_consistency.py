"""The simulator answers consistently: under its lock, with one set of helpers, deterministically, like GitHub."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from lbconsole.core import settings as core_settings
from lbconsole.core.settings import GithubSettings
from lbconsole.errors import RateLimited
from lbconsole.github.client import GitHubClient
from lbconsole.sim import SimHandle, shapes
from lbconsole.sim.actions import routes as actions
from lbconsole.sim.shapes import node_id

REPO = "/repos/acme/rocket"


@pytest.fixture
def http(sim: SimHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        yield client


def held_by_another_thread(lock: Any) -> bool:
    """Whether some other thread holds `lock` right now (probed from a fresh thread, without waiting)."""
    held: list[bool] = []

    def probe() -> None:
        got = lock.acquire(blocking=False)
        if got:
            lock.release()
        held.append(not got)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return held[0]


def spy(original: Callable[..., Any], lock: Any, seen: list[bool]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen.append(held_by_another_thread(lock))
        return original(*args, **kwargs)

    return wrapper


def test_rest_and_actions_handlers_run_under_the_state_lock(
    sim: SimHandle, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = sim.state
    seen: list[bool] = []
    monkeypatch.setattr(shapes, "comment", spy(shapes.comment, state.lock, seen))
    monkeypatch.setattr(actions, "workflow_json", spy(actions.workflow_json, state.lock, seen))
    number = state.open_pulls()[0].number
    assert http.post(f"{REPO}/issues/{number}/comments", json={"body": "hello"}).status_code == 201
    assert http.get(f"{REPO}/issues/{number}/comments").status_code == 200
    assert http.get(f"{REPO}/actions/workflows").status_code == 200
    assert len(seen) >= 3
    assert all(seen)  # the serving thread held the lock while shaping every answer


def test_a_dispatched_run_completes_while_handlers_hold_the_lock(sim: SimHandle, http: httpx.Client) -> None:
    """The Actions worker talks HTTP back to the simulator without the lock: no deadlock."""
    body = {"ref": "main", "inputs": {"mode": "auto", "dry_run": "true"}, "return_run_details": True}
    answer = http.post(f"{REPO}/actions/workflows/lambda-bot.yml/dispatches", json=body)
    assert answer.status_code == 200
    run_id = answer.json()["workflow_run_id"]
    waited = http.get(f"/_sim/actions/runs/{run_id}/wait", params={"timeout": 30}, timeout=40)
    assert waited.status_code == 200
    assert waited.json()["status"] == "completed"


def test_actions_routes_share_the_simulators_pagination(http: httpx.Client) -> None:
    bad = http.get(f"{REPO}/actions/runs", params={"per_page": "many"})
    assert bad.status_code == 422  # as on every other route (the Actions copy used to ignore it)
    assert bad.json()["message"].startswith("Invalid request.")
    assert http.get(f"{REPO}/pulls", params={"per_page": "many"}).status_code == 422
    page = http.get(f"{REPO}/actions/workflows", params={"per_page": 2})
    assert page.json()["total_count"] == 5
    assert page.headers["link"].startswith(f'<{http.base_url}{REPO}/actions/workflows?per_page=2&page=2>; rel="next"')


def test_the_simulators_modes_are_the_cores() -> None:
    assert actions.MODES is core_settings.MODES


def test_a_pull_list_counts_open_pulls_once_and_never_scans_comments(
    sim: SimHandle, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"repository": 0, "comments": 0}
    repository = shapes.repository

    def counting_repository(*args: Any, **kwargs: Any) -> Any:
        calls["repository"] += 1
        return repository(*args, **kwargs)

    class CountingComments(dict[int, Any]):
        def values(self) -> Any:
            calls["comments"] += 1
            return super().values()

    monkeypatch.setattr(shapes, "repository", counting_repository)
    sim.state.comments = CountingComments(sim.state.comments)
    listed = http.get(f"{REPO}/pulls", params={"per_page": 30})
    assert len(listed.json()) == 30
    assert calls == {"repository": 1, "comments": 0}
    number = listed.json()[0]["number"]
    one = http.get(f"{REPO}/pulls/{number}").json()
    assert isinstance(one["comments"], int)
    assert calls == {"repository": 2, "comments": 1}


STATUS_IDS = """
query($number: Int!) {
  repository(owner: "acme", name: "rocket") {
    pullRequest(number: $number) {
      commits(last: 1) { nodes { commit { oid status { id } statusCheckRollup { id } } } }
    }
  }
}
"""


def test_status_node_ids_do_not_depend_on_the_process_hash_seed(sim: SimHandle, http: httpx.Client) -> None:
    pull = sim.state.open_pulls()[0]
    assert http.post(f"{REPO}/statuses/{pull.head_sha}", json={"state": "success", "context": "ci"}).status_code == 201
    data = http.post("/graphql", json={"query": STATUS_IDS, "variables": {"number": pull.number}}).json()
    commit = data["data"]["repository"]["pullRequest"]["commits"]["nodes"][0]["commit"]
    sha = commit["oid"]
    assert commit["status"]["id"] == node_id("SC", int(sha[:6], 16))
    assert commit["statusCheckRollup"]["id"] == node_id("SCR", int(sha[:6], 16))


def test_an_exhausted_graphql_bucket_answers_like_github(sim: SimHandle, http: httpx.Client) -> None:
    assert http.post("/_sim/settings", json={"rate_limit": 0}).status_code == 200
    answer = http.post("/graphql", json={"query": "{ viewer { login } }"})
    assert answer.status_code == 200  # GraphQL says RATE_LIMITED in a 200, as the fault path does
    assert answer.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert (answer.headers["x-ratelimit-remaining"], answer.headers["x-ratelimit-resource"]) == ("0", "graphql")
    rest = http.get(REPO)
    assert rest.status_code == 403  # REST keeps its 403
    assert rest.json()["message"].startswith("API rate limit exceeded")
    client = GitHubClient(None, GithubSettings(max_wait_s=0.0), api_url=sim.url, sleep=lambda s: None)
    try:
        with pytest.raises(RateLimited, match="primary rate limit"):
            client.graphql("{ viewer { login } }", {})
    finally:
        client.close()
