"""One Pilot test per key binding the operator reaches for (k9s / gh-dash habits): tabs from every tab,
Esc out of a field, movement in every list, sort, open in the browser, copy the URL, the legend."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TabbedContent

from lbconsole.tui.screens.help import HelpScreen
from lbconsole.tui.widgets.queue_table import QueueTable
from tests.pilot.conftest import SIZE, settle

TAB_KEYS = [("1", "queue"), ("2", "plan"), ("3", "logs"), ("4", "runs"), ("5", "limits")]


@pytest.mark.parametrize("start", [key for key, _ in TAB_KEYS])
async def test_every_tab_key_works_from_every_tab(make_app, start):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        tabs = app.query_one(TabbedContent)
        for key, name in TAB_KEYS:
            await pilot.press(start)
            await pilot.pause()
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == name, (start, key)


async def test_escape_releases_a_limits_field_and_the_tab_keys_work_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "tab")
        box = app.query_one("#limit-merge", Input)
        assert app.focused is box
        before = box.value
        await pilot.press("escape", "2")
        await pilot.pause()
        assert box.value == before  # the 2 went to the tabs, not into "Merges per run"
        assert app.query_one(TabbedContent).active == "plan"


async def test_escape_releases_the_queue_filter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "f", "escape", "3")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "logs"


@pytest.mark.parametrize(("tab", "table_id"), [("1", "#queue-table"), ("2", "#plan-skipped"), ("4", "#runs-table")])
async def test_j_k_g_G_home_end_move_in_every_list(make_app, tab, table_id):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(tab)
        await settle(app, pilot)
        table = app.query_one(table_id, DataTable)
        if table.row_count < 3:
            table.clear()
            table.add_row(*(["x"] * len(table.columns)), key="a")
            table.add_row(*(["y"] * len(table.columns)), key="b")
            table.add_row(*(["z"] * len(table.columns)), key="c")
        table.focus()
        last = table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == last
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == last


async def test_s_cycles_the_sort_inside_each_category(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        features = [n for n in table.shown_numbers() if 30 <= n < 40]
        assert features == [32, 30, 33, 31, 34]  # priority order
        await pilot.press("s")
        await pilot.pause()
        assert table.sort_name == "oldest"
        oldest = [n for n in table.shown_numbers() if 30 <= n < 40]
        created = {n: table.analyses[n].pr.created_at for n in oldest}
        assert oldest == sorted(oldest, key=lambda n: created[n])
        assert table.shown_numbers()[0] == 12  # still grouped: security first


async def test_o_opens_the_selected_pr_in_the_browser(make_app, gateway, monkeypatch):
    opened: list[str] = []
    app = make_app()
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        assert table.select_pr(23)
        await pilot.press("o")
        assert opened == [table.analyses[23].pr.url]
        assert opened[0]


async def test_y_copies_the_selected_pr_url(make_app, monkeypatch):
    copied: list[str] = []
    app = make_app()
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one(QueueTable)
        assert table.select_pr(12)
        await pilot.press("y")
        assert copied == [table.analyses[12].pr.url]


async def test_question_mark_shows_bindings_and_the_legend_of_columns_and_states(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.rows
        keys = {(where, what) for where, what, _, _ in rows}
        for label in ("#", "Pri", "Title", "Author", "State", "Checks", "Review", "Age", "Size"):
            assert ("column", label) in keys
        for state in ("ready", "label-blocked", "needs approval", "computing", "conflict", "draft"):
            assert ("state", state) in keys
        assert any(r[3] == "queue.sort" for r in rows)
        assert any(r[3] == "list.first" for r in rows)
