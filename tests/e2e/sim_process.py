"""`lbconsole sim` as a real process for end-to-end tests: on a free loopback port, stopped afterwards."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_S = 20.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, process: subprocess.Popen[str]) -> None:
    """Return once `port` accepts connections; raise when the process ends or `START_TIMEOUT_S` passes."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"lbconsole sim exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)  # polling a condition (the port accepts), bounded by the deadline
    raise RuntimeError("lbconsole sim did not start listening")


@contextmanager
def sim_process(options: Sequence[str], log: Path) -> Iterator[int]:
    """`lbconsole sim --port P *options` for the `with` block; yields P.

    Its output goes to `log`, a file: a pipe nobody reads would fill and stall the server.
    """
    port = free_port()
    with log.open("w", encoding="utf-8") as out:
        command = [sys.executable, "-m", "lbconsole", "sim", "--port", str(port), *options]
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            wait_listening(port, process)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
