"""The whole command line: the main parser and every command group's sub-commands.

Each command group adds its own sub-commands (`register`); a leaf parser's
`func` turns the parsed namespace into the plain arguments of its command
function. The global options are then declared on every sub-command at every
level, after the sub-command's own options, so they may be typed before or
after it (see `options`) and no sub-command can miss them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from lbconsole import __version__
from lbconsole.cli import auth, config, console, cost, logs, read, remote, run, serve, workflow
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
    add_global_options(parser, top=True)
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
    cost.register(commands)
    serve.register(commands)
    for sub in sub_parsers(parser):
        # `lbconsole sim --seed` is the scenario's seed: there the hidden global one stays before the command.
        add_global_options(sub, top=False, seed="--seed" not in sub._option_string_actions)
    return parser


def sub_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every sub-command's parser under `parser`, at every level (`config`, then `config show`...)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield sub
                yield from sub_parsers(sub)
