"""`lbconsole run` end to end: real sockets, the real gateway, the simulator's resulting state."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from lbconsole.cli import main
from lbconsole.sim.server import running_simulator


@pytest.fixture
def sim(monkeypatch, tmp_path):
    monkeypatch.setenv("GH_TOKEN", "ghp_" + "x" * 36)  # the simulator accepts any token by default
    config = tmp_path / "config.toml"
    config.write_text("[github]\nwrite_interval_s = 0\n")  # no write pacing against the simulator
    monkeypatch.setenv("LBCONSOLE_CONFIG", str(config))
    with running_simulator(scenario="demo") as handle:
        yield handle


def _cli(capsys, sim, *argv: str) -> tuple[int, str, str]:
    code = main(["--repo", "acme/rocket", "--api-url", sim.url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _pull(sim, number: int) -> dict:
    return httpx.get(f"{sim.url}/_sim/state/pulls/{number}").json()


def _save_plan(capsys, sim, tmp_path, mode: str = "auto"):
    code, out, err = _cli(capsys, sim, "plan", "--mode", mode, "--json")
    assert code == 0, err
    path = tmp_path / "plan.json"
    path.write_text(out)
    return path, json.loads(out)


def _by_kind(plan: dict, kind: str) -> list[dict]:
    return [a for a in plan["actions"] if a["kind"] == kind]


def test_dry_run_changes_nothing(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path)
    before = {a["pr"]: _pull(sim, a["pr"]) for a in plan["actions"]}
    code, out, _ = _cli(capsys, sim, "run", "--plan", str(path))
    assert code == 0
    assert "Dry run (nothing changed on GitHub; add --apply)" in out
    assert {n: _pull(sim, n) for n in before} == before


def test_apply_auto_changes_the_simulator_as_planned(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path)
    code, out, err = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--json")
    assert "Traceback" not in err
    report = json.loads(out)
    outcomes = {(o["kind"], o["pr"]): o["outcome"] for o in report["outcomes"]}
    merged = [a["pr"] for a in _by_kind(plan, "merge") if outcomes[("merge", a["pr"])] == "done"]
    assert merged, report["outcomes"]
    for number in merged:
        assert _pull(sim, number)["merged"] is True
    # a merge that was not done says why (e.g. it became behind after an earlier merge), never merged untested
    for a in _by_kind(plan, "merge"):
        if outcomes[("merge", a["pr"])] != "done":
            assert _pull(sim, a["pr"])["merged"] is False
    for a in _by_kind(plan, "update_branch"):
        assert outcomes[("update_branch", a["pr"])] == "done"
        assert _pull(sim, a["pr"])["head_sha"] != a["head_sha"]
    for a in _by_kind(plan, "notify_conflict"):
        state = _pull(sim, a["pr"])
        assert "needs-rebase" in state["labels"]
        assert sum("<!-- lbconsole:conflict -->" in c["body"] for c in state["comments"]) == 1
    for a in _by_kind(plan, "security_scan"):
        state = _pull(sim, a["pr"])
        assert sum("<!-- lbconsole:scan -->" in c["body"] for c in state["comments"]) == 1
    for a in _by_kind(plan, "label"):
        assert a["label"] in _pull(sim, a["pr"])["labels"]
    # SPEC 3.1: 1 when some action failed or was stale; skipped (e.g. became behind) is not a failure
    assert report["exit_code"] == (1 if {"failed", "stale"} & set(outcomes.values()) else 0)
    assert code == report["exit_code"]


def test_the_scan_flags_the_demo_secret_and_labels_security_review(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path, mode="security-only")
    code, out, _ = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--json")
    assert code == 0
    assert json.loads(out)["counts"]["done"] == len(plan["actions"])
    scanned = [a["pr"] for a in _by_kind(plan, "security_scan")]
    flagged = [n for n in scanned if "security-review" in _pull(sim, n)["labels"]]
    assert flagged, "the demo carries secrets in at least one security PR's diff"
    comments = {
        n: next(c["body"] for c in _pull(sim, n)["comments"] if "<!-- lbconsole:scan -->" in c["body"]) for n in flagged
    }
    assert any("| high |" in body for body in comments.values()), "the demo's secret is a high finding"


def test_race_a_pushed_pr_is_stale_and_not_merged_the_others_proceed(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    merges = [a["pr"] for a in _by_kind(plan, "merge")]
    assert len(merges) >= 2
    raced = merges[0]
    httpx.post(f"{sim.url}/_sim/pulls/{raced}/push").raise_for_status()
    code, out, _ = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--json")
    outcomes = {o["pr"]: o for o in json.loads(out)["outcomes"]}
    assert code == 1
    assert outcomes[raced]["outcome"] == "stale"
    assert _pull(sim, raced)["merged"] is False
    assert any(_pull(sim, n)["merged"] for n in merges[1:])


def test_a_failing_merge_does_not_stop_the_batch(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    merges = [a["pr"] for a in _by_kind(plan, "merge")]
    broken = merges[0]
    fault = {"error_rate": 1.0, "error_status": 502, "routes": [f"/pulls/{broken}/merge"], "count": 20}
    httpx.post(f"{sim.url}/_sim/faults", json=fault).raise_for_status()
    code, out, _ = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--json")
    report = json.loads(out)
    outcomes = {o["pr"]: o for o in report["outcomes"]}
    assert code == 1
    assert outcomes[broken]["outcome"] == "failed"
    assert outcomes[broken]["status"] == 502
    assert _pull(sim, broken)["merged"] is False
    assert report["counts"]["failed"] == 1
    assert any(outcomes[n]["outcome"] == "done" for n in merges[1:])


def test_applying_twice_adds_no_duplicate_labels_or_comments(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path, mode="conflict-resolution")
    _cli(capsys, sim, "run", "--plan", str(path), "--apply")
    notified = [a["pr"] for a in _by_kind(plan, "notify_conflict")]
    assert notified
    first = {n: _pull(sim, n) for n in notified}
    # the same saved plan again: labels and marker comments are looked for first
    _cli(capsys, sim, "run", "--plan", str(path), "--apply")
    path2, plan2 = _save_plan(capsys, sim, tmp_path, mode="security-only")
    _cli(capsys, sim, "run", "--plan", str(path2), "--apply")
    _cli(capsys, sim, "run", "--plan", str(path2), "--apply")
    for n, before in first.items():
        after = _pull(sim, n)
        assert after["labels"].count("needs-rebase") == 1
        assert len(after["comments"]) == len(before["comments"])
    for a in _by_kind(plan2, "security_scan"):
        comments = _pull(sim, a["pr"])["comments"]
        assert sum("<!-- lbconsole:scan -->" in c["body"] for c in comments) == 1


def test_apply_without_a_token_is_an_auth_error(capsys, sim, tmp_path, monkeypatch):
    path, _ = _save_plan(capsys, sim, tmp_path)
    monkeypatch.delenv("GH_TOKEN")
    code, _, err = _cli(capsys, sim, "run", "--plan", str(path), "--apply")
    assert code == 3
    assert "no GitHub token" in err


def test_a_plan_for_another_repository_is_refused(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path)
    plan["repo"] = "other/repo"
    path.write_text(json.dumps(plan))
    code, _, err = _cli(capsys, sim, "run", "--plan", str(path), "--apply")
    assert code == 2
    assert "the plan file is for other/repo" in err


def test_the_audit_log_records_the_plan_and_every_outcome(capsys, sim, tmp_path):
    from lbconsole.config import paths
    from lbconsole.engine.audit import read_audit

    path, plan = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    _cli(capsys, sim, "run", "--plan", str(path), "--apply")
    records = list(read_audit(paths.state_dir() / "audit.jsonl"))
    kinds = [r.get("type") or r.get("event") for r in records]
    assert kinds.count("plan") == 1
    outcomes = [r for r in records if r.get("outcome")]
    assert {r["pr"] for r in outcomes} == {a["pr"] for a in plan["actions"]}
    assert all(r["head_sha"] for r in outcomes)
    assert "ghp_" not in (paths.state_dir() / "audit.jsonl").read_text()


def test_logs_prints_the_run_and_filters_by_source_and_pr(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    _cli(capsys, sim, "run", "--plan", str(path), "--apply")
    first = _by_kind(plan, "merge")[0]["pr"]
    code, out, _ = _cli(capsys, sim, "logs", "--pr", str(first))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines
    assert all(f"#{first}" in line for line in lines)
    code, out, _ = _cli(capsys, sim, "logs", "--source", "merge")
    assert code == 0
    assert out.strip()
    assert all(line.split()[1] == "merge" for line in out.strip().splitlines())
    assert "ghp_" not in out


def test_a_missing_repository_is_githubs_refusal_not_unreachable(capsys, sim):
    code = main(["--repo", "acme/nosuchrepo", "--api-url", sim.url, "plan", "--mode", "auto"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Could not resolve to a Repository" in err or "Not Found" in err
    assert "Traceback" not in err


def test_an_unwritable_summary_is_a_usage_error_before_anything_runs(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    code, _, err = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--summary", str(tmp_path / "no" / "s.md"))
    assert code == 2
    assert "cannot write the summary" in err
    assert all(not _pull(sim, a["pr"])["merged"] for a in _by_kind(plan, "merge"))


def test_an_unusable_state_directory_is_one_line_not_a_traceback(capsys, sim, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    path, _ = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    code, _, err = _cli(capsys, sim, "run", "--plan", str(path))
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_held_lock_refuses_apply_with_exit_5_before_anything_is_planned(capsys, sim, tmp_path):
    from lbconsole.config import paths
    from lbconsole.engine.lock import RunLock

    state_dir = paths.AppPaths.resolve().state_dir
    httpx.post(f"{sim.url}/_sim/requests/reset")
    with RunLock(state_dir, "acme/rocket"):
        code, out, err = _cli(capsys, sim, "run", "--mode", "auto", "--apply", "--yes")
    requests = httpx.get(f"{sim.url}/_sim/requests").json()

    assert code == 5
    assert err.strip().splitlines() == [
        f"lbconsole: error: another lbconsole run is already applying a plan to acme/rocket (pid {os.getpid()}, "
        f"running; lock: {state_dir / 'locks' / 'acme__rocket.lock'}); wait for it to finish"
    ]
    assert out == ""  # no plan printed, no question asked
    assert not [route for route in requests["routes"] if "graphql" in route or "pulls" in route]
    assert not (state_dir / "audit.jsonl").exists()


def test_a_dry_run_is_not_refused_by_a_held_lock(capsys, sim, tmp_path):
    from lbconsole.config import paths
    from lbconsole.engine.lock import RunLock

    with RunLock(paths.AppPaths.resolve().state_dir, "acme/rocket"):
        code, out, _ = _cli(capsys, sim, "run", "--mode", "auto")
    assert code == 0
    assert "Dry run (nothing changed on GitHub; add --apply)" in out


def test_a_saved_plan_that_does_more_than_the_limits_allow_is_refused(capsys, sim, tmp_path):
    path, plan = _save_plan(capsys, sim, tmp_path)
    merges = len(_by_kind(plan, "merge"))
    assert merges > 1, plan
    before = {a["pr"]: _pull(sim, a["pr"]) for a in plan["actions"]}

    code, _, err = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--yes", "--merge-limit", "1")

    assert code == 2
    assert err.strip().splitlines() == [
        f"lbconsole: error: plan file {path}: merge: {merges} actions, more than limits.merge allows (1)"
    ]
    assert {n: _pull(sim, n) for n in before} == before


@pytest.mark.parametrize("lost", ["502", "drop"])
def test_a_merge_whose_answer_is_lost_is_re_read_and_audited_done(capsys, sim, tmp_path, lost):
    from lbconsole.config import paths
    from lbconsole.engine.audit import read_audit

    path, plan = _save_plan(capsys, sim, tmp_path, mode="merge-only")
    first = _by_kind(plan, "merge")[0]["pr"]
    fault = {"after_write": lost, "error_rate": 1.0, "count": 1, "routes": [f"/pulls/{first}/merge"]}
    httpx.post(f"{sim.url}/_sim/faults", json=fault)

    code, out, err = _cli(capsys, sim, "run", "--plan", str(path), "--apply", "--json")

    assert code == 0, err  # (a dropped connection makes the simulator's server log a traceback of its own)
    assert "lbconsole: error" not in err
    assert _pull(sim, first)["merged"] is True  # GitHub merged it; only the answer was lost
    records = [r for r in read_audit(paths.state_dir() / "audit.jsonl") if r.get("pr") == first and r.get("outcome")]
    merge_record = next(r for r in records if r["kind"] == "merge")
    print(json.dumps(merge_record, indent=2))  # the audit record, as the note shows it
    assert merge_record["outcome"] == "done"
    assert "the answer was lost" in merge_record["message"]
    assert merge_record["message"].endswith("a re-read shows it done)")
    report = json.loads(out)
    assert report["counts"]["unknown"] == 0
