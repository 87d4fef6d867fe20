"""The route -> permission table, the workflow's permissions derived from it, triggers, check and GHES URLs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ruamel.yaml import YAML

from lbconsole import __version__
from lbconsole.cli import main
from lbconsole.cli.context import actions_urls
from lbconsole.core.settings import Settings, WorkflowSettings
from lbconsole.sim.actions.routes import ACTIONS_ROUTES
from lbconsole.sim.http import template_of
from lbconsole.sim.routes import REST_ROUTES
from lbconsole.workflow import render_workflow
from lbconsole.workflow.permissions import BY_ROUTE, ROUTES, allows, job_permissions
from lbconsole.workflow.triggers import labels_that_matter


def _job(text: str) -> dict:
    return YAML(typ="safe", pure=True).load(text)["jobs"]["orchestrate"]


def test_the_workflow_grants_exactly_what_the_job_routes_need():
    granted = _job(render_workflow(__version__))["permissions"]
    assert granted == job_permissions()
    assert granted["statuses"] == "write"  # the scanner posts lbconsole/security-scan
    for need in ROUTES:
        if need.job:
            assert allows(granted, need), need.route
    assert not allows(granted, BY_ROUTE["GET /user"])


OTHER_CLIENTS = frozenset(
    {
        "GET /repos/{owner}/{repo}/pulls/{number}/reviews",
        "POST /repos/{owner}/{repo}/pulls/{number}/reviews",
        "PATCH /repos/{owner}/{repo}/pulls/{number}",
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
        "GET /repos/{owner}/{repo}/commits/{ref}/status",
        "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
        "DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}",
        "GET /repos/{owner}/{repo}/actions/jobs/{job_id}",
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}/logs",
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
    }
)
"""Routes the simulator serves for other GitHub clients (the gh CLI, tests) that lbconsole never calls."""


def test_every_simulated_github_route_lbconsole_may_call_is_in_the_table():
    served = {f"{m} {template_of(p)}" for m, p, *_ in [*REST_ROUTES, *ACTIONS_ROUTES]} | {"POST /graphql"}
    unlisted = served - set(BY_ROUTE) - OTHER_CLIENTS
    assert unlisted == set()
    assert set(BY_ROUTE) <= served


def test_runner_and_labels_come_from_the_config(tmp_path):
    settings = replace(Settings(), workflow=WorkflowSettings(runs_on="ubuntu-latest"))
    settings = replace(settings, merge=replace(settings.merge, blocking_labels=("it's-frozen",)))
    job = _job(render_workflow(__version__, settings))
    assert job["runs-on"] == "ubuntu-latest"
    assert "it''s-frozen" in job["if"]
    assert "it's-frozen" in labels_that_matter(settings)


def test_workflow_check_says_whether_the_file_is_current(tmp_path, capsys):
    assert main(["workflow", "check", "--repo-root", str(tmp_path)]) == 1
    assert "not found" in capsys.readouterr().err
    assert main(["workflow", "init", "--repo-root", str(tmp_path)]) == 0
    assert main(["workflow", "check", "--repo-root", str(tmp_path)]) == 0
    path = Path(tmp_path, ".github/workflows/lambda-bot.yml")
    path.write_text(path.read_text().replace("ubuntu-slim", "ubuntu-latest"))
    capsys.readouterr()
    assert main(["workflow", "check", "--repo-root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "out of date" in err
    assert "+    runs-on: ubuntu-slim" in err


def test_actions_urls_are_used_unless_api_url_is_given():
    env = {"GITHUB_API_URL": "https://ghe.example/api/v3", "GITHUB_GRAPHQL_URL": "https://ghe.example/api/graphql"}
    assert actions_urls(None, env) == ("https://ghe.example/api/v3", "https://ghe.example/api/graphql")
    assert actions_urls("http://127.0.0.1:1", env) == ("http://127.0.0.1:1", None)
    assert actions_urls(None, {}) == (None, None)
