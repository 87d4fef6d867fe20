"""The planner against an independent reading of SPEC 1-2 and 3.5, over random queues, modes and limits.

The oracle below is written from the spec, not from the planner: its own
readiness (1.3), priority (1.4), batches and limits (2), the gate (3.5).
It shares only the classifier (categories are an input here; they have
tests of their own) and the reason wording it looks for, by substring.

Intended deviations it encodes (see the planner's module docstring):
- a ready PR without a passed scan at its head is scanned, then merged, in
  the same plan (the gate); a head whose scan found something is held;
- changes requested block a trusted bot's PR too (the spec lists trusted
  bots as an alternative to approval, not as an override of a refusal);
- a plan lists scans, labels, merges, then the conflict batch, each in
  priority order.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lbconsole.core import plan as plan_json
from lbconsole.core.classify import classify
from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, Queue, ReviewDecision, ScanState
from lbconsole.core.orchestrator import MODES
from lbconsole.core.planner import plan
from lbconsole.core.settings import Limits, MergePolicy, Settings
from tests.factories import NOW

LABELS = ("security", "bug", "wip", "hold", "do-not-merge", "needs-rebase", "priority: high", "priority: low",
          "documentation", "enhancement", "stale", "dependencies")  # fmt: skip
TITLES = ("fix: crash {n}", "feat: thing {n}", "docs: typo {n}", "Bump lib from 1.{n} to 1.{n}1", "Patch CVE-2026-{n:04d}",
          "chore: tidy {n}", "Improve {n}", "security: harden {n}")  # fmt: skip
AUTHORS = ("alice", "bob", "dependabot[bot]", "renovate[bot]")
FILES = (("README.md",), ("docs/a.rst", "guide.markdown"), ("src/app.py",), ("src/app.py", "README.md"), ())
BATCH_ORDER = {"security_scan": 0, "label": 1, "merge": 2, "update_branch": 3, "notify_conflict": 3, "report": 4}
EXAMPLES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


FACTS: dict[str, st.SearchStrategy[dict[str, object]]] = {
    "draft": st.builds(lambda v: {"draft": v}, st.booleans()),
    "mergeable": st.builds(lambda v: {"mergeable": v}, st.sampled_from(Mergeable)),
    "merge_state": st.builds(lambda v: {"merge_state": v}, st.sampled_from(MergeState)),
    "both": st.sampled_from(
        [  # the pairs GitHub reports while it computes, or after the base moved
            {"mergeable": Mergeable.UNKNOWN, "merge_state": MergeState.DIRTY},
            {"mergeable": Mergeable.UNKNOWN, "merge_state": MergeState.BEHIND},
            {"mergeable": Mergeable.UNKNOWN, "merge_state": MergeState.UNKNOWN},
            {"mergeable": Mergeable.CONFLICTING, "merge_state": MergeState.DIRTY},
            {"mergeable": Mergeable.MERGEABLE, "merge_state": MergeState.BEHIND},
        ]
    ),
    "review_decision": st.builds(lambda v: {"review_decision": v}, st.sampled_from(ReviewDecision)),
    "checks": st.builds(lambda v: {"checks": v}, st.sampled_from(ChecksState)),
}
"""The readiness facts a PR may differ in from a ready one."""
READY: dict[str, object] = {
    "draft": False,
    "mergeable": Mergeable.MERGEABLE,
    "merge_state": MergeState.CLEAN,
    "review_decision": ReviewDecision.APPROVED,
    "checks": ChecksState.SUCCESS,
}


@st.composite
def pull(draw: st.DrawFn, number: int) -> PullRequest:
    """A ready PR with zero to three facts changed: ready PRs, and PRs one fact away, are common."""
    created = NOW - timedelta(days=draw(st.integers(0, 60)), hours=draw(st.integers(0, 23)))
    changed = draw(st.lists(st.sampled_from(sorted(FACTS)), max_size=3, unique=True))
    return PullRequest(
        number=number,
        title=draw(st.sampled_from(TITLES)).format(n=number),
        author=draw(st.sampled_from(AUTHORS)),
        author_is_bot=False,
        head_sha=f"{number:040x}",
        created_at=created,
        updated_at=max(created, NOW - timedelta(days=draw(st.integers(0, 60)))),
        labels=tuple(draw(st.lists(st.sampled_from(LABELS), max_size=3, unique=True))),
        changed_files=draw(st.sampled_from(FILES)),
        failing_checks=("ci/test",) if draw(st.booleans()) else (),
        scan=draw(st.sampled_from(ScanState)),
        **READY | {key: value for fact in changed for key, value in draw(FACTS[fact]).items()},  # type: ignore[arg-type]
    )


@st.composite
def situations(draw: st.DrawFn) -> tuple[Queue, Settings, str]:
    mode = draw(st.sampled_from(MODES))
    count = draw(st.integers(0, 16))
    numbers = draw(st.lists(st.integers(1, 400), min_size=count, max_size=count, unique=True))
    pulls = tuple(draw(pull(n)) for n in numbers)
    limits = Limits(*(draw(st.integers(0, 5)) for _ in range(4)))
    policy = MergePolicy(allow_unstable=draw(st.booleans()), allow_no_checks=draw(st.booleans()),
                         require_approval=draw(st.booleans()))  # fmt: skip
    return Queue("acme/rocket", pulls, NOW, strict=False), Settings(limits=limits, merge=policy), mode


# -- the oracle: SPEC 1.3, 1.4 ------------------------------------------------------------


def category(pr: PullRequest, s: Settings) -> str:
    return classify(pr, s.categories).category


def unmet(pr: PullRequest, s: Settings) -> list[str]:
    """SPEC 1.3: one reason fragment per unmet condition (matched by substring in the plan's reasons)."""
    m = s.merge
    out = []
    if pr.draft or pr.merge_state is MergeState.DRAFT:
        out.append("draft")
    out += [f'blocking label "{b}"' for b in m.blocking_labels if pr.has_label(b)]
    if pr.mergeable is Mergeable.UNKNOWN:
        out.append("mergeability unknown")
    elif pr.mergeable is Mergeable.CONFLICTING or pr.merge_state is MergeState.DIRTY:
        out.append("conflict")
    ok_states = {MergeState.CLEAN, MergeState.HAS_HOOKS} | ({MergeState.UNSTABLE} if m.allow_unstable else set())
    if pr.merge_state not in ok_states and pr.merge_state not in (MergeState.DIRTY, MergeState.DRAFT):
        if not (pr.merge_state is MergeState.UNKNOWN and pr.mergeable is Mergeable.UNKNOWN):
            out.append({MergeState.BEHIND: "behind", MergeState.BLOCKED: "blocked", MergeState.UNSTABLE: "unstable"}
                       .get(pr.merge_state, "unknown"))  # fmt: skip
    if not (pr.checks is ChecksState.SUCCESS or (pr.checks is ChecksState.NONE and m.allow_no_checks)):
        out.append("checks")
    trusted = pr.author in m.trusted_bots and category(pr, s) in ("dependencies", "security")
    review = pr.review_decision
    if review is ReviewDecision.CHANGES_REQUESTED:
        out.append("changes requested")
    elif not (
        review is ReviewDecision.APPROVED or trusted or (review is ReviewDecision.NONE and not m.require_approval)
    ):
        out.append("review")
    return out


def priority(pr: PullRequest, s: Settings) -> int:
    """SPEC 1.4."""
    score = s.weight_of(category(pr, s)) + min(max(0, (NOW - pr.created_at).days), 30)
    return score + 50 * pr.has_label("priority: high") - 20 * pr.has_label("priority: low")


def conflicting(pr: PullRequest) -> bool:
    return pr.mergeable is Mergeable.CONFLICTING or (
        pr.merge_state is MergeState.DIRTY and pr.mergeable is Mergeable.MERGEABLE
    )


# -- properties -------------------------------------------------------------------------------


def why(p, number: int) -> tuple[str, ...]:
    """Every reason the plan gives for `number` (skipped reasons, or its first action's held_by)."""
    for s in p.skipped:
        if s.pr == number:
            return s.reasons
    return next((a.held_by for a in p.actions if a.pr == number), ())


@EXAMPLES
@given(situations(), st.randoms(use_true_random=False))
def test_deterministic_order_independent_and_round_trips(situation, rng: random.Random) -> None:
    q, s, mode = situation
    first = plan(q, mode, s, NOW)
    shuffled = list(q.pulls)
    rng.shuffle(shuffled)
    assert plan(replace(q, pulls=tuple(shuffled)), mode, s, NOW) == first
    assert plan(q, mode, s, NOW) == first
    data = plan_json.to_dict(first)
    assert plan_json.from_dict(data) == first  # the saved-plan checks accept every plan the planner makes
    assert plan_json.check_limits(first, s.limits) == []


@EXAMPLES
@given(situations())
def test_every_pr_is_accounted_for_once_with_reasons(situation) -> None:
    q, s, mode = situation
    p = plan(q, mode, s, NOW)
    acted = {a.pr for a in p.actions if a.pr is not None}
    skipped = [x.pr for x in p.skipped]
    assert len(skipped) == len(set(skipped))
    assert acted.isdisjoint(skipped)
    assert acted | set(skipped) == {pr.number for pr in q.pulls}
    assert all(x.reasons for x in p.skipped)
    heads = {pr.number: pr.head_sha for pr in q.pulls}
    assert all(a.head_sha == heads[a.pr] for a in p.actions if a.pr is not None)


@EXAMPLES
@given(situations())
def test_limits_and_the_kinds_each_mode_may_plan(situation) -> None:
    q, s, mode = situation
    p = plan(q, mode, s, NOW)
    n = Counter(a.kind for a in p.actions)
    lim = s.limits
    assert n["merge"] <= lim.merge
    assert n["update_branch"] + n["notify_conflict"] <= lim.conflict
    assert n["security_scan"] <= lim.scan
    assert n["label"] <= lim.label
    allowed = {
        "merge-only": {"merge", "security_scan"},
        "conflict-resolution": {"update_branch", "notify_conflict"},
        "security-only": {"security_scan", "label"},
        "auto": {"merge", "security_scan", "update_branch", "notify_conflict", "label"},
        "full-audit": {"merge", "security_scan", "update_branch", "notify_conflict", "label", "report"},
    }[mode]
    assert set(n) <= allowed
    assert n["report"] == (1 if mode == "full-audit" else 0)
    if mode == "full-audit":
        assert p.actions[-1].kind == "report"
    categories = {pr.number: category(pr, s) for pr in q.pulls}
    if mode in ("security-only", "auto"):
        assert all(a.label == "security" and categories[a.pr] == "security" for a in p.actions if a.kind == "label")
    if mode == "security-only":
        assert all(categories[a.pr] == "security" for a in p.actions)
        if "security" not in categories.values():
            assert p.empty
            assert p.notes == ("no open security PR: nothing to scan",)
    if not p.actions and mode != "security-only":
        assert p.notes[-1] in ("nothing to do", "no open pull requests")


@EXAMPLES
@given(situations())
def test_merges_are_ready_gated_and_take_the_best_first(situation) -> None:
    q, s, mode = situation
    p = plan(q, mode, s, NOW)
    by_number = {pr.number: pr for pr in q.pulls}
    merges = [a for a in p.actions if a.kind == "merge"]
    scans = {a.pr: i for i, a in enumerate(p.actions) if a.kind == "security_scan"}
    for a in merges:
        pr = by_number[a.pr]
        assert unmet(pr, s) == [], (pr, a)
        assert pr.scan is not ScanState.FAILURE
        if pr.scan is not ScanState.SUCCESS:  # SPEC 3.5: scanned first, in this plan, at this head
            assert scans[a.pr] < p.actions.index(a)
    if mode not in ("merge-only", "auto", "full-audit"):
        assert not merges
        return
    merged = {a.pr for a in merges}
    candidates = [pr for pr in q.pulls if not unmet(pr, s) and pr.scan is not ScanState.FAILURE]
    for pr in candidates:
        if pr.number in merged:
            continue
        reasons = " ".join(why(p, pr.number))
        assert "merge batch full" in reasons or "scan batch full" in reasons, (pr, reasons)
        if "merge batch full" in reasons:  # the batch took PRs of at least this priority
            assert all((priority(by_number[m], s), -m) >= (priority(pr, s), -pr.number) for m in merged)
    for pr in q.pulls:
        if not unmet(pr, s) and pr.scan is ScanState.FAILURE:
            assert any("scan found something" in r for r in why(p, pr.number))


@EXAMPLES
@given(situations())
def test_every_reason_is_given_and_unknown_is_never_conflicting(situation) -> None:
    q, s, mode = situation
    p = plan(q, mode, s, NOW)
    acted = {a.pr for a in p.actions if a.kind in ("merge", "update_branch", "notify_conflict")}
    for pr in q.pulls:
        text = " ".join(why(p, pr.number)).casefold()
        if mode in ("merge-only", "auto", "full-audit") and pr.number not in acted:
            for fragment in unmet(pr, s):
                assert fragment.casefold() in text, (fragment, text)
        behind_or_conflict = conflicting(pr) or pr.merge_state is MergeState.BEHIND
        if mode in ("conflict-resolution", "auto", "full-audit") and behind_or_conflict and pr.number not in acted:
            if pr.draft or pr.merge_state is MergeState.DRAFT:
                assert "draft" in text
            for b in s.merge.blocking_labels:
                if pr.has_label(b):
                    assert f'blocking label "{b}"' in text
    for a in p.actions:
        if a.kind == "notify_conflict":
            pr = next(x for x in q.pulls if x.number == a.pr)
            assert pr.mergeable is not Mergeable.UNKNOWN
            assert conflicting(pr)


@EXAMPLES
@given(situations())
def test_batches_in_order_each_in_priority_order_and_coherent_per_pr(situation) -> None:
    q, s, mode = situation
    p = plan(q, mode, s, NOW)
    by_number = {pr.number: pr for pr in q.pulls}
    ranks = [BATCH_ORDER[a.kind] for a in p.actions]
    assert ranks == sorted(ranks)
    for rank in set(ranks) - {4}:
        batch = [a for a in p.actions if BATCH_ORDER[a.kind] == rank]
        keys = [(-priority(by_number[a.pr], s), a.pr) for a in batch]
        assert keys == sorted(keys)
        assert all(a.priority == priority(by_number[a.pr], s) for a in batch)
    done: dict[int, str] = {}
    for a in p.actions:
        if a.pr is None:
            continue
        assert done.get(a.pr) not in ("update_branch", "merge")  # nothing acts on a head after it moves
        done[a.pr] = a.kind
