"""Pilot tests of remote orchestration on the REAL simulator and GitHubGateway (loopback socket).

`d` on the Plan tab dispatches the orchestrator workflow; the simulator runs
the engine for real, so these tests check what the run did to the
simulator's pull requests, what reached the Logs tab, and what the Runs tab
lists. Deterministic: the simulator's Actions do not run by themselves
(`auto_run` off); the follower's wait between polls advances the run one
transition, so every job and step change is seen, and nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from typing import Any

import httpx
import pytest
from textual.widgets import DataTable

from lbconsole.core.settings import GithubSettings, RefreshSettings, Settings
from lbconsole.tui.app import LbConsoleApp
from lbconsole.tui.screens.confirm import ConfirmScreen
from lbconsole.tui.widgets.logs_pane import LogsPane
from lbconsole.tui.widgets.runs_pane import RunsPane
from tests.demo_queue import frozen_clock
from tests.pilot.conftest import SIZE, settle

REPO = "acme/rocket"
DISPATCHES = "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"


@pytest.fixture(scope="module")
def sim() -> Iterator[Any]:
    from lbconsole.sim.server import running_simulator

    with running_simulator(scenario="demo", seed=0) as handle:
        yield handle


def admin(sim: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    response = httpx.post(f"{sim.url}/_sim/{path}", json=body or {}, timeout=30)
    response.raise_for_status()
    return response.json()


def get(sim: Any, path: str) -> Any:
    response = httpx.get(f"{sim.url}{path}", timeout=30)
    response.raise_for_status()
    return response.json()


def runs_on_github(sim: Any) -> list[dict[str, Any]]:
    return get(sim, f"/repos/{REPO}/actions/workflows/lambda-bot.yml/runs")["workflow_runs"]


def advance_newest(sim: Any) -> Any:
    """The follower's wait: move the newest run one transition on (never a guessed sleep)."""
    advanced: list[int] = []

    def wait(seconds: float) -> None:
        assert seconds == 3.0  # the console follows with GitHub's polling interval
        newest = runs_on_github(sim)[0]["id"]
        advanced.append(admin(sim, f"actions/runs/{newest}/advance")["id"])

    wait.advanced = advanced  # type: ignore[attr-defined]
    return wait


def sim_app(sim: Any, **kwargs: Any) -> LbConsoleApp:
    from lbconsole.github.gateway import GitHubGateway

    admin(sim, "reset", {"scenario": "demo", "seed": 0})
    admin(sim, "actions/settings", {"auto_run": False})
    github = GithubSettings(repo=REPO, api_url=sim.url, write_interval_s=0.0, timeout_s=30.0)
    options: dict[str, Any] = {
        "settings": Settings(github=github, refresh=RefreshSettings(interval_s=0)),
        "gateway_factory": lambda: GitHubGateway(REPO, settings=github),
        "demo": True,
        "clock": frozen_clock,
        "log_tz": UTC,
        "live_refresh": False,
        "follow_sleep": advance_newest(sim),
    }
    options.update(kwargs)
    return LbConsoleApp(**options)


