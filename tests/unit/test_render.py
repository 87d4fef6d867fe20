"""The console's pure rendering: rows, filter, detail, cost estimate, themes (no screen needed)."""

from __future__ import annotations

from dataclasses import replace

from lbconsole.core.analysis import analyze
from lbconsole.core.planner import plan
from lbconsole.tui import estimate, render
from lbconsole.tui.themes import builtin_theme_dirs, discover, load_theme
from tests.demo_queue import NOW, demo_queue, fake_settings


def analyses():
    return {a.pr.number: a for a in analyze(demo_queue().pulls, fake_settings(), NOW)}


def test_queue_row_is_a_pure_function_of_the_analysis():
    row = render.queue_row(analyses()[30], NOW)
    assert [text for text, _ in row] == [
        "#30",
        str(analyses()[30].priority),
        "feat: dark mode",
        "erin",
        "checks failing",
        "✗ fail",
        "approved",
        "12d",
        "+300/-30",
    ]
    assert row[4][1] == "error"
    assert render.queue_row(analyses()[30], NOW) == row


def test_titles_are_left_whole_for_the_table_to_crop_and_only_absurd_ones_truncated():
    a = analyses()[32]
    long = replace(a, pr=replace(a.pr, title="x" * 80))
    assert render.queue_row(long, NOW)[2][0] == "x" * 80
    absurd = replace(a, pr=replace(a.pr, title="y" * 500))
    title = render.queue_row(absurd, NOW)[2][0]
    assert len(title) == 120
    assert title.endswith("…")


def test_bot_authors_are_shown_whole():
    a = analyses()[15]
    assert render.queue_row(a, NOW)[3] == ("dependabot[bot]", "muted")


def test_filter_matches_number_title_author_category_and_state():
    a = analyses()[23]
    for query in ("#23", "23", "RACE", "dave", "bugfix", "conflict", "fix race"):
        assert render.matches(a, query), query
    assert not render.matches(a, "feature")
    assert not render.matches(a, "race alice")


def test_groups_follow_category_order_and_count_what_is_shown():
    groups = render.group_rows(analyze(demo_queue().pulls, fake_settings(), NOW), "ready")
    assert [(c, [a.pr.number for a in items], total) for c, items, total in groups] == [
        ("security", [12], 1),
        ("bugfix", [21], 3),
        ("dependencies", [15], 1),
        ("docs", [40], 2),
        ("maintenance", [41], 1),
    ]
    assert render.category_header("bugfix", 1, 3)[2][0] == "bugfix (1 of 3)"


def test_detail_says_what_the_mode_does_or_why_not():
    queue = demo_queue()
    auto = plan(queue, "auto", fake_settings(), NOW)
    merge_only = plan(queue, "merge-only", fake_settings(), NOW)
    text = "\n".join(t for t, _ in render.detail_lines(analyses()[22], auto, NOW))
    assert "Category bugfix: title prefix" in text
    assert "Readiness behind: behind the base branch" in text
    assert "→ update_branch: behind the base branch" in text
    skipped = [t for t, _ in render.mode_effect(22, merge_only)]
    assert skipped == ["· behind the base branch"]


def test_cost_estimate_counts_reads_and_writes():
    queue = demo_queue()
    cost = estimate.estimate_cost(plan(queue, "auto", fake_settings(), NOW), fake_settings())
    # 5 merges: 5 re-reads + 4 re-checks + 5 merges; 2 updates: 2 + 2; 1 notify: 2 reads + 2 writes;
    # 4 gate scans (the merges whose head has no passed scan yet): 3 reads + 3 writes each
    assert (cost.reads, cost.writes) == (25, 21)
    assert cost.by_kind == (
        ("merge", 5, 14),
        ("update_branch", 2, 4),
        ("notify_conflict", 1, 4),
        ("security_scan", 4, 24),
    )
    assert cost.paced_s == 0
    empty = estimate.estimate_cost(plan(queue, "security-only", fake_settings(), NOW))
    assert empty.requests == 0
    assert estimate.cost_text(empty) == "estimated API cost: 0 requests"


def test_affected_prs_lists_each_pr_once():
    queue = demo_queue()
    lines = render.affected_prs(plan(queue, "full-audit", fake_settings(), NOW))
    assert "#23 label bug, notify_conflict" in lines  # labels before the conflict batch
    assert lines[-1].startswith("report: ")
    assert len([line for line in lines if line.startswith("#23 ")]) == 1


def test_shipped_themes_load(tmp_path):
    found, problems = discover(builtin_theme_dirs())
    assert problems == []
    names = {t.name for t in found}
    assert {"lbconsole-dark", "lbconsole-light"} <= names
    light = next(t for t in found if t.name == "lbconsole-light")
    assert light.dark is False


def test_broken_theme_files_are_reported(tmp_path):
    (tmp_path / "a.toml").write_text('name = "a"\nprimary = "#123456"\ncolour = "red"\n')
    (tmp_path / "b.toml").write_text("this is not toml")
    (tmp_path / "c.toml").write_text('name = "c"\nprimary = "#abcdef"\n')
    found, problems = discover([tmp_path])
    assert [t.name for t in found] == ["c"]
    assert len(problems) == 2
    assert "unknown key(s) colour" in problems[0]
    assert str(tmp_path / "b.toml") in problems[1]
    assert load_theme(tmp_path / "c.toml").primary == "#abcdef"


def test_the_console_and_lbconsole_queue_group_in_the_same_configured_order():
    from dataclasses import replace

    from lbconsole.core.analysis import group_by_category
    from lbconsole.core.settings import CategoryRule

    settings = fake_settings()
    infra = CategoryRule(name="infra", title_words=("race",), weight=5)  # custom, placed first in the config
    settings = replace(settings, categories=(infra, *settings.categories))
    result = analyze(demo_queue().pulls, settings, NOW)
    order = settings.category_order()
    console = [(c, [a.pr.number for a in items]) for c, items, _ in render.group_rows(result, "", order)]
    cli = [(c, [a.pr.number for a in items]) for c, items in group_by_category(result, order)]
    assert console == cli
    assert console[0][0] == "infra"
    assert order[-1] == "other"


def test_the_detail_pane_says_why_a_pr_that_only_gets_a_label_is_not_merged():
    from lbconsole.core.plan import Action, Plan
    from lbconsole.core.settings import Limits

    plan = Plan(
        "acme/rocket",
        "full-audit",
        NOW,
        Limits(),
        actions=(
            Action(
                "label",
                pr=7,
                head_sha="a" * 40,
                label="enhancement",
                reason="category feature missing its label",
                held_by=("draft",),
            ),
        ),
    )
    lines = [text for text, _ in render.mode_effect(7, plan)]
    assert lines == ["→ label 'enhancement': category feature missing its label", "· nothing more: draft"]
