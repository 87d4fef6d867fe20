"""SIGTERM or a second Ctrl+C mid-run: every planned action gets an outcome, the run record is written, exit 143/130.

`lbconsole run` runs as a real process against the simulator; the second
action's PR answers slowly (a latency fault), and the signal arrives while
that request is in flight.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from lbconsole.config import paths
from lbconsole.engine.audit import read_audit
from lbconsole.sim.server import running_simulator

CLI = (sys.executable, "-m", "lbconsole", "--repo", "acme/rocket", "--api-url")
PULL_ROUTE = "GET /repos/{owner}/{repo}/pulls/{number}"
DEADLINE_S = 60.0


@pytest.fixture
def sim(monkeypatch, tmp_path):
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "x" * 36)
    config = tmp_path / "config.toml"
    config.write_text("[github]\nwrite_interval_s = 0\n")
    monkeypatch.setenv("LBCONSOLE_CONFIG", str(config))
    with running_simulator(scenario="demo") as handle:
        yield handle


class Process:
    """`lbconsole run` in a child process; its stderr (the log) read line by line as it comes."""

    def __init__(self, sim, *argv: str) -> None:
        self.proc = subprocess.Popen(
            [*CLI, sim.url, *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE_S
        while not ready():
            assert self.proc.poll() is None, f"exited {self.proc.returncode} before {what}: {self.lines}"
            assert time.monotonic() < deadline, f"no {what} within {DEADLINE_S} s: {self.lines}"
            threading.Event().wait(0.02)  # a poll interval, not a timed assertion

    def finish(self) -> tuple[int, str]:
        out, _ = self.proc.communicate(timeout=DEADLINE_S)
        self._reader.join(timeout=5)
        return self.proc.returncode, out


def _pull_reads(sim) -> int:
    return httpx.get(f"{sim.url}/_sim/requests").json()["routes"].get(PULL_ROUTE, 0)


@pytest.mark.parametrize(
    ("signals", "code", "name"),
    [((signal.SIGTERM,), 143, "SIGTERM"), ((signal.SIGINT, signal.SIGINT), 130, "SIGINT")],
    ids=["sigterm", "second-sigint"],
)
def test_a_signal_mid_run_records_every_outcome_and_the_run(sim, tmp_path: Path, signals, code, name) -> None:
    plan_path = tmp_path / "plan.json"
    made = subprocess.run(
        [*CLI, sim.url, "plan", "--mode", "merge-only", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    plan_path.write_text(made.stdout)
    actions = json.loads(made.stdout)["actions"]
    first, second = actions[0]["pr"], actions[1]["pr"]
    assert first != second
    slow = {"latency_ms": 20_000, "routes": [f"/pulls/{second}"]}  # every request about the 2nd action's PR
    httpx.post(f"{sim.url}/_sim/faults", json=slow)

    reads = _pull_reads(sim)
    run = Process(sim, "run", "--plan", str(plan_path), "--apply", "--yes", "--json")
    # each action starts with one read of its PR: the second one is the 2nd action's, now in flight
    run.wait_for(f"the read of #{second}", lambda: _pull_reads(sim) >= reads + 2)
    for i, signum in enumerate(signals):
        if i:  # signals are not queued: the next one only after the handler took the last
            run.wait_for("the cancel notice", lambda: any("cancelling:" in line for line in run.lines))
        run.proc.send_signal(signum)
    sent = time.monotonic()
    exit_code, out = run.finish()
    took = time.monotonic() - sent

    assert exit_code == code, run.lines
    # the 20 s request in flight was interrupted, not waited for (a wide margin, not a speed target)
    assert took < 15, took
    report = json.loads(out)
    outcomes = [(o["kind"], o["pr"], o["outcome"]) for o in report["outcomes"]]
    assert len(outcomes) == len(actions)  # every planned action has an outcome
    assert outcomes[0] == ("security_scan", first, "done")
    assert outcomes[1] == ("security_scan", second, "cancelled"), [x for x in run.lines if "SIG" in x or "1213" in x]
    assert report["outcomes"][1]["message"] == f"interrupted by {name}; a re-read shows it was not done"
    assert all(outcome == "cancelled" for _, _, outcome in outcomes[2:])
    assert report["exit_code"] == code
    records = list(read_audit(paths.state_dir() / "audit.jsonl"))
    assert len([r for r in records if r.get("outcome")]) == len(actions)
    end = records[-1]
    assert end["event"] == "run"
    assert end["exit_code"] == code
    assert end["aborted"] == f"interrupted by {name}"
    print(json.dumps({"exit": exit_code, "exit_after_s": round(took, 2), "outcomes": outcomes, "run_record": end}))
