"""Ctrl+C and SIGTERM during a run: every outcome and the run record are written, then the exit.

A CI runner cancels a job with SIGTERM (then SIGKILL a few seconds later);
an operator presses Ctrl+C once to stop after the action in flight, and
again when that takes too long. `Interrupt` is the signal handler a
command installs around `run_plan` in the main thread:

- the first SIGINT sets `cancel`: the action in flight finishes, every later
  one is `cancelled`;
- SIGTERM, or a second SIGINT, also stops the action in flight: while the
  executor is inside one (`armed()`), the handler raises `Interrupted` there
  (a blocking socket read or a wait ends at once), and the executor decides
  that action by re-reading its PR (`done` if it happened, `cancelled` if
  not, `unknown` if the re-read fails), marks the rest `cancelled` and
  writes the run record;
- the command then exits 128 + the signal's number: 130 for SIGINT, 143 for
  SIGTERM (`exit_code`).
"""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Interrupted(BaseException):
    """Raised in the action in flight by SIGTERM or a second SIGINT.

    A `BaseException`, like `KeyboardInterrupt`, so that no `except Exception`
    on the way (a handler's, a library's) mistakes it for a failed request.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


def signal_name(signum: int) -> str:
    """`SIGTERM`, `SIGINT` (or `signal N` for one without a name)."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class Interrupt:
    """The signal handler of one run; install it with `installed()`."""

    def __init__(self, on_signal: Callable[[str], object] | None = None) -> None:
        """`on_signal` is told, in a line, what each signal does (the run's log)."""
        self.cancel = threading.Event()
        """Set by the first signal: no action starts after it."""
        self.signum = 0
        """The last signal received (0: none)."""
        self._armed = 0
        self._on_signal = on_signal
        self._notes: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        """What the handler has to say; a thread logs it, as the handler may not take the log's locks."""

    @property
    def exit_code(self) -> int:
        """128 + the signal's number (130 SIGINT, 143 SIGTERM); 0 when no signal came."""
        return 128 + self.signum if self.signum else 0

    @property
    def stopping(self) -> str:
        """`interrupted by SIGTERM` once a signal came ('' before)."""
        return f"interrupted by {signal_name(self.signum)}" if self.signum else ""

    def __call__(self, signum: int, frame: object = None) -> None:
        """The handler: cancel on the first SIGINT; SIGTERM or a second SIGINT stops the action in flight."""
        first = not self.cancel.is_set()
        self.cancel.set()
        self.signum = signum
        if signum == signal.SIGINT and first:
            self._say("cancelling: the action in flight finishes, the rest are cancelled (Ctrl+C again to stop it)")
            return
        if self._armed:
            self._say(f"{signal_name(signum)}: stopping the action in flight; a re-read decides its outcome")
            raise Interrupted(signum)
        self._say(f"{signal_name(signum)}: no action starts any more")

    @contextmanager
    def armed(self) -> Iterator[None]:
        """While inside: SIGTERM or a second SIGINT raises `Interrupted` here (the action in flight)."""
        self._armed += 1
        try:
            yield
        finally:
            self._armed -= 1

    @contextmanager
    def installed(self) -> Iterator[Interrupt]:
        """This handler for SIGINT and SIGTERM while inside (only in the main thread; elsewhere a no-op)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        announcer = threading.Thread(target=self._announce, name="lbconsole-signals", daemon=True)
        announcer.start()
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        for s in previous:
            signal.signal(s, self)
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            self._notes.put(None)
            announcer.join(timeout=5)

    def _say(self, text: str) -> None:
        self._notes.put(text)  # SimpleQueue.put is safe in a signal handler; the log's locks are not

    def _announce(self) -> None:
        if hasattr(signal, "pthread_sigmask"):  # so the kernel interrupts the main thread's socket read, not this one
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        while (text := self._notes.get()) is not None:
            if self._on_signal is not None:
                try:
                    self._on_signal(text)
                except Exception:  # a broken log must not kill the thread that reports signals
                    continue
