"""The audit log: append-only JSON lines, fsync'd, redacted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lbconsole.core.plan import Action, Plan
from lbconsole.core.settings import Limits
from lbconsole.engine import audit as audit_module
from lbconsole.engine.audit import AuditLog, read_audit
from lbconsole.engine.outcomes import ActionOutcome

NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
TOKEN = "ghp_" + "Z9y" * 12


def test_plan_and_outcomes_append_one_fsynced_json_object_per_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = audit_module.os.fsync
    monkeypatch.setattr(audit_module.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    state = tmp_path / "state"
    log = AuditLog(state, clock=lambda: NOW)
    action = Action("merge", pr=12, head_sha="3f2a1b0" + "0" * 33, reason="ready")
    plan = Plan("acme/rocket", "merge-only", NOW, Limits(), actions=(action,))

    log.record_plan(plan, run_id="r1", apply=True)
    log.record_outcome(
        ActionOutcome(action, "done", "merged 9a8b7c6 (squash)", merged_sha="9a8b7c6" + "1" * 33, time=NOW),
        repo="acme/rocket",
        mode="merge-only",
        run_id="r1",
    )
    AuditLog(state, clock=lambda: NOW).record_outcome(  # a second run appends, never truncates
        ActionOutcome(action, "stale", "GitHub refused: Head branch was modified (HTTP 409)", status=409, time=NOW),
        repo="acme/rocket",
        mode="merge-only",
        run_id="r2",
    )

    raw = (state / "audit.jsonl").read_text(encoding="utf-8")
    lines = raw.splitlines()
    assert raw.endswith("\n")
    assert len(lines) == 3
    assert len(synced) == 3
    events = [json.loads(line) for line in lines]
    assert events[0]["event"] == "plan"
    assert events[0]["plan"]["actions"][0]["pr"] == 12
    assert events[1] == {
        "time": "2026-11-23T22:00:00Z",
        "event": "outcome",
        "repo": "acme/rocket",
        "mode": "merge-only",
        "run_id": "r1",
        "apply": True,
        "kind": "merge",
        "pr": 12,
        "head_sha": "3f2a1b0" + "0" * 33,
        "label": None,
        "outcome": "done",
        "status": None,
        "message": "merged 9a8b7c6 (squash)",
        "merged_sha": "9a8b7c6" + "1" * 33,
    }
    assert events[2]["run_id"] == "r2"
    assert events[2]["status"] == 409
    assert list(read_audit(state / "audit.jsonl")) == events


def test_no_token_reaches_the_audit_log(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "s", clock=lambda: NOW, secrets=["the-token-itself-0123456789"])
    action = Action("label", pr=3, head_sha="a" * 40, label="bug", reason=f"from {TOKEN}")
    plan = Plan("acme/rocket", "auto", NOW, Limits(), actions=(action,), notes=(f"note {TOKEN}",))

    log.record_plan(plan)
    log.record_outcome(
        ActionOutcome(action, "failed", "Bad credentials for the-token-itself-0123456789", status=401, time=NOW),
        repo="acme/rocket",
        mode="auto",
    )

    text = (tmp_path / "s" / "audit.jsonl").read_text(encoding="utf-8")
    assert TOKEN not in text
    assert "the-token-itself-0123456789" not in text
    assert "Bad credentials for" in text
    assert all(isinstance(json.loads(line), dict) for line in text.splitlines())


def test_read_audit_skips_garbage_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    assert list(read_audit(path)) == []
    path.write_text('{"event": "plan"}\nnot json\n[1, 2]\n{"event": "run"}\n', encoding="utf-8")
    assert [e["event"] for e in read_audit(path)] == ["plan", "run"]


@pytest.mark.parametrize("module", ["lbconsole.engine.audit", "lbconsole.engine.outcomes", "lbconsole.engine.handlers"])
def test_what_reads_or_makes_outcomes_does_not_import_the_executor(module: str) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}; print('lbconsole.engine.executor' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False"
