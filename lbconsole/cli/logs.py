"""`lbconsole logs [-f] [--source S] [--pr N]`: print (and follow) the consolidated log file from any terminal."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands
    from lbconsole.engine.logbus import LogRecord


def logs(
    log_dir: str | os.PathLike[str],
    *,
    follow: bool = False,
    source: str | None = None,
    pr: int | None = None,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
    poll_s: float = 0.5,
) -> int:
    """Print the log (rotated backups first), then optionally follow it.

    Args:
        log_dir: platformdirs `user_log_dir("lbconsole")`.
        follow: keep printing new records until `stop` is set (or Ctrl+C).
        source: only records of this source (or workflow job).
        pr: only records about this pull request.
        out: where the lines go (default: stdout).
        stop: ends following when set.
        sleep: injectable wait between polls.
        poll_s: seconds between polls.

    Returns:
        The exit code (0).

    Raises:
        UsageError: `source` names no source (or job) the log has (without `follow`).
    """
    from lbconsole.engine.logbus import format_line
    from lbconsole.engine.logfile import follow_records, log_files, log_path, read_records
    from lbconsole.errors import UsageError

    path = log_path(log_dir)
    stream = out if out is not None else sys.stdout

    def show(record: LogRecord) -> None:
        stream.write(format_line(record) + "\n")
        stream.flush()

    if not follow:
        if not path.exists() and not any(path.parent.glob(path.name + ".*")):
            stream.write(f"no log yet at {path}\n")
            stream.flush()
            return 0
        shown = 0
        for record in read_records(path, source, pr):
            show(record)
            shown += 1
        if not shown and source is not None:
            known = sorted({name for r in read_records(path, None, None) for name in (r.source, r.job) if name})
            if source.casefold() not in {name.casefold() for name in known}:
                listed = ", ".join(known[:30]) + (", …" if len(known) > 30 else "")
                raise UsageError(f"no log lines from source {source!r}; sources in the log: {listed or 'none'}")
        return 0
    for backup in log_files(path)[:-1]:
        for record in read_records(backup, source, pr, include_rotated=False):
            show(record)
    if not path.exists():
        stream.write(f"waiting for {path}\n")
        stream.flush()
    for record in follow_records(path, source, pr, from_start=True, stop=stop, sleep=sleep, poll_s=poll_s):
        show(record)
    return 0


def register(commands: Subcommands) -> None:
    """Add `logs` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    from lbconsole.cli.options import GlobalOptions
    from lbconsole.config import paths

    p = commands.add_parser("logs", help="print the consolidated log file")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    p.add_argument("--source", help="only this source (app, merge, scan, a workflow job...)")
    p.add_argument("--pr", type=int, help="only lines about this PR")

    def where(args: argparse.Namespace) -> Path:  # the demo's runs log apart from the real ones
        return paths.demo_log_dir(os.environ) if GlobalOptions.of(args).demo else paths.log_dir(os.environ)

    p.set_defaults(func=lambda args: logs(where(args), follow=args.follow, source=args.source, pr=args.pr))
