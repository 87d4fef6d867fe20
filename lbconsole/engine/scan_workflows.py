"""Risky GitHub Actions changes: built-in line checks, then zizmor.

The built-in checks look only at added lines and hold even when zizmor is
missing: `pull_request_target`, `permissions: write-all`, and third-party
actions not pinned to a full commit SHA. "Third-party" means any owner other
than `actions/` and `github/` (GitHub's own, which most repositories pin by
tag, e.g. `actions/checkout@v4`); local `./` actions and `docker://` images
are not checked.

zizmor (`--offline`, no network) then audits each changed workflow as it is
at the head SHA. Its findings are kept only where their primary location
starts on an added line, so a one-line change is not blamed for the whole
file (nor for a job-level finding on the job it edits), and it runs with
`--no-ignores` (ignore comments come from the PR's author), with
`--min-severity medium` (low and informational audits are hygiene, not a
reason for a security review) and with a config whose unpinned-uses policy
matches the rule above. A finding zizmor itself rates low-confidence (e.g.
`artipacked`, a checkout without `persist-credentials: false`, on most
ordinary workflows) becomes severity `info`: reported, never failing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from lbconsole.auth import without_tokens
from lbconsole.engine.scan_model import Finding, Severity
from lbconsole.engine.scan_patch import AddedLine

_WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
_ACTION = re.compile(r"(^|/)action\.ya?ml$")
_COMMENT = re.compile(r"(^|\s)#.*$")
_PRT = re.compile(
    r"""^\s*(?:-\s*)?["']?pull_request_target["']?\s*(?::.*)?$"""  # a key or list item under `on:`
    r"""|^\s*["']?on["']?\s*:.*\bpull_request_target\b"""  # `on: pull_request_target`, `on: [push, ...]`
)
"""The trigger itself, not a mention (`if: github.event_name == 'pull_request_target'`)."""
_WRITE_ALL = re.compile(r"""^\s*(?:-\s*)?permissions\s*:\s*["']?write-all["']?\s*$""")
_USES = re.compile(r"""^\s*(?:-\s*)?["']?uses["']?\s*:\s*["']?(?P<ref>[^\s"']+)""")
_SHA = re.compile(r"[0-9a-fA-F]{40}")
FIRST_PARTY_OWNERS = frozenset({"actions", "github"})

ZIZMOR_CONFIG = """\
rules:
  unpinned-uses:
    config:
      policies:
        "actions/*": ref-pin
        "github/*": ref-pin
        "*": hash-pin
"""
"""zizmor's unpinned-uses policy, aligned with the built-in check."""

_ZIZMOR_SEVERITY: dict[str, Severity] = {"high": "high", "medium": "medium"}
"""zizmor severity (lower-cased) -> ours; Low, Informational and Unknown become `low`."""

_SAME_AS_BUILTIN = {
    "dangerous-triggers": "workflow/pull-request-target",
    "excessive-permissions": "workflow/write-all",
    "unpinned-uses": "workflow/unpinned-action",
}
"""zizmor audits that repeat a built-in finding on the same line are dropped."""


def is_workflow_file(path: str) -> bool:
    """True for files GitHub Actions reads: workflows and action definitions."""
    return bool(_WORKFLOW.match(path) or _ACTION.search(path))


def builtin_checks(path: str, added: Sequence[AddedLine]) -> list[Finding]:
    """The zizmor-independent checks on a workflow file's added lines.

    Args:
        path: the file's path (`is_workflow_file(path)` is true).
        added: its added lines with new line numbers.

    Returns:
        One finding per risky added line and rule.
    """
    out: list[Finding] = []
    for number, text in added:
        code = _COMMENT.sub("", text)
        if _PRT.match(code) and _WORKFLOW.match(path):
            out.append(
                Finding(
                    "workflow/pull-request-target",
                    "high",
                    path,
                    number,
                    "pull_request_target trigger: runs with a write token and secrets for fork PRs",
                )
            )
        if _WRITE_ALL.match(code):
            out.append(Finding("workflow/write-all", "high", path, number, "permissions: write-all grants every scope"))
        match = _USES.match(code)
        if match and (message := _unpinned(match["ref"])):
            out.append(Finding("workflow/unpinned-action", "medium", path, number, message))
    return out


