"""`lbconsole workflow init|restore|show|check`: write the orchestrator workflow, retire the bots it replaces.

The workflow depends on the installed version and on the config (its job's
`if:` and runner), so `init`, `show` and `check` read the config
(`--config`) the way every other command does.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lbconsole import __version__
from lbconsole.files import atomic_write
from lbconsole.workflow import (
    DISABLED_DIRNAME,
    WORKFLOW_RELPATH,
    disable_redundant,
    render_workflow,
    restore_disabled,
)

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands
    from lbconsole.core.settings import Settings

_WRITTEN_BY = re.compile(r"\(lbconsole ([^)\s]+)\)")


def find_repo_root(given: Path | None = None) -> Path:
    """`given`, else the git top level of the current directory, else the current directory."""
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


def _settings(args: argparse.Namespace) -> Settings:
    from lbconsole.cli.context import load_settings

    return load_settings(getattr(args, "config", None))


def init(root: Path, *, force: bool = False, disable: bool = False, settings: Settings | None = None) -> int:
    """`lbconsole workflow init [--force] [--disable-redundant]`.

    Args:
        root: the repository's top-level folder.
        force: overwrite an existing workflow file.
        disable: also move the bot workflows the orchestrator replaces to `.github/workflows/disabled/`.
        settings: the config (the job's `if:` and runner); None: the defaults.

    Returns:
        0, or 2 when the workflow file exists and `force` is not given (then nothing is disabled either).
    """
    target = root / WORKFLOW_RELPATH
    if target.exists() and not force:
        print(f"{target} already exists; not overwritten. Use --force to replace it.", file=sys.stderr)
        return 2
    atomic_write(target, render_workflow(__version__, settings))
    print(f"wrote {WORKFLOW_RELPATH} (installs lbconsole=={__version__})")
    if disable:
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


def restore(root: Path) -> int:
    """`lbconsole workflow restore`: move back what `init --disable-redundant` moved.

    Args:
        root: the repository's top-level folder.

    Returns:
        0, or 1 when something recorded could not be moved back (a file of that name exists again).
    """
    report = restore_disabled(root)
    for item in report.moved:
        print(f"restored {WORKFLOW_RELPATH.parent / item.name}")
    for name, why in report.blocked:
        print(f"not restored {name}: {why}", file=sys.stderr)
    if not report.moved and not report.blocked:
        print("nothing to restore (no workflows were disabled by lbconsole)")
    return 1 if any("not overwritten" in why for _, why in report.blocked) else 0


def show(settings: Settings | None = None) -> int:
    """`lbconsole workflow show`: print the workflow `init` would write; returns 0."""
    sys.stdout.write(render_workflow(__version__, settings))
    return 0


def check(root: Path, settings: Settings | None = None) -> int:
    """`lbconsole workflow check`: is the file on disk what `init` would write now?

    Args:
        root: the repository's top-level folder.
        settings: the config; None: the defaults.

    Returns:
        0 when it is current; 1 when it differs or is missing (the first differing lines are shown).
    """
    target = root / WORKFLOW_RELPATH
    wanted = render_workflow(__version__, settings)
    try:
        current = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"{WORKFLOW_RELPATH} not found: write it with `lbconsole workflow init`", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{WORKFLOW_RELPATH} cannot be read: {exc}", file=sys.stderr)
        return 1
    if current == wanted:
        print(f"{WORKFLOW_RELPATH} is current (lbconsole {__version__} and this config)")
        return 0
    found = _WRITTEN_BY.search(current.partition("\n")[0])
    written = f"written by lbconsole {found.group(1)}" if found else "not written by lbconsole"
    print(
        f"{WORKFLOW_RELPATH} is out of date ({written}; this is {__version__}): "
        "regenerate it with `lbconsole workflow init --force`",
        file=sys.stderr,
    )
    diff = difflib.unified_diff(
        current.splitlines(), wanted.splitlines(), "on disk", "init would write", lineterm="", n=1
    )
    for line in list(diff)[:40]:
        print(line, file=sys.stderr)
    return 1


def register(commands: Subcommands) -> None:
    """Add `workflow init|restore|show|check` to the command line.

    `--repo-root` (default: the git top level of the current directory, or the
    current directory) is accepted after `workflow` and after its sub-command.

    Args:
        commands: the main parser's sub-commands.
    """
    root = argparse.ArgumentParser(add_help=False)
    root.add_argument(
        "--repo-root",
        type=Path,
        default=argparse.SUPPRESS,
        help="repository folder (default: git top level of the current directory)",
    )
    parser = commands.add_parser(
        "workflow",
        parents=[root],
        help="write, show or undo the orchestrator workflow (.github/workflows/lambda-bot.yml)",
        description="The consolidated ΛBot orchestrator workflow file.",
    )

    def usage(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    parser.set_defaults(func=usage)
    sub = parser.add_subparsers(dest="workflow_command", metavar="{init,restore,show,check}")

    def repo_root(args: argparse.Namespace) -> Path:
        return find_repo_root(getattr(args, "repo_root", None))

    init_parser = sub.add_parser(
        "init",
        parents=[root],
        help=f"write {WORKFLOW_RELPATH}",
        description="`lbconsole workflow init [--force] [--disable-redundant]`.",
    )
    init_parser.add_argument("--force", action="store_true", help="overwrite an existing workflow file")
    init_parser.add_argument(
        "--disable-redundant",
        action="store_true",
        help="move bot workflows the orchestrator replaces (auto-merge, conflict labelers, "
        "branch updaters) to .github/workflows/disabled/",
    )
    init_parser.set_defaults(
        func=lambda args: init(
            repo_root(args), force=args.force, disable=args.disable_redundant, settings=_settings(args)
        )
    )

    restore_parser = sub.add_parser(
        "restore",
        parents=[root],
        help="move back the workflows --disable-redundant moved",
        description="`lbconsole workflow restore`: 1 when something recorded could not be moved back.",
    )
    restore_parser.set_defaults(func=lambda args: restore(repo_root(args)))

    show_parser = sub.add_parser(
        "show",
        parents=[root],
        help="print the workflow init would write",
        description="`lbconsole workflow show`: print the workflow `init` would write.",
    )
    show_parser.set_defaults(func=lambda args: show(_settings(args)))

    check_parser = sub.add_parser(
        "check",
        parents=[root],
        help=f"exit 1 when {WORKFLOW_RELPATH} differs from what init would write now",
        description="`lbconsole workflow check`: 0 when the file is current with this version and config, else 1.",
    )
    check_parser.set_defaults(func=lambda args: check(repo_root(args), _settings(args)))
