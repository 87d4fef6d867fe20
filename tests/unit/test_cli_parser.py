"""The command line's shape: global options before and after every sub-command; argparse stays in the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lbconsole.cli.console import demo_command
from lbconsole.cli.options import GlobalOptions
from lbconsole.cli.parser import build_parser, sub_parsers
from tests.conftest import ROOT

GLOBAL_FLAGS = ("--repo", "--api-url", "--config", "--demo", "--read-only")


def options(*argv: str) -> GlobalOptions:
    return GlobalOptions.of(build_parser().parse_args(list(argv)))


def test_every_sub_command_at_every_level_declares_the_global_options():
    subs = {sub.prog: sub for sub in sub_parsers(build_parser())}
    assert {"lbconsole queue", "lbconsole config show", "lbconsole auth status", "lbconsole workflow init"} <= set(subs)
    assert len(subs) == 13 + 7 + 3 + 4  # the commands, then the sub-commands of config, auth and workflow
    for prog, sub in subs.items():
        for flag in GLOBAL_FLAGS:
            assert flag in sub._option_string_actions, (prog, flag)


def test_defaults_come_from_the_main_parser():
    assert options("queue") == GlobalOptions()
    assert options("config", "show") == GlobalOptions()


@pytest.mark.parametrize(
    "argv",
    [
        ["--repo", "acme/rocket", "--demo", "plan", "--mode", "auto"],
        ["plan", "--repo", "acme/rocket", "--demo", "--mode", "auto"],
        ["plan", "--mode", "auto", "--demo", "--repo", "acme/rocket"],
        ["--demo", "plan", "--mode", "auto", "--repo", "acme/rocket"],
    ],
)
def test_global_options_before_or_after_the_sub_command_mean_the_same(argv):
    assert options(*argv) == GlobalOptions(repo="acme/rocket", demo=True)


def test_the_value_given_last_wins_at_any_depth():
    assert options("--repo", "a/b", "plan", "--mode", "auto", "--repo", "c/d").repo == "c/d"
    assert options("--config", "a", "config", "--config", "b", "show").config == Path("b")
    assert options("--config", "a", "config", "--config", "b", "show", "--config", "c").config == Path("c")
    assert options("config", "show", "--config", "c").config == Path("c")


def test_demo_read_only_runs_the_demo_console_read_only():
    args = build_parser().parse_args(["demo", "--read-only"])
    assert args.func is demo_command
    assert GlobalOptions.of(args).read_only is True


def test_the_simulator_s_seed_is_not_the_demo_s():
    args = build_parser().parse_args(["--seed", "5", "sim", "--seed", "3"])
    assert (args.seed, args.sim_seed) == (5, 3)
    assert options("queue", "--demo", "--seed", "4").seed == 4


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
