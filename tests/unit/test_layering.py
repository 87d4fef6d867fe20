"""The layering of lbconsole, enforced: who may import whom.

The rules read from the bottom up: `core` is the pure domain and imports
nothing else of lbconsole; `config`, `github` and `engine` build on it and
never reach up into the console, the command line or the simulator; the
simulator is a test double of GitHub that may run the real engine, but never
the console or the command line; the console gets its gateway from whoever
starts it. Imports are read from the source (every `import`, at any depth,
including the ones inside functions), so a lazy import cannot hide a breach.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lbconsole"

LEAVES: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "errors": frozenset(),
    "files": frozenset(),
    "redact": frozenset(),
    "auth": frozenset({"errors", "redact"}),
}
"""Rooms at the bottom, with the only other rooms each may import (a room is a sub-package or a
top-level module of lbconsole): the pure core and the small shared modules import nothing else."""

FORBIDDEN: dict[str, frozenset[str]] = {
    "config": frozenset({"engine", "github", "sim", "tui", "cli", "workflow"}),
    "github": frozenset({"engine", "sim", "tui", "cli", "config", "workflow"}),
    "engine": frozenset({"sim", "tui", "cli", "github"}),
    "workflow": frozenset({"engine", "github", "sim", "tui", "cli"}),
    "sim": frozenset({"tui", "cli"}),
    "tui": frozenset({"sim", "cli", "github"}),
}
"""Room -> rooms it must never import."""


def room_of(module: str) -> str:
    """`lbconsole.engine.executor` -> `engine`; `lbconsole.errors` -> `errors`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> set[str]:
    """Every lbconsole module `path` imports, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "lbconsole" or name.startswith("lbconsole.")}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def breaches() -> list[str]:
    """`lbconsole.engine.x imports lbconsole.tui`: one line per module and forbidden room."""
    found = []
    for path in modules():
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        room = room_of(module)
        others = {room_of(target) for target in imports_of(path)} - {"", room, "__init__", "__version__"}
        for other in sorted(others):
            if (room in LEAVES and other not in LEAVES[room]) or other in FORBIDDEN.get(room, frozenset()):
                found.append(f"{module} imports lbconsole.{other}")
    return found


def test_the_layering_holds() -> None:
    assert breaches() == []


def test_nothing_but_the_entry_point_imports_the_command_line() -> None:
    users = [
        f"{p.relative_to(PACKAGE.parent)}"
        for p in modules()
        if room_of(".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)) != "cli"
        and any(room_of(t) == "cli" for t in imports_of(p))
        and p.name != "__main__.py"
    ]
    assert users == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from lbconsole.tui.app import LbConsoleApp\n", ["lbconsole.engine.probe imports lbconsole.tui"]),
        ("def f():\n    import lbconsole.sim.server\n", ["lbconsole.engine.probe imports lbconsole.sim"]),
        ("from lbconsole.core.models import PullRequest\n", []),
    ],
)
def test_the_check_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, expected: list[str]) -> None:
    fake = tmp_path / "lbconsole"
    (fake / "engine").mkdir(parents=True)
    (fake / "engine" / "probe.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert breaches() == expected
