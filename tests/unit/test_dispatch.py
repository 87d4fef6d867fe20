"""Dispatch and the run follower: what is sent to GitHub, what reaches the log, exit codes."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from lbconsole.core.ports import JobInfo, RunInfo, StepInfo
from lbconsole.core.settings import GithubSettings
from lbconsole.engine.dispatch import LOG_ATTEMPTS, Dispatcher, RunResult, dispatch_inputs, parse_log_line
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.errors import AuthError, ConfigError, GatewayError, LbError, RateLimited, UsageError
from lbconsole.github.actions import ActionsApi
from lbconsole.github.client import GitHubClient

# -- a scripted Actions API for the follower ---------------------------------------------------


def run(status: str, conclusion: str | None = None) -> RunInfo:
    return RunInfo(
        id=7,
        name="ΛBot orchestrator",
        status=status,
        conclusion=conclusion,
        event="workflow_dispatch",
        html_url="https://github.com/acme/rocket/actions/runs/7",
        display_title="lambda-bot auto abc",
    )


def job(
    status: str,
    conclusion: str | None = None,
    steps: tuple[StepInfo, ...] = (),
    *,
    job_id: int = 11,
    name: str = "orchestrate",
) -> JobInfo:
    return JobInfo(id=job_id, name=name, status=status, conclusion=conclusion, steps=steps)


def step(number: int, status: str, conclusion: str | None = None) -> StepInfo:
    return StepInfo(number=number, name=f"step-{number}", status=status, conclusion=conclusion)


LOG = (
    "\ufeff2026-11-23T12:00:00.0000000Z ##[group]Run lbconsole plan\n"
    "2026-11-23T12:00:00.1000000Z plan auto: 3 actions\n"
    "2026-11-23T12:00:00.2000000Z ##[endgroup]\n"
    "2026-11-23T12:00:01.0000000Z ##[error]Process completed with exit code 1.\n"
)


class ScriptedApi:
    """Answers get_run/list_jobs from a list of (run, jobs) polls; counts log fetches."""

    repo = "acme/rocket"

    def __init__(self, polls: list[tuple[RunInfo, list[JobInfo]]], logs: dict[int, str] | None = None) -> None:
        self.polls = polls
        self.index = -1
        self.logs = logs or {}
        self.log_fetches: list[int] = []

    def get_run(self, run_id: int) -> RunInfo:
        self.index = min(self.index + 1, len(self.polls) - 1)
        return self.polls[self.index][0]

    def list_jobs(self, run_id: int) -> list[JobInfo]:
        return self.polls[self.index][1]

    def job_log(self, job_id: int) -> str:
        self.log_fetches.append(job_id)
        if job_id not in self.logs:
            raise GatewayError("GitHub answered 410 to GET /logs: Gone", status=410)
        return self.logs[job_id]


def follow(api: ScriptedApi, **kw: Any) -> tuple[RunResult, list[LogRecord], list[float]]:
    bus = LogBus(clock=lambda: datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    records: list[LogRecord] = []
    bus.subscribe(records.append)
    slept: list[float] = []
    sleep = kw.pop("sleep", slept.append)
    result = Dispatcher(api, sleep=lambda s: None).follow(7, bus=bus, poll_s=kw.pop("poll_s", 3.0), sleep=sleep, **kw)  # type: ignore[arg-type]
    return result, records, slept


def texts(records: list[LogRecord]) -> list[str]:
    return [r.text for r in records]


SUCCESS_POLLS = [
    (run("queued"), []),
    (run("in_progress"), [job("queued")]),
    (run("in_progress"), [job("in_progress", steps=(step(1, "completed", "success"), step(2, "in_progress")))]),
    (run("in_progress"), [job("in_progress", steps=(step(1, "completed", "success"), step(2, "in_progress")))]),
    (
        run("completed", "success"),
        [job("completed", "success", (step(1, "completed", "success"), step(2, "completed", "success")))],
    ),
]


def test_follow_logs_each_status_change_once_and_the_log_when_the_job_completes() -> None:
    api = ScriptedApi(SUCCESS_POLLS, logs={11: LOG})
    result, records, slept = follow(api)

    assert result.exit_code == 0
    assert (result.status, result.conclusion, result.stopped) == ("completed", "success", False)
    assert slept == [3.0, 3.0, 3.0, 3.0]  # four waits between five polls, never a real sleep
    lines = texts(records)
    assert lines.count("run 7 queued") == 1
    assert lines.count("run 7 in progress") == 1
    assert lines.count("job orchestrate queued") == 1
    assert lines.count("job orchestrate in progress") == 1
    assert lines.count("step 1 'step-1' completed: success") == 1
    assert lines.count("step 2 'step-2' in progress") == 1  # the unchanged 4th poll adds nothing
    assert lines.count("step 2 'step-2' completed: success") == 1
    honest = [t for t in lines if "no live log" in t]
    assert honest == ["job orchestrate running — GitHub's API has no live log; its lines arrive when the job completes"]
    assert api.log_fetches == [11]  # once, when the job completed
    # the job's conclusion comes after its last step, then its log, then the end of the run
    assert lines.index("step 2 'step-2' completed: success") < lines.index("job orchestrate completed: success")
    assert lines.index("job orchestrate completed: success") < lines.index("log of job orchestrate (4 lines, final):")
    assert lines[-1] == "run 7 finished: success — https://github.com/acme/rocket/actions/runs/7"
    # status records carry source "workflow" and the job's name
    job_records = [r for r in records if r.text.startswith(("job ", "step "))]
    assert {(r.source, r.job) for r in job_records} == {("workflow", "orchestrate")}


def test_job_log_lines_are_tagged_with_the_job_and_keep_github_s_timestamps() -> None:
    api = ScriptedApi(SUCCESS_POLLS, logs={11: LOG})
    _, records, _ = follow(api)
    log_lines = [r for r in records if r.time.hour == 12]
    assert [(r.text, r.level) for r in log_lines] == [
        ("▸ Run lbconsole plan", "info"),
        ("plan auto: 3 actions", "info"),
        ("Process completed with exit code 1.", "error"),
    ]
    assert all(r.job == "orchestrate" and r.source == "workflow" for r in log_lines)
    assert log_lines[1].time == datetime(2026, 11, 23, 12, 0, 0, 100000, tzinfo=UTC)


@pytest.mark.parametrize(("conclusion", "code"), [("success", 0), ("failure", 1), ("cancelled", 1), ("timed_out", 1)])
def test_exit_code_follows_the_run_s_conclusion(conclusion: str, code: int) -> None:
    api = ScriptedApi([(run("completed", conclusion), [job("completed", conclusion)])], logs={11: "x\n"})
    result, records, slept = follow(api)
    assert result.exit_code == code
    assert slept == []  # already finished: no wait at all
    level = records[-1].level
    assert level == ("info" if code == 0 else "warning")


def test_every_completed_job_s_log_is_fetched_once_even_across_polls() -> None:
    build = job("completed", "success", job_id=21, name="build")
    test_running = job("in_progress", job_id=22, name="test")
    test_done = job("completed", "failure", job_id=22, name="test")
    polls = [
        (run("in_progress"), [build, test_running]),
        (run("in_progress"), [build, test_running]),
        (run("completed", "failure"), [build, test_done]),
    ]
    api = ScriptedApi(polls, logs={21: "2026-11-23T12:00:00.0000000Z built\n", 22: "2026-11-23T12:00:01Z failed\n"})
    result, records, _ = follow(api)
    assert api.log_fetches == [21, 22]
    assert result.exit_code == 1
    by_job = {(r.job, r.text) for r in records if r.time.hour == 12}
    assert by_job == {("build", "built"), ("test", "failed")}


def test_a_log_github_no_longer_has_is_a_warning_not_a_crash() -> None:
    api = ScriptedApi([(run("completed", "success"), [job("completed", "success")])], logs={})
    result, records, _ = follow(api)
    assert result.exit_code == 0
    warning = next(r for r in records if r.level == "warning")
    assert warning.text.startswith("log of job orchestrate not available: GitHub answered 410")


def test_cancel_stops_following_without_touching_the_run() -> None:
    cancel = threading.Event()
    polls = [(run("in_progress"), [job("in_progress")])] * 10
    api = ScriptedApi(polls)

    def sleep(seconds: float) -> None:
        cancel.set()  # Ctrl+C during the first wait

    result, records, _ = follow(api, sleep=sleep, cancel=cancel)
    assert result.stopped is True
    assert result.exit_code == 1
    assert api.index == 0  # no poll after the cancel
    assert records[-1].text.startswith("stopped following run 7 (in_progress); it goes on on GitHub")


def test_the_default_wait_returns_as_soon_as_cancel_is_set() -> None:
    cancel = threading.Event()
    cancel.set()
    api = ScriptedApi([(run("in_progress"), [])] * 3)
    bus = LogBus()
    result = Dispatcher(api, sleep=lambda s: None).follow(7, bus=bus, poll_s=3600, cancel=cancel)  # type: ignore[arg-type]
    assert result.stopped is True  # returned without waiting an hour


def test_parse_log_line() -> None:
    assert parse_log_line("2026-11-23T12:00:00.0000000Z hello") == (
        datetime(2026, 11, 23, 12, tzinfo=UTC),
        "info",
        "hello",
    )
    assert parse_log_line("2026-11-23T12:00:00.0000000Z ##[endgroup]") is None
    assert parse_log_line("2026-11-23T12:00:00.0000000Z ##[warning]careful") == (
        datetime(2026, 11, 23, 12, tzinfo=UTC),
        "warning",
        "careful",
    )
    assert parse_log_line("no timestamp here") == (None, "info", "no timestamp here")
    assert parse_log_line("\ufeff2026-11-23T12:00:00Z ##[command]git fetch") == (
        datetime(2026, 11, 23, 12, tzinfo=UTC),
        "info",
        "$ git fetch",
    )


# -- dispatch over httpx.MockTransport ----------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


def reply(status: int, body: object = None) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers={"content-type": "application/json"})


class Server:
    """A tiny scripted GitHub: records requests, answers from a function."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def dispatches(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith("/dispatches")]


