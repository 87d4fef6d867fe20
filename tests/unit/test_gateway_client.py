"""The githubkit client policy: timeouts that fire, bounded rate-limit waits, error translation."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from githubkit import GitHub

from lbconsole.core.settings import GithubSettings
from lbconsole.errors import AuthError, GatewayError, RateLimited, Unreachable
from lbconsole.github.client import GitHubClient, api_host, build_github, graphql_url, rest_api_version
from lbconsole.github.gateway import GitHubGateway

TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
NOW = 1_800_000_000.0


class FakeTime:
    """A clock that only moves when the fake sleep is called."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def reply(status: int, body: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=b"" if body is None else json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def scripted(*responses: httpx.Response | Exception) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport answering each request with the next scripted response."""
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return httpx.MockTransport(handler), seen


def gateway(
    transport: httpx.BaseTransport,
    fake: FakeTime | None = None,
    *,
    token: str | None = TOKEN,
    on_wait: Callable[[float, str], None] | None = None,
    **settings: float,
) -> GitHubGateway:
    fake = fake or FakeTime()
    return GitHubGateway(
        "acme/rocket",
        token=token,
        settings=GithubSettings(**settings),  # type: ignore[arg-type]
        transport=transport,
        sleep=fake.sleep,
        clock=fake.clock,
        on_wait=on_wait,
    )


PULL = {
    "number": 7,
    "state": "open",
    "merged": False,
    "mergeable_state": "clean",
    "draft": False,
    "head": {"sha": "a" * 40, "ref": "fix/x"},
    "labels": [{"name": "bug"}],
    "user": {"login": "octocat"},
}


# -- endpoints ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_url", "expected"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://api.github.com/", "https://api.github.com/graphql"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/graphql"),
    ],
)
def test_graphql_endpoint_for_each_kind_of_api_url(api_url: str, expected: str) -> None:
    assert graphql_url(api_url) == expected


def test_ghes_gets_the_api_version_it_knows_and_github_com_githubkits() -> None:
    assert rest_api_version("https://api.github.com") is None
    assert rest_api_version("http://127.0.0.1:9999") is None
    assert rest_api_version("https://ghe.example.com/api/v3") == "2022-11-28"
    assert api_host("http://127.0.0.1:9999") == "127.0.0.1:9999"
    assert api_host("https://api.github.com") == "api.github.com"


def test_ghes_requests_go_to_api_v3_and_api_graphql() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/graphql":
            return reply(200, {"data": {"repository": None}})
        return reply(200, PULL)

    gw = GitHubGateway(
        "acme/rocket",
        token=TOKEN,
        settings=GithubSettings(api_url="https://ghe.example.com/api/v3/"),
        transport=httpx.MockTransport(handler),
    )
    gw.get_pull(7)
    with pytest.raises(GatewayError, match="not found"):
        gw.fetch_queue()
    assert [str(r.url) for r in seen] == [
        "https://ghe.example.com/api/v3/repos/acme/rocket/pulls/7",
        "https://ghe.example.com/api/graphql",
    ]
    assert seen[0].headers["x-github-api-version"] == "2022-11-28"
    assert seen[0].headers["authorization"] == f"token {TOKEN}"


def test_client_is_built_without_cache_and_without_githubkit_retry() -> None:
    github = build_github(None, "https://api.github.com", GithubSettings(timeout_s=7.5))
    assert github.config.http_cache is False
    assert github.config.auto_retry is None
    assert github.config.timeout == httpx.Timeout(7.5)


# -- timeouts really fire ----------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[socket.socket]:
    """A TCP socket that accepts connections (in the kernel backlog) and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield server
    finally:
        server.close()


def test_request_timeout_really_fires_against_a_silent_server(silent_server: socket.socket) -> None:
    port = silent_server.getsockname()[1]
    gw = GitHubGateway("acme/rocket", settings=GithubSettings(api_url=f"http://127.0.0.1:{port}", timeout_s=0.3))
    started = time.monotonic()
    with pytest.raises(Unreachable) as caught:
        gw.get_pull(1)
    elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 3.0
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert "did not answer within 0.3s" in str(caught.value)
    assert caught.value.exit_code == 4


def test_githubkits_default_cache_would_have_hung(silent_server: socket.socket) -> None:
    """Why http_cache=False: with githubkit's default cache the same timeout never fires."""
    port = silent_server.getsockname()[1]
    cached = GitHub(base_url=f"http://127.0.0.1:{port}", timeout=0.3, auto_retry=False)  # http_cache on
    outcome: list[BaseException | None] = []

    def call() -> None:
        try:
            cached.request("GET", "/repos/acme/rocket/pulls/1")
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(1.2)  # four times the timeout
    still_waiting = worker.is_alive()
    silent_server.close()  # resets the pending connection and releases the worker
    worker.join(5)
    assert still_waiting, f"the cached client gave up by itself: {outcome}"
    assert not worker.is_alive()


