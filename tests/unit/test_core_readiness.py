import pytest

from lbconsole.core.models import ChecksState, Mergeable, MergeState, ReviewDecision
from lbconsole.core.readiness import _USUAL_MET, _USUAL_SUMMARY, _met_rank, assess
from lbconsole.core.settings import MergePolicy
from tests.factories import ready_pr

POLICY = MergePolicy()


def test_ready_pr_says_why():
    r = assess(ready_pr(1), "feature", POLICY)
    assert r.ready
    assert r.state == "ready"
    assert r.summary == "approved, checks passing, clean"


@pytest.mark.parametrize(
    ("changes", "state", "reason"),
    [
        ({"draft": True}, "draft", "draft"),
        ({"labels": ("WIP",)}, "blocked", 'blocking label "wip"'),
        (
            {"mergeable": Mergeable.CONFLICTING, "merge_state": MergeState.DIRTY},
            "conflict",
            "merge conflict with the base branch",
        ),
        (
            {"checks": ChecksState.FAILURE, "failing_checks": ("ci/test", "lint")},
            "checks failing",
            "checks failing: ci/test, lint",
        ),
        ({"review_decision": ReviewDecision.CHANGES_REQUESTED}, "changes requested", "review: changes requested"),
        ({"merge_state": MergeState.BEHIND}, "behind", "behind the base branch"),
        (
            {"mergeable": Mergeable.UNKNOWN, "merge_state": MergeState.UNKNOWN},
            "pending",
            "mergeability unknown (GitHub is computing it)",
        ),
        ({"checks": ChecksState.PENDING}, "pending", "checks pending"),
        ({"checks": ChecksState.NONE}, "blocked", "no checks reported"),
        ({"merge_state": MergeState.UNSTABLE}, "blocked", "merge state unstable (non-required checks failing)"),
        ({"review_decision": ReviewDecision.REVIEW_REQUIRED}, "blocked", "review: approval required"),
        ({"review_decision": ReviewDecision.NONE}, "blocked", "review: not approved (merge.require_approval)"),
    ],
)
def test_unmet_conditions(changes, state, reason):
    r = assess(ready_pr(1, **changes), "feature", POLICY)
    assert not r.ready
    assert r.state == state
    assert reason in r.reasons


def test_unknown_mergeability_is_never_mergeable_nor_conflicting():
    r = assess(ready_pr(1, mergeable=Mergeable.UNKNOWN), "feature", POLICY)
    assert not r.ready
    assert r.state == "pending"
    assert "merge conflict with the base branch" not in r.reasons


def test_every_unmet_condition_is_listed():
    pr = ready_pr(
        1,
        draft=True,
        checks=ChecksState.FAILURE,
        failing_checks=("ci/test",),
        review_decision=ReviewDecision.CHANGES_REQUESTED,
    )
    r = assess(pr, "feature", POLICY)
    assert r.reasons == ("draft", "checks failing: ci/test", "review: changes requested")


def test_policy_switches():
    relaxed = MergePolicy(allow_unstable=True, allow_no_checks=True, require_approval=False)
    pr = ready_pr(1, merge_state=MergeState.UNSTABLE, checks=ChecksState.NONE, review_decision=ReviewDecision.NONE)
    assert assess(pr, "feature", relaxed).ready
    assert not assess(pr, "feature", POLICY).ready


def test_trusted_bot_needs_no_approval_only_for_dependencies_and_security():
    bot = ready_pr(1, author="dependabot[bot]", author_is_bot=True, review_decision=ReviewDecision.NONE)
    assert assess(bot, "dependencies", POLICY).ready
    assert assess(bot, "dependencies", POLICY).summary.startswith("trusted bot dependabot[bot]")
    assert assess(bot, "security", POLICY).ready
    assert not assess(bot, "feature", POLICY).ready


def test_a_scan_state_sets_security_scanned_and_a_bare_flag_means_passed():
    from lbconsole.core.models import ScanState

    assert ready_pr(1, scan=ScanState.FAILURE).security_scanned is True
    assert ready_pr(1, scan=ScanState.PENDING).security_scanned is False
    assert ready_pr(1, security_scanned=True).scan is ScanState.SUCCESS  # the simulator's core_pull, older tests
    assert ready_pr(1).scan is ScanState.NONE


def test_the_usual_ready_summary_is_the_sorted_one():
    # assess skips the sort for the usual case; this keeps the shortcut honest
    assert _USUAL_SUMMARY == ", ".join(sorted(_USUAL_MET, key=_met_rank))
    assert assess(ready_pr(1), "feature", MergePolicy()).summary == _USUAL_SUMMARY
