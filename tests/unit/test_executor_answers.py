"""What the executor makes of GitHub's answers: a 200 that did not merge, statuses said once."""

from __future__ import annotations

from lbconsole.core.ports import MergeResult
from lbconsole.engine.outcomes import format_summary_table
from lbconsole.errors import GatewayError
from lbconsole.github import translate
from tests.unit.fake_gateway import FakeGateway, pulls
from tests.unit.test_executor import label, merge, plan_of, run


def test_a_200_merge_answer_with_merged_false_is_failed_with_githubs_message() -> None:
    gw = FakeGateway(*pulls(4))
    gw.merge = lambda number, sha, method: MergeResult(sha="", message="Merge already in progress", merged=False)

    r = run(gw, plan_of(merge(4)))

    assert r.outcomes() == ["failed"]
    assert r.messages() == ["not merged: Merge already in progress"]
    assert r.report.exit_code == 1
    assert "(HTTP 200)" in format_summary_table(r.report)


def test_the_rest_answer_says_whether_it_merged() -> None:
    assert translate.merge_result_from_rest({"sha": None, "merged": False, "message": "no"}, 4).merged is False
    assert translate.merge_result_from_rest({"sha": "a" * 40, "merged": True, "message": "ok"}, 4).merged is True
    assert translate.merge_result_from_rest({"sha": "a" * 40, "message": "ok"}, 4).merged is True


def test_an_http_status_is_said_once_in_the_outcome_and_the_summary() -> None:
    gw = FakeGateway(*pulls(5))
    gw.fail[("add_labels", 5)] = GatewayError(
        "GitHub's answer to POST /repos/acme/rocket/issues/5/labels is not JSON (HTTP 200)", status=200
    )
    gw.fail[("merge", 5)] = GatewayError("Validation Failed", status=422)

    r = run(gw, plan_of(label(5, "bug"), merge(5)))

    assert r.outcomes() == ["failed", "failed"]
    assert r.messages()[0].count("(HTTP 200)") == 1
    assert r.messages()[1] == "Validation Failed (HTTP 422)"
    table = format_summary_table(r.report)
    assert table.count("(HTTP 200)") == 1
    assert table.count("(HTTP 422)") == 1