# -- error translation -------------------------------------------------------------------


def test_401_is_an_auth_error_without_the_token() -> None:
    transport, _ = scripted(reply(401, {"message": "Bad credentials", "documentation_url": "x"}))
    with pytest.raises(AuthError) as caught:
        gateway(transport).get_pull(7)
    message = str(caught.value)
    assert message.startswith("GitHub rejected the token (401 Bad credentials)")
    assert "LBCONSOLE_TOKEN" in message
    assert TOKEN not in message
    assert caught.value.exit_code == 3


def test_401_without_a_token_says_a_token_is_needed() -> None:
    transport, _ = scripted(reply(401, {"message": "Requires authentication"}))
    with pytest.raises(AuthError, match="needs a token"):
        gateway(transport, token=None).whoami()


def test_a_token_echoed_by_the_server_is_masked() -> None:
    transport, _ = scripted(reply(422, {"message": f"weird: {TOKEN}"}))
    with pytest.raises(GatewayError) as caught:
        gateway(transport).get_pull(7)
    assert TOKEN not in str(caught.value)
    assert "***" in str(caught.value)


def test_404_names_the_request_and_keeps_the_status() -> None:
    transport, _ = scripted(reply(404, {"message": "Not Found"}))
    with pytest.raises(GatewayError) as caught:
        gateway(transport).get_pull(99)
    assert caught.value.status == 404
    assert str(caught.value) == "GitHub answered 404 to GET /repos/acme/rocket/pulls/99: Not Found"


@pytest.mark.parametrize(
    ("status", "message"),
    [(405, "Pull Request is not mergeable"), (409, "Head branch was modified. Review and try the merge again.")],
)
def test_merge_refusals_carry_githubs_message_and_status(status: int, message: str) -> None:
    transport, seen = scripted(reply(status, {"message": message}))
    with pytest.raises(GatewayError) as caught:
        gateway(transport).merge(7, "b" * 40, "squash")
    assert caught.value.status == status
    assert message in str(caught.value)
    assert json.loads(seen[0].content) == {"sha": "b" * 40, "merge_method": "squash"}
    assert len(seen) == 1


def test_422_details_are_kept() -> None:
    body = {
        "message": "Validation Failed",
        "errors": [{"resource": "Label", "code": "invalid", "field": "name"}],
    }
    transport, _ = scripted(reply(422, body))
    with pytest.raises(GatewayError, match="Validation Failed; Label name invalid"):
        gateway(transport).add_labels(7, ["bad label"])


def test_5xx_on_a_read_is_retried_twice_then_reported() -> None:
    fake = FakeTime()
    waits: list[tuple[float, str]] = []
    transport, seen = scripted(
        reply(502, {"message": "Server Error"}),
        reply(503, None),
        reply(502, {"message": "Server Error"}),
    )
    with pytest.raises(GatewayError) as caught:
        gateway(transport, fake, on_wait=lambda s, r: waits.append((s, r))).get_pull(7)
    assert caught.value.status == 502
    assert "Server Error" in str(caught.value)
    assert len(seen) == 3
    assert fake.sleeps == [1.0, 1.0, 1.0]  # 1 s, then 2 s in one-second ticks
    assert waits[0] == (1.0, "GitHub answered 502; retrying")


def test_5xx_then_success_returns_the_answer() -> None:
    transport, seen = scripted(reply(500, {"message": "boom"}), reply(200, PULL))
    snapshot = gateway(transport).get_pull(7)
    assert snapshot.head_sha == "a" * 40
    assert len(seen) == 2


def test_5xx_on_a_merge_is_never_retried() -> None:
    fake = FakeTime()
    transport, seen = scripted(reply(502, {"message": "Server Error"}))
    with pytest.raises(GatewayError) as caught:
        gateway(transport, fake).merge(7, "a" * 40, "merge")
    assert caught.value.status == 502
    assert len(seen) == 1
    assert fake.sleeps == []


