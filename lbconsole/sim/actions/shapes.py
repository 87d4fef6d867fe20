"""GitHub's Actions REST shapes, built from the simulator's Actions state: `workflow`, `workflow-run`, `job`."""

from __future__ import annotations

from typing import Any

from lbconsole.sim.actions.model import SimJob, SimRun, SimWorkflow
from lbconsole.sim.ids import WEB, node_id, ts
from lbconsole.sim.shapes import minimal_repository, user
from lbconsole.sim.state import SimState


def workflow_json(sim: SimState, api: str, wf: SimWorkflow) -> dict[str, Any]:
    """GitHub's `workflow`."""
    full = sim.full_name
    return {
        "id": wf.id,
        "node_id": node_id("W", wf.id),
        "name": wf.name,
        "path": wf.path,
        "state": wf.state,
        "created_at": wf.created_at,
        "updated_at": wf.updated_at,
        "url": f"{api}/repos/{full}/actions/workflows/{wf.id}",
        "html_url": f"{WEB}/{full}/blob/{sim.default_branch}/{wf.path}",
        "badge_url": f"{WEB}/{full}/workflows/{wf.file}/badge.svg",
    }


def run_json(sim: SimState, api: str, run: SimRun) -> dict[str, Any]:
    """GitHub's `workflow-run`."""
    full = sim.full_name
    url = f"{api}/repos/{full}/actions/runs/{run.id}"
    actor = user(api, run.actor)
    with sim.lock:
        repo = minimal_repository(sim, api)
    created = ts(run.created_at)
    return {
        "id": run.id,
        "name": run.workflow.name,
        "node_id": node_id("WFR", run.id),
        "check_suite_id": run.id + 1000,
        "check_suite_node_id": node_id("CS", run.id + 1000),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.workflow.path,
        "display_title": run.display_title,
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow.id,
        "url": url,
        "html_url": f"{WEB}/{full}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": created,
        "updated_at": ts(run.updated_at) or created,
        "actor": actor,
        "triggering_actor": actor,
        "run_attempt": 1,
        "referenced_workflows": [],
        "run_started_at": ts(run.run_started_at) or created,
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": f"{api}/repos/{full}/check-suites/{run.id + 1000}",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{api}/repos/{full}/actions/workflows/{run.workflow.id}",
        "head_commit": {
            "id": run.head_sha,
            "tree_id": run.head_sha[::-1],
            "message": f"Merge the queue ({run.head_branch})",
            "timestamp": created,
            "author": {"name": "Monalisa Octocat", "email": "octocat@github.com"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        },
        "repository": repo,
        "head_repository": repo,
    }


def job_json(sim: SimState, api: str, run: SimRun, job: SimJob) -> dict[str, Any]:
    """GitHub's `job`, with its steps."""
    full = sim.full_name
    started = job.started_at or job.created_at
    running = job.status != "queued"
    return {
        "id": job.id,
        "run_id": run.id,
        "workflow_name": run.workflow.name,
        "head_branch": job.head_branch,
        "run_url": f"{api}/repos/{full}/actions/runs/{run.id}",
        "run_attempt": 1,
        "node_id": node_id("CR", job.id),
        "head_sha": job.head_sha,
        "url": f"{api}/repos/{full}/actions/jobs/{job.id}",
        "html_url": f"{WEB}/{full}/actions/runs/{run.id}/job/{job.id}",
        "status": job.status,
        "conclusion": job.conclusion,
        "created_at": ts(job.created_at),
        "started_at": ts(started),
        "completed_at": ts(job.completed_at),
        "name": job.name,
        "steps": [
            {
                "name": s.name,
                "status": s.status,
                "conclusion": s.conclusion,
                "number": s.number,
                "started_at": ts(s.started_at),
                "completed_at": ts(s.completed_at),
            }
            for s in job.steps
        ],
        "check_run_url": f"{api}/repos/{full}/check-runs/{job.id}",
        "labels": list(job.labels),
        "runner_id": 7 if running else None,
        "runner_name": "GitHub Actions 7" if running else None,
        "runner_group_id": 2 if running else None,
        "runner_group_name": "GitHub Actions" if running else None,
    }
