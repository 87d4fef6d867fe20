"""A write whose answer is lost: never retried, decided by one re-read (done, failed, or unknown)."""

from __future__ import annotations

from typing import Any

from lbconsole.engine.outcomes import format_counts, format_summary_table
from lbconsole.errors import GatewayError, Unreachable
from tests.unit.fake_gateway import FakeGateway, pulls, sha
from tests.unit.test_executor import FakeScanner, label, merge, notify, plan_of, run, scan, scan_pull, update

LOST_502 = GatewayError("Bad Gateway", status=502)
TIMEOUT = Unreachable("GitHub did not answer within 30 s (api.github.com)")


def lose_answer(gw: FakeGateway, name: str, exc: BaseException, times: int = 1) -> None:
    """`name` does its work on the fake GitHub, then its answer is lost (`exc`), `times` times."""
    real = getattr(gw, name)
    left = [times]

    def lossy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if left[0] > 0:
            left[0] -= 1
            raise exc
        return result

    setattr(gw, name, lossy)


def test_a_merge_whose_answer_is_lost_is_done_when_the_re_read_shows_it_merged() -> None:
    gw = FakeGateway(*pulls(1, 2))
    lose_answer(gw, "merge", LOST_502)

    r = run(gw, plan_of(merge(1), merge(2)))

    assert r.outcomes() == ["done", "skipped"]
    assert r.messages()[0] == (
        f"merged (head {sha(1)[:7]}) (the answer was lost (Bad Gateway (HTTP 502)); a re-read shows it done)"
    )
    assert gw.names().count("merge") == 1  # never retried: a second merge call could not be undone
    # the re-read counted as a merge: #2, behind after it, is re-checked and skipped, not merged untested
    assert r.messages()[1] == "became behind after an earlier merge"
    assert r.report.exit_code == 0
    assert "re-reading the PR to see what happened" in r.lines("merge")[0]


def test_a_write_that_never_reached_github_is_failed_by_the_re_read() -> None:
    gw = FakeGateway(*pulls(1, 2))
    gw.fail[("add_labels", 1)] = TIMEOUT  # raised before the fake applies anything

    r = run(gw, plan_of(label(1, "bug"), label(2, "bug")))

    assert r.outcomes() == ["failed", "done"]
    assert r.messages()[0] == (
        "the answer was lost (GitHub did not answer within 30 s (api.github.com)); a re-read shows it was not done"
    )
    assert gw.pulls[1].labels == []
    assert gw.names().count("add_labels") == 2  # one each: the lost one is not sent again
    assert r.report.exit_code == 1


def test_when_the_re_read_fails_too_the_outcome_is_unknown_and_the_run_is_not_clean() -> None:
    gw = FakeGateway(*pulls(5))
    gw.pulls[5].mergeable_state = "dirty"
    lose_answer(gw, "create_comment", TIMEOUT)
    real_get = gw.get_pull
    reads = [0]

    def get_pull(number: int) -> Any:
        reads[0] += 1
        if reads[0] > 1:  # the executor's read before the action works; the re-read does not
            raise Unreachable("cannot reach api.github.com")
        return real_get(number)

    gw.get_pull = get_pull  # type: ignore[method-assign]

    r = run(gw, plan_of(notify(5)))

    assert r.outcomes() == ["unknown"]
    assert r.messages() == [
        "the answer was lost (GitHub did not answer within 30 s (api.github.com)); "
        "the re-read failed too (cannot reach api.github.com): check the PR"
    ]
    assert r.report.counts["unknown"] == 1
    assert r.report.exit_code == 1
    assert format_counts(r.report) == "done 0, stale 0, skipped 0, failed 0, cancelled 0, unknown 1"
    assert "| 1 | notify_conflict | #5 | unknown |" in format_summary_table(r.report)


def test_a_lost_branch_update_is_done_when_the_head_moved() -> None:
    gw = FakeGateway(*pulls(3))
    gw.pulls[3].mergeable_state = "behind"
    lose_answer(gw, "update_branch", LOST_502)

    r = run(gw, plan_of(update(3)))

    assert r.outcomes() == ["done"]
    assert r.messages()[0].startswith(f"branch updated: head now {gw.pulls[3].head_sha[:7]} (the answer was lost")


def test_a_lost_scan_status_is_done_when_the_status_is_on_the_head() -> None:
    gw = FakeGateway(scan_pull(7), scanned=False)
    lose_answer(gw, "set_commit_status", LOST_502)

    r = run(gw, plan_of(scan(7)), scanner=FakeScanner().tools())

    assert r.outcomes() == ["done"]
    assert r.messages()[0].startswith(f"scan status success on {sha(7)[:7]} (the answer was lost")


def test_a_lost_conflict_comment_is_done_when_label_and_comment_are_there() -> None:
    gw = FakeGateway(*pulls(5))
    gw.pulls[5].mergeable_state = "dirty"
    lose_answer(gw, "create_comment", LOST_502)

    r = run(gw, plan_of(notify(5)))

    assert r.outcomes() == ["done"]
    assert r.messages()[0].startswith("labelled needs-rebase; author notified (the answer was lost")
    assert gw.names().count("create_comment") == 1


def test_a_refusal_is_not_a_lost_answer() -> None:
    gw = FakeGateway(*pulls(1))
    gw.fail[("merge", 1)] = GatewayError("Validation Failed", status=422)

    r = run(gw, plan_of(merge(1)))

    assert r.outcomes() == ["failed"]
    assert r.messages() == ["Validation Failed (HTTP 422)"]
    assert gw.names().count("get_pull") == 1  # no re-read: GitHub said what happened
