"""GitHub's own CLI, `gh`, against `lbconsole sim` over TLS as a GitHub Enterprise host.

A client nobody here wrote is the simulator's fidelity test: each command
must work, and must change the simulator's state as it would change
GitHub's (asserted through the admin API). gh first asks GraphQL's
introspection which fields the host has, then sends its own documents, so
the served subset, the mutations, the REST media types and the Actions
routes are all exercised as gh 2.23 uses them. Nothing is installed here:
where `gh` is absent the module skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.sim_process import sim_process

GH = shutil.which("gh")
pytestmark = pytest.mark.skipif(GH is None, reason="the gh CLI is not installed (Debian package `gh`)")
trustme = pytest.importorskip("trustme", reason="trustme (test extra) makes the throwaway CA")

REPO = "acme/rocket"
COMMAND_TIMEOUT_S = 60.0


class Sim:
    """A `lbconsole sim` subprocess serving HTTPS with a throwaway CA's certificate."""

    def __init__(self, port: int, ca_file: Path) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.ca_file = ca_file
        context = ssl.create_default_context(cafile=str(ca_file))
        self.http = httpx.Client(base_url=f"https://{self.host}", verify=context, timeout=10)

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, f"/_sim/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def pull(self, number: int) -> dict[str, Any]:
        return self.admin("GET", f"state/pulls/{number}")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    root = tmp_path_factory.mktemp("gh-tls")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file, cert_file, key_file = root / "ca.pem", root / "cert.pem", root / "key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    options = ["--certfile", str(cert_file), "--keyfile", str(key_file)]
    with sim_process(options, root / "sim.log") as port:
        yield Sim(port, ca_file)


@pytest.fixture
def gh(sim: Sim, tmp_path: Path) -> Any:
    sim.admin("POST", "reset", {"scenario": "demo"})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "GH_CONFIG_DIR": str(tmp_path / "gh"),
        "GH_HOST": sim.host,
        "GH_ENTERPRISE_TOKEN": "ghp_simulated",
        "SSL_CERT_FILE": str(sim.ca_file),
        "GH_NO_UPDATE_NOTIFIER": "1",
        "GH_PROMPT_DISABLED": "1",
        "NO_COLOR": "1",
        "GH_PAGER": "cat",
    }

    def run(*args: str, repo: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [GH or "gh", *args] + (["-R", f"{sim.host}/{REPO}"] if repo else [])
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        assert done.returncode == 0, f"gh {' '.join(args)} failed ({done.returncode}): {done.stderr}{done.stdout}"
        return done

    return run


def test_auth_status(gh: Any, sim: Sim) -> None:
    done = gh("auth", "status", repo=False)
    assert f"Logged in to {sim.host} as octocat" in done.stderr
    assert "Token scopes: repo, read:org, workflow" in done.stderr


def test_pr_list_shows_the_open_pulls(gh: Any, sim: Sim) -> None:
    done = gh("pr", "list")
    assert "perf: cache trajectory lookups" not in done.stdout  # #1201 is older than the first 30
    assert done.stdout.count("\n") == 30
    assert "1266" in done.stdout


def test_pr_list_json_fields(gh: Any, sim: Sim) -> None:
    fields = "number,mergeable,mergeStateStatus,statusCheckRollup,labels,files"
    rows = json.loads(gh("pr", "list", "--limit", "100", "--json", fields).stdout)
    by_number = {row["number"]: row for row in rows}
    assert by_number[1201]["mergeStateStatus"] == sim.pull(1201)["merge_state"] == "CLEAN"
    assert by_number[1201]["mergeable"] == "MERGEABLE"
    assert {c["name"] for c in by_number[1201]["statusCheckRollup"]} == {"ci/test", "ci/lint", "build"}
    assert by_number[1201]["files"][0]["path"] == "src/rocket/guidance/trajectory.py"
    assert [lab["name"] for lab in by_number[1248]["labels"]] == sim.pull(1248)["labels"]
    assert by_number[1246]["mergeStateStatus"] == "DIRTY"


def test_pr_view(gh: Any) -> None:
    done = gh("pr", "view", "1201")
    assert "title:\tperf: cache trajectory lookups" in done.stdout
    assert "state:\tOPEN" in done.stdout
    assert "Memoise it." in done.stdout


def test_pr_checks(gh: Any) -> None:
    done = gh("pr", "checks", "1201")
    lines = sorted(line.split("\t")[:2] for line in done.stdout.splitlines())
    assert lines == [["build", "pass"], ["ci/lint", "pass"], ["ci/test", "pass"]]


def test_pr_diff_is_the_unified_diff(gh: Any) -> None:
    done = gh("pr", "diff", "1201")
    assert done.stdout.startswith("diff --git a/src/rocket/guidance/trajectory.py b/src/rocket/guidance/trajectory.py")
    assert "+@functools.lru_cache(maxsize=4096)" in done.stdout


def test_pr_merge_squash_merges_and_moves_the_base(gh: Any, sim: Sim) -> None:
    before = sim.pull(1201)
    gh("pr", "merge", "1201", "--squash")
    after = sim.pull(1201)
    assert after["merged"] is True
    assert after["state"] == "closed"
    assert after["base_tip"] == after["merge_commit_sha"] != before["base_tip"]


def test_pr_comment_adds_a_comment(gh: Any, sim: Sim) -> None:
    done = gh("pr", "comment", "1201", "--body", "x")
    comments = sim.pull(1201)["comments"]
    assert [c["body"] for c in comments][-1:] == ["x"]
    assert done.stdout.strip().endswith(f"#issuecomment-{comments[-1]['id']}")


def test_pr_edit_add_label(gh: Any, sim: Sim) -> None:
    assert "bug" not in sim.pull(1201)["labels"]
    gh("pr", "edit", "1201", "--add-label", "bug")
    assert "bug" in sim.pull(1201)["labels"]


def test_run_list_and_view_log(gh: Any, sim: Sim) -> None:
    sim.admin("POST", "actions/settings", {"auto_run": False})
    dispatched = sim.http.post(
        f"/api/v3/repos/{REPO}/actions/workflows/lambda-bot.yml/dispatches",
        json={"ref": "main", "inputs": {"mode": "auto", "dry_run": "true"}},
        headers={"Authorization": "token ghp_simulated"},
    )
    assert dispatched.status_code == 204, dispatched.text
    runs = sim.http.get(f"/api/v3/repos/{REPO}/actions/runs").json()["workflow_runs"]
    run_id = runs[0]["id"]
    sim.admin("POST", f"actions/runs/{run_id}/advance", {"to_end": True})
    listed = gh("run", "list")
    assert str(run_id) in listed.stdout
    log = gh("run", "view", str(run_id), "--log")
    assert log.stdout.strip(), "the run's log is empty"
    first = log.stdout.splitlines()[0].split("\t")
    assert len(first) == 3  # job, step, timestamped line
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", first[2]), first[2]  # GitHub's timestamp first
