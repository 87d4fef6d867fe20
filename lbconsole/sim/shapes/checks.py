"""Commit statuses and check runs as GitHub's REST API shapes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lbconsole.sim.ids import WEB, node_id, ts
from lbconsole.sim.shapes.repos import minimal_repository
from lbconsole.sim.shapes.users import user
from lbconsole.sim.state.model import SimCheckRun, SimPull, SimStatus

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState


def status(state: SimState, api: str, s: SimStatus) -> dict[str, Any]:
    """A `status` (the answer to `POST .../statuses/{sha}`)."""
    return {
        "url": f"{api}/repos/{state.full_name}/statuses/{s.sha}",
        "avatar_url": "https://avatars.githubusercontent.com/u/9919?v=4",
        "id": s.id,
        "node_id": node_id("SC", s.id),
        "state": s.state,
        "description": s.description,
        "target_url": s.target_url,
        "context": s.context,
        "created_at": ts(s.created_at),
        "updated_at": ts(s.updated_at),
        "creator": user(api, s.creator),
    }


def combined_status(state: SimState, api: str, sha: str) -> dict[str, Any]:
    """A `combined-commit-status` (`GET .../commits/{ref}/status`)."""
    statuses = state.statuses_for(sha)
    items = []
    for s in statuses:
        one = status(state, api, s)
        one.pop("creator")
        items.append(one)
    return {
        "state": state.combined_status(sha),
        "statuses": items,
        "sha": sha,
        "total_count": len(items),
        "repository": minimal_repository(state, api),
        "commit_url": f"{api}/repos/{state.full_name}/commits/{sha}",
        "url": f"{api}/repos/{state.full_name}/commits/{sha}/status",
    }


ACTIONS_APP = {
    "id": 15368,
    "slug": "github-actions",
    "node_id": "MDM6QXBwMTUzNjg=",
    "name": "GitHub Actions",
    "description": "Automate your workflow from idea to production",
    "external_url": "https://help.github.com/en/actions",
    "html_url": "https://github.com/apps/github-actions",
    "created_at": "2018-07-30T09:30:17Z",
    "updated_at": "2019-12-10T19:04:12Z",
    "permissions": {
        "actions": "write",
        "checks": "write",
        "contents": "write",
        "metadata": "read",
        "pull_requests": "write",
        "statuses": "write",
    },
    "events": ["check_run", "check_suite", "pull_request", "push", "workflow_dispatch"],
}


def check_run(state: SimState, api: str, run: SimCheckRun, p: SimPull | None) -> dict[str, Any]:
    """A `check-run`."""
    url = f"{api}/repos/{state.full_name}/check-runs/{run.id}"
    html = f"{WEB}/{state.full_name}/actions/runs/{run.id // 10}/job/{run.id}"
    app = dict(ACTIONS_APP, owner=user(api, "github", org=True))
    prs = []
    if p is not None:
        repo = {"id": state.repo_id, "url": f"{api}/repos/{state.full_name}", "name": state.name}
        prs.append(
            {
                "id": 2000000000 + p.number,
                "number": p.number,
                "url": f"{api}/repos/{state.full_name}/pulls/{p.number}",
                "head": {"ref": p.head_ref, "sha": p.head_sha, "repo": repo},
                "base": {"ref": p.base_ref, "sha": state.base_sha, "repo": repo},
            }
        )
    title = None if run.conclusion is None else f"{run.name}: {run.conclusion}"
    return {
        "id": run.id,
        "head_sha": run.head_sha,
        "node_id": node_id("CR", run.id),
        "external_id": str(run.id),
        "url": url,
        "html_url": html,
        "details_url": html,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": ts(run.started_at),
        "completed_at": ts(run.completed_at),
        "output": {
            "title": title,
            "summary": title,
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{url}/annotations",
        },
        "name": run.name,
        "check_suite": {"id": 9000000 + run.id // 10},
        "app": app,
        "pull_requests": prs,
    }
