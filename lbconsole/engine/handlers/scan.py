"""The `security_scan` action: scan a PR's added lines, report once, set the scan status.

The scanner (`ScanTools`) reads the PR's files at the head the plan saw;
each finding is logged. Any finding labels the PR `security-review`;
findings of `SIGNIFICANT` severity, or a configured scan command that
fails, make the `lbconsole/security-scan` status a failure. The summary is
one comment, found again by its marker and edited rather than repeated.

Every merge is preceded by a scan of its head (the security gate), but the
configured scan commands (`security.commands`, the heavy scans) run only for
actions on security PRs (category `security`); they read untrusted PR
content, so they run with an environment stripped of every token.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from lbconsole.auth import without_tokens
from lbconsole.core.orchestrator import SCAN_CONTEXT, SCAN_MARKER, SECURITY_REVIEW
from lbconsole.core.plan import Action
from lbconsole.core.ports import PullFile, PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.handlers.base import PullHandler, Run, find_marked, plural, pr_of, short
from lbconsole.engine.outcomes import ActionOutcome
from lbconsole.engine.scan_model import ScanTools

SIGNIFICANT = frozenset({"high", "medium"})
"""Severities that fail the scan status; any finding at all adds the security-review label (SPEC 3.1)."""


def security_scan(run: Run, action: Action, snap: PullSnapshot) -> ActionOutcome:
    """Scan the PR at its head, label it on findings, post or update the summary, set the status."""
    n = pr_of(action)
    sha = snap.head_sha
    tools = run.scanner = run.scanner or ScanTools.default()
    files = run.gateway.list_pull_files(n)

    def fetch(path: str) -> bytes | None:
        return run.gateway.get_file(path, ref=sha)

    report = tools.scan(files, fetch)
    findings = report.findings
    significant = [f for f in findings if f.severity in SIGNIFICANT]
    for f in findings:
        level = "warning" if f.severity in SIGNIFICANT else "info"
        where = f"{f.file}:{f.line}" if f.line else f.file
        run.bus.emit("scan", f"{f.severity} {f.rule} {where}: {f.message}", level, n)
    # the heavy scans cost a runner: only for security PRs, not for a gate scan before a merge
    command_failures = _scan_commands(run, n, sha, files, tools) if action.category == "security" else []
    did = [f"{plural(len(files), 'file')} scanned, {plural(len(findings), 'finding')}"]
    if findings and not snap.has_label(SECURITY_REVIEW):
        run.write(lambda: run.gateway.add_labels(n, [SECURITY_REVIEW]))
        did.append(f"labelled {SECURITY_REVIEW}")
    body = tools.format_summary(report, sha)
    existing = find_marked(run.gateway.list_comments(n), SCAN_MARKER)
    if existing is None:
        run.write(lambda: run.gateway.create_comment(n, body))
        did.append("summary posted")
    elif existing.body != body:
        run.write(lambda: run.gateway.update_comment(existing.id, body))
        did.append("summary updated")
    else:
        did.append("summary unchanged")
    if significant:
        state, desc = "failure", f"{plural(len(significant), 'finding')} to review"
    elif command_failures:
        state, desc = "failure", f"{plural(len(command_failures), 'scan command')} failed"
    else:
        state, desc = "success", "no findings" if not findings else f"{plural(len(findings), 'low finding')}"
    if command_failures:
        did.append("failed: " + ", ".join(command_failures))
    run.write(lambda: run.gateway.set_commit_status(sha, SCAN_CONTEXT, state, desc[:140]))
    did.append(f"status {state}")
    return run.outcome(action, "done", "; ".join(did))


def _scan_commands(run: Run, n: int, sha: str, files: Sequence[PullFile], tools: ScanTools) -> list[str]:
    """Run `security.commands`, their output streamed into the log; returns `command (exit N)` per failure."""
    commands = tuple(run.settings.security.commands)
    if not commands:
        return []
    env = {
        **without_tokens(os.environ),  # scanners read untrusted PR content: no write token
        "LBCONSOLE_REPO": run.repo,
        "LBCONSOLE_PR": str(n),
        "LBCONSOLE_HEAD_SHA": sha,
        "LBCONSOLE_CHANGED_FILES": "\n".join(f.filename for f in files),
    }

    def on_line(line: str) -> None:
        run.bus.emit("scan", line.rstrip("\n"), "info", n)

    try:
        codes = tools.run_commands(commands, env, on_line)
    except Exception as exc:
        run.bus.emit("scan", f"scan commands could not run: {type(exc).__name__}: {exc}", "error", n)
        return list(commands)
    return [f"{command} (exit {code})" for command, code in zip(commands, codes, strict=False) if code]


def describe(action: Action, settings: Settings) -> str:
    """What a scan would do, with the number of scan commands it would run."""
    commands = settings.security.commands if action.category == "security" else ()
    extra = f", run {plural(len(commands), 'scan command')}" if commands else ""
    return (
        f"would scan the diff at {short(action.head_sha)}, post or update the summary comment, "
        f"set status {SCAN_CONTEXT}{extra} (label {SECURITY_REVIEW} on findings)"
    )


HANDLER = PullHandler(apply=security_scan, describe=describe)
