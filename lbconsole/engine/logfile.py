"""The consolidated log on disk: JSON lines, rotated, and read back by `lbconsole logs`.

The console and headless runs attach a `LogFile` to the bus; `lbconsole logs
[-f] [--source S] [--pr N]` reads (and follows) it from another terminal. The
file is bounded: stdlib `RotatingFileHandler` keeps `lbconsole.jsonl` plus a
few numbered backups.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from lbconsole.engine.logbus import LogRecord, matches

LOG_NAME = "lbconsole.jsonl"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 3


def log_path(log_dir: str | os.PathLike[str]) -> Path:
    """The current log file in `log_dir` (platformdirs `user_log_dir("lbconsole")`)."""
    return Path(log_dir) / LOG_NAME


class LogFile:
    """A bus subscriber that appends each record as one JSON line, with rotation.

    Not safe for two processes rotating the same file at the same moment;
    each line is written whole, so readers never see half a record.
    """

    def __init__(
        self, log_dir: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS, job: str = ""
    ) -> None:
        """Log into `log_dir/lbconsole.jsonl`, keeping at most `backups` rotated files of `max_bytes`.

        `job` tags the records that have none (the console's: `lbconsole logs --source console`).
        """
        self.path = log_path(log_dir)
        self.job = job
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handler = RotatingFileHandler(
            self.path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True
        )
        self._handler.setFormatter(logging.Formatter("%(message)s"))
        self._lock = threading.Lock()

    def __call__(self, record: LogRecord) -> None:
        """Append one record."""
        if self.job and not record.job:
            record = replace(record, job=self.job)
        entry = logging.makeLogRecord({"msg": record.to_json(), "levelno": logging.INFO})
        with self._lock:
            self._handler.handle(entry)

    def close(self) -> None:
        """Close the file (later records reopen it)."""
        with self._lock:
            self._handler.close()


def log_files(path: Path) -> list[Path]:
    """The log file's rotated backups, oldest first, then the file itself (which may not exist)."""
    backups = sorted(
        (p for p in path.parent.glob(path.name + ".*") if p.suffix[1:].isdigit()),
        key=lambda p: int(p.suffix[1:]),
        reverse=True,
    )
    return [*backups, path]


def _parse(line: str) -> LogRecord | None:
    line = line.strip()
    if not line:
        return None
    try:
        return LogRecord.from_json(line)
    except ValueError:
        return None


def read_records(
    path: str | os.PathLike[str],
    source: str | None = None,
    pr: int | None = None,
    *,
    include_rotated: bool = True,
) -> Iterator[LogRecord]:
    """Every record in the log file (rotated backups first), oldest first.

    Args:
        path: the log file (`log_path(log_dir)`).
        source: only records of this source (or workflow job).
        pr: only records about this pull request.
        include_rotated: also read `path.N` backups.

    Lines that are not records (a torn write, a foreign line) are skipped.
    """
    path = Path(path)
    files = log_files(path) if include_rotated else [path]
    for file in files:
        try:
            handle = file.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        with handle:
            for line in handle:
                record = _parse(line)
                if record is not None and matches(record, source=source, pr=pr):
                    yield record


def follow_records(
    path: str | os.PathLike[str],
    source: str | None = None,
    pr: int | None = None,
    *,
    from_start: bool = False,
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
    poll_s: float = 0.5,
) -> Iterator[LogRecord]:
    """Yield records as they are appended to `path` (like `tail -f`), until `stop` is set.

    Survives rotation (a new file at `path`) and waits for a file that does
    not exist yet. `stop` is checked whenever there is nothing new to read.

    Args:
        path: the log file.
        source: only records of this source (or workflow job).
        pr: only records about this pull request.
        from_start: yield what is already in the current file first (otherwise start at its end).
        stop: ends the generator when set.
        sleep: waits `poll_s` between polls (tests inject a fake).
        poll_s: seconds between polls when nothing is new.
    """
    path = Path(path)
    handle: TextIO | None = None
    inode: int | None = None
    pending = ""
    first_open = True
    try:
        while True:
            if handle is None:
                try:
                    handle = path.open(encoding="utf-8", errors="replace")
                except FileNotFoundError:
                    handle = None
                else:
                    inode = os.fstat(handle.fileno()).st_ino
                    if first_open and not from_start:
                        handle.seek(0, os.SEEK_END)
                    first_open = False
                    pending = ""
            chunk = handle.readline() if handle is not None else ""
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    record = _parse(pending)
                    pending = ""
                    if record is not None and matches(record, source=source, pr=pr):
                        yield record
                continue
            if handle is not None and _rotated(path, inode, handle):
                handle.close()
                handle = None
                continue
            if stop is not None and stop.is_set():
                return
            sleep(poll_s)
            if handle is None:
                first_open = False  # a file that appears later is read from its start
    finally:
        if handle is not None:
            handle.close()


follow = follow_records
"""Alias: `follow(path, ...)`."""


def _rotated(path: Path, inode: int | None, handle: TextIO) -> bool:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    return stat.st_ino != inode or stat.st_size < handle.tell()
