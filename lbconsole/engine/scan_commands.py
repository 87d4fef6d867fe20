"""Extra scan commands from the config (`security.commands`), streamed line by line.

Each command is split with `shlex` and run without a shell. stdout and
stderr are merged and every line reaches `on_line` as soon as the command
writes it (a reader thread feeds a queue; `on_line` is always called on the
caller's thread). Problems a user can fix (a missing executable, a timeout,
a malformed command line) are reported through `on_line` and an exit code,
never raised, so one bad command cannot stop a run.
"""

from __future__ import annotations

import os
import queue
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import IO

EXIT_USAGE = 2
"""The command line could not be parsed (or was empty)."""
EXIT_TIMEOUT = 124
"""The command ran past `timeout_s` and was killed (as `timeout(1)` reports)."""
EXIT_NOT_FOUND = 127
"""The executable does not exist (as a shell reports)."""
EXIT_NOT_RUNNABLE = 126
"""The executable exists but could not be started (permissions, format)."""

_EOF = None


def run_commands(
    commands: Sequence[str],
    env: Mapping[str, str],
    on_line: Callable[[str], None],
    cwd: str | os.PathLike[str] | None = None,
    timeout_s: float = 600,
) -> list[int]:
    """Run each command in turn, streaming its output.

    Args:
        commands: command lines, split with `shlex.split` (no shell: pipes,
            globs and `$VARS` are not expanded).
        env: the complete environment of each command (pass
            `{**os.environ, ...}` to inherit); without PATH the OS default
            search path applies.
        on_line: receives `$ <command>` before each command, then each output
            line (stdout and stderr merged, without the newline), then a
            `[lbconsole] ...` line if the command could not run or timed out.
        cwd: working directory of the commands.
        timeout_s: limit for each command, in seconds.

    Returns:
        One exit code per command: the process's own, or 2 (malformed command
        line), 124 (timeout, process killed), 126 (not runnable), 127 (not
        found). On POSIX a process killed by signal N gives -N.
    """
    return [_run_one(command, env, on_line, cwd, timeout_s) for command in commands]


def _run_one(
    command: str,
    env: Mapping[str, str],
    on_line: Callable[[str], None],
    cwd: str | os.PathLike[str] | None,
    timeout_s: float,
) -> int:
    on_line(f"$ {command}")
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        on_line(f"[lbconsole] cannot parse command: {exc}")
        return EXIT_USAGE
    if not argv:
        on_line("[lbconsole] empty command")
        return EXIT_USAGE
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=os.name == "posix",
        )
    except FileNotFoundError:
        on_line(f"[lbconsole] command not found: {argv[0]}")
        return EXIT_NOT_FOUND
    except OSError as exc:
        on_line(f"[lbconsole] cannot run {argv[0]}: {exc.strerror or exc}")
        return EXIT_NOT_RUNNABLE
    assert proc.stdout is not None  # stdout=PIPE
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            _kill(proc)
            reader.join(timeout=5)
            _drain(lines, on_line)
            on_line(f"[lbconsole] timed out after {timeout_s:g}s; killed")
            return EXIT_TIMEOUT
        if line is _EOF:
            break
        on_line(line)
    try:
        return proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:  # closed its output but kept running
        _kill(proc)
        on_line(f"[lbconsole] timed out after {timeout_s:g}s; killed")
        return EXIT_TIMEOUT


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    with stream:
        for line in stream:
            lines.put(line.rstrip("\r\n"))
    lines.put(_EOF)


def _drain(lines: queue.Queue[str | None], on_line: Callable[[str], None]) -> None:
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return
        if line is not _EOF:
            on_line(line)


def _kill(proc: subprocess.Popen[str]) -> None:
    """Kill the command and, on POSIX, everything it started (its session)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
