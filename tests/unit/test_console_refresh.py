"""The console's decisions without a screen: what a refresh computes and shows, and how a limit is checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from lbconsole.config.schema import SECTIONS
from lbconsole.core.models import Queue
from lbconsole.errors import GatewayError, Unreachable
from lbconsole.tui import refresh
from lbconsole.tui.refresh import Verdict
from lbconsole.tui.widgets.limits_pane import LIMIT_RULE, SchemaCheck
from tests.demo_queue import NOW, demo_queue, fake_settings, frozen_clock


def no_clock() -> datetime:
    raise AssertionError("the clock was read: the queue was analysed again")


class Answers:
    """A gateway that only answers whether the queue changed, and the queue."""

    def __init__(self, changed: bool) -> None:
        self.changed = changed
        self.fetched = 0

    def queue_changed(self) -> bool:
        return self.changed

    def fetch_queue(self) -> Queue:
        self.fetched += 1
        return demo_queue()


def test_a_new_mode_on_the_same_queue_reuses_the_analyses_and_rows():
    queue, settings = demo_queue(), fake_settings()
    first = refresh.compute(queue, mode="auto", settings=settings, clock=frozen_clock, fetched=True)
    again = refresh.compute(queue, mode="merge-only", settings=settings, clock=no_clock, fetched=False, last=first)
    assert again.analyses is first.analyses
    assert again.rows is first.rows
    assert again.now == NOW
    assert (again.plan.mode, again.fetched) == ("merge-only", False)
    assert first.rows[30][0][0] == "#30"  # rows are rendered in the worker, keyed by PR number


def test_new_settings_or_a_new_queue_are_analysed_again():
    queue, settings = demo_queue(), fake_settings()
    first = refresh.compute(queue, mode="auto", settings=settings, clock=frozen_clock, fetched=True)
    other_settings = replace(settings, limits=replace(settings.limits, merge=1))
    replanned = refresh.compute(
        queue, mode="auto", settings=other_settings, clock=frozen_clock, fetched=False, last=first
    )
    assert replanned.analyses is not first.analyses
    assert len([a for a in replanned.plan.actions if a.kind == "merge"]) == 1
    refetched = refresh.compute(
        demo_queue(), mode="auto", settings=settings, clock=frozen_clock, fetched=True, last=first
    )
    assert refetched.analyses is not first.analyses


def test_judge_shows_the_current_replans_a_fetch_for_another_mode_and_drops_the_rest():
    queue, settings = demo_queue(), fake_settings()
    fetched = refresh.compute(queue, mode="auto", settings=settings, clock=frozen_clock, fetched=True)
    replanned = replace(fetched, fetched=False)
    assert refresh.judge(fetched, queue=None, mode="auto", settings=settings) is Verdict.SHOW
    assert refresh.judge(replanned, queue=queue, mode="auto", settings=settings) is Verdict.SHOW
    assert refresh.judge(replanned, queue=demo_queue(), mode="auto", settings=settings) is Verdict.DROP
    assert refresh.judge(fetched, queue=queue, mode="merge-only", settings=settings) is Verdict.REPLAN
    assert refresh.judge(replanned, queue=queue, mode="merge-only", settings=settings) is Verdict.DROP
    assert refresh.judge(fetched, queue=queue, mode="auto", settings=fake_settings()) is Verdict.REPLAN


def test_fetch_asks_github_first_unless_full_or_nothing_shown_yet():
    unchanged = Answers(changed=False)
    assert refresh.fetch(unchanged, full=False, have_queue=True) is None
    assert unchanged.fetched == 0
    assert refresh.fetch(unchanged, full=True, have_queue=True) is not None
    assert refresh.fetch(unchanged, full=False, have_queue=False) is not None
    changed = Answers(changed=True)
    assert refresh.fetch(changed, full=False, have_queue=True) is not None
    assert (unchanged.fetched, changed.fetched) == (2, 1)


def test_a_periodic_full_refresh_is_due_after_full_every_s_and_never_at_zero():
    assert refresh.full_refresh_due(300, 300.0)
    assert not refresh.full_refresh_due(300, 299.9)
    assert not refresh.full_refresh_due(0, 10_000.0)


def test_offline_text_says_unreachable_or_error():
    assert refresh.offline_text(Unreachable("connection refused")) == "GitHub unreachable: connection refused"
    assert refresh.offline_text(GatewayError("Bad credentials", status=401)).startswith("GitHub error: ")


@pytest.mark.parametrize(
    ("typed", "valid"),
    [("0", True), ("100", True), ("7", True), ("-1", False), ("101", False), ("", False), ("five", False)],
)
def test_a_limit_is_checked_by_the_config_schema_with_the_tabs_short_message(typed, valid):
    check = SchemaCheck(SECTIONS["limits"]["merge"].check, LIMIT_RULE)
    result = check.validate(typed)
    assert result.is_valid is valid
    assert result.failure_descriptions == ([] if valid else ["must be 0..100"])