def make(handler: Handler, *, sleep: Callable[[float], None] = lambda s: None) -> tuple[Dispatcher, Server]:
    server = Server(handler)
    client = GitHubClient(
        "ghp_" + "y" * 36,
        GithubSettings(),
        transport=httpx.MockTransport(server),
        sleep=lambda s: None,
        clock=lambda: 1_800_000_000.0,
    )
    return Dispatcher(ActionsApi(client, "acme", "rocket"), sleep=sleep, find_attempts=3, find_interval_s=2.0), server


RUN_JSON = {
    "id": 555,
    "name": "ΛBot orchestrator",
    "display_title": "lambda-bot auto CID",
    "status": "queued",
    "conclusion": None,
    "event": "workflow_dispatch",
    "html_url": "https://github.com/acme/rocket/actions/runs/555",
    "run_number": 3,
    "created_at": "2026-11-23T12:00:00Z",
}


def test_dispatch_asks_for_run_details_and_sends_the_inputs_as_strings() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/repos/acme/rocket":
            return reply(200, {"default_branch": "trunk"})
        assert request.url.path == "/repos/acme/rocket/actions/workflows/lambda-bot.yml/dispatches"
        return reply(
            200,
            {
                "workflow_run_id": 555,
                "run_url": "https://api.github.com/repos/acme/rocket/actions/runs/555",
                "html_url": "https://github.com/acme/rocket/actions/runs/555",
            },
        )

    dispatcher, server = make(handler)
    done = dispatcher.dispatch("merge-only", merge_limit=4, conflict_limit=2, dry_run=True)
    assert (done.run_id, done.html_url, done.ref, done.found_by) == (
        555,
        "https://github.com/acme/rocket/actions/runs/555",
        "trunk",
        "run details",
    )
    [body] = server.dispatches()
    assert body == {
        "ref": "trunk",
        "inputs": {
            "mode": "merge-only",
            "merge_limit": "4",
            "conflict_limit": "2",
            "dry_run": "true",
            "correlation_id": done.correlation_id,
        },
        "return_run_details": True,
    }
    assert re.fullmatch(r"[0-9a-f]{32}", done.correlation_id)


