"""The planner against SPEC 1-3.5: the security gate, coherent plans, every reason, priority order."""

from datetime import timedelta

import pytest

from lbconsole.core.classify import classify
from lbconsole.core.models import Mergeable, MergeState, ReviewDecision, ScanState
from lbconsole.core.planner import GATE_SCAN_REASON, plan
from lbconsole.core.readiness import UNKNOWN_REASON
from lbconsole.core.settings import DEFAULT_CATEGORIES, Limits, Settings
from tests.factories import NOW, queue, ready_pr

SETTINGS = Settings()
MERGING_MODES = ("merge-only", "auto", "full-audit")


def kinds(p):
    return [(a.kind, a.pr) for a in p.actions if a.pr is not None]


def reasons(p):
    return {s.pr: s.reasons for s in p.skipped}


# -- the security gate (SPEC 3.5) ------------------------------------------------------


@pytest.mark.parametrize("mode", MERGING_MODES)
def test_an_unscanned_ready_pr_is_scanned_then_merged_in_the_same_run(mode):
    docs = ready_pr(1, title="docs: fix typo", head_ref="typo", changed_files=("README.md",))
    p = plan(queue(docs), mode, SETTINGS, NOW)
    pr_actions = [a for a in p.actions if a.pr == 1 and a.kind in ("security_scan", "merge")]
    assert [a.kind for a in pr_actions] == ["security_scan", "merge"]
    scan, merge = pr_actions
    assert scan.reason == GATE_SCAN_REASON
    assert scan.category == "docs"  # not a security PR: the executor runs no security.commands for it
    assert scan.head_sha == merge.head_sha == docs.head_sha
    assert (
        merge.reason == "ready: approved, checks passing, clean; merges only if the built-in scan of this head passes"
    )


@pytest.mark.parametrize("mode", MERGING_MODES)
@pytest.mark.parametrize("state", [ScanState.PENDING, ScanState.ERROR, ScanState.NONE])
def test_an_unfinished_scan_is_run_again_before_the_merge(mode, state):
    p = plan(queue(ready_pr(1, scan=state)), mode, SETTINGS, NOW)
    assert [k for k in kinds(p) if k[0] in ("security_scan", "merge")] == [("security_scan", 1), ("merge", 1)]


@pytest.mark.parametrize("mode", MERGING_MODES)
def test_a_passed_scan_at_this_head_merges_without_scanning_again(mode):
    p = plan(queue(ready_pr(1, scan=ScanState.SUCCESS)), mode, SETTINGS, NOW)
    assert ("security_scan", 1) not in kinds(p)
    assert ("merge", 1) in kinds(p)


@pytest.mark.parametrize("mode", MERGING_MODES)
def test_a_scan_with_findings_holds_the_merge_with_the_reason(mode):
    flagged = ready_pr(1, title="docs: typo", scan=ScanState.FAILURE, labels=("documentation",))
    p = plan(queue(flagged), mode, SETTINGS, NOW)
    assert ("merge", 1) not in kinds(p)
    assert ("security_scan", 1) not in kinds(p)
    why = reasons(p)[1] if 1 in reasons(p) else p.actions[0].held_by
    assert "held: the built-in scan found something to review at this head (0000000)" in why


def test_security_pr_with_findings_is_held_and_says_it_was_scanned():
    sec = ready_pr(1, labels=("security",), scan=ScanState.FAILURE)
    p = plan(queue(sec), "auto", SETTINGS, NOW)
    assert p.empty
    assert reasons(p)[1] == (
        "held: the built-in scan found something to review at this head (0000000)",
        "security scan: scanned at this head (0000000), findings to review",
    )


def test_gate_scans_count_against_the_scan_limit_in_priority_order():
    settings = Settings(limits=Limits(scan=1))
    high = ready_pr(1, labels=("priority: high",))
    low = ready_pr(2)
    p = plan(queue(low, high), "merge-only", settings, NOW)
    assert kinds(p) == [("security_scan", 1), ("merge", 1)]
    assert reasons(p)[2] == (
        "ready, but the merge waits for the built-in scan of this head (limit: scan batch full (1))",
    )


