"""One consolidated log: every line lbconsole shows goes through this bus.

The executor, the scanner's commands, the dispatch follower and the app emit
`LogRecord`s here; sinks (the console's ring, stdout for headless runs, the
JSON-lines file, tests) subscribe. Every record is redacted before any
subscriber sees it, so no sink can leak a token (SPEC 5).
"""

from __future__ import annotations

import json
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any, TextIO

from lbconsole.redact import redact as redact_text

LEVELS: tuple[str, ...] = ("debug", "info", "warning", "error")
"""Record levels, least severe first."""

Subscriber = Callable[["LogRecord"], None]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One line of the consolidated log."""

    time: datetime
    """When it happened (timezone-aware)."""
    source: str
    """Who said it: `app`, `run`, an action kind (`merge`...), `scan`, a workflow job."""
    level: str
    """One of `LEVELS`."""
    text: str
    """The line itself (already redacted when it came through the bus)."""
    pr: int | None = None
    """The pull request it is about, if any."""
    job: str | None = None
    """The workflow job it came from (dispatch follower), if any."""

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (`time` in ISO 8601)."""
        data: dict[str, Any] = {
            "time": self.time.isoformat(),
            "source": self.source,
            "level": self.level,
            "text": self.text,
        }
        if self.pr is not None:
            data["pr"] = self.pr
        if self.job is not None:
            data["job"] = self.job
        return data

    def to_json(self) -> str:
        """One JSON object on one line (the log file's format)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> LogRecord:
        """Read back a line written by `to_json`.

        Raises:
            ValueError: when the line is not such a record.
        """
        try:
            data = json.loads(line)
            moment = datetime.fromisoformat(data["time"])
            pr = data.get("pr")
            job = data.get("job")
            return cls(
                time=moment if moment.tzinfo else moment.replace(tzinfo=UTC),
                source=str(data["source"]),
                level=str(data.get("level", "info")),
                text=str(data["text"]),
                pr=int(pr) if pr is not None else None,
                job=str(job) if job is not None else None,
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a log record: {exc}") from exc


def format_line(record: LogRecord, *, tz: tzinfo | None = None, clock: str | None = None) -> str:
    """One human line: `22:01:03 merge #12 merged 3f2a1b0 (squash)`.

    Args:
        record: the record to show.
        tz: timezone of the clock shown; None means the local timezone.
        clock: the record's time already formatted (callers that cache it per timestamp).

    Returns:
        The line, without a trailing newline; warnings and errors are tagged.
    """
    parts = [clock or record.time.astimezone(tz).strftime("%H:%M:%S"), record.source]
    if record.job:
        parts.append(f"[{record.job}]")
    if record.pr is not None:
        parts.append(f"#{record.pr}")
    if record.level in ("warning", "error"):
        parts.append(f"{record.level}:")
    parts.append(record.text)
    return " ".join(parts)


class LogBus:
    """Thread-safe fan-out of redacted log records to subscribers.

    A subscriber that raises is ignored for that record (a broken sink must
    never stop a run); `errors` counts such failures.
    """

    def __init__(self, *, clock: Clock | None = None, secrets: Iterable[str] = ()) -> None:
        """Create a bus.

        Args:
            clock: returns the current time (tests freeze it); default UTC now.
            secrets: exact values (the token in use) redacted on top of the known token shapes.
        """
        self._clock = clock or _utcnow
        self._lock = threading.Lock()
        self._subscribers: tuple[Subscriber, ...] = ()
        self._secrets: tuple[str, ...] = tuple(s for s in secrets if s)
        self.errors = 0
        """How many times a subscriber raised."""

    def add_secret(self, secret: str) -> None:
        """Redact `secret` (e.g. the token once it is known) from every later record."""
        if secret:
            with self._lock:
                if secret not in self._secrets:
                    self._secrets = (*self._secrets, secret)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Deliver every later record to `subscriber`.

        Returns:
            A function that unsubscribes it (calling it twice is harmless).
        """
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)

        def unsubscribe() -> None:
            with self._lock:
                subs = list(self._subscribers)
                if subscriber in subs:
                    subs.remove(subscriber)
                    self._subscribers = tuple(subs)

        return unsubscribe

    def redact(self, text: str) -> str:
        """`text` with every token shape and every registered secret masked."""
        return redact_text(text, self._secrets)

    def emit(
        self,
        source: str,
        text: str,
        level: str = "info",
        pr: int | None = None,
        *,
        job: str | None = None,
    ) -> LogRecord:
        """Log one line now.

        Returns:
            The record as subscribers saw it (redacted).
        """
        return self.publish(LogRecord(self._clock(), source, level, text, pr, job))

    def publish(self, record: LogRecord) -> LogRecord:
        """Deliver a ready-made record (e.g. a job log line with its own time), redacted.

        Returns:
            The redacted record.
        """
        if record.level not in LEVELS:
            record = replace(record, level="info")
        text = self.redact(record.text)
        clean = record if text is record.text else replace(record, text=text)
        with self._lock:
            subscribers = self._subscribers
        for subscriber in subscribers:
            try:
                subscriber(clean)
            except Exception:
                self.errors += 1
        return clean


class LogRing:
    """Bounded in-memory history for the console (oldest records fall off).

    Records are numbered as they arrive so a log pane polling on a timer can
    take everything new in one batch with `since`.
    """

    def __init__(self, maxlen: int = 10_000) -> None:
        """Keep at most `maxlen` records."""
        self._lock = threading.Lock()
        self._items: deque[tuple[int, LogRecord]] = deque(maxlen=maxlen)
        self._seq = 0

    def __call__(self, record: LogRecord) -> None:
        """Append (the ring is a bus subscriber)."""
        with self._lock:
            self._seq += 1
            self._items.append((self._seq, record))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def last_seq(self) -> int:
        """Number of the newest record (0 before the first)."""
        return self._seq

    def snapshot(self, *, source: str | None = None, pr: int | None = None) -> list[LogRecord]:
        """Every record still held, oldest first, optionally filtered."""
        with self._lock:
            items = list(self._items)
        return [r for _, r in items if matches(r, source=source, pr=pr)]

    def since(self, seq: int) -> tuple[list[LogRecord], int]:
        """Records newer than `seq`, and the number to pass next time."""
        with self._lock:
            items = [r for n, r in self._items if n > seq]
            return items, self._seq


class StreamSink:
    """Writes `format_line` lines to a stream (stdout in headless runs)."""

    def __init__(self, stream: TextIO | None = None, *, min_level: str = "info", tz: tzinfo | None = None) -> None:
        """Write to `stream` (default: sys.stdout at call time) records at `min_level` or above."""
        self._stream = stream
        self._min = LEVELS.index(min_level) if min_level in LEVELS else 1
        self._tz = tz
        self._lock = threading.Lock()

    def __call__(self, record: LogRecord) -> None:
        """Write one record (the sink is a bus subscriber)."""
        if LEVELS.index(record.level) < self._min:
            return
        stream = self._stream or sys.stdout
        with self._lock:
            stream.write(format_line(record, tz=self._tz) + "\n")
            stream.flush()


def matches(record: LogRecord, *, source: str | None = None, pr: int | None = None) -> bool:
    """Whether `record` passes the `--source` / `--pr` filters (None: any).

    `source` also matches the job name, so `--source test` finds a workflow job's lines.
    """
    if source is not None and source.casefold() not in (record.source.casefold(), (record.job or "").casefold()):
        return False
    return pr is None or record.pr == pr
