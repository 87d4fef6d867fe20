"""The simulator over a real loopback socket: GitHub's shapes (parsed by githubkit), and its dynamics."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import PrimaryRateLimitExceeded, RequestFailed, SecondaryRateLimitExceeded
from githubkit.versions.latest.models import ContentFile

from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.github.queries import OPEN_PULLS
from lbconsole.sim import SimHandle

warnings.filterwarnings("ignore", category=DeprecationWarning)

OWNER, R = "acme", "rocket"


@pytest.fixture
def gh(sim: SimHandle) -> GitHub:
    return GitHub(base_url=sim.url, http_cache=False, auto_retry=False)


@pytest.fixture
def admin(sim: SimHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url) as client:
        yield client


def items(data: Any) -> list[Any]:
    """githubkit's list models as a plain list (mypy cannot iterate them)."""
    return list(data)


def number_of(sim: SimHandle, title_start: str) -> int:
    return next(p.number for p in sim.state.pulls.values() if p.title.startswith(title_start))


def test_every_read_route_parses_with_githubkit(sim: SimHandle, gh: GitHub) -> None:
    pulls = gh.rest.pulls.list(OWNER, R, per_page=100).parsed_data
    assert len(pulls) == 40
    assert gh.rest.repos.get(OWNER, R).parsed_data.default_branch == "main"
    security = number_of(sim, "security: harden session")
    pr = gh.rest.pulls.get(OWNER, R, security).parsed_data
    assert pr.mergeable is True
    assert pr.mergeable_state == "clean"
    assert pr.merged is False
    assert [label.name for label in pr.labels] == ["security"]
    files = items(gh.rest.pulls.list_files(OWNER, R, security).parsed_data)
    assert any(f.patch and "ghp_" in f.patch for f in files)
    reviews = items(gh.rest.pulls.list_reviews(OWNER, R, security).parsed_data)
    assert reviews[0].state == "APPROVED"
    runs = gh.rest.checks.list_for_ref(OWNER, R, pr.head.sha).parsed_data
    assert {r.name for r in runs.check_runs} == {"ci/test", "ci/lint", "build"}
    status = gh.rest.repos.get_combined_status_for_ref(OWNER, R, pr.head.sha).parsed_data
    assert status.sha == pr.head.sha
    assert status.total_count == 0
    assert gh.rest.rate_limit.get().parsed_data.resources.core.limit == 5000
    assert gh.rest.users.get_authenticated().parsed_data.login == "octocat"
    content = gh.rest.repos.get_content(OWNER, R, "README.md").parsed_data
    assert isinstance(content, ContentFile)
    assert content.type == "file"
    assert content.encoding == "base64"
    with pytest.raises(RequestFailed) as missing:
        gh.rest.repos.get_content(OWNER, R, "nope.txt")
    assert missing.value.response.status_code == 404
    assert missing.value.response.json()["message"] == "Not Found"


def test_failing_pr_reports_named_checks(sim: SimHandle, gh: GitHub) -> None:
    failing = number_of(sim, "fix: race in countdown")
    pr = gh.rest.pulls.get(OWNER, R, failing).parsed_data
    runs = gh.rest.checks.list_for_ref(OWNER, R, pr.head.sha).parsed_data.check_runs
    assert {r.name: r.conclusion for r in runs}["ci/test"] == "failure"
    assert pr.mergeable_state == "blocked"


def test_list_pagination_link_header(gh: GitHub) -> None:
    first = gh.rest.pulls.list(OWNER, R, per_page=15)
    assert 'rel="next"' in first.headers["link"]
    assert 'rel="last"' in first.headers["link"]
    seen = [p.number for p in gh.rest.paginate(gh.rest.pulls.list, owner=OWNER, repo=R, per_page=15)]
    assert len(seen) == len(set(seen)) == 40
    assert seen == sorted(seen, reverse=True)  # created desc by default


