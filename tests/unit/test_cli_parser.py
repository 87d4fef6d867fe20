"""The command line's shape: argparse stays in the CLI."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def test_argparse_stops_at_the_command_line():
    """No module outside lbconsole/cli imports argparse, so no namespace can travel into the engine."""
    outside = []
    for path in sorted((ROOT / "lbconsole").rglob("*.py")):
        if "cli" in path.relative_to(ROOT / "lbconsole").parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if "argparse" in names:
                outside.append(str(path.relative_to(ROOT)))
    assert outside == []
