"""The plan executor against an in-memory FakeGateway (SPEC 3.1)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lbconsole.core.orchestrator import CONFLICT_MARKER, SCAN_CONTEXT, SCAN_MARKER
from lbconsole.core.plan import Action, Plan
from lbconsole.core.ports import PullFile
from lbconsole.core.settings import GithubSettings, Limits, SecuritySettings, Settings
from lbconsole.engine import audit as audit_module
from lbconsole.engine.audit import AuditLog, read_audit
from lbconsole.engine.executor import execute
from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.engine.outcomes import ActionOutcome, RunReport, format_summary_table
from lbconsole.engine.scan_model import Finding, ScanReport, ScanTools
from lbconsole.errors import AuthError, GatewayError, Unreachable, UsageError
from tests.unit.fake_gateway import FakeGateway, FakePull, pulls, sha

NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
FAST = Settings(github=GithubSettings(write_interval_s=0))


def plan_of(*actions: Action, repo: str = "acme/rocket", mode: str = "auto") -> Plan:
    return Plan(repo=repo, mode=mode, generated_at=NOW, limits=Limits(), actions=actions)


def merge(n: int, head: str | None = None) -> Action:
    return Action("merge", pr=n, head_sha=head or sha(n), reason="ready")


def label(n: int, name: str) -> Action:
    return Action("label", pr=n, head_sha=sha(n), label=name)


def notify(n: int) -> Action:
    return Action("notify_conflict", pr=n, head_sha=sha(n), label="needs-rebase")


def update(n: int) -> Action:
    return Action("update_branch", pr=n, head_sha=sha(n))


def scan(n: int) -> Action:
    return Action("security_scan", pr=n, head_sha=sha(n), category="security")


@dataclass
class Run:
    report: RunReport
    records: list[LogRecord]
    sleeps: list[float]

    def outcomes(self) -> list[str]:
        return [o.outcome for o in self.report.outcomes]

    def messages(self) -> list[str]:
        return [o.message for o in self.report.outcomes]

    def lines(self, source: str | None = None) -> list[str]:
        return [r.text for r in self.records if source is None or r.source == source]


def run(gw: FakeGateway, plan: Plan, *, apply: bool = True, settings: Settings = FAST, **kwargs: Any) -> Run:
    bus = LogBus(clock=lambda: NOW)
    records: list[LogRecord] = []
    bus.subscribe(records.append)
    sleeps: list[float] = []
    report = execute(
        plan, gw, settings=settings, bus=bus, apply=apply, sleep=sleeps.append, clock=lambda: NOW, **kwargs
    )
    return Run(report, records, sleeps)


def test_dry_run_makes_no_request_and_changes_nothing() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    plan = plan_of(merge(1), notify(2), label(3, "bug"), scan(3))

    r = run(gw, plan, apply=False)

    assert gw.calls == []
    assert r.outcomes() == ["planned"] * 4
    assert r.report.exit_code == 0
    assert r.report.counts["planned"] == 4
    assert gw.pulls[1].merged is False
    assert gw.pulls[3].labels == []
    assert f"would merge at {sha(1)[:7]} (squash)" in r.lines("merge")


def test_stale_head_leaves_that_pr_alone_and_the_batch_goes_on() -> None:
    gw = FakeGateway(*pulls(1, 2, 3), strict=False)
    gw.pulls[2].head_sha = "f" * 40  # someone pushed after the plan
    plan = plan_of(merge(1), merge(2), label(3, "bug"))

    r = run(gw, plan)

    assert r.outcomes() == ["done", "stale", "done"]
    assert "head moved from 0000000 to fffffff" in r.messages()[1]
    assert [args for name, args in gw.writes if args[0] == 2] == []
    assert gw.pulls[2].merged is False
    assert gw.pulls[1].merged
    assert gw.pulls[3].labels == ["bug"]
    assert r.report.exit_code == 1
    assert r.report.counts["stale"] == 1


def test_merge_sends_planned_sha_and_configured_method() -> None:
    gw = FakeGateway(*pulls(4))
    settings = replace(FAST, merge=replace(FAST.merge, method="rebase"))

    r = run(gw, plan_of(merge(4)), settings=settings)

    assert ("merge", (4, sha(4), "rebase")) in gw.calls
    assert r.outcomes() == ["done"]
    assert r.report.outcomes[0].merged_sha.startswith("0000001")
    assert r.lines("merge")[-1] == "merged 0000001 (rebase)"
    assert r.report.exit_code == 0


def test_merge_409_is_stale() -> None:
    gw = FakeGateway(*pulls(5))
    gw.fail[("merge", 5)] = GatewayError("Head branch was modified. Review and try the merge again.", status=409)

    r = run(gw, plan_of(merge(5)))

    assert r.outcomes() == ["stale"]
    assert r.report.outcomes[0].status == 409
    assert "Head branch was modified" in r.messages()[0]
    assert r.report.exit_code == 1


def test_merge_405_fails_with_githubs_message() -> None:
    gw = FakeGateway(FakePull(6, sha(6), mergeable_state="blocked"))

    r = run(gw, plan_of(merge(6)))

    assert r.outcomes() == ["failed"]
    assert r.messages() == ["Pull Request is not mergeable"]
    assert r.report.outcomes[0].status == 405
    assert r.report.exit_code == 1


def test_already_merged_is_done_without_a_second_merge() -> None:
    gw = FakeGateway(FakePull(7, sha(7), state="closed", merged=True))

    r = run(gw, plan_of(merge(7)))

    assert r.outcomes() == ["done"]
    assert "already merged" in r.messages()[0]
    assert gw.names() == ["get_pull"]
    assert r.report.exit_code == 0


def test_closed_pr_is_skipped() -> None:
    gw = FakeGateway(FakePull(8, sha(8), state="closed"))

    r = run(gw, plan_of(label(8, "bug")))

    assert r.outcomes() == ["skipped"]
    assert r.messages() == ["closed"]
    assert gw.writes == []
    assert r.report.exit_code == 0


def test_pr_that_became_behind_after_an_earlier_merge_is_skipped() -> None:
    gw = FakeGateway(*pulls(1, 2))  # strict protection: merging #1 makes #2 behind

    r = run(gw, plan_of(merge(1), merge(2)))

    assert r.outcomes() == ["done", "skipped"]
    assert r.messages()[1] == "became behind after an earlier merge"
    assert gw.names().count("merge") == 1
    assert gw.pulls[2].merged is False
    assert r.report.exit_code == 0


def test_pr_that_became_conflicting_after_an_earlier_merge_is_skipped() -> None:
    gw = FakeGateway(*pulls(1, 2), strict=False)

    def conflict(g: FakeGateway, merged: int) -> None:
        g.pulls[2].mergeable_state = "dirty"

    gw.after_merge = conflict

    r = run(gw, plan_of(merge(1), merge(2)))

    assert r.outcomes() == ["done", "skipped"]
    assert r.messages()[1] == "became conflicting after an earlier merge"
    assert gw.names().count("merge") == 1


def test_unknown_mergeability_after_a_merge_is_polled_then_skipped_never_merged_untested() -> None:
    gw = FakeGateway(*pulls(1, 2), strict=False)

    def unknown(g: FakeGateway, merged: int) -> None:
        g.pulls[2].mergeable_state = "unknown"

    gw.after_merge = unknown

    r = run(gw, plan_of(merge(1), merge(2)))

    assert r.outcomes() == ["done", "skipped"]
    assert "mergeability unknown" in r.messages()[1]
    assert gw.names().count("get_pull") == 2 + 3  # one read per action, three re-reads while GitHub computes
    assert gw.names().count("merge") == 1
    assert r.sleeps == [2.0, 2.0, 2.0]


def test_update_branch_sends_expected_head_and_422_is_stale() -> None:
    gw = FakeGateway(*pulls(3, 4))
    gw.fail[("update_branch", 4)] = GatewayError("expected head sha didn't match current head ref.", status=422)

    r = run(gw, plan_of(update(3), update(4)))

    assert ("update_branch", (3, sha(3))) in gw.calls
    assert r.outcomes() == ["done", "stale"]
    assert r.report.outcomes[1].status == 422


def test_update_branch_conflict_422_is_failed_not_stale() -> None:
    gw = FakeGateway(FakePull(3, sha(3), mergeable_state="dirty"))

    r = run(gw, plan_of(update(3)))

    assert r.outcomes() == ["failed"]
    assert "merge conflict" in r.messages()[0]


def test_notify_conflict_and_label_are_idempotent_across_runs() -> None:
    gw = FakeGateway(FakePull(5, sha(5), author="bob"), *pulls(6))
    plan = plan_of(notify(5), label(6, "bug"))

    first = run(gw, plan)
    writes_after_first = len(gw.writes)
    second = run(gw, plan)

    assert first.outcomes() == ["done", "done"]
    assert second.outcomes() == ["done", "done"]
    assert writes_after_first == 3  # needs-rebase, the comment, bug
    assert len(gw.writes) == 3  # the second run wrote nothing
    assert gw.pulls[5].labels == ["needs-rebase"]
    assert gw.pulls[6].labels == ["bug"]
    marked = [c for c in gw.pulls[5].comments if CONFLICT_MARKER in c.body]
    assert len(marked) == 1
    assert "@bob" in marked[0].body
    assert "author already notified" in second.messages()[0]


def test_notify_conflict_comments_even_when_the_label_is_already_there() -> None:
    gw = FakeGateway(FakePull(5, sha(5), labels=["Needs-Rebase"]))

    run(gw, plan_of(notify(5)))

    assert [name for name, _ in gw.writes] == ["create_comment"]


def test_an_exception_in_one_action_fails_it_and_the_rest_proceed() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    gw.fail[("get_pull", 2)] = RuntimeError("boom")
    gw.fail[("add_labels", 3)] = GatewayError("Server Error", status=502)

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), label(3, "c"), label(1, "d")))

    assert r.outcomes() == ["done", "failed", "failed", "done"]
    assert r.messages()[1] == "unexpected error: RuntimeError: boom"
    assert r.messages()[2] == "the answer was lost (Server Error (HTTP 502)); a re-read shows it was not done"
    assert r.report.outcomes[2].status == 502
    assert gw.pulls[1].labels == ["a", "d"]
    assert r.report.exit_code == 1
    assert r.report.aborted == ""


def test_auth_error_aborts_the_rest_without_requests() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    gw.fail[("get_pull", 1)] = AuthError("the token was rejected (401); run `lbconsole auth login`")

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), label(3, "c")))

    assert r.outcomes() == ["failed", "failed", "failed"]
    assert r.messages()[1].startswith("not attempted: authentication failed")
    assert gw.names() == ["get_pull"]
    assert r.report.exit_code == 3


def test_github_unreachable_three_times_in_a_row_aborts_with_exit_4() -> None:
    gw = FakeGateway(*pulls(1, 2, 3, 4, 5))
    for n in (2, 3, 4):
        gw.fail[("get_pull", n)] = Unreachable("cannot reach api.github.com")
    gw.fail[("get_pull", 1)] = Unreachable("cannot reach api.github.com")

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), label(3, "c"), label(4, "d"), label(5, "e")))

    assert r.outcomes() == ["failed"] * 5
    assert r.messages()[3].startswith("not attempted: GitHub unreachable")
    assert gw.names() == ["get_pull"] * 3
    assert r.report.exit_code == 4


def test_one_unreachable_action_is_just_failed() -> None:
    gw = FakeGateway(*pulls(1, 2))
    gw.fail[("get_pull", 1)] = Unreachable("cannot reach api.github.com")

    r = run(gw, plan_of(label(1, "a"), label(2, "b")))

    assert r.outcomes() == ["failed", "done"]
    assert r.report.exit_code == 1


def test_cancel_after_the_first_action_cancels_the_rest() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    cancel = threading.Event()
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, outcome: ActionOutcome) -> None:
        seen.append((done, total, outcome.outcome))
        cancel.set()

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), label(3, "c")), cancel=cancel, progress=progress)

    assert r.outcomes() == ["done", "cancelled", "cancelled"]
    assert seen == [(1, 3, "done"), (2, 3, "cancelled"), (3, 3, "cancelled")]
    assert all(args[0] == 1 for _, args in gw.calls)
    assert gw.pulls[2].labels == []
    assert gw.pulls[3].labels == []
    assert "cancelled: 2 remaining actions not started" in r.lines("run")
    assert r.report.cancelled is True
    assert r.report.counts["cancelled"] == 2
    assert r.report.exit_code == 1


def test_writes_are_paced_and_reads_are_not() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    gw.pulls[2].labels = ["b"]  # already there: no write
    settings = replace(FAST, github=GithubSettings(write_interval_s=1.5))

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), notify(3)), settings=settings)

    assert len(gw.writes) == 3  # a, needs-rebase, the comment
    assert r.sleeps == [1.5, 1.5]  # between writes, not before the first


def test_no_pacing_sleep_when_interval_is_zero() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), notify(3)))

    assert len(gw.writes) == 4
    assert r.sleeps == []


def test_every_outcome_is_audited_with_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = audit_module.os.fsync
    monkeypatch.setattr(audit_module.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    gw = FakeGateway(*pulls(1, 2))
    gw.fail[("add_labels", 2)] = GatewayError("Validation Failed: token ghp_" + "A" * 36, status=422)
    audit = AuditLog(tmp_path, clock=lambda: NOW)

    r = run(gw, plan_of(label(1, "a"), label(2, "b"), mode="full-audit"), audit=audit, run_id="run-1")

    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["event"] for e in events] == ["plan", "outcome", "outcome", "run"]
    assert len(synced) == 4
    assert events[0]["plan"]["schema"] == "lbconsole.plan/1"
    first = events[1]
    assert {k: first[k] for k in ("repo", "mode", "run_id", "kind", "pr", "head_sha", "outcome", "status")} == {
        "repo": "acme/rocket",
        "mode": "full-audit",
        "run_id": "run-1",
        "kind": "label",
        "pr": 1,
        "head_sha": sha(1),
        "outcome": "done",
        "status": None,
    }
    assert first["time"] == "2026-11-23T22:00:00Z"
    assert events[2]["outcome"] == "failed"
    assert events[2]["status"] == 422
    assert "ghp_" not in (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    assert events[3]["counts"]["failed"] == 1
    assert events[3]["exit_code"] == r.report.exit_code == 1
    assert list(read_audit(tmp_path / "audit.jsonl")) == events


def test_report_action_logs_markdown_and_appends_to_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    gw = FakeGateway()
    body = "## lbconsole audit of acme/rocket\n\n| category | PRs |\n|---|---:|\n| bugfix | 2 |\n"

    r = run(gw, plan_of(Action("report", body=body, reason="audit")), summary_path=summary)

    assert r.outcomes() == ["done"]
    assert r.lines("report")[:2] == ["## lbconsole audit of acme/rocket", ""]
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + body + "\n"
    assert gw.calls == []


def test_plan_for_another_repository_is_refused() -> None:
    with pytest.raises(UsageError, match="acme/other"):
        run(FakeGateway(*pulls(1)), plan_of(label(1, "a"), repo="acme/other"))


# -- security scan -----------------------------------------------------------------------


class FakeScanner:
    """Stands in for lbconsole.engine.scanner; records what it was given."""

    def __init__(self, *findings: Finding, exit_codes: tuple[int, ...] = ()) -> None:
        self.findings = findings
        self.exit_codes = exit_codes
        self.scanned: list[list[str]] = []
        self.fetched: list[bytes | None] = []
        self.commands: list[tuple[tuple[str, ...], dict[str, str]]] = []

    def scan(self, files: Any, fetch: Any) -> ScanReport:
        self.scanned.append([f.filename for f in files])
        self.fetched.append(fetch(files[0].filename))
        return ScanReport(findings=self.findings, scanned_files=len(files), skipped=())

    def format_summary(self, report: ScanReport, head_sha: str) -> str:
        return f"{SCAN_MARKER}\n{len(report.findings)} findings at {head_sha[:7]}"

    def run_commands(self, commands: Any, env: Any, on_line: Any) -> list[int]:
        self.commands.append((tuple(commands), dict(env)))
        for c in commands:
            on_line(f"$ {c}")
            on_line("all good\n")
        return list(self.exit_codes)

    def tools(self) -> ScanTools:
        return ScanTools(scan=self.scan, format_summary=self.format_summary, run_commands=self.run_commands)


def scan_pull(n: int) -> FakePull:
    return FakePull(n, sha(n), files=[PullFile("src/app.py", "modified", "@@ -1 +1 @@\n-a\n+b", 1, 1)])


def test_security_scan_with_findings_labels_comments_and_fails_the_status() -> None:
    gw = FakeGateway(scan_pull(9))
    gw.contents[("src/app.py", sha(9))] = b"b\n"
    finding = Finding("secret/github-token", "high", "src/app.py", 1, "GitHub token added")
    fake = FakeScanner(finding)

    r = run(gw, plan_of(scan(9)), scanner=fake.tools())

    assert r.outcomes() == ["done"]
    assert fake.scanned == [["src/app.py"]]
    assert fake.fetched == [b"b\n"]  # fetch reads at the planned head
    assert "security-review" in gw.pulls[9].labels
    assert [c.body for c in gw.pulls[9].comments] == [f"{SCAN_MARKER}\n1 findings at {sha(9)[:7]}"]
    assert gw.statuses == [(sha(9), SCAN_CONTEXT, "failure", "1 finding to review")]
    assert "high secret/github-token src/app.py:1: GitHub token added" in r.lines("scan")


def test_security_scan_updates_its_one_comment_and_stays_clean() -> None:
    gw = FakeGateway(scan_pull(9))
    first = run(gw, plan_of(scan(9)), scanner=FakeScanner(Finding("r", "medium", "a", 1, "m")).tools())
    gw.pulls[9].labels.clear()  # a reviewer removed it after fixing the PR

    second = run(gw, plan_of(scan(9)), scanner=FakeScanner().tools())
    third = run(gw, plan_of(scan(9)), scanner=FakeScanner().tools())

    assert first.outcomes() == second.outcomes() == third.outcomes() == ["done"]
    assert len(gw.pulls[9].comments) == 1
    assert gw.pulls[9].comments[0].body.endswith(f"0 findings at {sha(9)[:7]}")
    assert gw.pulls[9].labels == []
    assert [s[2] for s in gw.statuses] == ["failure", "success", "success"]
    assert "summary updated" in second.messages()[0]
    assert "summary unchanged" in third.messages()[0]
    assert [name for name, _ in gw.writes].count("update_comment") == 1


def test_low_findings_label_for_review_but_pass_the_status() -> None:
    # SPEC 3.1: security-review "when anything is found"; only medium/high findings fail the status
    gw = FakeGateway(scan_pull(9))
    low = Finding("dependency-manifest", "low", "package.json", None, "manifest changed")

    run(gw, plan_of(scan(9)), scanner=FakeScanner(low).tools())

    assert gw.pulls[9].labels == ["security-review"]
    assert gw.statuses[0][2] == "success"


def test_outcome_messages_are_redacted_for_json_and_the_summary(tmp_path) -> None:
    from lbconsole.redact import forget_secrets, register_secret

    token = "ghp_" + "L" * 36
    register_secret(token)
    try:
        gw = FakeGateway(FakePull(1, sha(1)))
        gw.fail[("merge", 1)] = GatewayError(f"GitHub answered 500: echo {token}", status=500)
        r = run(gw, plan_of(merge(1)))
        report_text = format_summary_table(r.report)
        assert token not in r.report.outcomes[0].message
        assert "***" in r.report.outcomes[0].message
        assert token not in report_text
    finally:
        forget_secrets()


def test_security_scan_streams_configured_commands_into_the_log(monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_" + "t" * 36)
    monkeypatch.setenv("LBCONSOLE_TOKEN", "ghp_" + "t" * 36)
    monkeypatch.setenv("SCAN_OPTION", "kept")
    gw = FakeGateway(scan_pull(9))
    fake = FakeScanner(exit_codes=(0, 3))
    settings = replace(FAST, security=SecuritySettings(commands=("bandit -r .", "pip-audit")))

    r = run(gw, plan_of(scan(9)), settings=settings, scanner=fake.tools())

    commands, env = fake.commands[0]
    assert commands == ("bandit -r .", "pip-audit")
    assert env["LBCONSOLE_PR"] == "9"
    assert env["LBCONSOLE_HEAD_SHA"] == sha(9)
    assert env["SCAN_OPTION"] == "kept"
    assert "GITHUB_TOKEN" not in env
    assert "LBCONSOLE_TOKEN" not in env
    scan_lines = [(rec.text, rec.pr) for rec in r.records if rec.source == "scan"]
    assert ("$ bandit -r .", 9) in scan_lines
    assert ("all good", 9) in scan_lines
    assert "pip-audit (exit 3)" in r.messages()[0]
    assert gw.statuses[0][2:] == ("failure", "1 scan command failed")


def test_summary_table_lists_every_outcome() -> None:
    gw = FakeGateway(*pulls(1, 2), strict=False)
    gw.pulls[2].head_sha = "f" * 40

    r = run(gw, plan_of(merge(1), label(2, "a|b")))
    table = format_summary_table(r.report)

    assert "**done 1, stale 1, skipped 0, failed 0, cancelled 0** (exit 1" in table
    assert "| 1 | merge | #1 | done | merged 0000001 (squash) |" in table
    assert "| 2 | label `a\\|b` | #2 | stale |" in table


def test_summary_table_of_a_dry_run() -> None:
    r = run(FakeGateway(*pulls(1)), plan_of(merge(1)), apply=False)

    table = format_summary_table(r.report)

    assert "(dry run)" in table
    assert "**planned 1** (exit 0" in table


def test_every_action_kind_has_one_handler() -> None:
    from lbconsole.core.plan import ACTION_KINDS
    from lbconsole.engine.handlers import HANDLERS

    assert sorted(HANDLERS) == sorted(ACTION_KINDS)


def test_an_unknown_action_kind_is_described_in_a_dry_run_and_failed_when_applied() -> None:
    gw = FakeGateway(*pulls(1))
    plan = plan_of(Action("explode", pr=1, head_sha=sha(1)))

    dry = run(gw, plan, apply=False)
    applied = run(gw, plan)

    assert dry.outcomes() == ["planned"]
    assert dry.messages() == ["would run unknown action kind 'explode'"]
    assert applied.outcomes() == ["failed"]
    assert applied.messages() == ["unknown action kind 'explode'"]
    assert gw.calls == []
