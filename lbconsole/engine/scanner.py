"""The built-in security scanner behind the `security_scan` action (SPEC 3.1).

It looks at what a pull request adds, never at what it removes:
- secrets on added lines (detect-secrets plugins, in-process: `scan_secrets`);
- risky GitHub Actions changes (built-in checks on added lines, plus zizmor
  on the changed workflows at the head SHA when it is installed:
  `scan_workflows`);
- dependency-manifest changes (one low-severity finding per file).

`scan` is pure apart from the optional `fetch` callback and the zizmor
subprocess; `format_summary` renders the idempotent PR comment;
`run_commands` runs the extra commands of `security.commands`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

from lbconsole.core.ports import PullFile
from lbconsole.engine import scan_workflows
from lbconsole.engine.scan_commands import run_commands
from lbconsole.engine.scan_model import MARKER, Finding, ScanReport, Severity, redact
from lbconsole.engine.scan_patch import AddedLine, added_file_diff, added_lines, unified_diff
from lbconsole.engine.scan_secrets import find_secrets

__all__ = [
    "MARKER",
    "Finding",
    "ScanReport",
    "Severity",
    "format_summary",
    "is_manifest",
    "redact",
    "run_commands",
    "scan",
]

MAX_FETCHED_BYTES = 2_000_000
"""A new file without a patch (GitHub omits large ones) is fetched and scanned up to this size."""

_MANIFEST_NAMES = frozenset(
    {
        "package.json",
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "pyproject.toml",
        "poetry.lock",
        "uv.lock",
        "Pipfile",
        "Pipfile.lock",
        "setup.py",
        "setup.cfg",
        "go.mod",
        "go.sum",
        "Cargo.toml",
        "Cargo.lock",
        "Gemfile",
        "Gemfile.lock",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "composer.json",
        "composer.lock",
    }
)
_REQUIREMENTS = re.compile(r"^(requirements|constraints)[\w.-]*\.(txt|in)$")


def is_manifest(path: str) -> bool:
    """True for a file that declares or locks dependencies (`requirements/*.txt` included)."""
    p = PurePosixPath(path)
    return (
        p.name in _MANIFEST_NAMES
        or bool(_REQUIREMENTS.match(p.name))
        or (p.parent.name == "requirements" and p.suffix in (".txt", ".in"))
    )


def scan(
    files: Sequence[PullFile],
    fetch: Callable[[str], bytes | None] | None = None,
    *,
    use_zizmor: bool = True,
) -> ScanReport:
    """Scan a pull request's changed files.

    Args:
        files: the PR's files with their patches.
        fetch: returns a file's content at the PR's head SHA (or None); used
            to audit changed workflows with zizmor and to scan new files whose
            patch GitHub omitted. Without it, both are skipped (and said so).
        use_zizmor: False runs only the built-in workflow checks.

    Returns:
        The sorted findings, how many files were scanned, and what was skipped.
    """
    findings: list[Finding] = []
    skipped: list[str] = []
    scanned: list[tuple[str, list[AddedLine]]] = []
    workflows: list[tuple[str, list[AddedLine]]] = []
    for f in files:
        if is_manifest(f.filename):
            findings.append(_manifest_finding(f))
        diff, reason = _diff_of(f, fetch)
        if diff is None:
            if reason:
                skipped.append(f"{f.filename}: {reason}")
            continue
        try:
            added = added_lines(diff)
        except Exception as exc:  # unidiff.UnidiffParseError, or worse: never stop the scan
            skipped.append(f"{f.filename}: unreadable patch ({type(exc).__name__})")
            continue
        scanned.append((f.filename, added))
        if scan_workflows.is_workflow_file(f.filename) and f.status != "removed":
            workflows.append((f.filename, added))
    for _path, result in find_secrets(scanned) if scanned else ():
        if isinstance(result, Finding):
            findings.append(result)
        else:
            skipped.append(result)
    builtin = [x for path, added in workflows for x in scan_workflows.builtin_checks(path, added)]
    findings += scan_workflows.merge_zizmor(builtin, _zizmor(workflows, fetch, use_zizmor, skipped))
    unique = sorted(set(findings), key=Finding.sort_key)
    return ScanReport(
        findings=tuple(f for f in unique if f.severity != "info"),
        scanned_files=len(scanned),
        skipped=tuple(skipped),
        info=tuple(f for f in unique if f.severity == "info"),
    )


def _diff_of(f: PullFile, fetch: Callable[[str], bytes | None] | None) -> tuple[str | None, str]:
    """The file's diff, or (None, why it is not scanned; empty when there is nothing to scan)."""
    if f.patch is not None:
        return unified_diff(f.filename, f.patch), ""
    if f.status == "removed" or (f.additions == 0 and f.status != "added"):
        return None, ""
    if f.status != "added" or fetch is None:
        return None, "no patch from GitHub (binary or too large); not scanned"
    content = fetch(f.filename)
    if content is None or len(content) > MAX_FETCHED_BYTES or b"\0" in content:
        return None, "no patch from GitHub and content not scannable (missing, binary or too large)"
    return added_file_diff(f.filename, content.decode("utf-8", errors="replace")), ""