def test_an_explicit_ref_skips_the_default_branch_lookup() -> None:
    dispatcher, server = make(lambda r: reply(200, {"workflow_run_id": 1, "run_url": "u", "html_url": "h"}))
    done = dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="release/1.2")
    assert done.ref == "release/1.2"
    assert [r.url.path for r in server.requests] == ["/repos/acme/rocket/actions/workflows/lambda-bot.yml/dispatches"]


def test_a_400_to_return_run_details_is_retried_without_it_and_the_run_found_by_correlation_id() -> None:
    list_calls = 0
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal list_calls
        if request.url.path.endswith("/dispatches"):
            body = json.loads(request.content)
            if "return_run_details" in body:
                return reply(400, {"message": 'Invalid request.\n\n"return_run_details" is not a permitted key.'})
            return httpx.Response(204)
        if request.url.path.endswith("/lambda-bot.yml/runs"):
            assert request.url.params["event"] == "workflow_dispatch"
            list_calls += 1
            cid = server.dispatches()[-1]["inputs"]["correlation_id"]
            other = {**RUN_JSON, "id": 554, "display_title": "lambda-bot auto someone-else"}
            mine = {**RUN_JSON, "display_title": f"lambda-bot auto {cid}"}
            runs = [other] if list_calls == 1 else [mine, other]  # GitHub takes a moment to list the run
            return reply(200, {"total_count": len(runs), "workflow_runs": runs})
        raise AssertionError(request.url)

    dispatcher, server = make(handler, sleep=slept.append)
    bus = LogBus()
    records: list[LogRecord] = []
    bus.subscribe(records.append)
    done = dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main", bus=bus)
    assert (done.run_id, done.found_by) == (555, "run list")
    first, second = server.dispatches()
    assert first["return_run_details"] is True
    assert "return_run_details" not in second
    assert first["inputs"] == second["inputs"]  # same correlation id both times
    assert list_calls == 2
    assert slept == [2.0]
    assert any(r.level == "warning" and "dispatching again without it" in r.text for r in records)


