from dataclasses import replace
from datetime import timedelta

import pytest

from lbconsole.core import plan as plan_json
from lbconsole.core.models import ChecksState, Mergeable, MergeState, ReviewDecision, ScanState
from lbconsole.core.planner import plan
from lbconsole.core.settings import MODES, Limits, Settings
from tests.factories import NOW, queue, ready_pr

SETTINGS = Settings()


def behind(n, **kw):
    return ready_pr(n, merge_state=MergeState.BEHIND, **kw)


def conflicting(n, **kw):
    return ready_pr(n, mergeable=Mergeable.CONFLICTING, merge_state=MergeState.DIRTY, **kw)


def security(n, **kw):
    kw.setdefault("labels", ("security",))
    return ready_pr(n, title=f"Harden parser {n}", head_ref=f"sec-{n}", **kw)


def accounted_once(p, q):
    """Every open PR is in exactly one of `actions` (one or more actions) or `skipped`."""
    acted = {a.pr for a in p.actions if a.pr is not None}
    skipped = [s.pr for s in p.skipped]
    assert len(skipped) == len(set(skipped))
    assert not acted & set(skipped)
    assert acted | set(skipped) == {pr.number for pr in q.pulls}


def test_merge_only_takes_ready_prs_by_priority_up_to_the_limit():
    pulls = [ready_pr(n, scan=ScanState.SUCCESS) for n in range(1, 9)]
    pulls[6] = replace(pulls[6], labels=("priority: high",))
    q = queue(*pulls)
    p = plan(q, "merge-only", SETTINGS, NOW)
    merged = [a.pr for a in p.actions]
    assert merged == [7, 1, 2, 3, 4]
    assert all(a.kind == "merge" and a.head_sha == f"{a.pr:040x}" for a in p.actions)
    assert p.actions[0].reason == "ready: approved, checks passing, clean"
    by_pr = {s.pr: s.reasons for s in p.skipped}
    assert by_pr == {
        5: ("limit: merge batch full (5)",),
        6: ("limit: merge batch full (5)",),
        8: ("limit: merge batch full (5)",),
    }
    accounted_once(p, q)


def test_priority_orders_by_category_age_and_labels_then_number():
    old_doc = ready_pr(1, title="docs: x", head_ref="x", created_at=NOW - timedelta(days=400), scan=ScanState.SUCCESS)
    fresh_fix = ready_pr(2, title="fix: y", head_ref="y", created_at=NOW, scan=ScanState.SUCCESS)
    low_sec = security(3, created_at=NOW, labels=("security", "priority: low"), scan=ScanState.SUCCESS)
    q = queue(old_doc, fresh_fix, low_sec)
    p = plan(q, "merge-only", SETTINGS, NOW)
    # security 100 - 20 = 80; bugfix 60 + 0 = 60; docs 10 + 30 (capped) = 40
    assert [(a.pr, a.priority) for a in p.actions] == [(3, 80), (2, 60), (1, 40)]


def test_skipped_prs_carry_every_reason():
    pr = ready_pr(
        9,
        draft=True,
        checks=ChecksState.FAILURE,
        failing_checks=("ci/test",),
        review_decision=ReviewDecision.CHANGES_REQUESTED,
    )
    p = plan(queue(pr), "merge-only", SETTINGS, NOW)
    assert p.actions == ()
    assert p.skipped[0].reasons == ("draft", "checks failing: ci/test", "review: changes requested")


def test_conflict_resolution_updates_behind_and_notifies_conflicts_within_one_limit():
    q = queue(
        behind(1), behind(2), conflicting(3), conflicting(4), ready_pr(5), conflicting(6, labels=("needs-rebase",))
    )
    p = plan(q, "conflict-resolution", SETTINGS, NOW)
    assert [(a.kind, a.pr) for a in p.actions] == [("update_branch", 1), ("update_branch", 2), ("notify_conflict", 3)]
    assert p.actions[2].label == "needs-rebase"
    reasons = {s.pr: s.reasons for s in p.skipped}
    assert reasons[4] == ("limit: conflict batch full (3)",)
    assert reasons[5] == ("no conflict: up to date with the base branch",)
    assert reasons[6] == ('conflict: author already notified (label "needs-rebase")',)
    accounted_once(p, q)


def test_security_only_without_security_prs_is_empty_and_says_why():
    q = queue(ready_pr(1), behind(2))
    p = plan(q, "security-only", SETTINGS, NOW)
    assert p.empty
    assert p.notes == ("no open security PR: nothing to scan",)
    assert {s.pr: s.reasons for s in p.skipped} == {
        1: ("not a security PR (category feature)",),
        2: ("not a security PR (category feature)",),
    }


def test_security_only_scans_and_labels_missing_security_label():
    cve = ready_pr(1, title="Patch CVE-2026-1111", head_ref="p")
    labelled = security(2)
    scanned = security(3, security_scanned=True)
    q = queue(cve, labelled, scanned, ready_pr(4))
    p = plan(q, "security-only", SETTINGS, NOW)
    assert [(a.kind, a.pr, a.label) for a in p.actions] == [
        ("security_scan", 1, ""),
        ("security_scan", 2, ""),
        ("label", 1, "security"),
    ]
    reasons = {s.pr: s.reasons for s in p.skipped}
    assert reasons[3] == ("security scan: scanned at this head (0000000), passed",)
    assert reasons[4] == ("not a security PR (category feature)",)


