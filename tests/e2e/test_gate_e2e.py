"""The security gate end to end: no mode merges an unscanned or flagged head, whatever the PR's category.

A PR titled like a typo fix, otherwise ready to merge (approved, checks
passing, clean), adds a fine-grained GitHub token to a doc and a
`pull_request_target` workflow. `lbconsole run --mode M --apply` is run
through the command line against the simulator in every mode; the
simulator's own state must show the PR still open and unmerged, and,
for every mode that merges, labelled for review with a failing scan status.
"""

from __future__ import annotations

import random
import string
from datetime import timedelta

import httpx
import pytest

from lbconsole.cli import main
from lbconsole.core.orchestrator import MODES, SCAN_CONTEXT, SECURITY_REVIEW
from lbconsole.sim.scenarios.specs import added_file
from lbconsole.sim.server import SimHandle, running_simulator
from lbconsole.sim.state import SimPull
from lbconsole.sim.state.model import SimReview

NUMBER = 1299
"""Past the demo's numbers."""

MERGING_MODES = ("auto", "merge-only", "full-audit")


@pytest.fixture
def sim(monkeypatch, tmp_path):
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "x" * 36)  # the simulator accepts any token by default
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    config = tmp_path / "config.toml"
    # limits high enough that the demo's other PRs leave room: only the gate can stop the merge
    config.write_text("[github]\nwrite_interval_s = 0\n[limits]\nmerge = 100\nscan = 100\n")
    monkeypatch.setenv("LBCONSOLE_CONFIG", str(config))
    with running_simulator(scenario="demo") as handle:
        yield handle


def fine_grained_token() -> str:
    """A real-looking `github_pat_` token (built here, so no secret sits in the source)."""
    rng = random.Random(1299)
    alphabet = string.ascii_letters + string.digits
    return "github_pat_" + "".join(rng.choices(alphabet, k=22)) + "_" + "".join(rng.choices(alphabet, k=59))


def add_typo_fix_carrying_a_token(handle: SimHandle) -> str:
    """Insert the ready "docs: fix typo" PR; returns its head SHA."""
    state = handle.state
    # branches need not be up to date and the scan is not a required check: nothing but lbconsole's gate
    # stops the merge once the PR is scanned (GitHub would merge an UNSTABLE PR)
    state.protection.strict = False
    now = state.now()
    head = "9" * 40
    docs = added_file(
        "docs/deploy.md",
        "# Deploying\n\nUse the deploy token below for the release job:\n\n"
        f"    GH_DEPLOY_TOKEN={fine_grained_token()}\n",
    )
    workflow = added_file(
        ".github/workflows/preview.yml",
        "name: preview\n"
        "on:\n"
        "  pull_request_target:\n"
        "    types: [opened, synchronize]\n"
        "permissions: write-all\n"
        "jobs:\n"
        "  preview:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: ./scripts/preview.sh\n",
    )
    pull = SimPull(
        number=NUMBER,
        title="docs: fix typo",
        author="jlee",
        head_sha=head,
        base_sha=state.base_sha,
        created_at=now - timedelta(days=2),
        updated_at=now - timedelta(hours=3),
        head_ref="docs/fix-typo",
        files=[docs, workflow],
        review_decision="APPROVED",
    )
    state.add_pull(pull, {"ci/test": "success", "ci/lint": "success", "build": "success"})
    pull.reviews.append(SimReview(state.next_id(), "mlindqvist", "APPROVED", "LGTM", head, now - timedelta(hours=2)))
    return head


def pull_state(handle: SimHandle) -> dict:
    return httpx.get(f"{handle.url}/_sim/state/pulls/{NUMBER}").json()


@pytest.mark.parametrize("mode", MODES)
def test_a_typo_fix_carrying_a_token_and_a_pull_request_target_workflow_is_merged_by_no_mode(
    sim, capsys, mode: str
) -> None:
    head = add_typo_fix_carrying_a_token(sim)
    before = pull_state(sim)
    assert before["merge_state"] == "CLEAN"  # ready but for the gate
    assert before["checks"] == "SUCCESS"

    code = main(["--repo", "acme/rocket", "--api-url", sim.url, "run", "--mode", mode, "--apply", "--yes"])
    out, err = capsys.readouterr()

    assert "Traceback" not in err
    assert code in (0, 1), out + err
    after = pull_state(sim)
    assert after["state"] == "open"
    assert after["merged"] is False
    if mode in MERGING_MODES:
        assert SECURITY_REVIEW in after["labels"]
        scans = [s for s in after["statuses"] if s["context"] == SCAN_CONTEXT]
        assert [s["state"] for s in scans] == ["failure"], after["statuses"]
        assert f"held: the built-in scan found something to review at this head ({head[:7]})" in out
        assert fine_grained_token() not in out + err  # the token is never echoed
    else:
        assert mode in ("security-only", "conflict-resolution")
        assert not any(s["context"] == SCAN_CONTEXT and s["state"] == "success" for s in after["statuses"])


def test_a_second_merge_only_run_leaves_the_flagged_head_alone_and_says_why(sim, capsys) -> None:
    add_typo_fix_carrying_a_token(sim)
    argv = ["--repo", "acme/rocket", "--api-url", sim.url]
    main([*argv, "run", "--mode", "merge-only", "--apply", "--yes"])
    capsys.readouterr()

    code = main([*argv, "plan", "--mode", "merge-only"])
    out, _ = capsys.readouterr()

    assert code == 0
    line = next(line for line in out.splitlines() if f"#{NUMBER}" in line)
    assert SCAN_CONTEXT in line  # the failing scan status is a reason it is skipped
    assert "merge #1299" not in out
    assert pull_state(sim)["merged"] is False
