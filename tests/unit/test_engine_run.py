"""`run_plan`: the one way to run a plan, with the run lock, the audit log and the summary."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lbconsole.core.plan import Action, Plan
from lbconsole.core.settings import GithubSettings, Limits, Settings
from lbconsole.engine.audit import AuditLog, read_audit
from lbconsole.engine.lock import RunLock, RunLocked
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.engine.outcomes import ActionOutcome, outcome_line
from lbconsole.engine.run import run_plan
from lbconsole.errors import UsageError
from tests.unit.fake_gateway import FakeGateway, pulls, sha

NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
FAST = Settings(github=GithubSettings(write_interval_s=0))


def plan_of(*actions: Action, repo: str = "acme/rocket") -> Plan:
    return Plan(repo=repo, mode="auto", generated_at=NOW, limits=Limits(), actions=actions)


def label(n: int, name: str) -> Action:
    return Action("label", pr=n, head_sha=sha(n), label=name)


def merge(n: int) -> Action:
    return Action("merge", pr=n, head_sha=sha(n), reason="ready")


def bus_with(records: list[LogRecord]) -> LogBus:
    bus = LogBus(clock=lambda: NOW)
    bus.subscribe(records.append)
    return bus


def events(state_dir: Path) -> list[dict[str, object]]:
    return list(read_audit(state_dir / "audit.jsonl"))


def test_applying_records_the_plan_every_outcome_and_the_end_in_the_audit_log(tmp_path: Path) -> None:
    gw = FakeGateway(*pulls(1, 2))
    records: list[LogRecord] = []

    report = run_plan(
        plan_of(merge(1), label(2, "bug")),
        gw,
        settings=FAST,
        bus=bus_with(records),
        apply=True,
        state_dir=tmp_path,
        clock=lambda: NOW,
        run_id="run-7",
    )

    assert [o.outcome for o in report.outcomes] == ["done", "done"]
    assert gw.pulls[1].merged
    assert gw.pulls[2].labels == ["bug"]
    audited = events(tmp_path)
    assert [e["event"] for e in audited] == ["plan", "outcome", "outcome", "run"]
    assert {e["run_id"] for e in audited} == {"run-7"}
    assert all(e["apply"] is True for e in audited)
    assert [(e["kind"], e["pr"], e["outcome"]) for e in audited[1:3]] == [("merge", 1, "done"), ("label", 2, "done")]
    assert audited[1]["merged_sha"] == report.outcomes[0].merged_sha
    assert {e["time"] for e in audited} == {"2026-11-23T22:00:00Z"}  # the caller's clock, audit included
    assert audited[3]["exit_code"] == report.exit_code == 0
    assert not RunLock(tmp_path, "acme/rocket").held
    with RunLock(tmp_path, "acme/rocket") as again:  # released after the run
        assert again.held


def test_the_lock_is_held_while_the_plan_is_applied(tmp_path: Path) -> None:
    gw = FakeGateway(*pulls(1, 2))
    refused: list[str] = []

    def progress(done: int, total: int, outcome: ActionOutcome) -> None:
        with pytest.raises(RunLocked) as caught:
            RunLock(tmp_path, "acme/rocket").acquire()
        refused.append(caught.value.message)

    run_plan(
        plan_of(label(1, "a"), label(2, "b")),
        gw,
        settings=FAST,
        bus=LogBus(),
        apply=True,
        state_dir=tmp_path,
        progress=progress,
    )

    assert len(refused) == 2
    assert "another lbconsole run is already applying a plan to acme/rocket" in refused[0]


def test_applying_while_another_run_holds_the_lock_sends_and_records_nothing(tmp_path: Path) -> None:
    gw = FakeGateway(*pulls(1))
    records: list[LogRecord] = []

    with RunLock(tmp_path, "acme/rocket"), pytest.raises(RunLocked, match="already applying a plan to acme/rocket"):
        run_plan(plan_of(merge(1)), gw, settings=FAST, bus=bus_with(records), apply=True, state_dir=tmp_path)

    assert gw.calls == []
    assert not gw.pulls[1].merged
    assert not (tmp_path / "audit.jsonl").exists()
    assert records == []


def test_a_dry_run_takes_no_lock_and_is_audited(tmp_path: Path) -> None:
    gw = FakeGateway(*pulls(1))

    with RunLock(tmp_path, "acme/rocket") as other:  # another run is applying: a dry run does not care
        report = run_plan(plan_of(merge(1)), gw, settings=FAST, bus=LogBus(), apply=False, state_dir=tmp_path)
        assert other.held

    assert [o.outcome for o in report.outcomes] == ["planned"]
    assert gw.calls == []
    audited = events(tmp_path)
    assert [e["event"] for e in audited] == ["plan", "outcome", "run"]
    assert all(e["apply"] is False for e in audited)


def test_a_dry_run_leaves_an_explicit_lock_alone(tmp_path: Path) -> None:
    lock = RunLock(tmp_path, "acme/rocket")
    taken: list[bool] = []

    run_plan(
        plan_of(merge(1)),
        FakeGateway(*pulls(1)),
        settings=FAST,
        bus=LogBus(),
        apply=False,
        lock=lock,
        progress=lambda done, total, outcome: taken.append(lock.held),
    )

    assert taken == [False]
    assert not lock.path.exists()


def test_cancel_finishes_the_action_in_flight_and_audits_the_rest_as_cancelled(tmp_path: Path) -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    cancel = threading.Event()

    report = run_plan(
        plan_of(label(1, "a"), label(2, "b"), label(3, "c")),
        gw,
        settings=FAST,
        bus=LogBus(),
        apply=True,
        state_dir=tmp_path,
        cancel=cancel,
        progress=lambda done, total, outcome: cancel.set(),
    )

    assert [o.outcome for o in report.outcomes] == ["done", "cancelled", "cancelled"]
    assert gw.pulls[1].labels == ["a"]
    assert gw.pulls[2].labels == gw.pulls[3].labels == []
    assert report.cancelled is True
    assert report.exit_code == 1
    audited = events(tmp_path)
    assert [e.get("outcome") for e in audited if e["event"] == "outcome"] == ["done", "cancelled", "cancelled"]
    assert audited[-1]["cancelled"] is True
    with RunLock(tmp_path, "acme/rocket"):  # a cancelled run releases the lock too
        pass


def test_explicit_audit_and_lock_objects_are_used_instead_of_a_state_dir(tmp_path: Path) -> None:
    token = "s3cret-value-of-a-token"
    audit = AuditLog(tmp_path / "audit-here", secrets=[token], clock=lambda: NOW)
    lock = RunLock(tmp_path / "lock-here", "acme/rocket")
    gw = FakeGateway(*pulls(1))
    seen: list[bool] = []

    run_plan(
        plan_of(label(1, f"see {token}")),
        gw,
        settings=FAST,
        bus=LogBus(),
        apply=True,
        audit=audit,
        lock=lock,
        progress=lambda done, total, outcome: seen.append(lock.held),
    )

    assert seen == [True]
    assert not lock.held
    text = (tmp_path / "audit-here" / "audit.jsonl").read_text(encoding="utf-8")
    assert token not in text
    assert "see ***" in text


def test_without_a_state_dir_there_is_neither_lock_nor_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    gw = FakeGateway(*pulls(1))

    with RunLock(tmp_path, "acme/rocket"):
        report = run_plan(plan_of(merge(1)), gw, settings=FAST, bus=LogBus(), apply=True, sleep=lambda s: None)

    assert report.exit_code == 0
    assert gw.pulls[1].merged
    assert list(tmp_path.rglob("audit.jsonl")) == []  # not in the test's home (user_state_dir) either


def test_the_summary_gets_the_report_then_the_run_table(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    body = "## audit\n\n| category | PRs |\n|---|---:|\n| bugfix | 2 |\n"
    plan = plan_of(Action("report", body=body, reason="audit"), label(1, "a"))

    report = run_plan(plan, FakeGateway(*pulls(1)), settings=FAST, bus=LogBus(), apply=True, summary_path=summary)

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n" + body + "\n")
    table = text[len("earlier step\n" + body + "\n") :]
    assert table.startswith("### lbconsole run: acme/rocket, mode `auto` (applied)\n")
    assert f"**done 2, stale 0, skipped 0, failed 0, cancelled 0** (exit 0, run `{report.run_id}`)" in table
    assert "| 2 | label `a` | #1 | done | labelled a |" in table
    assert table.endswith("|\n\n")


def test_a_plan_for_another_repository_is_refused_and_the_lock_released(tmp_path: Path) -> None:
    gw = FakeGateway(*pulls(1))

    with pytest.raises(UsageError, match="the plan is for acme/other"):
        run_plan(
            plan_of(label(1, "a"), repo="acme/other"), gw, settings=FAST, bus=LogBus(), apply=True, state_dir=tmp_path
        )

    assert gw.calls == []
    with RunLock(tmp_path, "acme/other"):
        pass


def test_outcome_line_is_one_line_for_a_progress_display() -> None:
    done = ActionOutcome(label(3, "bug"), "done", "labelled bug")
    report = ActionOutcome(Action("report", body="x"), "done", "report of 1 line logged")

    assert outcome_line(done) == "label #3 done: labelled bug"
    assert outcome_line(report) == "report done: report of 1 line logged"
