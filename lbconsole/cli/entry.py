"""`main`, the `lbconsole` console script: parse, run the command, turn what went wrong into an exit code.

SPEC 3.1: 0 ok, 2 usage or config error, 3 auth error, 4 GitHub unreachable,
130 interrupted. A closed stdout (`lbconsole queue | head -1`) is not an
error: the command ends quietly with 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from lbconsole import __version__
from lbconsole.errors import LbError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lbconsole` console script; returns the exit code.

    Args:
        argv: the arguments (default: `sys.argv[1:]`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # the fast path: no sub-command modules imported
        print(f"lbconsole {__version__}")
        return 0
    from lbconsole.cli.parser import build_parser

    return execute(build_parser(), argv)


def execute(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int:
    """Parse `argv` with `parser` and run the command it names.

    Args:
        parser: the command line (`build_parser()`, or one wired differently by a test).
        argv: the arguments.

    Returns:
        The command's exit code, or the one its error maps to.
    """
    args = parser.parse_args(list(argv))
    try:
        code = int(args.func(args))
    except BrokenPipeError:  # before OSError, of which it is one: stdout was closed (`| head`)
        _discard_stdout()
        return 0
    except LbError as exc:
        from lbconsole.redact import redact

        print(f"lbconsole: error: {redact(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lbconsole: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # e.g. a state or log directory that cannot be created
        from lbconsole.redact import redact

        where = f" ({exc.filename})" if exc.filename else ""
        print(f"lbconsole: error: {redact(exc.strerror or str(exc))}{where}", file=sys.stderr)
        return 2
    try:
        sys.stdout.flush()  # a closed stdout shows here, not at the interpreter's exit
    except BrokenPipeError:
        _discard_stdout()
    return code


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit has nowhere to fail.

    Without it Python reports "Exception ignored ... BrokenPipeError" on stderr
    when it flushes what is left in stdout's buffer.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
