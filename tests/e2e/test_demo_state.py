"""`--demo` commands share one demo repository: what one command changes, the next one sees."""

from __future__ import annotations

import json
import os
import pickle
from datetime import timedelta

import filelock
import pytest

from lbconsole.cli import main
from lbconsole.config.paths import demo_state_dir
from lbconsole.sim import snapshot
from lbconsole.sim.scenarios import build


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _open_numbers(capsys, *flags: str) -> set[int]:
    code, out, _ = _cli(capsys, *flags, "queue", "--json")
    assert code == 0
    return {pr["number"] for category in json.loads(out)["categories"] for pr in category["pulls"]}


def test_dispatch_then_runs_shows_the_run_and_its_merges(capsys):
    before = _open_numbers(capsys, "--demo")
    code, out, _ = _cli(capsys, "--demo", "dispatch", "--mode", "auto")
    assert code == 0
    run_url = out.strip().splitlines()[-1]
    run_id = run_url.rsplit("/", 1)[1]

    code, out, _ = _cli(capsys, "--demo", "runs")
    assert code == 0
    line = next(row for row in out.splitlines() if run_id in row)
    assert "success" in line
    assert "workflow_dispatch" in line

    after = _open_numbers(capsys, "--demo")
    assert 1211 in before
    assert 1211 not in after


def test_demo_reset_and_sim_reset_start_from_the_scenario(capsys):
    assert _cli(capsys, "--demo", "dispatch", "--mode", "auto")[0] == 0
    code, out, _ = _cli(capsys, "--demo-reset", "runs")
    assert (code, out.strip()) == (0, "no runs yet")

    assert _cli(capsys, "--demo", "dispatch", "--mode", "auto")[0] == 0
    code, out, _ = _cli(capsys, "sim", "reset")
    assert code == 0
    assert "demo state reset" in out
    code, out, _ = _cli(capsys, "sim", "reset")
    assert code == 0
    assert out.startswith("no saved demo state")
    code, out, _ = _cli(capsys, "--demo", "runs")
    assert (code, out.strip()) == (0, "no runs yet")


def test_a_damaged_state_file_is_kept_aside_and_the_command_still_works(capsys):
    path = snapshot.state_file(demo_state_dir())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x80\x05 not a pickle at all")

    code, out, err = _cli(capsys, "--demo", "runs")

    assert (code, out.strip()) == (0, "no runs yet")
    assert err.count("\n") == 1
    assert "is unusable" in err
    assert ".bad" in err
    assert path.with_name(path.name + ".bad").read_bytes() == b"\x80\x05 not a pickle at all"
    assert snapshot.loads(path.read_bytes()).scenario == "demo"  # the command saved a good one


def test_a_file_that_would_run_code_is_refused(tmp_path):
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    with pytest.raises(ValueError, match="not a demo state file"):
        snapshot.loads(pickle.dumps(Hostile()))
    assert not marker.exists()


def test_another_seed_is_not_served_from_the_saved_state(capsys):
    assert _cli(capsys, "--demo", "dispatch", "--mode", "auto")[0] == 0
    code, out, err = _cli(capsys, "--demo", "--seed", "3", "runs")
    assert (code, out.strip()) == (0, "no runs yet")
    assert "seed 0, not 3" in err


def test_a_busy_state_is_waited_for_then_refused_with_exit_5(capsys, monkeypatch):
    monkeypatch.setattr(snapshot, "LOCK_WAIT_S", 0.05)
    path = snapshot.state_file(demo_state_dir())
    path.parent.mkdir(parents=True, exist_ok=True)
    other = filelock.FileLock(str(path) + ".lock")
    with other.acquire(timeout=0):
        code, _out, err = _cli(capsys, "--demo", "runs")
    assert code == 5
    assert "waiting for another --demo command" in err
    assert "has held the demo state" in err


def test_the_clock_goes_on_from_where_the_saved_state_stood(tmp_path):
    with snapshot.saved_state(tmp_path, "demo", 0, say=lambda line: None) as state:
        state.clock.advance(3600)
        stood = state.clock.now()
    with snapshot.saved_state(tmp_path, "demo", 0, say=lambda line: None) as again:
        assert stood <= again.clock.now() < stood + timedelta(minutes=1)  # at any minute of the hour
        assert again.clock.anchor > build("demo", 0).clock.anchor


def test_a_run_that_cannot_finish_is_saved_cancelled(tmp_path):
    from lbconsole.sim.actions import ActionsState

    with snapshot.saved_state(tmp_path, "demo", 0, say=lambda line: None) as state:
        actions = ActionsState.of(state)
        actions.auto_run = False
        workflow = actions.workflow("lambda-bot.yml")
        run = actions.create_run(
            workflow, branch="main", sha=state.base_sha, inputs={}, title="t", api="", token="ghs_x", actor="octocat"
        )
        snapshot.finish_runs(state)
    saved = snapshot.loads(snapshot.state_file(tmp_path).read_bytes())
    kept = saved.actions["runs"][run.id]
    assert (kept.status, kept.conclusion, kept.token) == ("completed", "cancelled", None)
    assert "cancelled" in kept.jobs[0].log[-1]


def test_demo_commands_and_their_runs_read_the_wall_clock(capsys):
    """One clock: `--demo queue`'s dates, its ages and a dispatched run's timestamps agree with the real time."""
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC)
    code, out, _ = _cli(capsys, "--demo-reset", "queue", "--json")
    assert code == 0
    queue = json.loads(out)
    fetched = datetime.fromisoformat(queue["fetched_at"].replace("Z", "+00:00"))
    assert start - timedelta(seconds=2) <= fetched <= datetime.now(UTC) + timedelta(seconds=2)
    ages = {pr["number"]: pr["age_days"] for category in queue["categories"] for pr in category["pulls"]}
    fixed = build("demo", 0)  # the scenario on its fixed anchor: every PR is as old on the wall clock
    assert ages[1211] == (fixed.clock.anchor - fixed.pulls[1211].created_at).days == 35

    assert _cli(capsys, "--demo", "dispatch", "--mode", "auto")[0] == 0
    code, out, _ = _cli(capsys, "--demo", "runs", "--json")
    assert code == 0
    created = datetime.fromisoformat(json.loads(out)[0]["created_at"])
    assert start - timedelta(seconds=2) <= created <= datetime.now(UTC) + timedelta(seconds=2)
