"""The headless read commands end to end: real sockets against the simulator."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from lbconsole.cli import main
from lbconsole.core.orchestrator import MODES
from tests.conftest import ROOT


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("mode", MODES)
def test_demo_plan_accounts_for_every_open_pr_once(capsys, mode):
    code, out, err = _run(capsys, "--demo", "plan", "--mode", mode, "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["schema"] == "lbconsole.plan/1"
    assert plan["repo"] == "acme/rocket"
    code, out, _ = _run(capsys, "--demo", "queue", "--json")
    numbers = {p["number"] for c in json.loads(out)["categories"] for p in c["pulls"]}
    acted = {a["pr"] for a in plan["actions"] if "pr" in a}
    skipped = [s["pr"] for s in plan["skipped"]]
    assert len(skipped) == len(set(skipped))
    assert not acted & set(skipped)
    assert acted | set(skipped) == numbers
    assert all(s["reasons"] for s in plan["skipped"])
    assert all(a["head_sha"] for a in plan["actions"] if a["kind"] != "report")


def test_demo_auto_plan_has_merges_and_conflict_actions_within_limits(capsys):
    code, out, _ = _run(capsys, "--demo", "plan", "--mode", "auto", "--json")
    summary = json.loads(out)["summary"]
    assert code == 0
    assert 1 <= summary["merge"] <= 5
    assert 1 <= summary["update_branch"] + summary["notify_conflict"] <= 3
    assert summary["security_scan"] >= 1


def test_demo_limits_bind(capsys):
    code, out, _ = _run(capsys, "--demo", "plan", "--mode", "merge-only", "--json")
    plan = json.loads(out)
    assert plan["summary"]["merge"] == 5
    assert any("limit: merge batch full (5)" in s["reasons"] for s in plan["skipped"])
    code, out, _ = _run(capsys, "--demo", "plan", "--mode", "merge-only", "--merge-limit", "2", "--json")
    assert code == 0
    assert json.loads(out)["summary"]["merge"] == 2


def test_demo_queue_text_groups_by_category(capsys):
    code, out, _ = _run(capsys, "--demo", "queue")
    assert code == 0
    assert out.startswith("acme/rocket: ")
    for category in ("security", "bugfix", "dependencies", "feature", "docs", "maintenance"):
        assert f"\n{category} (" in out


def test_unknown_mode_is_a_usage_error(capsys):
    code, out, err = _run(capsys, "--demo", "plan", "--mode", "yolo")
    assert code == 2
    assert out == ""
    assert err.strip() == (
        "lbconsole: error: unknown mode 'yolo': choose one of auto, security-only, "
        "merge-only, conflict-resolution, full-audit"
    )
    assert "Traceback" not in err


@pytest.mark.parametrize("repo", ["acme", "acme/rocket/x", "-acme/rocket", "acme/ro cket", "acme/rocket.git"])
def test_malformed_repo_is_a_usage_error(capsys, repo):
    code, _, err = _run(capsys, f"--repo={repo}", "queue")
    assert code == 2
    assert "malformed repository" in err
    assert len(err.strip().splitlines()) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_api_exits_4(capsys):
    code, _, err = _run(capsys, "--repo", "acme/rocket", "--api-url", f"http://127.0.0.1:{_closed_port()}", "queue")
    assert code == 4
    assert "127.0.0.1" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_token_exits_3_and_never_shows_the_token(capsys, monkeypatch):
    from lbconsole.sim.server import running_simulator

    token = "ghp_" + "A1b2C3d4E5" * 3 + "F6g7H8"
    with running_simulator(scenario="demo") as sim:
        import httpx

        httpx.post(f"{sim.url}/_sim/auth", json={"token": "ghp_the_only_good_token_000000000000000"})
        monkeypatch.setenv("GH_TOKEN", token)
        code, out, err = _run(capsys, "--repo", "acme/rocket", "--api-url", sim.url, "queue")
    assert code == 3
    assert "401" in err or "Bad credentials" in err
    assert token not in err + out
    assert "Traceback" not in err


def test_invalid_config_warns_runs_on_defaults_and_leaves_the_file(capsys, tmp_path):
    config = tmp_path / "config.toml"
    original = b'[limits]\nmerge = -1\nconflict = "five"\n\n[merge]\nmetod = "squash"\n'
    config.write_bytes(original)
    code, out, err = _run(capsys, "--config", str(config), "--demo", "plan", "--mode", "merge-only", "--json")
    assert code == 0
    assert "limits.merge" in err
    assert "limits.conflict" in err
    assert "did you mean" in err
    assert "merge.method" in err
    assert json.loads(out)["limits"]["merge"] == 5
    assert config.read_bytes() == original


def test_auth_status_names_the_user_and_never_the_token(capsys, monkeypatch):
    from lbconsole.sim.server import running_simulator

    token = "ghp_" + "Z9y8X7w6V5" * 3 + "u4T3s2"
    monkeypatch.setenv("LBCONSOLE_TOKEN", token)
    with running_simulator(scenario="demo") as sim:
        code, out, err = _run(capsys, "--api-url", sim.url, "auth", "status")
    assert code == 0, err
    assert "LBCONSOLE_TOKEN" in out
    assert token not in out + err
    import re

    assert re.search(r"\b(as|user|login)\b", out), out


def test_auth_status_tells_an_unreachable_api_from_a_refused_token(capsys, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "q" * 36)
    code, _, err = _run(capsys, "--api-url", f"http://127.0.0.1:{_closed_port()}", "auth", "status")
    assert code == 4
    assert "could not be reached" in err
    assert "refused" not in err.split("could not be reached")[0]


def test_a_short_rate_limit_is_waited_out_with_a_visible_countdown(capsys, monkeypatch):
    import httpx

    from lbconsole.cli.context import StderrCountdown
    from lbconsole.sim.server import running_simulator

    countdown = StderrCountdown(every_s=5)
    for left in (12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0):
        countdown(left, "rate limited")
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "lbconsole: rate limited: waiting 12s",
        "lbconsole: rate limited: waiting 7s",
        "lbconsole: rate limited: waiting 2s",
        "lbconsole: rate limited: resuming",
    ]

    from lbconsole.cli import context

    waits: list[float] = []
    build_gateway = context.make_gateway

    def gateway_that_records_its_sleeps(*args, **kwargs):
        gateway = build_gateway(*args, **kwargs)  # the CLI's own wiring, countdown included
        gateway.client._sleep = waits.append  # no real waiting in a test
        return gateway

    monkeypatch.setattr(context, "make_gateway", gateway_that_records_its_sleeps)
    with running_simulator(scenario="demo") as sim:
        fault = {"rate_limited": True, "error_status": 429, "retry_after": 3, "count": 1, "routes": ["/graphql"]}
        httpx.post(f"{sim.url}/_sim/faults", json=fault).raise_for_status()
        code, out, err = _run(capsys, "--repo", "acme/rocket", "--api-url", sim.url, "queue", "--json")
    assert code == 0, err
    assert json.loads(out)["total"] == 40
    assert "waiting 3s" in err
    assert "resuming" in err
    assert sum(waits) == pytest.approx(3, abs=1)  # waited out (with the patched sleep), not given up


# --- global options after the sub-command ---------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--repo", "acme/rocket", "--demo", "--mode", "auto", "--json"],
        ["--demo", "plan", "--mode", "auto", "--json"],
        ["plan", "--mode", "auto", "--json", "--demo"],
    ],
)
def test_global_options_are_accepted_before_and_after_the_sub_command(capsys, argv):
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    plan = json.loads(out)
    assert (plan["repo"], plan["mode"]) == ("acme/rocket", "auto")


def test_queue_demo(capsys):
    code, out, err = _run(capsys, "queue", "--demo")
    assert code == 0, err
    assert out.startswith("acme/rocket: 40 open pull requests")


def test_a_global_option_after_the_sub_command_wins_over_one_before(capsys, tmp_path):
    before, after = tmp_path / "before.toml", tmp_path / "after.toml"
    before.write_text("[limits]\nmerge = 4\n")
    after.write_text("[limits]\nmerge = 2\n")
    argv = ["--config", str(before), "plan", "--demo", "--mode", "merge-only", "--json", "--config", str(after)]
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    assert json.loads(out)["summary"]["merge"] == 2


def test_a_repository_after_the_sub_command_is_checked_like_one_before(capsys):
    code, _, err = _run(capsys, "queue", "--repo", "acme")
    assert code == 2
    assert "malformed repository 'acme'" in err


def test_a_near_miss_of_a_mode_gets_a_did_you_mean(capsys):
    code, out, err = _run(capsys, "--demo", "plan", "--mode", "merge-onyl")
    assert code == 2
    assert out == ""
    assert err.strip().endswith("; did you mean 'merge-only'?")


@pytest.mark.parametrize("flag", ["--merge-limit", "--conflict-limit"])
def test_a_limit_out_of_range_is_refused_in_the_config_s_words(capsys, flag):
    code, out, err = _run(capsys, "--demo", "plan", "--mode", "auto", flag, "101")
    assert code == 2
    assert out == ""
    assert err.strip() == f"lbconsole: error: {flag}: must be an integer between 0 and 100, got 101"


# --- a closed stdout --------------------------------------------------------------------------


def _lbconsole(*argv: str, stdout) -> subprocess.Popen[bytes]:
    """The real console script's code (`python -m lbconsole`), in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "lbconsole", *argv], stdout=stdout, stderr=subprocess.PIPE, cwd=ROOT)


def test_a_stdout_closed_after_the_first_line_ends_quietly_with_0():
    proc = _lbconsole("--demo", "queue", stdout=subprocess.PIPE)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # what `| head -1` does
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert first.startswith(b"acme/rocket: 40 open pull requests")
    assert proc.returncode == 0
    assert err == b""


@pytest.mark.parametrize(
    "argv",
    [
        ["--demo", "queue"],  # a short text: the failure shows at the last flush
        ["--demo", "queue", "--json"],  # more than a buffer: the failure shows inside the command
    ],
)
def test_a_stdout_closed_before_anything_is_written_ends_quietly_with_0(argv):
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write will fail with EPIPE
    try:
        proc = _lbconsole(*argv, stdout=write_end)
    finally:
        os.close(write_end)
    _, err = proc.communicate(timeout=60)
    assert err == b""  # neither "Broken pipe" nor Python's "Exception ignored ..."
    assert proc.returncode == 0
