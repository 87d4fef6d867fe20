"""Durable file writes: temp file, fsync, rename, fsync of the directory.

The config, the workflow file, the lock holder and every other file that
lbconsole replaces go through `atomic_write`, so a crash or a full disk
leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

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
