"""GitHubGateway over httpx.MockTransport: what it sends and what it makes of the answers."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from lbconsole.core.models import MergeState
from lbconsole.core.settings import GithubSettings
from lbconsole.errors import GatewayError, UsageError
from lbconsole.github.gateway import GitHubGateway, parse_repo
from lbconsole.github.queries import PAGE_SIZE

Handler = Callable[[httpx.Request], httpx.Response]


def reply(status: int, body: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"content-type": "application/json", **(headers or {})})


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def make(handler: Handler) -> tuple[GitHubGateway, Recorder]:
    recorder = Recorder(handler)
    gw = GitHubGateway(
        "acme/rocket",
        token="ghp_" + "x" * 36,
        settings=GithubSettings(),
        transport=httpx.MockTransport(recorder),
        sleep=lambda s: None,
        clock=lambda: 1_800_000_000.0,
    )
    return gw, recorder


def node(number: int) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"PR {number}",
        "body": None,
        "url": f"https://github.com/acme/rocket/pull/{number}",
        "author": {"__typename": "User", "login": "octocat"},
        "labels": {"nodes": []},
        "isDraft": False,
        "headRefName": f"feat/{number}",
        "headRefOid": f"{number:040x}",
        "baseRefName": "trunk",
        "createdAt": "2026-11-01T00:00:00Z",
        "updatedAt": "2026-11-02T00:00:00Z",
        "additions": 1,
        "deletions": 0,
        "files": {"totalCount": 1, "nodes": [{"path": "a.py"}]},
        "mergeable": "MERGEABLE",
        "mergeStateStatus": "CLEAN",
        "reviewDecision": "APPROVED",
        "commits": {"nodes": [{"commit": {"oid": f"{number:040x}", "status": None, "statusCheckRollup": None}}]},
    }


# -- repo -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("acme/rocket", ("acme", "rocket")), ("a-b/c.d_e", ("a-b", "c.d_e")), (" acme/rocket.git ", ("acme", "rocket"))],
)
def test_parse_repo(text: str, expected: tuple[str, str]) -> None:
    assert parse_repo(text) == expected


@pytest.mark.parametrize("text", ["", "acme", "acme/", "/rocket", "acme/rocket/x", "-acme/rocket", "acme/..", "a b/c"])
def test_malformed_repo_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="is not of the form owner/name") as caught:
        GitHubGateway(text)
    assert caught.value.exit_code == 2


# -- the queue ---------------------------------------------------------------------------


def test_fetch_queue_follows_pages_of_100() -> None:
    numbers = list(range(1, 251))

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/graphql"
        variables = json.loads(request.content)["variables"]
        assert (variables["owner"], variables["name"], variables["first"]) == ("acme", "rocket", PAGE_SIZE)
        start = 0 if variables["after"] is None else int(variables["after"])
        chunk = numbers[start : start + PAGE_SIZE]
        end = start + len(chunk)
        return reply(
            200,
            {
                "data": {
                    "rateLimit": {"cost": 1, "remaining": 4990 - start // 100, "resetAt": "2026-11-23T23:00:00Z"},
                    "repository": {
                        "defaultBranchRef": {"name": "trunk"},
                        "pullRequests": {
                            "totalCount": len(numbers),
                            "pageInfo": {"hasNextPage": end < len(numbers), "endCursor": str(end)},
                            "nodes": [node(n) for n in chunk],
                        },
                    },
                }
            },
        )

    gw, recorder = make(handler)
    queue = gw.fetch_queue()
    assert len(recorder.requests) == 3
    assert [p.number for p in queue.pulls] == numbers
    assert queue.repo == "acme/rocket"
    assert queue.default_branch == "trunk"
    assert queue.rate_limit_remaining == 4988
    assert queue.complete is True
    assert queue.notes == ()
    assert queue.pulls[0].base_ref == "trunk"
    assert queue.fetched_at.timestamp() == 1_800_000_000.0


def test_fewer_prs_than_counted_is_an_incomplete_queue() -> None:
    body = {
        "data": {
            "repository": {
                "defaultBranchRef": {"name": "main"},
                "pullRequests": {"totalCount": 3, "pageInfo": {"hasNextPage": False}, "nodes": [node(1), None]},
            }
        }
    }
    queue = make(lambda r: reply(200, body))[0].fetch_queue()
    assert queue.complete is False
    assert queue.notes == ("GitHub counted 3 open pull requests but returned 1",)


def test_pages_that_do_not_advance_stop_the_loop() -> None:
    body = {
        "data": {
            "repository": {
                "pullRequests": {"totalCount": 9, "pageInfo": {"hasNextPage": True, "endCursor": None}, "nodes": []}
            }
        }
    }
    with pytest.raises(GatewayError, match="did not advance"):
        make(lambda r: reply(200, body))[0].fetch_queue()


def test_a_bad_node_fails_the_queue_with_a_named_field() -> None:
    broken = node(5)
    del broken["headRefOid"]
    body = {"data": {"repository": {"pullRequests": {"totalCount": 1, "pageInfo": {}, "nodes": [broken]}}}}
    with pytest.raises(GatewayError, match="pull request #5: field headRefOid is missing"):
        make(lambda r: reply(200, body))[0].fetch_queue()


def test_queue_changed_uses_the_etag() -> None:
    etags = iter(['W/"one"', None, 'W/"two"'])

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/repos/acme/rocket/pulls"
        assert dict(request.url.params) == {"state": "open", "sort": "updated", "direction": "desc", "per_page": "1"}
        etag = next(etags)
        if etag is None:
            return httpx.Response(304, headers={"etag": 'W/"one"'})
        return reply(200, [], {"etag": etag})

    gw, recorder = make(handler)
    assert gw.queue_changed() is True
    assert gw.queue_changed() is False
    assert gw.queue_changed() is True
    sent = [r.headers.get("if-none-match") for r in recorder.requests]
    assert sent == [None, 'W/"one"', 'W/"one"']


def test_rate_limit_comes_from_rest_headers_only() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/graphql":
            headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "10", "x-ratelimit-reset": "9"}
            headers["x-ratelimit-resource"] = "graphql"
            return reply(200, {"data": {"repository": None}}, headers)
        headers = {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4321", "x-ratelimit-reset": "1800003600"}
        return reply(200, [], {**headers, "x-ratelimit-resource": "core", "etag": '"e"'})

    gw, _ = make(handler)
    assert gw.rate_limit is None
    gw.queue_changed()
    with pytest.raises(GatewayError):
        gw.fetch_queue()
    assert gw.rate_limit is not None
    assert (gw.rate_limit.limit, gw.rate_limit.remaining, gw.rate_limit.reset_at) == (5000, 4321, 1800003600.0)


# -- REST reads ------------------------------------------------------------------------------


def test_get_pull_and_whoami() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/user":
            return reply(200, {"login": "octocat", "id": 1})
        return reply(
            200,
            {
                "number": 7,
                "state": "open",
                "merged": False,
                "mergeable_state": "behind",
                "draft": True,
                "head": {"sha": "c" * 40},
                "labels": [{"name": "wip"}],
                "user": {"login": "alice"},
            },
        )

    gw, _ = make(handler)
    assert gw.whoami() == "octocat"
    snapshot = gw.get_pull(7)
    assert (snapshot.merge_state, snapshot.draft, snapshot.labels, snapshot.author) == (
        MergeState.BEHIND,
        True,
        ("wip",),
        "alice",
    )


def test_list_comments_follows_link_headers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        assert request.url.params["per_page"] == "100"
        items = [
            {"id": page * 1000 + i, "body": f"c{i}", "user": {"login": "u"}} for i in range(100 if page == 1 else 3)
        ]
        link = f'<https://api.github.com/repositories/1/issues/7/comments?page={page + 1}>; rel="next"'
        return reply(200, items, {"link": link} if page == 1 else {"link": '<https://x?page=1>; rel="first"'})

    gw, recorder = make(handler)
    comments = gw.list_comments(7)
    assert len(comments) == 103
    assert comments[-1].id == 2002
    assert len(recorder.requests) == 2


def test_list_pull_files_without_link_headers_pages_while_full() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        count = {1: 100, 2: 100, 3: 0}[page]
        return reply(200, [{"filename": f"p{page}/{i}", "status": "modified", "patch": "@@"} for i in range(count)])

    gw, recorder = make(handler)
    files = gw.list_pull_files(9)
    assert len(files) == 200
    assert len(recorder.requests) == 3


def test_list_pull_files_stops_at_githubs_3000() -> None:
    gw, recorder = make(lambda r: reply(200, [{"filename": "x", "status": "added"}] * 100))
    assert len(gw.list_pull_files(9)) == 3000
    assert len(recorder.requests) == 30


def test_get_file() -> None:
    content = base64.encodebytes(b"name: ci\non: push\n").decode()

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/missing.yml"):
            return reply(404, {"message": "Not Found"})
        if path.endswith("/.github"):
            return reply(200, [{"type": "dir", "name": "workflows"}])
        if path.endswith("/big.bin"):
            if request.headers["accept"] == "application/vnd.github.raw":
                return httpx.Response(200, content=b"\x00" * 10)
            return reply(200, {"type": "file", "encoding": "none", "content": "", "size": 2_000_000})
        assert request.url.params["ref"] == "feature"
        return reply(200, {"type": "file", "encoding": "base64", "content": content})

    gw, _ = make(handler)
    assert gw.get_file(".github/workflows/ci.yml", "feature") == b"name: ci\non: push\n"
    assert gw.get_file("missing.yml", "feature") is None
    assert gw.get_file(".github", "feature") is None
    assert gw.get_file("big.bin", "feature") == b"\x00" * 10


# -- REST writes ---------------------------------------------------------------------------


def test_writes_send_what_github_expects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/merge"):
            return reply(200, {"sha": "m" * 40, "merged": True, "message": "Pull Request successfully merged"})
        if request.url.path.endswith("/update-branch"):
            return reply(202, {"message": "Updating pull request branch.", "url": "x"})
        if request.method == "POST" and request.url.path.endswith("/comments"):
            return reply(201, {"id": 55, "body": json.loads(request.content)["body"], "user": {"login": "bot"}})
        return reply(200, {})

    gw, recorder = make(handler)
    result = gw.merge(7, "a" * 40, "rebase")
    gw.update_branch(8, "b" * 40)
    gw.add_labels(9, ["needs-rebase"])
    gw.add_labels(9, [])  # nothing to send
    comment = gw.create_comment(9, "<!-- lbconsole:conflict -->\nPlease rebase.")
    gw.update_comment(55, "edited")
    gw.set_commit_status("c" * 40, "lbconsole/security-scan", "success", "x" * 200)
    assert result.sha == "m" * 40
    assert result.message == "Pull Request successfully merged"
    assert comment.id == 55
    sent = [(r.method, r.url.path, json.loads(r.content)) for r in recorder.requests]
    assert sent[:5] == [
        ("PUT", "/repos/acme/rocket/pulls/7/merge", {"sha": "a" * 40, "merge_method": "rebase"}),
        ("PUT", "/repos/acme/rocket/pulls/8/update-branch", {"expected_head_sha": "b" * 40}),
        ("POST", "/repos/acme/rocket/issues/9/labels", {"labels": ["needs-rebase"]}),
        ("POST", "/repos/acme/rocket/issues/9/comments", {"body": "<!-- lbconsole:conflict -->\nPlease rebase."}),
        ("PATCH", "/repos/acme/rocket/issues/comments/55", {"body": "edited"}),
    ]
    method, path, status = sent[5]
    assert (method, path) == ("POST", f"/repos/acme/rocket/statuses/{'c' * 40}")
    assert status["state"] == "success"
    assert status["context"] == "lbconsole/security-scan"
    assert len(status["description"]) == 140


def test_bad_arguments_are_refused_before_sending() -> None:
    gw, recorder = make(lambda r: reply(200, {}))
    with pytest.raises(UsageError, match="unknown merge method"):
        gw.merge(1, "a" * 40, "octopus")
    with pytest.raises(UsageError, match="unknown commit status state"):
        gw.set_commit_status("a" * 40, "ctx", "green", "")
    assert recorder.requests == []


def test_gateway_satisfies_the_protocol() -> None:
    from lbconsole.core.ports import Gateway

    gw: Gateway = make(lambda r: reply(200, {}))[0]
    assert gw.repo == "acme/rocket"


def test_on_wait_is_the_clients_countdown_callback():
    from lbconsole.github.gateway import GitHubGateway

    seen: list[tuple[float, str]] = []
    gateway = GitHubGateway("acme/rocket", api_url="http://127.0.0.1:9", sleep=lambda s: None)
    gateway.on_wait = lambda left, why: seen.append((left, why))
    gateway.client.wait(2.0, "rate limited")
    assert seen == [(2.0, "rate limited"), (1.0, "rate limited"), (0.0, "rate limited")]
