"""How `lbconsole sim --runner act` reads act's JSON output into a job's steps and log."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from lbconsole import __version__
from lbconsole.sim.actions.act import ActJob
from lbconsole.sim.actions.model import JobContext, SimJob, SimRun, SimWorkflow
from lbconsole.sim.scenarios import build
from lbconsole.workflow import render_workflow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _job() -> ActJob:
    sim = build("empty")
    workflow = SimWorkflow(id=1, name="ΛBot orchestrator", file="lambda-bot.yml")
    run = SimRun(1, workflow, 1, "lambda-bot auto", "workflow_dispatch", "main", "a" * 40, NOW)
    job = SimJob(2, 1, "orchestrate", "a" * 40, "main", NOW)
    ctx = JobContext(run=run, job=job, sim=sim, api="http://127.0.0.1:1", token=None)
    workspace: Any = SimpleNamespace(workflow=render_workflow(__version__))
    return ActJob(ctx, workspace, "act")


def _end(job: ActJob, returncode: int) -> None:
    with job.progress.cond:
        job.progress.ended, job.progress.returncode = True, returncode
        job.progress.cond.notify_all()


def test_a_step_completes_with_its_main_result_only() -> None:
    job = _job()
    step = "Set up Python"
    job._event({"step": step, "stage": "Pre", "stepID": ["1"], "stepResult": "failure"})  # its Pre stage
    job._event(
        {"step": step, "stage": "Main", "stepID": ["1", "0"], "stepResult": "failure"}
    )  # a composite's inner step
    assert step not in job.progress.results
    job._event({"step": step, "stage": "Main", "stepID": ["1"], "stepResult": "success"})
    job._event({"step": "Set up job", "stepid": ["--setup-job"], "stepResult": "success"})  # no stage: act's own steps
    assert job.progress.results[step] == "success"
    assert job.progress.results["Set up job"] == "success"


def test_output_lines_and_workflow_commands_reach_the_job_log() -> None:
    job = _job()
    job._event({"step": "Plan", "raw_output": True, "msg": "Plan auto for acme/rocket\nLimits: merge 5\n"})
    job._event({"step": "Plan", "command": "warning", "arg": "2 branch update(s)"})
    job._event({"step": "Plan", "msg": "LocalRepositoryCache matched ..."})  # act's own chatter stays out
    lines = [line.split(" ", 1)[1] for line in job.ctx.job.log]
    assert lines == ["Plan auto for acme/rocket", "Limits: merge 5", "##[warning]2 branch update(s)"]


def test_a_step_act_never_ran_is_skipped_and_a_failed_act_fails_the_job() -> None:
    job = _job()
    waited: dict[str, str] = {}
    waiter = threading.Thread(target=lambda: waited.update(run=job._wait("Run the plan")))
    waiter.start()
    _end(job, 1)
    waiter.join(5)
    assert waited == {"run": "skipped"}  # its `if:` skipped it: act reports no result
    assert job._wait("Complete job") == "failure"
    assert job._wait("Set up job") == "failure"
    assert job.ctx.job.log[-1].endswith("##[error]act ended before the job started (exit 1)")


def test_a_step_act_passes_over_is_skipped_when_a_later_one_starts() -> None:
    job = _job()
    job._event({"step": "Set up job", "stepid": ["--setup-job"], "stepResult": "success"})
    for step in ("Check out the repository", "Set up Python"):
        job._event({"step": step, "stage": "Main", "stepID": ["0"], "stepResult": "success"})
    job._event({"step": "Mint the GitHub App token", "stage": "Pre", "stepID": ["app-token"], "stepResult": "success"})
    job._event({"step": "Install lbconsole", "stage": "Main", "stepID": ["3"], "msg": "Run Main Install lbconsole"})
    assert job.progress.results["Mint the GitHub App token"] == "skipped"  # only its Pre stage ran
    assert "Install lbconsole" not in job.progress.results  # still running


def test_the_in_process_runner_and_the_history_have_the_workflows_steps() -> None:
    from lbconsole.sim.actions import runner
    from lbconsole.sim.actions.act import COMPLETE, SET_UP, workflow_steps
    from lbconsole.sim.actions.history import ORCHESTRATOR_STEPS

    expected = [SET_UP, *workflow_steps(render_workflow(__version__)), COMPLETE]
    ctx = _job().ctx
    assert [name for name, _ in runner.orchestrator_steps(ctx)] == expected
    assert list(ORCHESTRATOR_STEPS) == expected
    assert ctx.job.labels == ("ubuntu-slim",)  # the generated workflow's `runs-on`


def test_the_job_token_is_revoked_when_act_ends_whichever_step_failed() -> None:
    import json

    from lbconsole.sim import permissions as job_tokens
    from lbconsole.workflow.permissions import job_permissions

    job = _job()
    job.token = token = job_tokens.issue(job.ctx.sim, job_permissions())
    failed = {"step": "Install lbconsole", "stage": "Main", "stepID": ["3"], "stepResult": "failure"}
    proc: Any = SimpleNamespace(stdout=[json.dumps(failed) + "\n", "not json\n"], wait=lambda: 1)
    job._read(proc)  # act's output ends: the later steps never run their work
    assert job_tokens.granted(job.ctx.sim, token) is None
    assert job.progress.results["Install lbconsole"] == "failure"
    assert job.progress.ended
    assert job.ctx.job.log[-1].endswith(" not json")  # a line that is not act's JSON reaches the log as it is