def test_etag_304_does_not_count(sim: SimHandle, admin: httpx.Client) -> None:
    admin.post("/_sim/requests/reset")
    url = f"/repos/{OWNER}/{R}/pulls?per_page=1&sort=updated&direction=desc"
    first = admin.get(url)
    etag = first.headers["etag"]
    remaining = int(first.headers["x-ratelimit-remaining"])
    again = admin.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert int(again.headers["x-ratelimit-remaining"]) == remaining
    stats = admin.get("/_sim/requests").json()
    assert stats["routes"]["GET /repos/{owner}/{repo}/pulls"] == 2
    assert stats["rate_limited_counted"] == 1
    assert stats["not_modified"] == 1
    # A write changes the answer: the old ETag no longer matches.
    admin.post(f"/repos/{OWNER}/{R}/issues/{number_of(sim, 'feat: websocket')}/labels", json={"labels": ["x"]})
    changed = admin.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_merge_honours_sha_and_moves_the_base(sim: SimHandle, gh: GitHub) -> None:
    lodash, axios = number_of(sim, "Bump lodash"), number_of(sim, "Bump axios")
    launch = number_of(sim, "feat: add launch window")
    head = gh.rest.pulls.get(OWNER, R, lodash).parsed_data.head.sha
    with pytest.raises(RequestFailed) as stale:
        gh.rest.pulls.merge(OWNER, R, lodash, sha="0" * 40, merge_method="squash")
    assert stale.value.response.status_code == 409
    assert stale.value.response.json()["message"] == "Head branch was modified. Review and try the merge again."
    result = gh.rest.pulls.merge(OWNER, R, lodash, sha=head, merge_method="squash").parsed_data
    assert result.merged
    assert len(result.sha) == 40
    merged = gh.rest.pulls.get(OWNER, R, lodash).parsed_data
    assert merged.merged is True
    assert merged.state == "closed"
    assert gh.rest.pulls.get(OWNER, R, axios).parsed_data.mergeable_state == "dirty"
    assert gh.rest.pulls.get(OWNER, R, launch).parsed_data.mergeable_state == "behind"
    with pytest.raises(RequestFailed) as twice:
        gh.rest.pulls.merge(OWNER, R, lodash, sha=head)
    assert twice.value.response.status_code == 405
    conflict = number_of(sim, "feat(engine): throttle")
    with pytest.raises(RequestFailed) as dirty:
        gh.rest.pulls.merge(OWNER, R, conflict)
    assert dirty.value.response.json()["message"] == "Pull Request is not mergeable"
    assert sim.state.snapshot(lodash)["merged"] is True


def test_update_branch(sim: SimHandle, gh: GitHub, admin: httpx.Client) -> None:
    behind = number_of(sim, "feat: stage separation")
    head = gh.rest.pulls.get(OWNER, R, behind).parsed_data.head.sha
    with pytest.raises(RequestFailed) as mismatch:
        gh.rest.pulls.update_branch(OWNER, R, behind, expected_head_sha="f" * 40)
    assert mismatch.value.response.status_code == 422
    answer = gh.rest.pulls.update_branch(OWNER, R, behind, expected_head_sha=head)
    assert answer.status_code == 202
    assert answer.parsed_data.message == "Updating pull request branch."
    state = admin.get(f"/_sim/state/pulls/{behind}").json()
    assert state["head_sha"] != head
    assert state["behind"] is False
    assert state["checks"] == "PENDING"
    admin.post("/_sim/clock/advance", json={"seconds": 5})
    assert admin.get(f"/_sim/state/pulls/{behind}").json()["merge_state"] == "CLEAN"


def test_labels_comments_statuses(sim: SimHandle, gh: GitHub) -> None:
    n = number_of(sim, "chore: migrate to ruff")
    gh.rest.issues.add_labels(OWNER, R, n, data={"labels": ["needs-rebase"]})
    labels = items(gh.rest.issues.add_labels(OWNER, R, n, data={"labels": ["needs-rebase"]}).parsed_data)
    assert [label.name for label in labels].count("needs-rebase") == 1
    assert [label.name for label in items(gh.rest.issues.remove_label(OWNER, R, n, "needs-rebase").parsed_data)] == []
    comment = gh.rest.issues.create_comment(OWNER, R, n, body="<!-- lbconsole:conflict -->\nrebase").parsed_data
    gh.rest.issues.update_comment(OWNER, R, comment.id, body="edited")
    bodies = [c.body for c in items(gh.rest.issues.list_comments(OWNER, R, n).parsed_data)]
    assert bodies[-1] == "edited"
    assert len(bodies) == 2
    head = gh.rest.pulls.get(OWNER, R, n).parsed_data.head.sha
    created = gh.rest.repos.create_commit_status(OWNER, R, head, state="success", context=SCAN_CONTEXT)
    assert created.status_code == 201
    assert created.parsed_data.context == SCAN_CONTEXT
    combined = gh.rest.repos.get_combined_status_for_ref(OWNER, R, head).parsed_data
    assert [s.context for s in combined.statuses] == [SCAN_CONTEXT]


def test_graphql_open_pulls_paginates(sim: SimHandle, gh: GitHub) -> None:
    seen, after, pages = [], None, 0
    while True:
        data = gh.graphql(OPEN_PULLS, {"owner": OWNER, "name": R, "first": 15, "after": after})
        conn = data["repository"]["pullRequests"]
        assert conn["totalCount"] == 40
        assert data["rateLimit"]["cost"] == 1
        seen += conn["nodes"]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert pages == 3
    assert len({n["number"] for n in seen}) == 40
    by_number = {n["number"]: n for n in seen}
    lodash = by_number[number_of(sim, "Bump lodash")]
    assert lodash["author"] == {"__typename": "Bot", "login": "dependabot"}
    assert lodash["reviewDecision"] is None
    assert lodash["mergeStateStatus"] == "CLEAN"
    failing = by_number[number_of(sim, "fix: race in countdown")]
    commit = failing["commits"]["nodes"][0]["commit"]
    assert commit["statusCheckRollup"]["state"] == "FAILURE"
    assert {"__typename": "CheckRun", "name": "ci/test", "status": "COMPLETED", "conclusion": "FAILURE"} in commit[
        "statusCheckRollup"
    ]["contexts"]["nodes"]
    assert commit["status"] is None
    stats = sim.state.stats.as_json()
    assert stats["routes"]["POST /graphql"] == 3


