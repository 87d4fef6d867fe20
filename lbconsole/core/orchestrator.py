"""Names shared by the engine, the workflow file, the console and the simulator.

The orchestrator's contract with GitHub is a handful of strings: the
workflow file, its run name (which carries the mode and the correlation id
of a dispatch), the commit-status context of the security scan, the hidden
comment markers and the labels lbconsole adds. Each is written once, here.
"""

from __future__ import annotations

MODES: tuple[str, ...] = ("auto", "security-only", "merge-only", "conflict-resolution", "full-audit")
"""The five orchestrator modes, in the order the console cycles them."""

WORKFLOW_FILE = "lambda-bot.yml"
"""The orchestrator workflow's file name under `.github/workflows/`."""
RUN_NAME_PREFIX = "lambda-bot"
"""Every orchestrator run is named `lambda-bot <mode> <correlation id>` (the workflow's `run-name`)."""

SCAN_CONTEXT = "lbconsole/security-scan"
"""The commit-status context the security scan sets on the head it scanned."""
SCAN_MARKER = "<!-- lbconsole:scan -->"
"""Hidden marker of the one scan summary comment on a PR."""
CONFLICT_MARKER = "<!-- lbconsole:conflict -->"
"""Hidden marker of the one conflict notification comment on a PR."""

NEEDS_REBASE = "needs-rebase"
"""The label `notify_conflict` adds."""
SECURITY_REVIEW = "security-review"
"""The label a scan with any finding adds."""
STALE = "stale"
"""The label full-audit adds to PRs idle for `audit.stale_days`."""


def run_name(mode: str, correlation_id: str = "") -> str:
    """`lambda-bot <mode> <correlation id>` (without a trailing space when there is no id)."""
    return f"{RUN_NAME_PREFIX} {mode} {correlation_id}".rstrip()


def mode_of_run_name(title: str) -> str | None:
    """The mode in a run name `lambda-bot <mode> <correlation id>`; None when it is not one."""
    parts = title.split()
    if len(parts) >= 2 and parts[0] == RUN_NAME_PREFIX and parts[1] in MODES:
        return parts[1]
    return None
