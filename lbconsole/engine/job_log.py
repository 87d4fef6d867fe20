"""Reading a GitHub Actions job log: one line at a time, into a time, a level and a text.

GitHub serves a finished job's log as plain text, each line prefixed with
its timestamp and some lines being workflow commands (``##[group]``,
``##[error]``...). The run follower streams these lines into the log bus;
this is how it reads them.
"""

from __future__ import annotations

import re
from datetime import datetime

_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?(.*)$")
_COMMAND = re.compile(r"^##\[(group|endgroup|error|warning|notice|debug|section|command)\](.*)$")


def parse_log_line(line: str) -> tuple[datetime | None, str, str] | None:
    """One line of a GitHub job log: (time, level, text), or None for a line to drop.

    GitHub prefixes each line with ``2026-11-23T12:00:00.0000000Z``; workflow
    commands (``##[group]``, ``##[error]``...) become levels or are dropped
    (``##[endgroup]``).
    """
    line = line.lstrip("\ufeff").rstrip("\r")
    moment: datetime | None = None
    match = _LOG_TIME.match(line)
    if match:
        try:
            moment = datetime.fromisoformat(match.group(1))
        except ValueError:
            moment = None
        line = match.group(2)
    level = "info"
    command = _COMMAND.match(line)
    if command:
        kind, line = command.group(1), command.group(2)
        if kind == "endgroup":
            return None
        if kind in ("error", "warning", "debug"):
            level = kind
        elif kind == "group":
            line = f"▸ {line}"
        elif kind == "command":
            line = f"$ {line}"
    return moment, level, line
