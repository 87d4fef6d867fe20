"""Snapshots of every tab of the console on the demo repository (the real simulator and gateway).

Deterministic: seeded simulator, frozen clock, UTC log times, fixed terminal
size, no live refresh, no cursor blink. Update with `pytest --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from textual.widgets import Input

from lbconsole.core.settings import GithubSettings, RefreshSettings, Settings
from lbconsole.tui.app import LbConsoleApp
from lbconsole.tui.themes import builtin_theme_dirs

SIZE = (120, 36)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
"""The simulator's demo anchor."""


@pytest.fixture(scope="module")
def sim() -> Iterator[object]:
    from lbconsole.sim.server import running_simulator

    with running_simulator(scenario="demo", seed=0) as handle:
        yield handle


def demo_app(sim: object, **kwargs: object) -> LbConsoleApp:
    from lbconsole.github.gateway import GitHubGateway

    sim.reset("demo", 0)  # type: ignore[attr-defined]
    github = GithubSettings(repo="acme/rocket", api_url=sim.url, write_interval_s=0.0)  # type: ignore[attr-defined]
    settings = Settings(github=github, refresh=RefreshSettings(interval_s=0))
    return LbConsoleApp(
        settings=settings,
        gateway_factory=lambda: GitHubGateway("acme/rocket", settings=github),
        demo=True,
        clock=lambda: NOW,
        log_tz=UTC,
        live_refresh=False,
        theme_dirs=builtin_theme_dirs(),
        **kwargs,  # type: ignore[arg-type]
    )


async def settled(pilot) -> None:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    for box in app.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_queue_tab(snap_compare, sim):
    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=settled)


@pytest.mark.skip(
    reason="flaky: in about one run in three the filtered table is drawn before its columns are refitted to the "
    "content width; the snapshot is kept out until the refit is ordered"
)
def test_queue_tab_filtered(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("slash", *"bump", "enter")
        await settled(pilot)  # the filtered table is rebuilt before the cursor moves
        await pilot.press("down")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_plan_tab(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("2")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_plan_tab_conflict_mode(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("2", "m", "m", "m")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_run_confirmation(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("2", "r")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_dispatch_confirmation(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("2", "d")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_logs_tab(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        app = pilot.app
        for i in range(5):
            app.bus.emit("merge" if i % 2 else "scan", f"example line {i}", pr=1200 + i)
        await pilot.press("3")
        app.query_one("LogsPane").drain()
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_runs_tab(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("4")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def complete_one_run(sim: object) -> None:
    """Dispatch one auto run (fixed correlation id) and run it to the end: queued 4 s, then 83 s of work."""
    from lbconsole.engine.dispatch import Dispatcher
    from lbconsole.github.gateway import GitHubGateway
    from lbconsole.sim.actions import ActionsState

    state = sim.state  # type: ignore[attr-defined]
    clock = state.clock
    clock.freeze(NOW)  # it moves only when the test says (run times are then exact)
    actions = ActionsState.of(state)
    with actions.lock:
        actions.auto_run = False
    github = GithubSettings(repo="acme/rocket", api_url=sim.url, write_interval_s=0.0)  # type: ignore[attr-defined]
    gateway = GitHubGateway("acme/rocket", settings=github)
    try:
        done = Dispatcher(gateway.actions()).dispatch(
            "auto", merge_limit=5, conflict_limit=3, correlation_id="c0ffee" * 5 + "00"
        )
    finally:
        gateway.close()
    clock.advance(4)
    actions.advance(done.run_id)
    clock.advance(83)
    assert actions.run_to_end(done.run_id).conclusion == "success"


def test_runs_tab_with_a_completed_run(snap_compare, sim):
    app = demo_app(sim)
    complete_one_run(sim)

    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("4")
        await settled(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_limits_tab_with_invalid_value(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("5", "tab")
        pilot.app.query_one("#limit-merge", Input).value = ""
        await pilot.press("minus", "1")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_help_screen(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_light_theme(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        pilot.app.theme = "lbconsole-light"
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


def test_offline_banner(snap_compare, sim):
    from lbconsole.errors import Unreachable

    class Down:
        repo = "acme/rocket"
        rate_limit = None

        def queue_changed(self) -> bool:
            raise Unreachable("cannot reach http://127.0.0.1:9: connection refused")

        fetch_queue = queue_changed

    async def before(pilot) -> None:
        await settled(pilot)
        app = pilot.app
        app._gateway = Down()
        await pilot.press("ctrl+r")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SIZE, run_before=before)


SMALL = (80, 24)
WIDE = (200, 50)


def test_queue_tab_80x24(snap_compare, sim):
    """Columns fold by priority (Size, Age, Pri first); the title keeps the rest."""
    assert snap_compare(demo_app(sim), terminal_size=SMALL, run_before=settled)


def test_queue_tab_200x50(snap_compare, sim):
    """Every column, the title taking the spare width, bot authors whole."""
    assert snap_compare(demo_app(sim), terminal_size=WIDE, run_before=settled)


def test_run_confirmation_80x24(snap_compare, sim):
    """The buttons and their y/N keys stay on screen at 80×24."""

    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("2", "r")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SMALL, run_before=before)


def test_help_screen_80x24(snap_compare, sim):
    """The help (bindings, then the legend) fits the screen."""

    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=SMALL, run_before=before)


def test_plan_tab_200x50(snap_compare, sim):
    async def before(pilot) -> None:
        await settled(pilot)
        await pilot.press("2")
        await settled(pilot)

    assert snap_compare(demo_app(sim), terminal_size=WIDE, run_before=before)