def test_the_scan_limit_is_shared_by_security_prs_and_gate_scans_in_priority_order():
    settings = Settings(limits=Limits(scan=1))
    sec = ready_pr(1, labels=("security",), checks=ready_pr(1).checks, review_decision=ReviewDecision.CHANGES_REQUESTED)
    feat = ready_pr(2)
    p = plan(queue(feat, sec), "auto", settings, NOW)
    assert kinds(p) == [("security_scan", 1)]  # the security PR has the higher priority
    assert reasons(p)[2] == (
        "ready, but the merge waits for the built-in scan of this head (limit: scan batch full (1))",
    )


def test_a_full_merge_batch_plans_no_gate_scan():
    settings = Settings(limits=Limits(merge=1))
    p = plan(queue(ready_pr(1), ready_pr(2)), "merge-only", settings, NOW)
    assert kinds(p) == [("security_scan", 1), ("merge", 1)]
    assert reasons(p)[2] == ("limit: merge batch full (1)",)


def test_security_only_plans_no_gate_scans():
    p = plan(
        queue(ready_pr(1), ready_pr(2, labels=("security",), scan=ScanState.SUCCESS)), "security-only", SETTINGS, NOW
    )
    assert p.empty
    assert reasons(p) == {
        1: ("not a security PR (category feature)",),
        2: ("security scan: scanned at this head (0000000), passed",),
    }


# -- coherent plans ----------------------------------------------------------------------


def test_a_behind_security_pr_is_scanned_and_labelled_before_its_branch_is_updated():
    sec = ready_pr(1, title="Patch CVE-2026-1111", head_ref="p", merge_state=MergeState.BEHIND)
    p = plan(queue(sec, ready_pr(2)), "auto", SETTINGS, NOW)
    assert kinds(p) == [("security_scan", 1), ("security_scan", 2), ("label", 1), ("merge", 2), ("update_branch", 1)]


@pytest.mark.parametrize("mode", ["auto", "full-audit"])
def test_nothing_follows_a_branch_update_or_a_merge_on_the_same_pr(mode):
    pulls = [
        ready_pr(1, title="Patch CVE-2026-1111", head_ref="p", merge_state=MergeState.BEHIND),
        ready_pr(2, merge_state=MergeState.BEHIND, updated_at=NOW - timedelta(days=90)),
        ready_pr(3, labels=("security",)),
        ready_pr(4, mergeable=Mergeable.CONFLICTING, merge_state=MergeState.DIRTY),
        ready_pr(5),
    ]
    p = plan(queue(*pulls), mode, SETTINGS, NOW)
    last: dict[int, str] = {}
    for a in p.actions:
        if a.pr is None:
            continue
        assert last.get(a.pr) not in ("update_branch", "merge"), f"{a.kind} on #{a.pr} after its {last[a.pr]}"
        last[a.pr] = a.kind
    assert {"update_branch", "merge", "label", "security_scan"} <= {a.kind for a in p.actions}


# -- every reason, UNKNOWN, priority order ---------------------------------------------------


def test_conflict_resolution_lists_every_reason_of_a_pr_it_leaves_alone():
    pr = ready_pr(1, draft=True, merge_state=MergeState.BEHIND, labels=("hold",))
    p = plan(queue(pr), "conflict-resolution", SETTINGS, NOW)
    assert reasons(p)[1] == ("draft", 'blocking label "hold"')
    notified = ready_pr(2, mergeable=Mergeable.CONFLICTING, labels=("needs-rebase", "wip"))
    p = plan(queue(notified), "conflict-resolution", SETTINGS, NOW)
    assert reasons(p)[2] == ('blocking label "wip"', 'conflict: author already notified (label "needs-rebase")')


