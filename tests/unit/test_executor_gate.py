"""The security gate in the executor (SPEC 3.5): a merge only on a head whose built-in scan passed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.core.plan import Action
from lbconsole.core.settings import SecuritySettings
from lbconsole.engine.scan_model import Finding
from tests.unit.fake_gateway import FakeGateway, sha
from tests.unit.test_executor import FAST, FakeScanner, merge, plan_of, run, scan_pull


def gate_scan(n: int) -> Action:
    """The built-in scan the planner puts before the merge of a PR that is not a security PR."""
    return Action("security_scan", pr=n, head_sha=sha(n), category="docs", reason="built-in scan before the merge")


def test_a_head_without_a_scan_is_not_merged() -> None:
    gw = FakeGateway(scan_pull(3), scanned=False)

    r = run(gw, plan_of(merge(3)))

    assert r.outcomes() == ["skipped"]
    assert r.messages() == [f"held: this head ({sha(3)[:7]}) has no built-in scan yet"]
    assert "merge" not in gw.names()
    assert ("scan_state", (sha(3),)) in gw.calls
    assert gw.pulls[3].merged is False


@pytest.mark.parametrize(
    ("state", "says"),
    [("failure", "found something to review"), ("pending", "has not finished"), ("error", "could not run")],
)
def test_a_head_whose_scan_did_not_pass_is_not_merged(state: str, says: str) -> None:
    gw = FakeGateway(scan_pull(3))
    gw.statuses.append((sha(3), SCAN_CONTEXT, state, "set by an earlier run"))

    r = run(gw, plan_of(merge(3)))

    assert r.outcomes() == ["skipped"]
    assert says in r.messages()[0]
    assert "merge" not in gw.names()


def test_a_scan_with_findings_holds_the_merge_planned_after_it() -> None:
    gw = FakeGateway(scan_pull(3), scanned=False)
    secret = Finding("secret/github-token", "high", "docs/setup.md", 4, "GitHub token added")

    r = run(gw, plan_of(gate_scan(3), merge(3)), scanner=FakeScanner(secret).tools())

    assert r.outcomes() == ["done", "skipped"]
    assert "found something to review" in r.messages()[1]
    assert "merge" not in gw.names()
    assert gw.pulls[3].labels == ["security-review"]
    assert r.report.exit_code == 0  # a held PR is not a failed run


def test_a_clean_scan_lets_the_merge_after_it_through() -> None:
    gw = FakeGateway(scan_pull(3), scanned=False)

    r = run(gw, plan_of(gate_scan(3), merge(3)), scanner=FakeScanner().tools())

    assert r.outcomes() == ["done", "done"]
    assert gw.pulls[3].merged is True


def test_the_gate_reads_the_scan_of_the_planned_head_only() -> None:
    gw = FakeGateway(scan_pull(3), scanned=False)
    gw.statuses.append(("f" * 40, SCAN_CONTEXT, "success", "another commit"))

    r = run(gw, plan_of(merge(3)))

    assert r.outcomes() == ["skipped"]
    assert "merge" not in gw.names()


def test_heavy_scan_commands_run_only_for_security_prs() -> None:
    settings = replace(FAST, security=SecuritySettings(commands=("bandit -r .",)))
    gate = FakeScanner(exit_codes=(1,))
    gw = FakeGateway(scan_pull(3), scanned=False)

    gated = run(gw, plan_of(gate_scan(3)), settings=settings, scanner=gate.tools())
    dry = run(gw, plan_of(gate_scan(3)), settings=settings, scanner=gate.tools(), apply=False)

    assert gate.commands == []
    assert gw.statuses[-1][2] == "success"
    assert "scan command" not in gated.messages()[0]
    assert "scan command" not in dry.messages()[0]

    security = FakeScanner(exit_codes=(0,))
    secured = Action("security_scan", pr=3, head_sha=sha(3), category="security")
    described = run(gw, plan_of(secured), settings=settings, scanner=security.tools(), apply=False)
    run(gw, plan_of(secured), settings=settings, scanner=security.tools())

    assert [c for c, _ in security.commands] == [("bandit -r .",)]
    assert "run 1 scan command" in described.messages()[0]
