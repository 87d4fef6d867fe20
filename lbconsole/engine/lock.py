"""One local `run --apply` per repository at a time (SPEC 3.1).

An OS-level lock (`filelock.FileLock`: flock on Unix, a byte lock on
Windows) on `state_dir/locks/<owner>__<repo>.lock`. The operating system
releases it when the holder dies, so a crashed run never blocks the next
one. Who holds it (pid, host, start time) is written next to it in
`<owner>__<repo>.lock.holder`: the lock file itself is not used for that,
because a contender opening it could truncate it (filelock < 3.13) and
Windows forbids reading a locked byte.
"""

from __future__ import annotations

import json
import os
import re
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import filelock

from lbconsole.core.times import iso_z
from lbconsole.errors import LbError
from lbconsole.files import atomic_write


class RunLocked(LbError):
    """Another lbconsole run is applying a plan to the same repository (exit code 5, SPEC 3.1)."""

    exit_code = 5


def lock_name(repo: str) -> str:
    """File name of the lock for `repo`: `acme/rocket` -> `acme__rocket.lock`."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", repo.replace("/", "__").lower())
    return f"{safe or 'repository'}.lock"


class RunLock:
    """Exclusive, non-blocking lock for applying plans to one repository.

    Use as a context manager around `execute(..., apply=True)`.
    """

    def __init__(self, state_dir: str | os.PathLike[str], repo: str) -> None:
        """Lock `repo` using files in `state_dir/locks/`."""
        self.repo = repo
        self.path = Path(state_dir) / "locks" / lock_name(repo)
        self.holder_path = self.path.with_name(self.path.name + ".holder")
        self._lock = filelock.FileLock(str(self.path), timeout=0)

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> None:
        """Take the lock now or fail.

        Raises:
            RunLocked: another run (or another RunLock object) holds it.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            raise RunLocked(self._refusal()) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "repo": self.repo,
            "started": iso_z(datetime.now(UTC)),
        }
        atomic_write(self.holder_path, json.dumps(info) + "\n")

    def release(self) -> None:
        """Give the lock back (harmless when not held)."""
        if not self._lock.is_locked:
            return
        try:
            self.holder_path.unlink(missing_ok=True)
        finally:
            self._lock.release(force=True)

    def _refusal(self) -> str:
        """Why the lock was refused, and what to do: wait while the holder runs here, else check it."""
        pid = self.holder_pid()
        start = f"another lbconsole run is already applying a plan to {self.repo}"
        if pid is None:
            return f"{start} (lock: {self.path}); wait for it to finish"
        if self.holder_host() == socket.gethostname() and _alive(pid):
            return f"{start} (pid {pid}, running; lock: {self.path}); wait for it to finish"
        # The OS releases the lock when its holder dies, so a refusal means a live holder on another
        # host (a shared state directory) or a pid reused since: never advise deleting a held lock.
        return (
            f"{start} (pid {pid} on {self.holder_host() or 'another host'}; lock: {self.path}); wait for it to finish"
        )

    def holder_host(self) -> str:
        """The host recorded by the current holder ('' if unreadable)."""
        try:
            data = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return str(data.get("host") or "")
        except (OSError, ValueError, AttributeError):
            return ""

    def holder_pid(self) -> int | None:
        """The pid recorded by the current holder, if readable."""
        try:
            data = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _alive(pid: int) -> bool:
    """Whether a process `pid` exists on this host (signal 0 sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # it exists but is someone else's, or the check is unsupported
        return True
    return True
