"""The `workflow init|restore|show` sub-commands of the command line (SPEC 3.3).

The workflow file itself is rendered, classified and moved by `lbconsole.workflow`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from lbconsole import __version__
from lbconsole.files import atomic_write
from lbconsole.workflow import DISABLED_DIRNAME, WORKFLOW_RELPATH, disable_redundant, render_workflow, restore_disabled

# --- command line --------------------------------------------------------------------------


def _repo_root(args: argparse.Namespace) -> Path:
    given = getattr(args, "repo_root", None)
    if given:
        return Path(given)
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return Path(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return Path.cwd()


def cmd_init(args: argparse.Namespace) -> int:
    """`lbconsole workflow init [--force] [--disable-redundant]`."""
    root = _repo_root(args)
    target = root / WORKFLOW_RELPATH
    if target.exists() and not args.force:
        print(
            f"{target} already exists; not overwritten. Use --force to replace it.",
            file=sys.stderr,
        )
        return 2
    atomic_write(target, render_workflow(__version__))
    print(f"wrote {WORKFLOW_RELPATH} (installs lbconsole=={__version__})")
    if args.disable_redundant:
        report = disable_redundant(root)
        disabled = WORKFLOW_RELPATH.parent / DISABLED_DIRNAME
        for item in report.moved:
            print(f"disabled {item.name} -> {disabled / item.name}: {item.reason}")
        for name, why in report.blocked:
            print(f"left {name} in place: {why}", file=sys.stderr)
        if not report.moved and not report.blocked:
            print("no redundant bot workflows found")
        if report.moved:
            print("undo with: lbconsole workflow restore")
    print("review and commit .github/workflows to enable it")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """`lbconsole workflow restore`: 1 when something recorded could not be moved back."""
    root = _repo_root(args)
    report = restore_disabled(root)
    for item in report.moved:
        print(f"restored {WORKFLOW_RELPATH.parent / item.name}")
    for name, why in report.blocked:
        print(f"not restored {name}: {why}", file=sys.stderr)
    if not report.moved and not report.blocked:
        print("nothing to restore (no workflows were disabled by lbconsole)")
    return 1 if any("not overwritten" in why for _, why in report.blocked) else 0


def cmd_show(args: argparse.Namespace) -> int:
    """`lbconsole workflow show`: print the workflow `init` would write."""
    sys.stdout.write(render_workflow(__version__))
    return 0


def _usage(parser: argparse.ArgumentParser) -> Any:
    def run(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return run


def register(subparsers: Any) -> None:
    """Add `workflow init|restore|show` to the command line.

    Each leaf parser sets `func` (`(args) -> int`, the exit code). `--repo-root`
    defaults to the git top level of the current directory (or the current
    directory); it does not clobber a `repo_root` the main parser already set.

    Args:
        subparsers: the action returned by the main parser's `add_subparsers()`.
    """
    parser = subparsers.add_parser(
        "workflow",
        help="write, show or undo the orchestrator workflow (.github/workflows/lambda-bot.yml)",
        description="The consolidated ΛBot orchestrator workflow file.",
    )
    parser.set_defaults(func=_usage(parser))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--repo-root",
        default=argparse.SUPPRESS,
        help="repository folder (default: git top level of the current directory)",
    )
    sub = parser.add_subparsers(dest="workflow_command", metavar="{init,restore,show}")

    init = sub.add_parser("init", parents=[common], help=f"write {WORKFLOW_RELPATH}", description=cmd_init.__doc__)
    init.add_argument("--force", action="store_true", help="overwrite an existing workflow file")
    init.add_argument(
        "--disable-redundant",
        action="store_true",
        help="move bot workflows the orchestrator replaces (auto-merge, conflict labelers, "
        "branch updaters) to .github/workflows/disabled/",
    )
    init.set_defaults(func=cmd_init)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="move back the workflows --disable-redundant moved",
        description=cmd_restore.__doc__,
    )
    restore.set_defaults(func=cmd_restore)

    show = sub.add_parser(
        "show", parents=[common], help="print the workflow init would write", description=cmd_show.__doc__
    )
    show.set_defaults(func=cmd_show)
