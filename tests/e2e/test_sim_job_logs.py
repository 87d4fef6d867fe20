"""Job logs redirect to a second origin with a signed, short-lived URL, as GitHub's do."""

from __future__ import annotations

import httpx

from lbconsole.core.settings import GithubSettings
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.server import SimHandle

REPO = "/repos/acme/rocket"


def finished_job(client: httpx.Client) -> int:
    client.post("/_sim/actions/settings", json={"auto_run": False})
    done = client.post(f"{REPO}/actions/workflows/lambda-bot.yml/dispatches", json={"ref": "main"})
    assert done.status_code == 204
    run_id = client.get(f"{REPO}/actions/runs").json()["workflow_runs"][0]["id"]
    client.post(f"/_sim/actions/runs/{run_id}/advance", json={"to_end": True}).raise_for_status()
    return int(client.get(f"{REPO}/actions/runs/{run_id}/jobs").json()["jobs"][0]["id"])


def test_job_log_redirect_goes_to_another_origin_with_a_signed_url(sim: SimHandle) -> None:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        job = finished_job(client)
        redirect = client.get(f"{REPO}/actions/jobs/{job}/logs", headers={"Authorization": "token t0k"})
        assert redirect.status_code == 302
        location = httpx.URL(redirect.headers["location"])
        assert location.host == "localhost"
        assert location.port == sim.port
        assert {"se", "sig"} <= set(location.params)
        assert httpx.get(location, timeout=10).text.lstrip("\ufeff").startswith("2026-")
        assert httpx.get(location, headers={"Authorization": "token t0k"}, timeout=10).status_code == 400
        tampered = location.copy_set_param("sig", "0" * 32)
        assert httpx.get(tampered, timeout=10).status_code == 403
        sim.state.clock.advance(61)
        assert httpx.get(location, timeout=10).status_code == 403  # expired


def test_the_gateway_reads_the_log_without_sending_its_token_there(sim: SimHandle) -> None:
    with httpx.Client(base_url=sim.url, timeout=10) as client:
        job = finished_job(client)
    gateway = GitHubGateway(
        "acme/rocket", api_url=sim.url, token="ghp_x", settings=GithubSettings(write_interval_s=0, timeout_s=10)
    )
    try:
        text = gateway.actions().job_log(job)
    finally:
        gateway.close()
    assert text.lstrip("\ufeff").startswith("2026-")