def test_scan_limit_binds():
    settings = Settings(limits=Limits(scan=1))
    p = plan(queue(security(1), security(2)), "security-only", settings, NOW)
    assert [a.pr for a in p.actions if a.kind == "security_scan"] == [1]
    assert {s.pr: s.reasons for s in p.skipped} == {2: ("limit: scan batch full (1)",)}


def test_auto_is_the_union_scans_before_merging_and_lists_batch_by_batch():
    q = queue(ready_pr(1), behind(2), conflicting(3), security(4), security(5, security_scanned=True))
    p = plan(q, "auto", SETTINGS, NOW)
    kinds = [(a.kind, a.pr) for a in p.actions]
    assert kinds == [
        ("security_scan", 4),
        ("security_scan", 1),
        ("merge", 4),
        ("merge", 5),
        ("merge", 1),
        ("update_branch", 2),
        ("notify_conflict", 3),
    ]
    accounted_once(p, q)


def test_auto_with_nothing_to_do_is_empty():
    q = queue(ready_pr(1, draft=True), conflicting(2, labels=("needs-rebase",)))
    p = plan(q, "auto", SETTINGS, NOW)
    assert p.empty
    assert p.notes == ("nothing to do",)
    assert {s.pr for s in p.skipped} == {1, 2}


def test_full_audit_adds_category_and_stale_labels_and_a_report():
    fresh = ready_pr(1, labels=("enhancement",), checks=ChecksState.PENDING)
    unlabelled = ready_pr(2, checks=ChecksState.PENDING)
    stale = ready_pr(3, labels=("enhancement",), checks=ChecksState.PENDING, updated_at=NOW - timedelta(days=45))
    q = queue(fresh, unlabelled, stale)
    p = plan(q, "full-audit", SETTINGS, NOW)
    labels = [(a.pr, a.label) for a in p.actions if a.kind == "label"]
    assert labels == [(2, "enhancement"), (3, "stale")]
    report = p.actions[-1]
    assert report.kind == "report"
    assert "| feature | 3 |" in report.body
    assert "| #1 | feature | checks pending |" in report.body
    assert {s.pr: s.reasons for s in p.skipped} == {1: ("checks pending",)}


def test_label_limit_binds():
    settings = Settings(limits=Limits(label=1))
    q = queue(ready_pr(1, checks=ChecksState.PENDING), ready_pr(2, checks=ChecksState.PENDING))
    p = plan(q, "full-audit", settings, NOW)
    assert [(a.pr, a.label) for a in p.actions if a.kind == "label"] == [(1, "enhancement")]
    assert "limit: label batch full (1), not labelled 'enhancement'" in dict((s.pr, s.reasons) for s in p.skipped)[2]


@pytest.mark.parametrize("mode", MODES)
def test_plan_is_pure_and_round_trips_through_json(mode):
    q = queue(ready_pr(1), behind(2), conflicting(3), security(4), ready_pr(5, draft=True))
    first, second = plan(q, mode, SETTINGS, NOW), plan(q, mode, SETTINGS, NOW)
    assert first == second
    data = plan_json.to_dict(first)
    assert data["schema"] == "lbconsole.plan/1"
    assert data["generated_at"] == "2026-11-23T12:00:00Z"
    assert data["limits"] == {"merge": 5, "conflict": 3, "scan": 10, "label": 50}
    assert sum(data["summary"].values()) == len(data["actions"])
    assert plan_json.from_dict(data) == first
    accounted_once(first, q)


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown mode 'yolo'"):
        plan(queue(), "yolo", SETTINGS, NOW)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"schema": "other/1"}, "unsupported plan schema"),
        ({"schema": "lbconsole.plan/1", "repo": "a/b"}, "mode: is missing"),  # every field is named now
        (
            {
                "schema": "lbconsole.plan/1",
                "repo": "a/b",
                "mode": "auto",
                "generated_at": "2026-11-23T12:00:00Z",
                "limits": {"merge": 5},
                "actions": [{"kind": "merge", "pr": 1}],
            },
            "actions\\[0\\].head_sha: is missing",
        ),
        (
            {
                "schema": "lbconsole.plan/1",
                "repo": "a/b",
                "mode": "auto",
                "generated_at": "2026-11-23T12:00:00Z",
                "limits": {},
                "actions": [{"kind": "explode"}],
            },
            "unknown action kind",
        ),
    ],
)
def test_bad_plan_files_are_reported(data, message):
    with pytest.raises(plan_json.PlanFormatError, match=message):
        plan_json.from_dict(data)


def test_a_pr_that_only_gets_a_label_still_says_why_it_is_not_merged():
    draft = ready_pr(1, draft=True)  # full-audit labels it "enhancement", but it cannot merge
    p = plan(queue(draft), "full-audit", SETTINGS, NOW)
    label = next(a for a in p.actions if a.kind == "label")
    assert label.pr == 1
    assert label.held_by == ("draft",)
    assert plan_json.to_dict(p)["actions"][0]["held_by"] == ["draft"]
    assert plan_json.from_dict(plan_json.to_dict(p)) == p


def test_a_merged_pr_carries_no_held_by_and_queue_notes_reach_the_plan():
    from dataclasses import replace as dc_replace

    q = dc_replace(queue(ready_pr(1)), notes=("#1 changes more than 100 files; only the first 100 were read",))
    p = plan(q, "merge-only", SETTINGS, NOW)
    assert p.actions[0].held_by == ()
    assert p.notes == ("#1 changes more than 100 files; only the first 100 were read",)
