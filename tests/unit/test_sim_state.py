"""The simulator's state and scenarios: counts the demo promises, and GitHub's dynamics."""

from __future__ import annotations

from collections import Counter

import pytest

from lbconsole.core.analysis import analyze
from lbconsole.core.settings import Settings
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import DEFAULT_NOW, SimError, SimState, core_pull


def queue(state: SimState):
    pulls = [core_pull(state, p.number) for p in state.open_pulls()]
    return analyze(pulls, Settings(), DEFAULT_NOW)


def by_title(state: SimState, start: str) -> int:
    return next(p.number for p in state.pulls.values() if p.title.startswith(start))


def test_demo_has_work_for_every_mode() -> None:
    state = build("demo")
    analyses = queue(state)
    states = Counter(a.readiness.state for a in analyses)
    categories = Counter(a.category for a in analyses)
    pulls = [a.pr for a in analyses]
    assert 35 <= len(pulls) <= 45
    assert states["ready"] >= 8
    assert states["behind"] >= 4
    assert sum(p.merge_state.value == "BEHIND" for p in pulls) >= 4
    assert sum(p.mergeable.value == "CONFLICTING" and p.merge_state.value == "DIRTY" for p in pulls) >= 3
    assert sum(p.mergeable.value == "UNKNOWN" for p in pulls) >= 2
    assert sum(p.draft for p in pulls) >= 2
    assert sum(p.has_label("wip") or p.has_label("do-not-merge") for p in pulls) >= 2
    failing = [p for p in pulls if p.checks.value == "FAILURE"]
    assert len(failing) >= 3
    assert all("ci/test" in p.failing_checks for p in failing)
    assert sum(p.review_decision.value == "CHANGES_REQUESTED" for p in pulls) >= 2
    assert categories["security"] >= 3
    assert categories["dependencies"] >= 6
    assert categories["bugfix"] >= 5
    assert categories["feature"] >= 8
    assert categories["docs"] >= 3
    assert categories["maintenance"] >= 3
    # A READY dependency PR from a trusted bot with no review at all.
    assert any(a.readiness.ready and a.pr.author_is_bot and a.pr.review_decision.value == "NONE" for a in analyses)


def test_demo_security_prs_are_realistic() -> None:
    state = build("demo")
    lodash = state.pull(by_title(state, "Bump lodash from 4.17.20 to 4.17.21"))
    assert lodash.author == "dependabot[bot]"
    assert "GHSA-35jh-r3h4-6jhm" in lodash.body
    assert any("CVE-2026-1234" in p.body for p in state.pulls.values())
    assert any("security" in p.labels for p in state.pulls.values())
    added = "\n".join(
        line
        for p in state.pulls.values()
        for f in p.files
        for line in (f.patch or "").splitlines()
        if line.startswith("+")
    )
    assert "AKIA" in added
    assert "ghp_" in added
    assert "pull_request_target" in added
    clean = [
        p
        for p in state.pulls.values()
        if not any(s in (f.patch or "") for f in p.files for s in ("AKIA", "ghp_", "pull_request_target"))
    ]
    assert len(clean) > len(state.pulls) * 0.8


def test_demo_is_deterministic() -> None:
    a, b = build("demo", seed=3), build("demo", seed=3)
    assert [(p.number, p.head_sha) for p in a.open_pulls()] == [(p.number, p.head_sha) for p in b.open_pulls()]
    assert build("demo", seed=4).base_sha != a.base_sha


def test_scale_5000_builds_with_proportions() -> None:  # its build time is measured by tests/bench, not here
    state = build("scale:5000", seed=1)
    assert len(state.open_pulls()) == 5000
    states = Counter(a.readiness.state for a in queue(state))
    for word in ("ready", "behind", "conflict", "draft", "checks failing", "changes requested", "pending"):
        assert states[word] > 50, word


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        build("nope")
    with pytest.raises(ValueError, match="scale:N"):
        build("scale:x")


