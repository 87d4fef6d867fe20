"""`lbconsole dispatch` and `lbconsole runs` against the simulator, over a real loopback socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pytest

from lbconsole.cli import main
from lbconsole.cli.remote import dispatch
from lbconsole.core.settings import GithubSettings, Settings
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.actions import ActionsState
from lbconsole.sim.server import SimHandle

REPO = "acme/rocket"


@dataclass
class Ctx:
    settings: Settings
    repo: str
    gateway: GitHubGateway


def test_the_dispatch_and_runs_commands(
    sim: SimHandle, monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "x" * 36)  # the simulator accepts any token by default
    config = tmp_path / "config.toml"
    config.write_text("[github]\nwrite_interval_s = 0\n")
    where = ["--repo", REPO, "--api-url", sim.url, "--config", str(config)]

    assert main([*where, "dispatch", "--mode", "conflict-resolution", "--conflict-limit", "1", "--dry-run"]) == 0
    captured = capsys.readouterr()
    url = captured.out.strip()  # stdout is just the URL; progress went to stderr
    assert "dispatching lambda-bot.yml on main: mode conflict-resolution (dry run)" in captured.err
    assert url.startswith("https://github.com/acme/rocket/actions/runs/")
    run_id = int(url.rsplit("/", 1)[1])
    actions = ActionsState.of(sim.state)
    assert actions.wait(run_id, 30)
    assert actions.run(run_id).inputs == {
        "mode": "conflict-resolution",
        "merge_limit": "5",
        "conflict_limit": "1",
        "dry_run": "true",
        "correlation_id": actions.run(run_id).inputs["correlation_id"],
    }

    assert main([*where, "runs", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["status"], r["conclusion"], r["event"]) for r in runs] == [
        (run_id, "completed", "success", "workflow_dispatch")
    ]
    assert runs[0]["display_title"].startswith("lambda-bot conflict-resolution ")

    settings = replace(Settings(), github=replace(GithubSettings(), repo=REPO, api_url=sim.url, write_interval_s=0))
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=settings.github)

    @contextmanager
    def connect() -> Iterator[Ctx]:
        yield Ctx(settings, REPO, gateway)

    polls: list[float] = []

    def wait_for_every_run(seconds: float) -> None:
        polls.append(seconds)
        for known in list(actions.runs):
            assert actions.wait(known, 30)

    assert dispatch(connect, mode="auto", follow=True, poll_s=0.05, sleep=wait_for_every_run) == 0
    gateway.close()
    assert polls
    assert set(polls) == {0.05}
    out = capsys.readouterr().out
    assert "workflow [orchestrate] job orchestrate completed: success" in out
    assert "run: finished: done" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["dispatch", "--mode", "yolo"], "unknown mode 'yolo'"),
        (["dispatch", "--mode", "auto", "--poll", "0"], "--poll must be positive, got 0"),
        (["dispatch", "--mode", "auto", "--merge-limit", "-1"], "--merge-limit: must be an integer between 0 and 100"),
        (["runs", "--limit", "101"], "--limit: must be an integer between 0 and 100, got 101"),
    ],
)
def test_bad_options_are_usage_errors_before_github_is_asked(capsys, argv, message):
    assert main(["--repo", REPO, "--api-url", "http://127.0.0.1:9", *argv]) == 2
    assert message in capsys.readouterr().err
