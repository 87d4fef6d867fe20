"""The whole command line: the main parser and every command group's sub-commands.

Each command group adds its own sub-commands (`register`); a leaf parser's
`func` turns the parsed namespace into the plain arguments of its command
function.
"""

from __future__ import annotations

import argparse

from lbconsole import __version__
from lbconsole.cli import auth, config, console, logs, read, remote, run, workflow
from lbconsole.cli.context import Whoami, check_token
from lbconsole.cli.options import add_global_options


def build_parser(*, whoami: Whoami | None = check_token) -> argparse.ArgumentParser:
    """The `lbconsole` parser, every sub-command wired to its command function.

    Args:
        whoami: how `auth login` and `auth status` name a token's user
            (default: ask GitHub; None: do not ask, for tests).

    Returns:
        The parser; `parser.parse_args(argv).func(args)` runs the command and returns its exit code.
    """
    parser = argparse.ArgumentParser(
        prog="lbconsole",
        description="The ΛBot console: one consolidated pull-request orchestrator for a GitHub repository.",
    )
    parser.add_argument("--version", action="version", version=f"lbconsole {__version__}")
    add_global_options(parser)
    parser.set_defaults(func=console.console_command)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    console.register(commands)
    read.register(commands)
    run.register(commands)
    logs.register(commands)
    console.register_sim(commands)
    config.register(commands)
    auth.register(commands, whoami=whoami)
    workflow.register(commands)
    remote.register(commands)
    return parser