def _unpinned(ref: str) -> str | None:
    if ref.startswith(("./", "docker://")):
        return None
    action, _, version = ref.partition("@")
    owner = action.split("/", 1)[0].lower()
    if owner in FIRST_PARTY_OWNERS or _SHA.fullmatch(version):
        return None
    if not version:
        return f"third-party action {action} has no ref; pin it to a full commit SHA"
    return f"third-party action {action}@{version} is not pinned to a full commit SHA"


def find_zizmor() -> str | None:
    """The zizmor binary: next to this Python (the zizmor wheel's script), else on PATH."""
    name = "zizmor.exe" if os.name == "nt" else "zizmor"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("zizmor")


def run_zizmor(
    binary: str,
    files: Sequence[tuple[str, Sequence[AddedLine]]],
    fetch: Callable[[str], bytes | None],
    timeout_s: float = 60.0,
) -> tuple[list[Finding], list[str]]:
    """Audit changed workflow files at the head SHA with `zizmor --offline`.

    Args:
        binary: path of the zizmor executable.
        files: (path, added lines) for each changed workflow file.
        fetch: returns a file's content at the head SHA, or None.
        timeout_s: limit for each zizmor process.

    Returns:
        (findings on added lines, skipped reasons).
    """
    findings: list[Finding] = []
    skipped: list[str] = []
    env = without_tokens(os.environ)
    env["NO_COLOR"] = "1"
    with tempfile.TemporaryDirectory(prefix="lbconsole-zizmor-") as tmp:
        root = Path(tmp)
        config = root / "zizmor-config.yml"
        config.write_text(ZIZMOR_CONFIG, encoding="utf-8")
        for index, (path, added) in enumerate(files):
            content = fetch(path)
            if content is None:
                skipped.append(f"{path}: zizmor: content not available at the head SHA")
                continue
            target = root / str(index) / _safe_relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            argv = [binary, "--offline", "--no-ignores", "--min-severity", "medium", "--no-progress", "--no-exit-codes"]
            argv += ["--color", "never", "--config", str(config), "--format", "json", str(target)]
            try:
                proc = subprocess.run(
                    argv, capture_output=True, text=True, env=env, cwd=tmp, timeout=timeout_s, check=False
                )
                results = json.loads(proc.stdout) if proc.returncode == 0 else None
            except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
                skipped.append(f"{path}: zizmor failed ({type(exc).__name__})")
                continue
            if not isinstance(results, list):
                skipped.append(f"{path}: zizmor could not audit it (exit {proc.returncode}: {_last_line(proc)})")
                continue
            lines = {number for number, _ in added}
            findings += [f for r in results if (f := _from_zizmor(path, r, lines)) is not None]
    return findings, skipped


def merge_zizmor(builtin: Sequence[Finding], zizmor: Sequence[Finding]) -> list[Finding]:
    """Built-in findings plus zizmor's, minus zizmor's that repeat a built-in one."""
    have = {(f.file, f.line, f.rule) for f in builtin}
    kept = [f for f in zizmor if (f.file, f.line, _SAME_AS_BUILTIN.get(f.rule.removeprefix("zizmor/"), "")) not in have]
    return [*builtin, *kept]


def _from_zizmor(path: str, result: Any, added: set[int]) -> Finding | None:
    try:
        ident = str(result["ident"])
        severity = str(result["determinations"]["severity"]).lower()
        confidence = str(result["determinations"]["confidence"]).lower()
        primary = next(loc for loc in result["locations"] if loc["symbolic"]["kind"] == "Primary")
        line = int(primary["concrete"]["location"]["start_point"]["row"]) + 1
        annotation = str(primary["symbolic"].get("annotation") or "")
        message = str(result.get("desc") or ident)
    except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
        return None  # a shape this version does not know: not worth failing the scan
    if line not in added:
        return None
    if annotation:
        message += f": {annotation}"
    message += f" (zizmor, confidence {confidence})"
    level: Severity = "info" if confidence == "low" else _ZIZMOR_SEVERITY.get(severity, "low")
    return Finding(f"zizmor/{ident}", level, path, line, message)


def _safe_relative(path: str) -> Path:
    parts = [p for p in PurePosixPath(path).parts if p not in ("", "/", ".", "..")]
    return Path(*parts) if parts else Path("workflow.yml")


def _last_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("error", "fatal"))]
    return (errors or lines or ["no output"])[-1][:200]
