"""Move the bot workflows the orchestrator replaces out of GitHub's way, and back.

GitHub only runs workflow files that sit directly in `.github/workflows`, so
a file moved into `.github/workflows/disabled/` is inert but kept. What was
moved is recorded in `disabled/.lbconsole-moved.json`, so a restore moves
back exactly those files; neither direction ever overwrites a file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lbconsole.files import atomic_write
from lbconsole.workflow.classify import classify_workflow

DISABLED_DIRNAME = "disabled"
"""Sub-folder of `.github/workflows` that GitHub does not run."""

MANIFEST_NAME = ".lbconsole-moved.json"
"""Record of what `--disable-redundant` moved, inside the disabled folder."""

MANIFEST_SCHEMA = "lbconsole.workflow-moved/1"


@dataclass(frozen=True, slots=True)
class Moved:
    """One workflow file moved out of the way."""

    name: str
    """File name, the same in `.github/workflows` and in its `disabled/` folder."""
    reason: str
    """Why it was disabled (from `classify_workflow`)."""


def find_redundant(workflows_dir: Path) -> list[Moved]:
    """List the workflow files directly in `workflows_dir` that the orchestrator replaces.

    Args:
        workflows_dir: a repository's `.github/workflows` folder.

    Returns:
        The matches, sorted by file name.
    """
    found: list[Moved] = []
    if not workflows_dir.is_dir():
        return found
    for path in sorted(workflows_dir.iterdir()):
        if not path.is_file() or path.suffix not in (".yml", ".yaml"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        reason = classify_workflow(text, path.name)
        if reason is not None:
            found.append(Moved(path.name, reason))
    return found


def _read_manifest(disabled_dir: Path) -> list[Moved]:
    path = disabled_dir / MANIFEST_NAME
    if not path.is_file():
        return []
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    return [Moved(str(item["name"]), str(item.get("reason", ""))) for item in data.get("moved", [])]


def _write_manifest(disabled_dir: Path, moved: list[Moved]) -> None:
    path = disabled_dir / MANIFEST_NAME
    if not moved:
        path.unlink(missing_ok=True)
        return
    data = {"schema": MANIFEST_SCHEMA, "moved": [{"name": m.name, "reason": m.reason} for m in moved]}
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True, slots=True)
class MoveReport:
    """What a disable or restore did."""

    moved: tuple[Moved, ...] = ()
    """Files moved."""
    blocked: tuple[tuple[str, str], ...] = ()
    """(file name, why it was left where it is)."""


def disable_redundant(repo_root: Path) -> MoveReport:
    """Move the bot workflows the orchestrator replaces into `.github/workflows/disabled/`.

    Never overwrites a file already in `disabled/`; records every move in the manifest
    (added to what earlier runs recorded).

    Args:
        repo_root: the repository's top-level folder.

    Returns:
        What was moved, and what was left in place and why.
    """
    workflows = repo_root / ".github" / "workflows"
    disabled = workflows / DISABLED_DIRNAME
    candidates = find_redundant(workflows)
    if not candidates:
        return MoveReport()
    disabled.mkdir(parents=True, exist_ok=True)
    recorded = _read_manifest(disabled)
    moved: list[Moved] = []
    blocked: list[tuple[str, str]] = []
    for item in candidates:
        target = disabled / item.name
        if target.exists():
            blocked.append((item.name, f"{target.relative_to(repo_root)} already exists"))
            continue
        os.rename(workflows / item.name, target)
        moved.append(item)
    recorded = [m for m in recorded if m.name not in {x.name for x in moved}] + moved
    _write_manifest(disabled, recorded)
    return MoveReport(tuple(moved), tuple(blocked))


def restore_disabled(repo_root: Path) -> MoveReport:
    """Move back what `disable_redundant` moved, never overwriting an existing file.

    A file that cannot be moved back stays recorded, so a later restore can retry.

    Args:
        repo_root: the repository's top-level folder.

    Returns:
        What was moved back, and what was not and why.
    """
    workflows = repo_root / ".github" / "workflows"
    disabled = workflows / DISABLED_DIRNAME
    recorded = _read_manifest(disabled)
    moved: list[Moved] = []
    blocked: list[tuple[str, str]] = []
    keep: list[Moved] = []
    for item in recorded:
        source, target = disabled / item.name, workflows / item.name
        if not source.is_file():
            blocked.append((item.name, f"{source.relative_to(repo_root)} is gone; forgetting it"))
            continue
        if target.exists():
            blocked.append((item.name, f"{target.relative_to(repo_root)} exists; not overwritten"))
            keep.append(item)
            continue
        os.rename(source, target)
        moved.append(item)
    if recorded:
        _write_manifest(disabled, keep)
        if disabled.is_dir() and not any(disabled.iterdir()):
            disabled.rmdir()
    return MoveReport(tuple(moved), tuple(blocked))