def test_a_run_that_never_shows_up_is_reported_with_a_hint() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/dispatches"):
            return httpx.Response(204)
        return reply(200, {"total_count": 0, "workflow_runs": []})

    slept: list[float] = []
    dispatcher, _ = make(handler, sleep=slept.append)
    with pytest.raises(LbError, match="no run named with correlation id") as info:
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert "run-name" in info.value.message
    assert slept == [2.0, 2.0]  # three attempts, bounded


def test_404_says_to_create_the_workflow() -> None:
    dispatcher, _ = make(lambda r: reply(404, {"message": "Not Found"}))
    with pytest.raises(ConfigError) as info:
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert info.value.message.startswith(
        "workflow lambda-bot.yml not found in acme/rocket: run `lbconsole workflow init` and push it"
    )
    assert info.value.exit_code == 2


def test_403_says_the_token_lacks_actions_write() -> None:
    dispatcher, server = make(lambda r: reply(403, {"message": "Resource not accessible by integration"}))
    with pytest.raises(AuthError) as info:
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert "the token lacks actions:write (needed to dispatch workflows)" in info.value.message
    assert "Resource not accessible by integration" in info.value.message
    assert len(server.dispatches()) == 1  # no retry without return_run_details for a 403
    assert "ghp_" not in info.value.message


