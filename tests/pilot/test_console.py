"""Pilot tests of the console: press keys, assert what the plan, the table and the gateway became."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from textual.widgets import DataTable, Input, Log, TabbedContent

from lbconsole.core.models import ChecksState, MergeState
from lbconsole.tui.app import LbConsoleApp
from lbconsole.tui.screens.confirm import ConfirmScreen
from lbconsole.tui.screens.help import HelpScreen
from lbconsole.tui.widgets.logs_pane import LogsPane
from lbconsole.tui.widgets.queue_pane import QueuePane
from lbconsole.tui.widgets.queue_table import QueueTable
from lbconsole.tui.widgets.status_bar import OfflineBanner, StatusBar
from tests.pilot.conftest import SIZE, settle
from tests.pilot.fakes import FakeGateway, offline_error

ALL = [12, 23, 21, 22, 15, 32, 30, 33, 31, 34, 40, 42, 41, 50]
"""The fake queue in display order: grouped by category, priority order inside."""


def notifications(app: LbConsoleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_queue_grouped_by_category_in_priority_order(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        assert table.shown_numbers() == ALL
        headers = [str(table.get_cell(f"cat:{c}", "title")) for c in ("security", "bugfix", "feature", "other")]
        assert headers == ["security (1)", "bugfix (3)", "feature (5)", "other (1)"]
        assert table.selected_number == 12  # cursor starts on the first PR, not on a header
        assert str(table.get_cell("pr:30", "state")) == "checks failing"


async def test_filter_narrows_the_queue(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"feat")
        await pilot.pause()
        table = app.query_one(QueueTable)
        assert table.shown_numbers() == [32, 30, 33, 31, 34]
        assert str(table.get_cell("cat:feature", "title")) == "feature (5)"
        app.query_one("#queue-filter", Input).value = "behind"
        await pilot.pause()
        assert table.shown_numbers() == [22, 50]
        assert str(table.get_cell("cat:bugfix", "title")) == "bugfix (1 of 3)"
        await pilot.press("escape")
        await pilot.pause()
        assert table.shown_numbers() == ALL


async def test_detail_pane_says_what_the_mode_does(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.query_one(QueueTable).select_pr(23)
        await pilot.pause()
        detail = str(app.query_one("#queue-detail").render())
        assert "Readiness conflict: merge conflict with the base branch" in detail
        assert "notify_conflict" in detail
        await pilot.press("m", "m")  # merge-only: #23 is skipped, with its reasons
        await settle(app, pilot)
        detail = str(app.query_one("#queue-detail").render())
        assert "Mode merge-only" in detail
        assert "· merge conflict with the base branch" in detail


async def test_plan_changes_with_the_mode(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.plan is not None
        assert app.plan.mode == "auto"
        assert [a.kind for a in app.plan.actions].count("merge") == 5
        await pilot.press("2", "m")
        await settle(app, pilot)
        assert app.plan.mode == "security-only"
        assert app.plan.actions == ()
        assert app.query_one("#plan-mode").value == "security-only"
        await pilot.press("m", "m")
        await settle(app, pilot)
        assert app.plan.mode == "conflict-resolution"
        assert [(a.kind, a.pr) for a in app.plan.actions] == [  # one batch, in priority order
            ("notify_conflict", 23),
            ("update_branch", 22),
            ("update_branch", 50),
        ]
        info = str(app.query_one("#plan-info").render())
        assert "merge 5 · conflict 3 · scan 10 · label 50" in info
        assert "estimated API cost: 8 requests" in info


async def test_confirmed_run_changes_github(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "#12 merge" in app.screen.items
        assert "#23 notify_conflict" in app.screen.items
        assert app.screen.focused is not None
        assert app.screen.focused.id == "confirm-no"
        await pilot.click("#confirm-yes")
        await settle(app, pilot)
        assert sorted(gateway.merged) == [12, 15, 21, 40, 41]
        assert ("update_branch", 22) in gateway.calls
        assert app.last_report is not None
        assert app.last_report.counts["done"] == 12  # 4 gate scans of the unscanned merges, then 8 as before
        assert app.query_one(QueueTable).shown_numbers() == [23, 22, 32, 30, 33, 31, 34, 42, 50]
        assert "finished" in str(app.query_one("#plan-run-status").render())
        log = "\n".join(app.query_one(LogsPane).lines())
        assert "merge #12 merged" in log


async def test_cancelling_the_confirmation_changes_nothing(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the default button is No
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert gateway.calls == []
        assert gateway.merged == {}
        assert app.last_report is None


async def test_a_run_can_be_cancelled(make_app):
    entered, release = threading.Event(), threading.Event()

    class SlowGateway(FakeGateway):
        def merge(self, number, sha, method):
            entered.set()
            release.wait(10)
            return super().merge(number, sha, method)

    slow = SlowGateway()
    app = make_app(gateway_factory=lambda: slow)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        assert await asyncio.to_thread(entered.wait, 10)
        assert app.running
        await pilot.press("c")
        release.set()
        await settle(app, pilot)
        report = app.last_report
        assert report.cancelled
        assert report.counts["done"] == 5  # the 4 gate scans come first, then the merge in flight
        assert report.counts["cancelled"] == 7
        assert list(slow.merged) == [12]
        assert not app.running


async def test_read_only_disables_run_and_dispatch(make_app, gateway: FakeGateway):
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r", "d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert gateway.calls == []
        footer_actions = {b.binding.action for b in app.active_bindings.values()}
        assert "run" not in footer_actions
        assert "dispatch" not in footer_actions
        assert "tab('runs')" in footer_actions  # the footer offers 4 Runs


async def test_footer_offers_run_and_dispatch_when_writes_are_allowed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = {b.binding.action for b in app.active_bindings.values() if b.enabled and b.binding.show}
        assert {"run", "dispatch", "tab('runs')"} <= shown


async def test_dispatch_asks_first_listing_the_prs_and_escape_sends_nothing(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.title_text == "Dispatch auto on GitHub Actions"
        assert "#12 merge" in app.screen.items
        assert app.screen.focused is not None
        assert app.screen.focused.id == "confirm-no"
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.runs_pane.busy
        assert gateway.calls == []
        assert any("Dispatch cancelled: nothing was sent to GitHub" in n for n in notifications(app))


async def test_runs_tab_explains_a_gateway_without_actions(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        status = str(app.query_one("#runs-status").render())
        assert "could not list the runs of lambda-bot.yml" in status
        assert "no GitHub Actions API" in status
        assert app.focused is not None
        assert app.focused.id == "runs-table"


async def test_limits_editor_rejects_minus_one_and_saves_seven(make_app, tmp_path):
    config = tmp_path / "config.toml"
    app = make_app(config_path=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        box = app.query_one("#limit-merge", Input)
        assert app.focused is app.query_one("#limits-pane")  # the tab, not a field: 1..5 still switch tabs
        await pilot.press("tab")
        assert app.focused is box
        box.value = ""
        await pilot.press("minus", "1")
        await pilot.pause()
        assert box.value == "-1"
        assert "0..100" in str(app.query_one("#limit-merge-error").render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not config.exists()
        assert any("limits.merge = '-1'" in n for n in notifications(app))
        assert app.settings.limits.merge == 5
        box.value = ""
        await pilot.press("7", "ctrl+s")
        await settle(app, pilot)
        text = config.read_text()
        assert "[limits]" in text
        assert "merge = 7" in text
        assert app.settings.limits.merge == 7
        assert app.plan.limits.merge == 7


async def test_saved_limits_apply_to_the_plan(make_app, tmp_path):
    app = make_app(config_path=tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        app.query_one("#limit-merge", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [a.pr for a in app.plan.actions if a.kind == "merge"] == [12, 21]
        skipped = {s.pr: s.reasons for s in app.plan.skipped}
        assert "limit: merge batch full (2)" in skipped[41]


async def test_refresh_updates_changed_cells_in_place(make_app, gateway: FakeGateway, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        table.select_pr(34)
        await pilot.pause()
        added: list[str] = []
        original_add = table.add_row

        def add_row(*args: Any, **kwargs: Any) -> Any:
            added.append(kwargs["key"])
            return original_add(*args, **kwargs)

        monkeypatch.setattr(table, "add_row", add_row)
        rebuilds = table.rebuilds
        pr = gateway.pulls[31]
        from dataclasses import replace

        gateway.set_pull(replace(pr, title="feat: a renamed title"))
        app.refresh_queue()
        await settle(app, pilot)
        assert str(table.get_cell("pr:31", "title")) == "feat: a renamed title"
        assert added == []
        assert table.rebuilds == rebuilds  # same rows in the same order: cells updated, nothing rebuilt
        assert table.selected_number == 34


async def test_refresh_with_removals_rebuilds_once_and_keeps_the_cursor(make_app, gateway: FakeGateway, monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        table.select_pr(34)
        await pilot.pause()
        removed: list[object] = []
        monkeypatch.setattr(table, "remove_row", removed.append)  # one-by-one removal is O(N) each
        rebuilds = table.rebuilds
        pr = gateway.pulls[30]
        from dataclasses import replace

        gateway.set_pull(replace(pr, checks=ChecksState.SUCCESS, failing_checks=(), merge_state=MergeState.CLEAN))
        del gateway.pulls[50]
        app.refresh_queue()
        await settle(app, pilot)
        assert str(table.get_cell("pr:30", "state")) == "ready"
        assert "pr:50" not in [str(k.value) for k in table.rows]
        assert "cat:other" not in [str(k.value) for k in table.rows]
        assert removed == []
        assert table.rebuilds == rebuilds + 1
        assert table.selected_number == 34  # the cursor stayed on the same PR


async def test_unchanged_queue_is_not_refetched(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert gateway.fetches == 1
        status = app.query_one(StatusBar)
        assert "checked" not in str(status.render())
        app.refresh_queue()
        await settle(app, pilot)
        assert gateway.fetches == 1  # the cheap check said "unchanged"
        assert "  ·  refreshed " in str(status.render())
        assert "  ·  checked " in str(status.render())  # the header shows the cheap check is alive
        app.refresh_queue(full=True)
        await settle(app, pilot)
        assert gateway.fetches == 2
        assert "checked" not in str(status.render())  # a full fetch supersedes it


async def test_offline_banner_keeps_the_cached_queue(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        gateway.fail = offline_error()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        banner = app.query_one(OfflineBanner)
        assert banner.display
        assert "connection refused" in str(banner.render())
        assert app.query_one(QueueTable).shown_numbers() == ALL
        gateway.fail = None
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert not banner.display


async def test_offline_with_nothing_fetched_says_so_and_refuses_runs_and_dispatch(make_app, gateway: FakeGateway):
    gateway.fail = offline_error()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        banner = str(app.query_one(OfflineBanner).render())
        assert "no queue fetched yet: nothing to show or run" in banner
        assert "showing the last fetched queue" not in banner
        assert "offline: no queue fetched yet" in str(app.query_one(StatusBar).render())
        assert "loading…" not in str(app.query_one(StatusBar).render())
        for key in ("r", "d"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)  # no confirmation for a plan that does not exist
        refusals = [n.message for n in app._notifications if n.message.startswith("No queue fetched yet")]
        assert len(refusals) == 2
        assert "GitHub is unreachable (" in refusals[0]
        assert app.last_report is None  # nothing ran, nothing was counted as failed


async def test_logs_source_filter_search_and_follow(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for i in range(30):
            app.bus.emit("merge" if i % 3 else "scan", f"line {i}", pr=i)
        pane = app.query_one(LogsPane)
        assert pane.drain() == 30
        await pilot.press("3")
        assert len(pane.lines()) == 31  # 30 + the "queue of acme/rocket" line
        app.query_one("#logs-source").value = "scan"
        await pilot.pause()
        assert len(pane.lines()) == 10
        assert all(" scan " in line for line in pane.lines())
        await pilot.press("slash", *"line 2")
        await pilot.pause()
        assert [line.split(" ", 2)[2] for line in pane.lines()] == ["#21 line 21", "#24 line 24", "#27 line 27"]
        await pilot.press("escape", "f")
        await pilot.pause()
        assert app.query_one(Log).auto_scroll is False
        assert "follow: off" in str(app.query_one("#logs-follow").render())


async def test_log_memory_is_bounded(make_app):
    app = make_app(log_max_lines=100)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.query_one(LogsPane)
        for i in range(5000):
            app.bus.emit("run", f"line {i}")
        pane.drain()
        assert pane.received == 5001  # with the "queue of acme/rocket" line
        lines = app.query_one(Log).lines
        assert len(lines) == 100
        assert lines[-1].endswith("run line 4999")


async def test_help_lists_every_binding_and_escape_closes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row[3] for row in app.screen.rows}
        assert {"plan.run", "plan.dispatch", "plan.mode", "queue.filter", "logs.follow", "limits.save"} <= ids
        assert {"runs.open", "runs.reload", "run.cancel"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_keymap_remaps_a_binding(make_app, gateway: FakeGateway):
    from dataclasses import replace

    from tests.demo_queue import fake_settings

    settings = fake_settings()
    settings = replace(settings, ui=replace(settings.ui, keymap=(("plan.run", "R"),)))
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert ("everywhere", "R", "Run", "plan.run") in app.binding_rows()


async def test_palette_has_every_action(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "Mode: full-audit",
            "Run the plan locally",
            "Dispatch the workflow",
            "Runs: reload",
            "Cancel the run",
            "Refresh the queue",
            "Tab: logs",
            "Save limits",
            "Help: key bindings",
        ):
            assert wanted in titles
        assert any("theme" in t.casefold() for t in titles)


async def test_quit_exits_with_zero(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert app.return_value == 0


async def test_broken_theme_is_reported_not_fatal(make_app, tmp_path):
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "not-a-colour"\n')
    (themes / "mine.toml").write_text('name = "mine"\nprimary = "#ff8800"\ndark = true\n')
    from lbconsole.tui.themes import builtin_theme_dirs

    app = make_app(theme_dirs=[*builtin_theme_dirs(), themes])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert any("broken.toml" in n and "not a colour" in n for n in notifications(app))
        assert {"mine", "lbconsole-dark", "lbconsole-light"} <= set(app.available_themes)
        assert app.theme == "lbconsole-dark"
        app.theme = "lbconsole-light"
        await pilot.pause()
        assert app.query_one(QueueTable).shown_numbers() == ALL


async def test_log_lines_read_like_the_headless_log(make_app):
    from datetime import UTC, datetime, timedelta

    from lbconsole.engine.logbus import LogRecord, format_line

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.query_one(LogsPane)
        t = datetime(2026, 11, 23, 21, 59, 58, tzinfo=UTC)
        records = [
            LogRecord(t, "app", "info", "plain"),
            LogRecord(t, "merge", "warning", "stale", pr=12),
            LogRecord(t + timedelta(seconds=1), "test", "error", "boom", job="ci/test"),
            LogRecord(t + timedelta(seconds=2), "scan", "debug", "x", pr=3, job="scan"),
        ]
        assert [pane.format(r) for r in records] == [format_line(r, tz=UTC) for r in records]


async def test_a_rate_limit_wait_shows_a_countdown_and_the_ui_stays_responsive(make_app, gateway: FakeGateway):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        status = app.query_one(StatusBar)
        gateway.rate_waits = [42.0, 41.0]
        await pilot.press("ctrl+r")
        for _ in range(200):  # bounded: until the worker's countdown reaches the header
            await pilot.pause()
            if "resuming in 41s" in str(status.render()):
                break
        assert "rate limited (secondary): resuming in 41s" in str(status.render())
        await pilot.press("2")  # the UI answers keys while the worker waits
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "plan"
        gateway.release.set()
        await settle(app, pilot)
        assert "resuming" not in str(status.render())


async def test_switching_mode_replans_without_analysing_the_queue_again(make_app, monkeypatch):
    import lbconsole.tui.refresh as refresh_module

    calls: list[int] = []
    real_analyze = refresh_module.analyze

    def counting_analyze(*args, **kwargs):
        calls.append(1)
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(refresh_module, "analyze", counting_analyze)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert len(calls) == 1
        before = app.plan
        await pilot.press("m")
        await settle(app, pilot)
        assert app.plan is not None
        assert before is not None
        assert app.plan.mode != before.mode
        assert len(calls) == 1  # the same queue and settings: only the mode's stages ran


async def test_the_consoles_lines_reach_the_log_file_tagged_console(make_app, tmp_path, capsys):
    from lbconsole.cli.logs import logs

    log_dir = tmp_path / "log"
    app = make_app(log_dir=log_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.bus.emit("merge", "merged 1a2b3c4 (squash)", pr=12)
        await settle(app, pilot)

    assert logs(log_dir, source="console") == 0  # `lbconsole logs --source console`
    lines = capsys.readouterr().out.splitlines()
    assert any(line.endswith("merge [console] #12 merged 1a2b3c4 (squash)") for line in lines)
    assert any(" app [console] queue of " in line for line in lines)  # the console's own lines too


async def test_w_watches_a_pr_and_rings_when_its_state_changes(make_app, gateway: FakeGateway, monkeypatch):
    from dataclasses import replace

    app = make_app()
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        table.select_pr(31)
        await pilot.pause()
        before = str(table.get_cell("pr:31", "state"))
        await pilot.press("w")
        await pilot.pause()
        assert any(n.message.startswith(f"watching #31 ({before})") for n in app._notifications)
        app.refresh_queue(full=True)  # nothing changed: no bell
        await settle(app, pilot)
        assert bells == []

        gateway.set_pull(replace(gateway.pulls[31], draft=True))
        app.refresh_queue(full=True)
        await settle(app, pilot)
        assert bells == [1]
        assert any(n.message == f"#31 is now draft (was {before})" for n in app._notifications)

        del gateway.pulls[31]  # merged or closed
        gateway.changed = True
        app.refresh_queue(full=True)
        await settle(app, pilot)
        assert bells == [1, 1]
        assert any(n.message == "#31 left the queue (merged or closed); no longer watched" for n in app._notifications)
        assert 31 not in app.query_one(QueuePane).watched


async def test_the_plan_tab_detail_pane_explains_the_highlighted_action_or_skipped_pr(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "m", "m", "m", "m")
        await settle(app, pilot)
        assert app.plan.mode == "full-audit"
        held = next(i for i, a in enumerate(app.plan.actions) if a.held_by)
        action = app.plan.actions[held]
        actions = app.query_one("#plan-actions", DataTable)
        actions.focus()
        actions.move_cursor(row=held)
        await pilot.pause()
        detail = str(app.query_one("#plan-detail").render())
        assert f"#{action.pr} " in detail
        assert "Mode full-audit:" in detail
        assert f"nothing more: {action.held_by[0]}" in detail  # why a labelled PR is merged no further

        await pilot.press("m", "m")  # security-only: nothing to do, everything skipped with its reasons
        await settle(app, pilot)
        assert app.plan.mode == "security-only"
        assert app.plan.actions == ()
        skipped = app.query_one("#plan-skipped", DataTable)
        skipped.focus()
        skipped.move_cursor(row=1)
        await pilot.pause()
        first = app.plan.skipped[1]
        detail = str(app.query_one("#plan-detail").render())
        assert f"#{first.pr} " in detail
        assert f"· {first.reasons[0]}" in detail


async def test_the_heap_is_settled_after_the_first_queue_and_keys_put_full_collections_off(make_app) -> None:
    import gc

    from lbconsole.tui.heap import HeapKeeper

    now = [0.0]
    keeper = HeapKeeper(clock=lambda: now[0])
    thresholds = gc.get_threshold()
    app = make_app(heap=keeper)
    try:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            assert keeper.settled  # the first queue was shown
            now[0] = 42.0
            await pilot.press("j")
            assert keeper.last_input == 42.0  # a key puts the next full collection off
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


async def test_hints_name_the_keys_the_keymap_binds(make_app, gateway: FakeGateway):
    from dataclasses import replace

    from textual.widgets import Static

    from tests.demo_queue import fake_settings

    settings = fake_settings()
    keymap = (("runs.reload", "U"), ("plan.dispatch", "D"), ("limits.save", "ctrl+w"))
    app = make_app(settings=replace(settings, ui=replace(settings.ui, keymap=keymap)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        runs_hint = str(app.query_one("#runs-hint", Static).render())
        assert "U reloads" in runs_hint
        assert "D on the Plan tab dispatches" in runs_hint
        assert "u reloads" not in runs_hint
        assert str(app.query_one("#limits-hint", Static).render()).startswith("ctrl+w saves")