def notifications(app: LbConsoleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_d_dispatches_and_follows_the_run_into_logs_and_runs(sim, monkeypatch):
    app = sim_app(sim)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.plan is not None
        merges = [a.pr for a in app.plan.actions if a.kind == "merge" and a.pr is not None]
        assert merges  # the demo's auto plan merges something
        assert not any(get(sim, f"/_sim/state/pulls/{n}")["merged"] for n in merges)

        await pilot.press("2", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is not None
        assert app.screen.focused.id == "confirm-no"  # default No
        assert "mode auto, merge limit 5, conflict limit 3" in app.screen.question
        assert "no live log" in app.screen.question
        assert any(item.startswith(f"#{merges[0]} ") and item.endswith("merge") for item in app.screen.items)
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.query_one("TabbedContent").active == "logs"  # following into the Logs tab
        await settle(app, pilot)
        pane = app.query_one(LogsPane)
        pane.drain()

        # GitHub received one dispatch; its run completed successfully
        (run,) = runs_on_github(sim)
        assert (run["status"], run["conclusion"], run["event"]) == ("completed", "success", "workflow_dispatch")
        assert run["display_title"].startswith("lambda-bot auto ")
        assert get(sim, "/_sim/requests")["routes"].get(DISPATCHES) == 1
        assert len(app.remote.sleep.advanced) == 1 + 2 * 8  # type: ignore[union-attr]  # every transition seen

        # the engine's real output arrived in the Logs tab, tagged with the job
        log = "\n".join(pane.lines())
        assert "GitHub's API has no live log; its lines arrive when the job completes" in log
        assert f"workflow [orchestrate] merge #{merges[0]}: merged" in log
        assert f"run {run['id']} finished: success — {run['html_url']}" in log
        # ...and the simulator's pull requests changed as the plan said
        assert get(sim, f"/_sim/state/pulls/{merges[0]}")["merged"] is True

        # the run's conclusion and link are shown
        assert any(f"Run {run['id']} completed: success" in n and run["html_url"] in n for n in notifications(app))
        assert bells == [1]  # and the terminal bell rang once, for the end of the followed run
        runs = app.query_one(RunsPane)
        status = str(runs.query_one("#runs-status").render())
        assert f"run {run['id']} completed: success" in status
        assert run["html_url"] in status
        assert not runs.busy

        # the Runs tab lists it
        await pilot.press("4")
        await settle(app, pilot)
        table = runs.query_one("#runs-table", DataTable)
        assert table.row_count == 1
        row = [str(c) for c in table.get_row(str(run["id"]))]
        assert row[0] == str(run["id"])
        assert row[2:5] == ["success", "auto", "workflow_dispatch"]
        assert run["html_url"] in str(runs.query_one("#runs-detail").render())


async def test_escape_and_no_dispatch_nothing(sim):
    app = sim_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused button is No
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("Dispatch cancelled: nothing was sent" in n for n in notifications(app))
        assert runs_on_github(sim) == []
        assert DISPATCHES not in get(sim, "/_sim/requests")["routes"]
        assert not app.runs_pane.busy


async def test_read_only_refuses_dispatch_and_says_why(sim):
    app = sim_app(sim, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("4")
        await settle(app, pilot)
        assert "dispatch is disabled (--read-only)" in str(app.query_one("#runs-hint").render())
        assert runs_on_github(sim) == []


async def test_enter_on_a_completed_run_shows_its_logs(sim):
    app = sim_app(sim)
    # a run dispatched from elsewhere (e.g. `lbconsole dispatch`), already completed
    from lbconsole.engine.dispatch import Dispatcher
    from lbconsole.github.gateway import GitHubGateway

    gateway = GitHubGateway(REPO, settings=GithubSettings(repo=REPO, api_url=sim.url, write_interval_s=0.0))
    try:
        done = Dispatcher(gateway.actions()).dispatch("merge-only", merge_limit=1, conflict_limit=0)
    finally:
        gateway.close()
    admin(sim, f"actions/runs/{done.run_id}/advance", {"to_end": True})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        runs = app.query_one(RunsPane)
        assert runs.query_one("#runs-table", DataTable).row_count == 1
        assert [str(c) for c in runs.query_one("#runs-table", DataTable).get_row(str(done.run_id))][3] == "merge-only"
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("TabbedContent").active == "logs"
        await settle(app, pilot)
        pane = app.query_one(LogsPane)
        pane.drain()
        log = "\n".join(pane.lines())
        assert "log of job orchestrate" in log
        assert "workflow [orchestrate] merge #" in log
        assert f"run {done.run_id} finished: success" in log
        assert app.remote.sleep.advanced == []  # type: ignore[union-attr]  # completed: no polling
        assert not runs.busy


async def test_c_stops_following_a_running_run(sim):
    app = sim_app(sim, follow_sleep=None)  # the default wait: on the cancel event
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "d")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        runs = app.runs_pane
        # the follower now waits 3 s on its event between polls; the run never advances (auto_run off)
        for _ in range(200):
            if runs.following is not None:
                break
            await pilot.pause(0.01)
        assert runs.following is not None
        assert app.check_action("cancel_run", ()) is True
        await pilot.press("c")
        await settle(app, pilot)
        assert not runs.busy
        (run,) = runs_on_github(sim)
        assert run["status"] == "queued"  # the run itself goes on
        pane = app.query_one(LogsPane)
        pane.drain()
        assert f"stopped following run {run['id']}" in "\n".join(pane.lines())
        assert "stopped following" in str(runs.query_one("#runs-status").render())  # a reload keeps it
        assert runs.loaded >= 1


async def test_a_completed_run_lasts_as_long_as_its_jobs_and_opening_it_again_adds_no_second_log(sim):
    from datetime import timedelta

    from lbconsole.engine.dispatch import Dispatcher
    from lbconsole.github.gateway import GitHubGateway
    from lbconsole.sim.actions import ActionsState

    app = sim_app(sim)
    gateway = GitHubGateway(REPO, settings=GithubSettings(repo=REPO, api_url=sim.url, write_interval_s=0.0))
    try:
        done = Dispatcher(gateway.actions()).dispatch("merge-only", merge_limit=1, conflict_limit=0)
    finally:
        gateway.close()
    admin(sim, f"actions/runs/{done.run_id}/advance", {"to_end": True})
    run = ActionsState.of(sim.state).run(done.run_id)
    job = run.jobs[0]
    job.completed_at = job.started_at + timedelta(minutes=3, seconds=5)  # the job ran 3m 05s...
    run.updated_at = run.run_started_at  # ...while the run's own times say 0 s
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        runs = app.query_one(RunsPane)
        table = runs.query_one("#runs-table", DataTable)
        assert str(table.get_row(str(done.run_id))[-1]) == "0s"  # jobs not read yet: the run's times
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert str(table.get_row(str(done.run_id))[-1]) == "3m 05s"
        assert "jobs: orchestrate 3m 05s" in str(runs.query_one("#runs-detail").render())

        await pilot.press("enter")  # opened again: the Logs tab already has it
        await settle(app, pilot)
        assert app.query_one("TabbedContent").active == "logs"
        pane = app.query_one(LogsPane)
        pane.drain()
        log = "\n".join(pane.lines())
        assert log.count("log of job orchestrate") == 1
        assert log.count(f"following run {done.run_id}") == 1
        assert "already in the Logs tab" in str(runs.query_one("#runs-status").render())