def test_422_passes_github_s_message_on() -> None:
    dispatcher, _ = make(lambda r: reply(422, {"message": "No ref found for: nope"}))
    with pytest.raises(UsageError, match="No ref found for: nope"):
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="nope")


def test_a_server_error_is_not_retried_for_a_dispatch() -> None:
    dispatcher, server = make(lambda r: reply(502, {"message": "Server Error"}))
    with pytest.raises(GatewayError) as info:
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert info.value.status == 502
    assert len(server.dispatches()) == 1  # a write may have happened: never sent twice


def test_dispatch_inputs() -> None:
    assert dispatch_inputs("auto", merge_limit=0, conflict_limit=100, dry_run=False, correlation_id="c") == {
        "mode": "auto",
        "merge_limit": "0",
        "conflict_limit": "100",
        "dry_run": "false",
        "correlation_id": "c",
    }


def test_job_log_follows_the_redirect_to_the_plain_text_log() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/repos/acme/rocket/actions/jobs/9/logs":
            return httpx.Response(302, headers={"location": "https://results.example.net/logs/9.txt?sig=abc"})
        assert request.url.host == "results.example.net"
        assert "authorization" not in request.headers  # the token never leaves the API host
        return httpx.Response(200, text="2026-11-23T12:00:00.0000000Z done\n")

    dispatcher, _ = make(handler)
    assert dispatcher.api.job_log(9) == "2026-11-23T12:00:00.0000000Z done\n"


def test_recent_runs_of_a_missing_workflow_is_a_config_error() -> None:
    dispatcher, _ = make(lambda r: reply(404, {"message": "Not Found"}))
    with pytest.raises(ConfigError, match="lbconsole workflow init"):
        dispatcher.recent_runs()


# -- review fixes: refusals through the client's error path, the log blob's lag, Link pagination ----------


def test_a_refusal_is_redacted_with_the_configured_token() -> None:
    token = "sim-secret-0123456789-abcdef"  # no known token shape: only the configured token can mask it
    client = GitHubClient(
        token,
        GithubSettings(),
        transport=httpx.MockTransport(lambda r: reply(403, {"message": f"token {token} lacks actions:write"})),
        sleep=lambda s: None,
    )
    dispatcher = Dispatcher(ActionsApi(client, "acme", "rocket"))
    with pytest.raises(AuthError) as info:
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert token not in info.value.message
    assert info.value.message.startswith("the token lacks actions:write (needed to dispatch workflows): token ")
    assert "GitHub answered" not in info.value.message  # GitHub's own words, not the client's head


