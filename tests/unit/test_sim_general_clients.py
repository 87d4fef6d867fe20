"""The simulator answers a general GitHub client: introspection, mutations, media types, Enterprise paths."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from lbconsole.sim.app import Simulator
from lbconsole.sim.gql import execute
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import SimState

LIMITS: dict[str, Any] = {"cost": 1, "remaining": 4999, "reset_at": 1_900_000_000.0, "limit": 5000, "used": 1}


def run(state: SimState, query: str, **variables: Any) -> dict[str, Any]:
    return execute(state, {"query": query, "variables": variables}, **LIMITS)


def test_introspection_is_answered_from_the_served_subset() -> None:
    state = build("demo")
    out = run(state, '{ PullRequest: __type(name: "PullRequest") { fields(includeDeprecated: true) { name } } }')
    names = {f["name"] for f in out["data"]["PullRequest"]["fields"]}
    assert {"headRepositoryOwner", "isCrossRepository", "reviews", "mergeStateStatus"} <= names
    assert "isInMergeQueue" not in names  # not served: gh then leaves the merge queue alone
    schema = run(state, "{ __schema { mutationType { name } queryType { name } } }")
    assert schema["data"]["__schema"] == {"mutationType": {"name": "Mutation"}, "queryType": {"name": "Query"}}


MERGE = """mutation($input: MergePullRequestInput!) {
  mergePullRequest(input: $input) { clientMutationId pullRequest { merged state } }
}"""


def test_merge_mutation_honours_expected_head_oid() -> None:
    state = build("demo")
    pr_id = run(state, '{ repository(owner: "acme", name: "rocket") { pullRequest(number: 1201) { id } } }')
    node = pr_id["data"]["repository"]["pullRequest"]["id"]
    stale = run(state, MERGE, input={"pullRequestId": node, "mergeMethod": "SQUASH", "expectedHeadOid": "0" * 40})
    assert stale["data"] == {"mergePullRequest": None}
    assert stale["errors"][0]["message"] == "Head branch was modified. Review and try the merge again."
    assert state.pulls[1201].merged is False
    head = state.pulls[1201].head_sha
    done = run(state, MERGE, input={"pullRequestId": node, "mergeMethod": "SQUASH", "expectedHeadOid": head})
    assert done["data"]["mergePullRequest"]["pullRequest"] == {"merged": True, "state": "MERGED"}
    assert state.base_sha == state.pulls[1201].merge_commit_sha


def test_add_comment_and_labels_by_node_id() -> None:
    state = build("demo")
    ids = run(
        state,
        '{ repository(owner: "acme", name: "rocket") { pullRequest(number: 1201) { id } '
        "labels(first: 100) { nodes { id name } } } }",
    )["data"]["repository"]
    bug = next(lab["id"] for lab in ids["labels"]["nodes"] if lab["name"] == "bug")
    pr = ids["pullRequest"]["id"]
    out = run(
        state,
        "mutation($pr: ID!, $bug: ID!) { addLabelsToLabelable(input: {labelableId: $pr, labelIds: [$bug]}) "
        '{ clientMutationId } addComment(input: {subjectId: $pr, body: "hello"}) '
        "{ commentEdge { node { body url } } } }",
        pr=pr,
        bug=bug,
    )
    assert "errors" not in out
    assert out["data"]["addComment"]["commentEdge"]["node"]["body"] == "hello"
    assert "bug" in state.pulls[1201].labels
    assert [c.body for c in state.comments_on(1201)][-1] == "hello"


def test_a_count_only_connection_needs_no_bounds() -> None:
    state = build("demo")
    ok = run(
        state, '{ repository(owner: "acme", name: "rocket") { pullRequest(number: 1201) { commits { totalCount } } } }'
    )
    assert ok["data"]["repository"]["pullRequest"]["commits"]["totalCount"] == state.pulls[1201].commits
    bad = run(
        state,
        '{ repository(owner: "acme", name: "rocket") { pullRequest(number: 1201) { commits { nodes { id } } } } }',
    )
    assert bad["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"


def test_enterprise_paths_diff_media_type_and_api_root() -> None:
    client = TestClient(Simulator(build("demo")).app())
    root = client.get("/api/v3/")
    assert root.json()["current_user_url"] == "http://testserver/api/v3/user"
    pulls = client.get("/api/v3/repos/acme/rocket/pulls", params={"per_page": 2})
    assert pulls.json()[0]["url"].startswith("http://testserver/api/v3/repos/acme/rocket/pulls/")
    assert "<http://testserver/api/v3/repos/acme/rocket/pulls?" in pulls.headers["link"]
    diff = client.get("/api/v3/repos/acme/rocket/pulls/1201", headers={"Accept": "application/vnd.github.v3.diff"})
    assert diff.headers["content-type"].startswith("application/vnd.github.diff")
    assert diff.text.startswith("diff --git a/src/rocket/guidance/trajectory.py")
    gql = client.post("/api/graphql", json={"query": "{ viewer { login } }"})
    assert gql.json() == {"data": {"viewer": {"login": "octocat"}}}
    assert client.get("/repos/acme/rocket/pulls/1201").json()["number"] == 1201  # github.com's paths stay


PAGE = """query($after: String, $dir: OrderDirection!) { repository(owner: "acme", name: "rocket") {
  pullRequests(states: [OPEN], first: 100, after: $after, orderBy: {field: CREATED_AT, direction: $dir}) {
    nodes { number } pageInfo { hasNextPage endCursor } } } }"""


def all_pages(state: SimState, direction: str, between: Any = None) -> list[int]:
    numbers: list[int] = []
    after = None
    while True:
        page = run(state, PAGE, after=after, dir=direction)["data"]["repository"]["pullRequests"]
        numbers += [n["number"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return numbers
        after = page["pageInfo"]["endCursor"]
        if between is not None:
            between()
            between = None


def test_pagination_by_cursor_is_complete_both_ways_and_follows_writes() -> None:
    state = build("scale:450")
    expected = [p.number for p in state.open_pulls()]
    assert all_pages(state, "ASC") == expected
    assert all_pages(state, "DESC") == expected[::-1]
    first_of_page_two = expected[100]
    merged = expected[150]  # merged between two pages: the later pages no longer list it, nothing is skipped
    state.pulls[merged].mergeable = "MERGEABLE"
    state.protection.strict = False
    state.protection.required_checks = ()

    def merge() -> None:
        state.merge(merged, sha=None)

    pages = all_pages(state, "ASC", between=merge)
    assert pages[100] == first_of_page_two
    assert pages == [n for n in expected if n != merged]


def test_graphql_cost_follows_githubs_formula() -> None:
    from lbconsole.github.queries import OPEN_PULLS
    from lbconsole.sim.gql import request_cost

    # 1 (pullRequests) + 100 x (labels, files, commits, timelineItems) + 100 x 1 (contexts under
    # commits(last: 1)) = 501 -> 5
    assert request_cost({"query": OPEN_PULLS, "variables": {"owner": "a", "name": "b", "first": 100}}) == 5
    assert request_cost({"query": "{ viewer { login } }"}) == 1  # at least 1
    nested = '{ repository(owner: "a", name: "b") { pullRequests(first: 50) { nodes { labels(first: 10) { totalCount } } } } }'
    assert request_cost({"query": nested}) == 1  # 1 + 50 = 51 requests -> 0.51 -> 1
    assert (
        request_cost({"query": 'mutation { addComment(input: {subjectId: "x", body: "y"}) { clientMutationId } }'}) == 1
    )


def test_the_graphql_bucket_is_charged_the_cost() -> None:
    from lbconsole.github.queries import OPEN_PULLS

    simulator = Simulator(build("demo"))
    client = TestClient(simulator.app())
    body = {"query": OPEN_PULLS, "variables": {"owner": "acme", "name": "rocket", "first": 100}}
    answer = client.post("/graphql", json=body)
    assert answer.json()["data"]["rateLimit"]["cost"] == 5
    assert answer.headers["x-ratelimit-used"] == "5"
    assert simulator.state.graphql.used == 5
