"""What the security scanner reports (findings, the report, redaction) and how it is called.

Kept apart from `scanner` so the analyser modules (`scan_secrets`,
`scan_workflows`) can build findings, and the executor can hold the scanner
(`ScanTools`), without importing the façade and its analysers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from lbconsole.core.orchestrator import SCAN_MARKER
from lbconsole.core.ports import PullFile
from lbconsole.engine.scan_commands import run_commands

Severity = Literal["high", "medium", "low", "info"]
"""`info` is for observations a reviewer may want but that are no finding: low-confidence
zizmor audits such as `artipacked` (kept in `ScanReport.info`, never in `findings`)."""

SEVERITY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2, "info": 3}
"""Sort order of severities: most severe first."""

MARKER = SCAN_MARKER
"""Hidden marker of the one scan summary comment (looked for before posting again)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer should look at in a pull request."""

    rule: str
    """Stable identifier, e.g. `secret/github-token`, `workflow/write-all`, `zizmor/template-injection`."""
    severity: Severity
    file: str
    """Path in the repository, as GitHub reports it."""
    line: int | None
    """Line number in the new (head) version of the file; None for file-level findings."""
    message: str
    """Human-readable explanation; never contains a secret value (at most a redacted hint)."""

    def sort_key(self) -> tuple[int, str, int, str, str]:
        """Most severe first, then by location, so reports are deterministic."""
        return (SEVERITY_RANK[self.severity], self.file, self.line or 0, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class ScanReport:
    """The outcome of scanning one pull request's changed files."""

    findings: tuple[Finding, ...]
    """Sorted with `Finding.sort_key`."""
    scanned_files: int
    """Files whose added lines were examined."""
    skipped: tuple[str, ...]
    """What could not be examined, and why (`path: reason`, or `zizmor: reason`)."""
    info: tuple[Finding, ...] = ()
    """Severity `info` observations, sorted: shown in the summary, not findings (no label, no failed status)."""

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)


def redact(secret: str) -> str:
    """A hint that identifies a secret to its owner without disclosing it.

    Args:
        secret: the raw secret value.

    Returns:
        The first and last four characters around at most 12 stars (e.g.
        `AKIA************MPLE`) for values of 20 characters or more, so at least
        12 characters always stay hidden; an empty string for shorter values.
    """
    if len(secret) < 20:
        return ""
    return secret[:4] + "*" * min(len(secret) - 8, 12) + secret[-4:]


Fetch = Callable[[str], bytes | None]
"""Reads a file's content at the scanned head (None when it does not exist there)."""
Scan = Callable[[Sequence[PullFile], Fetch | None], ScanReport]
"""`scan(files, fetch) -> ScanReport`."""
FormatSummary = Callable[[ScanReport, str], str]
"""`format_summary(report, head_sha) -> str`, starting with the scan marker."""
RunCommands = Callable[[Sequence[str], Mapping[str, str], Callable[[str], None]], Sequence[int]]
"""`run_commands(commands, env, on_line) -> exit codes`, one per command, in order."""


@dataclass(frozen=True, slots=True)
class ScanTools:
    """The security scanner as the `security_scan` action calls it, injectable (tests pass fakes).

    `default()` uses `lbconsole.engine.scanner`, imported on first use only.
    """

    scan: Scan
    format_summary: FormatSummary
    run_commands: RunCommands = run_commands
    """The configured extra scan commands (`security.commands`)."""

    @classmethod
    def default(cls) -> ScanTools:
        """The built-in scanner."""
        from lbconsole.engine import scanner

        return cls(scan=scanner.scan, format_summary=scanner.format_summary, run_commands=scanner.run_commands)