def test_a_rate_limited_dispatch_is_not_taken_for_a_missing_permission() -> None:
    limited = httpx.Response(
        403,
        json={"message": "API rate limit exceeded for user ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_800_000_000 + 3600)},
    )
    dispatcher, server = make(lambda r: limited)
    with pytest.raises(RateLimited):
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert len(server.dispatches()) == 1


def test_a_400_after_the_fallback_is_a_gateway_error_with_github_s_message() -> None:
    dispatcher, server = make(lambda r: reply(400, {"message": "Bad inputs"}))
    with pytest.raises(GatewayError) as info:
        dispatcher.dispatch("auto", merge_limit=5, conflict_limit=3, ref="main")
    assert (info.value.status, info.value.message) == (400, "GitHub refused to dispatch lambda-bot.yml: Bad inputs")
    assert len(server.dispatches()) == 2  # once with return_run_details, once without


COMPLETED_JOB = {"id": 11, "name": "orchestrate", "status": "completed", "conclusion": "success", "steps": []}


def lagging_log(not_yet: int) -> tuple[Handler, list[int]]:
    """A completed run whose job log answers 404 `not_yet` times (GitHub's blob lags), then the log."""
    log_requests: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/repos/acme/rocket/actions/runs/555":
            return reply(200, {**RUN_JSON, "status": "completed", "conclusion": "success"})
        if path == "/repos/acme/rocket/actions/runs/555/jobs":
            return reply(200, {"total_count": 1, "jobs": [COMPLETED_JOB]})
        if path == "/repos/acme/rocket/actions/jobs/11/logs":
            log_requests.append(11)
            if len(log_requests) <= not_yet:
                return reply(404, {"message": "Not Found"})
            return httpx.Response(200, text=LOG)
        raise AssertionError(request.url)

    return handler, log_requests


def follow_http(handler: Handler) -> tuple[RunResult, list[LogRecord], list[float]]:
    dispatcher, _ = make(handler)
    bus = LogBus()
    records: list[LogRecord] = []
    bus.subscribe(records.append)
    slept: list[float] = []
    result = dispatcher.follow(555, bus=bus, poll_s=3.0, sleep=slept.append)
    return result, records, slept


def test_a_log_not_published_yet_is_asked_for_again_at_the_next_polls() -> None:
    handler, log_requests = lagging_log(not_yet=2)
    result, records, slept = follow_http(handler)
    assert result.exit_code == 0
    assert log_requests == [11, 11, 11]
    assert slept == [3.0, 3.0]  # the follower polled on past the run's end, for the log only
    assert not [r for r in records if r.level == "warning"]
    assert "log of job orchestrate (4 lines, final):" in texts(records)
    assert "Process completed with exit code 1." in texts(records)
    assert texts(records)[-1].startswith("run 555 finished: success")


def test_a_log_that_never_appears_is_reported_once_after_the_last_attempt() -> None:
    handler, log_requests = lagging_log(not_yet=1000)
    result, records, slept = follow_http(handler)
    assert result.exit_code == 0  # the run succeeded; only its log is missing
    assert len(log_requests) == LOG_ATTEMPTS
    assert slept == [3.0] * (LOG_ATTEMPTS - 1)
    [warning] = [r for r in records if r.level == "warning"]
    assert warning.text.startswith("log of job orchestrate not available: GitHub answered 404")


def test_cancel_while_waiting_for_a_log_finishes_the_completed_run() -> None:
    handler, log_requests = lagging_log(not_yet=1000)
    dispatcher, _ = make(handler)
    cancel = threading.Event()
    bus = LogBus()
    records: list[LogRecord] = []
    bus.subscribe(records.append)
    result = dispatcher.follow(555, bus=bus, poll_s=3.0, sleep=lambda s: cancel.set(), cancel=cancel)
    assert (result.stopped, result.exit_code) == (False, 0)
    assert log_requests == [11]
    assert records[-1].text.startswith("run 555 finished: success")


def test_jobs_and_workflows_follow_github_s_link_header() -> None:
    """Short pages with rel="next" go on (the old loop stopped at the first page under 100)."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        assert request.url.params["per_page"] == "100"
        base = f"https://api.github.com{request.url.path}"
        headers = {"content-type": "application/json"}
        if page == 1:
            headers["link"] = f'<{base}?page=2>; rel="next"'
        if request.url.path.endswith("/jobs"):
            assert request.url.params["filter"] == "latest"
            items = [{**COMPLETED_JOB, "id": page * 10 + i} for i in range(2 if page == 1 else 1)]
            return httpx.Response(200, json={"total_count": 3, "jobs": items}, headers=headers)
        wf = {"id": page, "name": f"w{page}", "path": f".github/workflows/w{page}.yml", "state": "active"}
        return httpx.Response(200, json={"total_count": 2, "workflows": [wf]}, headers=headers)

    dispatcher, server = make(handler)
    assert [j.id for j in dispatcher.api.list_jobs(555)] == [10, 11, 20]
    assert [w.file_name for w in dispatcher.api.list_workflows()] == ["w1.yml", "w2.yml"]
    assert len(server.requests) == 4
