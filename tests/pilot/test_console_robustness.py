"""Pilot tests of the console's edges: stale results, waits at exit, text that looks like markup, bugs in workers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from textual.widgets import Static

from lbconsole.core.settings import RefreshSettings
from lbconsole.engine.logbus import LogRecord
from lbconsole.errors import GatewayError, Unreachable
from lbconsole.tui.app import LbConsoleApp
from lbconsole.tui.feed import QueueFeed
from lbconsole.tui.widgets.detail import DetailPane
from lbconsole.tui.widgets.queue_table import QueueTable
from lbconsole.tui.widgets.status_bar import OfflineBanner, StatusBar
from tests.demo_queue import NOW, fake_settings, make_pr
from tests.pilot.conftest import SIZE, settle
from tests.pilot.fakes import FakeActions, FakeGateway

MARKUP = "[security] Fix [/bold] leak"
"""A title that Textual markup would eat ([security]) or refuse ([/bold] closes nothing)."""


def bus_lines(app: LbConsoleApp) -> list[LogRecord]:
    records: list[LogRecord] = []
    app.bus.subscribe(records.append)
    return records


async def test_a_stale_replan_does_not_replace_a_newer_fetched_queue(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        old = app.feed.last_state
        assert old is not None
        stale = replace(old, fetched=False)  # a re-plan of the old queue, arriving late
        gateway.set_pull(make_pr(60, "feat: new PR", "zoe", 1))
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.queue is not old.queue
        app.post_message(QueueFeed.Computed(stale))
        await settle(app, pilot)
        assert app.queue is not old.queue
        assert 60 in app.query_one(QueueTable).shown_numbers()


async def test_a_fetch_for_another_mode_is_recorded_then_replanned(make_app, gateway: FakeGateway, monkeypatch):
    import lbconsole.tui.refresh as refresh_module

    analysed: list[int] = []
    real_analyze = refresh_module.analyze

    def counting_analyze(*args, **kwargs):
        analysed.append(1)
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(refresh_module, "analyze", counting_analyze)
    later = datetime(2026, 11, 23, 23, 30, 5, tzinfo=UTC)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lines = bus_lines(app)
        gateway.set_pull(make_pr(60, "feat: new PR", "zoe", 1))
        queue = gateway.fetch_queue()
        other = "merge-only" if app.mode != "merge-only" else "auto"
        app.clock = lambda: later
        fetched = app.feed.compute(queue, fetched=True, mode=other)  # fetched while the mode was `other`
        assert len(analysed) == 2
        app.post_message(QueueFeed.Computed(fetched))
        await settle(app, pilot)
        assert any(r.source == "app" and r.text == "queue of acme/rocket: 15 open PRs" for r in lines)
        assert app.query_one(StatusBar).refreshed == later
        assert app.queue is queue
        assert app.plan is not None
        assert app.plan.mode == app.mode
        assert len(analysed) == 2  # the re-plan reused the fetch's analyses
        assert 60 in app.query_one(QueueTable).shown_numbers()


async def test_full_every_zero_means_no_periodic_full_refresh(make_app, gateway: FakeGateway):
    settings = replace(fake_settings(), refresh=RefreshSettings(interval_s=0, full_every_s=0))
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert gateway.fetches == 1
        app.feed.tick()  # the queue did not change: a cheap check only
        await settle(app, pilot)
        assert gateway.fetches == 1
        gateway.changed = True
        app.feed.tick()
        await settle(app, pilot)
        assert gateway.fetches == 2


async def test_quitting_stops_a_rate_limit_wait(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        gateway.stall = "fetch"
        await pilot.press("ctrl+r")
        assert await asyncio.to_thread(gateway.waiting.wait, 10)
        await pilot.press("q")
        gateway.tick.set()  # the next second of the wait
        assert await asyncio.to_thread(gateway.wait_ended.wait, 10)
    assert app.return_code == 0
    assert isinstance(gateway.stopped, GatewayError)
    assert "the console is closing" in str(gateway.stopped)


async def test_cancelling_a_run_stops_its_rate_limit_wait(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        gateway.stall = "merge"
        await pilot.press("r")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        assert await asyncio.to_thread(gateway.waiting.wait, 10)
        await pilot.press("c")
        gateway.tick.set()
        assert await asyncio.to_thread(gateway.wait_ended.wait, 10)
        await settle(app, pilot)
        assert "the run was cancelled" in str(gateway.stopped)
        report = app.last_report
        assert report.cancelled
        assert report.counts["failed"] == 1
        assert report.counts["cancelled"] == 7
        assert ("merge", 12) not in gateway.calls
        assert "resuming" not in str(app.query_one(StatusBar).render())


async def test_text_that_looks_like_markup_is_shown_literally(make_app, tmp_path):
    from lbconsole.core.ports import RunInfo

    config = tmp_path / "config.toml"
    config.write_text("limits = 3\n")  # save_limits: "[limits] is not a table"
    gateway = FakeGateway([make_pr(12, MARKUP, "alice", 3, labels=("security",))])
    run = RunInfo(1, "lambda-bot", "completed", "success", "workflow_dispatch", "https://x/1", display_title=MARKUP)
    app = make_app(
        gateway_factory=lambda: gateway,
        config_path=config,
        actions_factory=lambda _gateway: FakeActions([run]),
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert MARKUP in str(app.query_one("#queue-detail", DetailPane).render())
        await pilot.press("2")
        await settle(app, pilot)
        assert MARKUP in str(app.query_one("#plan-detail", DetailPane).render())
        await pilot.press("1")
        gateway.fail = Unreachable(f"cannot reach {MARKUP}")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert MARKUP in str(app.query_one(OfflineBanner).render())
        await pilot.press("4")
        await settle(app, pilot)
        assert MARKUP in str(app.query_one("#runs-detail", Static).render())
        await pilot.press("5", "ctrl+s")
        await settle(app, pilot)
        saved = [n for n in app._notifications if n.message.startswith("Not saved")]
        assert saved
        assert "[limits] is not a table" in saved[-1].message
        assert not saved[-1].markup
        assert config.read_text() == "limits = 3\n"


async def test_a_bug_in_a_worker_is_reported(make_app, gateway: FakeGateway):
    app = make_app(actions_factory=lambda _gateway: FakeActions(fail=RuntimeError("boom in runs")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lines = bus_lines(app)
        gateway.fail = RuntimeError("boom in refresh")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        gateway.fail = None
        await pilot.press("4")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert "refreshing the queue failed: RuntimeError: boom in refresh" in messages
        assert any("failed: RuntimeError: boom in runs" in m for m in messages)
        errors = [r.text for r in lines if r.source == "app" and r.level == "error"]
        assert "refreshing the queue failed: RuntimeError: boom in refresh" in errors
        assert any("boom in runs" in e for e in errors)


def test_status_bar_time_uses_the_log_timezone():
    from datetime import timedelta, timezone

    plus_two = timezone(timedelta(hours=2))
    bar = StatusBar(tz=plus_two)
    bar.refreshed = NOW  # 22:00 UTC
    assert "refreshed 00:00:00" in str(bar.render())