@pytest.mark.parametrize("mode", ["conflict-resolution", "auto", "full-audit"])
def test_unknown_mergeability_is_pending_never_conflicting(mode):
    pr = ready_pr(1, mergeable=Mergeable.UNKNOWN, merge_state=MergeState.DIRTY)
    p = plan(queue(pr), mode, SETTINGS, NOW)
    assert all(a.kind != "notify_conflict" for a in p.actions)
    why = reasons(p).get(1) or p.actions[0].held_by
    assert UNKNOWN_REASON in why
    assert "merge conflict with the base branch" not in why


def test_security_only_with_every_scan_current_says_so_per_pr():
    q = queue(
        ready_pr(1, labels=("security",), scan=ScanState.SUCCESS),
        ready_pr(2, labels=("security",), scan=ScanState.FAILURE),
    )
    p = plan(q, "security-only", SETTINGS, NOW)
    assert p.empty
    assert p.notes == ("nothing to do",)
    assert reasons(p) == {
        1: ("security scan: scanned at this head (0000000), passed",),
        2: ("security scan: scanned at this head (0000000), findings to review",),
    }


def test_the_conflict_batch_is_listed_in_priority_order_not_by_kind():
    conflict_fix = ready_pr(
        1, title="fix: x", head_ref="x", mergeable=Mergeable.CONFLICTING, merge_state=MergeState.DIRTY
    )
    behind_feat = ready_pr(2, merge_state=MergeState.BEHIND)
    p = plan(queue(behind_feat, conflict_fix), "conflict-resolution", SETTINGS, NOW)
    assert kinds(p) == [("notify_conflict", 1), ("update_branch", 2)]


@pytest.mark.parametrize("name", ["README.markdown", "docs/guide.mdx", "CHANGES.rst", "notes.mkd", "a/b.md"])
def test_docs_only_changes_include_every_markdown_and_rest_extension(name):
    pr = ready_pr(1, title="Tidy up", head_ref="tidy", changed_files=(name, "index.md"))
    assert classify(pr, DEFAULT_CATEGORIES).category == "docs"


def test_the_demo_with_the_base_advanced_plans_no_action_that_another_makes_stale():
    """The hourly auto run of the issue: behind security PRs get scan, label and update, in that order."""
    from lbconsole.core.models import Queue
    from lbconsole.sim.scenarios import build
    from lbconsole.sim.state import core_pull

    state = build("demo", 0)
    state.advance_base()
    state.clock.advance(600)  # mergeability settles: every open PR is BEHIND
    pulls = tuple(core_pull(state, p.number) for p in state.open_pulls())
    p = plan(Queue("acme/rocket", pulls, state.now(), strict=False), "auto", SETTINGS, state.now())
    updated = [a.pr for a in p.actions if a.kind == "update_branch"]
    assert updated
    position = {a.pr: i for i, a in enumerate(p.actions) if a.kind == "update_branch"}
    for i, a in enumerate(p.actions):
        if a.pr in position:
            assert i <= position[a.pr], f"{a.kind} on #{a.pr} after its update_branch"
    both = {a.pr for a in p.actions if a.kind in ("security_scan", "label")} & set(updated)
    assert both  # the case the issue measured: scan/label and update on the same PR


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        (ScanState.SUCCESS, None),
        (ScanState.FAILURE, "held: the built-in scan found something to review at this head (abcdef0)"),
        (ScanState.PENDING, "held: the built-in scan of this head (abcdef0) has not finished"),
        (
            ScanState.ERROR,
            "held: the built-in scan of this head (abcdef0) could not run; it is scanned again next time",
        ),
        (ScanState.NONE, "held: this head (abcdef0) has no built-in scan yet"),
    ],
)
def test_the_gate_lets_only_a_passed_scan_merge(state, refusal):
    from lbconsole.core.gate import merge_refusal

    assert merge_refusal(state, "abcdef0" + "1" * 33) == refusal
