"""Careful file access: durable writes, and reads that refuse what is not a small regular file.

The config, the workflow file, the lock holder and every other file that
lbconsole replaces go through `atomic_write` (temp file, fsync, rename,
fsync of the directory), so a crash or a full disk leaves either the old
file or the new one, never half of each. Files that a user points
lbconsole at (the config, a saved plan) are read with `read_capped`, so a
FIFO, /dev/zero or a symlink loop is a one-line problem, not a hang, a
MemoryError or "no such file".
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from pathlib import Path


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Replace `path` with `text` atomically, keeping its permissions.

    Writes to a temporary file in the same directory, fsyncs it and renames
    it over the target (a symlink's target is replaced, not the link).
    A new file gets the usual umask permissions; its directory is created.

    Raises:
        OSError: when the directory or file cannot be written; the old file
            is then untouched and no temporary file is left behind.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if sys.platform != "win32":
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


class RefusedFile(Exception):
    """A file lbconsole will not read: not a regular file, larger than its cap, or a symlink loop."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{os.fspath(path)}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason
        """What is wrong, on one line, e.g. `is not a regular file (a FIFO)`."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a plain file"


def _size(count: int) -> str:
    return f"{count // (1 << 20)} MiB" if count >= 1 << 20 and count % (1 << 20) == 0 else f"{count:,} bytes"


def read_capped(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read a regular file of at most `max_bytes`, never blocking and never reading more.

    The file is opened without blocking (a FIFO with no writer does not hang),
    checked with `fstat` on the open descriptor (a device such as /dev/zero is
    refused before a byte is read), and read up to `max_bytes + 1` bytes (a
    file that grows while it is read is still refused).

    Args:
        path: the file.
        max_bytes: the largest size accepted.

    Returns:
        The file's bytes.

    Raises:
        RefusedFile: not a regular file, larger than `max_bytes`, or a symlink loop.
        OSError: it cannot be opened or read (missing, permissions...).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedFile(path, "is a symlink loop (too many levels of symbolic links)") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(path, f"is not a regular file ({_kind(info.st_mode)})")
        too_big = f"is larger than {_size(max_bytes)}, the most lbconsole reads"
        if info.st_size > max_bytes:
            raise RefusedFile(path, too_big)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise RefusedFile(path, too_big)
        return b"".join(chunks)
    finally:
        os.close(fd)