def test_merge_moves_base_behind_and_dirty() -> None:
    state = build("demo")
    lodash = by_title(state, "Bump lodash")
    axios = by_title(state, "Bump axios")
    launch = by_title(state, "feat: add launch window")
    assert state.merge_state(state.pull(axios)) == "CLEAN"
    old_tip = state.base_sha
    sha, message = state.merge(lodash, sha=state.pull(lodash).head_sha, method="squash")
    assert state.base_sha == sha != old_tip
    assert state.pull(lodash).merged
    assert message == "Pull Request successfully merged"
    assert state.merge_state(state.pull(axios)) == "DIRTY"  # shares package.json
    assert state.merge_state(state.pull(launch)) == "BEHIND"  # strict protection
    with pytest.raises(SimError) as again:
        state.merge(lodash, sha=None)
    assert again.value.status == 405


def test_merge_honours_sha_and_mergeability() -> None:
    state = build("demo")
    ready = by_title(state, "fix: off-by-one")
    with pytest.raises(SimError) as stale:
        state.merge(ready, sha="0" * 40)
    assert stale.value.status == 409
    assert stale.value.message == "Head branch was modified. Review and try the merge again."
    conflict = by_title(state, "feat(engine): throttle curves")
    with pytest.raises(SimError) as dirty:
        state.merge(conflict, sha=state.pull(conflict).head_sha)
    assert dirty.value.status == 405
    assert dirty.value.message == "Pull Request is not mergeable"
    assert not state.pull(ready).merged


def test_update_branch_then_checks_pass_after_delay() -> None:
    state = build("demo")
    behind = by_title(state, "feat: stage separation")
    p = state.pull(behind)
    with pytest.raises(SimError) as mismatch:
        state.update_branch(behind, "f" * 40)
    assert mismatch.value.status == 422
    old_head = p.head_sha
    state.update_branch(behind, old_head)
    assert p.head_sha != old_head
    assert not state.behind(p)
    assert state.rollup(p.head_sha)[0] == "PENDING"
    assert state.merge_state(p) == "BLOCKED"
    state.clock.advance(state.checks_delay_s + 0.1)
    assert state.rollup(p.head_sha)[0] == "SUCCESS"
    assert state.merge_state(p) == "CLEAN"


def test_labels_are_idempotent_and_bump_updated_at() -> None:
    state = build("demo")
    number = by_title(state, "feat: websocket")
    before = state.pull(number).updated_at
    state.add_labels(number, ["needs-rebase", "needs-rebase", "Needs-Rebase"])
    state.add_labels(number, ["needs-rebase"])
    assert [n.casefold() for n in state.pull(number).labels].count("needs-rebase") == 1
    assert state.pull(number).updated_at > before
    with pytest.raises(SimError):
        state.remove_label(number, "absent")


def test_push_makes_planned_sha_stale_and_checks_pending() -> None:
    state = build("demo")
    number = by_title(state, "fix: off-by-one")
    planned = state.pull(number).head_sha
    new = state.push(number, checks="pending")
    assert new != planned
    assert state.rollup(new)[0] == "PENDING"
    state.set_checks(number, "failure", ["ci/test"])
    assert state.rollup(new) == ("FAILURE", ["ci/test"])


def test_contents_at_pr_head_and_base() -> None:
    state = build("demo")
    workflow = by_title(state, "ci: scan forked PRs")
    p = state.pull(workflow)
    content = state.file_at(".github/workflows/codeql-forks.yml", p.head_sha)
    assert content is not None
    assert b"pull_request_target" in content
    assert state.file_at(".github/workflows/codeql-forks.yml", "main") is None
    assert state.file_at("README.md", None) is not None


@pytest.mark.parametrize(
    ("scan_state", "scanned"), [("pending", False), ("error", False), ("success", True), ("failure", True)]
)
def test_core_pull_counts_a_scan_as_the_gateway_does(scan_state: str, scanned: bool) -> None:
    from lbconsole.core.orchestrator import SCAN_CONTEXT
    from lbconsole.github.translate import SCANNED_STATES

    state = build("demo", 0)
    number = next(p.number for p in state.open_pulls() if not core_pull(state, p.number).security_scanned)
    state.add_status(state.pull(number).head_sha, scan_state, SCAN_CONTEXT)
    assert core_pull(state, number).security_scanned is scanned
    assert (scan_state.upper() in SCANNED_STATES) is scanned  # the gateway's rule, for the same status