def test_connection_error_is_unreachable_with_the_host() -> None:
    transport, _ = scripted(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(Unreachable) as caught:
        gateway(transport).get_pull(7)
    assert str(caught.value) == "GitHub at api.github.com could not be reached: [Errno 111] Connection refused"


def test_non_json_answer_is_a_gateway_error() -> None:
    transport, _ = scripted(httpx.Response(200, content=b"<html>captive portal</html>"))
    with pytest.raises(GatewayError, match="not JSON"):
        gateway(transport).get_pull(7)


# -- rate limits ----------------------------------------------------------------------------


def primary_limit(reset_in: float) -> httpx.Response:
    return reply(
        403,
        {"message": "API rate limit exceeded for user ID 1."},
        {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(int(NOW + reset_in)),
            "x-ratelimit-resource": "core",
        },
    )


def test_short_primary_limit_is_waited_out_with_a_countdown() -> None:
    fake = FakeTime()
    ticks: list[tuple[float, str]] = []
    transport, seen = scripted(
        primary_limit(3),
        reply(200, PULL, {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-reset": "1"}),
    )
    gw = gateway(transport, fake, on_wait=lambda left, reason: ticks.append((left, reason)))
    assert gw.get_pull(7).number == 7
    assert len(seen) == 2
    assert fake.sleeps == [1.0, 1.0, 1.0, 1.0]  # 3 s to the reset + 1 s of slack
    assert [left for left, _ in ticks] == [4.0, 3.0, 2.0, 1.0, 0.0]
    assert {reason for _, reason in ticks} == {"GitHub primary rate limit"}
    assert gw.rate_limit is not None
    assert gw.rate_limit.remaining == 4999


def test_long_primary_limit_raises_rate_limited_without_sleeping() -> None:
    fake = FakeTime()
    transport, seen = scripted(primary_limit(3600))
    gw = gateway(transport, fake)
    with pytest.raises(RateLimited) as caught:
        gw.get_pull(7)
    assert fake.sleeps == []
    assert len(seen) == 1
    assert caught.value.reset_at == NOW + 3600
    assert caught.value.wait_s == pytest.approx(3601)
    assert "primary rate limit" in str(caught.value)
    assert "github.max_wait_s" in str(caught.value)
    assert gw.rate_limit is not None
    assert gw.rate_limit.remaining == 0


def test_the_wait_cap_is_the_setting() -> None:
    fake = FakeTime()
    transport, _ = scripted(primary_limit(30))
    with pytest.raises(RateLimited):
        gateway(transport, fake, max_wait_s=10.0).get_pull(7)
    assert fake.sleeps == []


def test_secondary_limit_honours_retry_after() -> None:
    fake = FakeTime()
    secondary = reply(403, {"message": "You have exceeded a secondary rate limit."}, {"retry-after": "5"})
    transport, seen = scripted(secondary, reply(201, {"id": 1, "body": "hi", "user": {"login": "me"}}))
    comment = gateway(transport, fake).create_comment(7, "hi")
    assert comment.id == 1
    assert sum(fake.sleeps) == 5.0
    assert len(seen) == 2


def test_secondary_limit_too_long_is_reported() -> None:
    transport, _ = scripted(reply(429, {"message": "secondary rate limit"}, {"retry-after": "600"}))
    with pytest.raises(RateLimited, match="secondary rate limit") as caught:
        gateway(transport).add_labels(7, ["bug"])
    assert caught.value.wait_s == 600


def test_limit_hit_again_and_again_gives_up() -> None:
    fake = FakeTime()
    transport, seen = scripted(primary_limit(1), primary_limit(1), primary_limit(1))
    with pytest.raises(RateLimited):
        gateway(transport, fake).get_pull(7)
    assert len(seen) == 3


def test_graphql_rate_limit_in_a_200_is_waited_out() -> None:
    fake = FakeTime()
    limited = reply(
        200,
        {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW + 2)), "x-ratelimit-resource": "graphql"},
    )
    page = {
        "data": {
            "rateLimit": {"cost": 1, "remaining": 4990, "resetAt": "2027-01-15T08:00:00Z"},
            "repository": {
                "defaultBranchRef": {"name": "main"},
                "pullRequests": {"totalCount": 0, "pageInfo": {"hasNextPage": False}, "nodes": []},
            },
        }
    }
    transport, seen = scripted(limited, reply(200, page))
    queue = gateway(transport, fake).fetch_queue()
    assert queue.pulls == ()
    assert queue.rate_limit_remaining == 4990
    assert sum(fake.sleeps) == 3.0
    assert len(seen) == 2


def test_graphql_errors_are_reported_with_githubs_message() -> None:
    body = {
        "data": {"repository": None},
        "errors": [{"type": "NOT_FOUND", "message": "Could not resolve to a Repository with the name 'acme/x'."}],
    }
    transport, _ = scripted(reply(200, body))
    with pytest.raises(GatewayError, match="Could not resolve to a Repository") as caught:
        gateway(transport).fetch_queue()
    assert caught.value.status == 404


def test_client_counts_requests() -> None:
    transport, _ = scripted(reply(500, {}), reply(200, PULL))
    client = GitHubClient(None, GithubSettings(), transport=transport, sleep=lambda s: None)
    client.call(lambda: client.github.request("GET", "/repos/acme/rocket/pulls/7"))
    assert client.requests_sent == 2


def secondary_without_retry_after() -> httpx.Response:
    """GitHub's third kind of secondary limit: no Retry-After, requests left, only the message says so."""
    return reply(
        403,
        {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        },
        {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4990", "x-ratelimit-reset": str(int(NOW + 3000))},
    )


def test_secondary_limit_without_retry_after_is_waited_a_minute_then_retried() -> None:
    fake = FakeTime()
    transport, seen = scripted(secondary_without_retry_after(), reply(200, PULL))
    gw = gateway(transport, fake, max_wait_s=60)
    assert gw.get_pull(7).number == 7
    assert len(seen) == 2
    assert sum(fake.sleeps) == 60


def test_secondary_limit_without_retry_after_beyond_the_cap_is_rate_limited() -> None:
    fake = FakeTime()
    transport, seen = scripted(secondary_without_retry_after())
    gw = gateway(transport, fake, max_wait_s=30)
    with pytest.raises(RateLimited, match="secondary rate limit"):
        gw.merge(7, "a" * 40, "squash")
    assert fake.sleeps == []
    assert len(seen) == 1


def test_the_wait_cap_holds_for_the_whole_call_not_each_wait() -> None:
    fake = FakeTime()
    limited = reply(429, {"message": "slow down"}, {"retry-after": "35", "x-ratelimit-remaining": "10"})
    transport, seen = scripted(limited, reply(429, {"message": "slow down"}, {"retry-after": "35"}), reply(200, PULL))
    gw = gateway(transport, fake, max_wait_s=60)
    with pytest.raises(RateLimited):
        gw.get_pull(7)
    assert sum(fake.sleeps) == 35  # the second 35 s wait would pass the 60 s cap: reported instead
    assert len(seen) == 2


class CountingResponse(httpx.Response):
    """A response that counts how often its JSON body is decoded."""

    decoded = 0

    def json(self, **kwargs: object) -> object:
        CountingResponse.decoded += 1
        return super().json(**kwargs)


def test_graphql_decodes_each_answer_once() -> None:
    body = {"data": {"viewer": {"login": "octocat"}}}
    CountingResponse.decoded = 0
    transport = httpx.MockTransport(
        lambda request: CountingResponse(200, json=body, headers={"x-ratelimit-resource": "graphql"})
    )
    client = GitHubClient(TOKEN, GithubSettings(), transport=transport, sleep=lambda s: None)
    assert client.graphql("query { viewer { login } }", {}) == {"viewer": {"login": "octocat"}}
    assert CountingResponse.decoded == 1


def test_pages_reads_a_list_wrapped_under_a_key_and_follows_link() -> None:
    next_link = '<https://api.github.com/repos/acme/rocket/actions/runs/7/jobs?page=2>; rel="next"'
    transport, seen = scripted(
        reply(200, {"total_count": 3, "jobs": [{"id": 1}, {"id": 2}]}, {"link": next_link}),
        reply(200, {"total_count": 3, "jobs": [{"id": 3}]}),
    )
    client = GitHubClient(TOKEN, GithubSettings(), transport=transport, sleep=lambda s: None)

    def fetch(page: int) -> object:
        return client.call(lambda: client.github.request("GET", "/repos/acme/rocket/actions/runs/7/jobs"))

    pages = list(client.pages(fetch, key="jobs"))  # type: ignore[arg-type]
    assert pages == [[{"id": 1}, {"id": 2}], [{"id": 3}]]  # a short first page with rel="next" is not the end
    assert len(seen) == 2


def test_pages_names_the_missing_key() -> None:
    transport, _ = scripted(reply(200, {"total_count": 0}))
    client = GitHubClient(TOKEN, GithubSettings(), transport=transport, sleep=lambda s: None)
    fetch = lambda page: client.call(lambda: client.github.request("GET", "/repos/acme/rocket/actions/workflows"))  # noqa: E731
    with pytest.raises(GatewayError, match="GET /repos/acme/rocket/actions/workflows has no 'workflows' list"):
        list(client.pages(fetch, key="workflows"))