def _zizmor(
    workflows: list[tuple[str, list[AddedLine]]],
    fetch: Callable[[str], bytes | None] | None,
    use_zizmor: bool,
    skipped: list[str],
) -> list[Finding]:
    if not workflows:
        return []
    if not use_zizmor:
        skipped.append("zizmor: disabled; built-in workflow checks only")
        return []
    binary = scan_workflows.find_zizmor()
    if binary is None:
        skipped.append("zizmor: not installed; built-in workflow checks only")
        return []
    if fetch is None:
        skipped.append("zizmor: workflow contents at the head SHA not available; built-in checks only")
        return []
    found, problems = scan_workflows.run_zizmor(binary, workflows, fetch)
    skipped += problems
    return found


def _manifest_finding(f: PullFile) -> Finding:
    return Finding(
        rule="dependency-manifest",
        severity="low",
        file=f.filename,
        line=None,
        message=f"dependency manifest {f.status} (+{f.additions} -{f.deletions}); review the dependency changes",
    )


def format_summary(report: ScanReport, head_sha: str) -> str:
    """The Markdown body of the PR's scan comment.

    Args:
        report: what `scan` found.
        head_sha: the commit that was scanned.

    Returns:
        Text starting with `MARKER`: a table of findings (most severe first)
        or a "no findings" line, then what was skipped, if anything.
    """
    lines = [MARKER, "### ΛBot security scan", ""]
    n = len(report.findings)
    files = f"{report.scanned_files} file{'s' if report.scanned_files != 1 else ''}"
    if n == 0:
        lines.append(f"No findings in the lines added by this pull request ({files} scanned at {head_sha}).")
    else:
        counts = ", ".join(f"{report.count(s)} {s}" for s in ("high", "medium", "low") if report.count(s))
        plural = "s" if n != 1 else ""
        lines += [
            f"**{n} finding{plural}** ({counts}) in the lines added by this pull request "
            f"({files} scanned at {head_sha}).",
            "",
            "| Rule | Severity | Location | Details |",
            "| --- | --- | --- | --- |",
        ]
        for f in sorted(report.findings, key=Finding.sort_key):
            where = f.file if f.line is None else f"{f.file}:{f.line}"
            lines.append(f"| `{_cell(f.rule)}` | {f.severity} | `{_cell(where)}` | {_cell(f.message)} |")
    if report.info:
        lines += ["", f"<details><summary>Notes, not findings ({len(report.info)})</summary>", ""]
        for f in report.info:
            where = f.file if f.line is None else f"{f.file}:{f.line}"
            lines.append(f"- `{_cell(f.rule)}` `{_cell(where)}`: {_cell(f.message)}")
        lines += ["", "</details>"]
    if report.skipped:
        lines += ["", f"<details><summary>Not scanned ({len(report.skipped)})</summary>", ""]
        lines += [f"- {_cell(s)}" for s in report.skipped]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (and code span): one line, no bare pipes or backticks."""
    return " ".join(text.split()).replace("|", "\\|").replace("`", "'")