def test_graphql_scan_status_context(sim: SimHandle, gh: GitHub) -> None:
    n = number_of(sim, "Bump ruff")
    head = sim.state.pull(n).head_sha
    gh.rest.repos.create_commit_status(OWNER, R, head, state="success", context=SCAN_CONTEXT)
    data = gh.graphql(OPEN_PULLS, {"owner": OWNER, "name": R, "first": 100})
    node = next(x for x in data["repository"]["pullRequests"]["nodes"] if x["number"] == n)
    commit = node["commits"]["nodes"][0]["commit"]
    assert commit["status"]["context"] == {"state": "SUCCESS"}
    assert {"__typename": "StatusContext", "context": SCAN_CONTEXT, "state": "SUCCESS"} in commit["statusCheckRollup"][
        "contexts"
    ]["nodes"]


def test_graphql_errors_in_githubs_shape(admin: httpx.Client) -> None:
    answer = admin.post(
        "/graphql", json={"query": OPEN_PULLS, "variables": {"owner": OWNER, "name": "nope", "first": 10}}
    ).json()
    assert answer["data"]["repository"] is None
    assert answer["errors"][0]["type"] == "NOT_FOUND"
    assert answer["errors"][0]["path"] == ["repository"]
    bad = admin.post("/graphql", json={"query": "{ viewer { nope } }"}).json()
    assert "data" not in bad
    assert bad["errors"][0]["message"] == "Field 'nope' doesn't exist on type 'User'"


def test_auth_pinned_token(sim: SimHandle, admin: httpx.Client) -> None:
    admin.post("/_sim/auth", json={"token": "good"})
    try:
        bad = admin.get(f"/repos/{OWNER}/{R}", headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 401
        assert bad.json() == {
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401",
        }
        assert admin.get(f"/repos/{OWNER}/{R}", headers={"Authorization": "token good"}).status_code == 200
    finally:
        admin.post("/_sim/auth", json={"token": None})
    assert admin.get(f"/repos/{OWNER}/{R}").status_code == 200


def test_rate_limit_faults(sim: SimHandle, gh: GitHub, admin: httpx.Client) -> None:
    admin.post("/_sim/faults", json={"rate_limited": True, "error_status": 403, "count": 1})
    with pytest.raises(PrimaryRateLimitExceeded) as primary:
        gh.rest.pulls.list(OWNER, R)
    headers = primary.value.response.headers
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) > 0
    assert gh.rest.pulls.list(OWNER, R).status_code == 200  # count=1: the fault cleared itself
    admin.post(
        "/_sim/faults",
        json={"rate_limited": True, "error_status": 429, "retry_after": 7, "routes": ["/pulls/{number}"]},
    )
    assert gh.rest.repos.get(OWNER, R).status_code == 200  # not a matching route
    with pytest.raises(SecondaryRateLimitExceeded) as secondary:
        gh.rest.pulls.get(OWNER, R, number_of(sim, "Bump axios"))
    assert secondary.value.response.status_code == 429
    assert secondary.value.response.headers["retry-after"] == "7"
    admin.delete("/_sim/faults")
    admin.post("/_sim/faults", json={"error_rate": 1.0, "error_status": 502, "count": 2})
    assert admin.get(f"/repos/{OWNER}/{R}").status_code == 502
    assert admin.get(f"/repos/{OWNER}/{R}").status_code == 502
    assert admin.get(f"/repos/{OWNER}/{R}").status_code == 200


def test_admin_push_checks_and_base_advance(sim: SimHandle, admin: httpx.Client) -> None:
    n = number_of(sim, "fix: off-by-one")
    before = admin.get(f"/_sim/state/pulls/{n}").json()
    pushed = admin.post(f"/_sim/pulls/{n}/push", json={"checks": "pending"}).json()
    after = admin.get(f"/_sim/state/pulls/{n}").json()
    assert pushed["head_sha"] == after["head_sha"] != before["head_sha"]
    assert after["checks"] == "PENDING"
    assert after["updated_at"] > before["updated_at"]
    settled = admin.post(f"/_sim/pulls/{n}/checks", json={"state": "success"}).json()
    assert settled["checks"] == "SUCCESS"
    assert settled["merge_state"] == "CLEAN"
    admin.post("/_sim/base/advance", json={})
    assert admin.get(f"/_sim/state/pulls/{n}").json()["merge_state"] == "BEHIND"


def test_admin_reset_to_scale(sim: SimHandle, admin: httpx.Client) -> None:
    answer = admin.post("/_sim/reset", json={"scenario": "scale:250", "seed": 2})
    assert answer.json()["open_pulls"] == 250
    assert len(sim.state.open_pulls()) == 250
    assert admin.post("/_sim/reset", json={"scenario": "bogus"}).status_code == 422
