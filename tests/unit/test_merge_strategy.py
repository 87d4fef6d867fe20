"""Merge strategies: choosing one, planning with it, its plan JSON, the checks it waits for, one train car."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lbconsole.core.models import MergeState
from lbconsole.core.plan import PlanFormatError, check_limits, from_dict, to_dict
from lbconsole.core.planner import plan
from lbconsole.core.ports import CheckResult, CommitChecks
from lbconsole.core.settings import Limits, Settings
from lbconsole.core.strategy import choose, merges_text
from lbconsole.engine.handlers.train import NO_CI_HINT
from lbconsole.github.checks import checks_from_rest, protection_of
from lbconsole.tui.estimate import cost_text, estimate_cost
from tests.factories import NOW, queue
from tests.factories import ready_pr as pr
from tests.unit.fake_gateway import FakeGateway, pulls, sha
from tests.unit.test_executor import FAST, merge, plan_of, run

STRICT = queue(*(pr(n) for n in (1, 2, 3)), pr(4, merge_state=MergeState.BEHIND), strict=True)


def settings(strategy: str = "auto", **limits: int) -> Settings:
    s = Settings()
    return replace(s, merge=replace(s.merge, strategy=strategy), limits=replace(s.limits, **limits))


def test_the_strategy_follows_protection_and_the_setting() -> None:
    assert choose(queue(pr(1), pr(2)), Settings().merge).name == "direct"
    inferred = choose(queue(pr(1), pr(2, merge_state=MergeState.BEHIND), strict=None), Settings().merge)
    assert inferred.name == "train"
    assert "a PR reads BEHIND" in inferred.why
    assert choose(STRICT, settings("pipeline").merge).name == "pipeline"
    assert choose(queue(pr(1), strict=None), Settings().merge).name == "direct"  # nothing says strict


def test_a_train_plan_merges_the_batch_in_one_run_and_takes_ready_prs_that_are_only_behind() -> None:
    p = plan(STRICT, "auto", settings(), NOW)

    merges = [a for a in p.actions if a.kind == "merge"]
    assert [(a.pr, a.via) for a in merges] == [(1, ""), (2, "train"), (3, "train"), (4, "train")]
    assert not [a for a in p.actions if a.kind == "update_branch"]  # the train updates #4 itself
    assert p.strategy == "train"
    assert any("merges #1 now, then #2, #3, #4 one by one" in n for n in p.notes)
    assert merges_text(p).startswith("Merges: up to 4 in a merge train: 1 now, then 3 one by one")
    assert to_dict(p)["merge_strategy"] == "train"


def test_a_pipeline_plan_merges_one_and_updates_the_rest_within_the_merge_limit() -> None:
    p = plan(STRICT, "merge-only", settings("pipeline", merge=3, conflict=0), NOW)

    assert [(a.kind, a.pr, a.via) for a in p.actions if a.kind in ("merge", "update_branch")] == [
        ("merge", 1, ""),
        ("update_branch", 2, "pipeline"),
        ("update_branch", 3, "pipeline"),
    ]
    assert check_limits(p, p.limits) == []  # pipeline updates belong to the merge batch, not the conflict one
    assert check_limits(p, Limits(merge=2, conflict=0)) == ["merge: 3 actions, more than limits.merge allows (2)"]
    assert merges_text(p) == (
        "Merges: 1 this run (strict branch protection); 2 more PR(s) updated now, for the next run to merge."
    )


def test_plan_json_keeps_the_strategy_and_refuses_a_way_that_does_not_exist() -> None:
    p = plan(STRICT, "auto", settings(), NOW)
    data = to_dict(p)
    assert from_dict(data) == p
    bad = to_dict(p)
    bad["actions"][0]["via"] = "teleport"
    with pytest.raises(PlanFormatError, match=r"via: \"teleport\" is not a way to security_scan"):
        from_dict(bad)


def test_the_cost_estimate_counts_train_cars_and_ci_runs() -> None:
    p = plan(STRICT, "auto", settings(), NOW)
    cost = estimate_cost(p, settings())
    assert ("train car", 3, 27) in cost.by_kind
    assert cost.ci_runs == 3
    text = cost_text(cost)
    assert "starts 3 CI runs" in text
    assert "up to 9 runner minutes" in text


def test_commit_checks_verdict() -> None:
    def checks(*pairs: tuple[str, str]) -> CommitChecks:
        return CommitChecks("a" * 40, tuple(CheckResult(n, s) for n, s in pairs))

    assert checks().verdict() == ("none", "no checks on this commit")
    assert checks(("ci/test", "success"), ("lbconsole/security-scan", "failure")).verdict(
        ignore="lbconsole/security-scan"
    ) == ("success", "checks passed: ci/test")
    assert checks(("ci/test", "pending"), ("ci/lint", "failure")).verdict() == ("failure", "check ci/lint failed")
    assert checks(("ci/test", "success")).verdict(("ci/test", "ci/lint")) == ("pending", "waiting for ci/lint")


def test_checks_and_protection_from_githubs_shapes() -> None:
    runs = {
        "check_runs": [
            {"name": "ci/test", "status": "completed", "conclusion": "neutral"},
            {"name": "build", "status": "in_progress", "conclusion": None},
            {"name": "ci/lint", "status": "completed", "conclusion": "timed_out"},
        ]
    }
    combined = {"statuses": [{"context": "deploy", "state": "error"}, {"context": "ci/test", "state": "pending"}]}
    assert checks_from_rest(runs, combined) == (
        CheckResult("build", "pending"),
        CheckResult("ci/lint", "failure"),
        CheckResult("ci/test", "success"),  # the check run wins over a status of the same name
        CheckResult("deploy", "failure"),
    )
    rule = {"requiresStrictStatusChecks": True, "requiredStatusCheckContexts": ["ci/test", None]}
    assert protection_of({"name": "main", "branchProtectionRule": rule}) == (True, ("ci/test",))
    assert protection_of({"name": "main", "branchProtectionRule": None}) == (None, ())


def train_plan() -> object:
    return plan_of(merge(1), replace(merge(2), via="train"), replace(merge(3), via="train"))


def test_a_car_waits_for_checks_on_the_new_head_and_merges_it_there() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    new_head = "u" + sha(2)[1:]
    gw.checks[new_head] = ["none", "pending", "pending", "success"]

    result = run(gw, train_plan())  # type: ignore[arg-type]

    assert result.outcomes() == ["done", "done", "done"]
    assert "after a branch update (train car 1; checks passed: ci/test)" in result.messages()[1]
    assert ("merge", (2, new_head, "squash")) in gw.writes
    assert (new_head, "lbconsole/security-scan", "success", "no findings") in gw.statuses
    assert result.sleeps[:4] == [
        1.0,
        1.0,
        2.0,
        4.0,
    ]  # car 1: 1 s for the update to land, then checks polls 1 s doubling


def test_a_car_without_any_ci_says_why_after_three_minutes() -> None:
    gw = FakeGateway(*pulls(1, 2))
    gw.checks["u" + sha(2)[1:]] = ["none"]

    result = run(gw, plan_of(merge(1), replace(merge(2), via="train")))

    assert result.outcomes() == ["done", "skipped"]
    assert "no CI started" in result.messages()[1]
    assert NO_CI_HINT in result.messages()[1]
    assert 180 <= sum(result.sleeps) <= 200


def test_a_car_never_waits_past_the_budget() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    gw.checks["u" + sha(2)[1:]] = ["pending"]
    budget = replace(FAST, merge=replace(FAST.merge, train_budget_s=60))

    result = run(gw, train_plan(), settings=budget)  # type: ignore[arg-type]

    assert result.outcomes() == ["done", "skipped", "skipped"]
    assert "train: budget reached (merge.train_budget_s = 60 s) while waiting for ci/test" in result.messages()[1]
    assert "before its branch update" in result.messages()[2]
    assert sum(result.sleeps) == 60
    assert ("update_branch", (3, sha(3))) not in gw.writes
