"""The log bus: redaction before any sink, fan-out, ring, stdout lines."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lbconsole.engine.logbus import LogBus, LogRecord, LogRing, StreamSink, format_line, matches

NOW = datetime(2026, 11, 23, 22, 1, 3, tzinfo=UTC)
TOKEN = "ghp_" + "aB3" * 12


def test_tokens_are_redacted_before_any_subscriber_sees_them() -> None:
    bus = LogBus(clock=lambda: NOW, secrets=["hunter2-the-exact-token-value"])
    seen: list[LogRecord] = []
    bus.subscribe(seen.append)
    ring = LogRing()
    bus.subscribe(ring)
    out = io.StringIO()
    bus.subscribe(StreamSink(out, tz=UTC))

    returned = bus.emit("app", f"auth header: token {TOKEN} and hunter2-the-exact-token-value")

    for text in (seen[0].text, ring.snapshot()[0].text, out.getvalue(), returned.text):
        assert TOKEN not in text
        assert "hunter2-the-exact-token-value" not in text
        assert "auth header: token" in text


def test_secret_added_later_is_redacted_from_then_on() -> None:
    bus = LogBus(clock=lambda: NOW)
    seen: list[str] = []
    bus.subscribe(lambda r: seen.append(r.text))

    bus.emit("app", "value s3cr3t-value-xyz")
    bus.add_secret("s3cr3t-value-xyz")
    bus.emit("app", "value s3cr3t-value-xyz")

    assert seen[0] == "value s3cr3t-value-xyz"
    assert "s3cr3t-value-xyz" not in seen[1]


def test_publish_redacts_ready_made_records_too() -> None:
    bus = LogBus()
    seen: list[LogRecord] = []
    bus.subscribe(seen.append)

    bus.publish(LogRecord(NOW, "test", "info", f"echo {TOKEN}", job="test (3.12)"))

    assert TOKEN not in seen[0].text
    assert seen[0].job == "test (3.12)"
    assert seen[0].time == NOW


def test_unsubscribe_and_a_broken_sink_does_not_stop_others() -> None:
    bus = LogBus(clock=lambda: NOW)
    good: list[str] = []

    def broken(record: LogRecord) -> None:
        raise OSError("disk full")

    bus.subscribe(broken)
    unsubscribe = bus.subscribe(lambda r: good.append(r.text))
    bus.emit("app", "one")
    unsubscribe()
    unsubscribe()
    bus.emit("app", "two")

    assert good == ["one"]
    assert bus.errors == 2


def test_emit_from_many_threads_loses_nothing() -> None:
    bus = LogBus()
    ring = LogRing(maxlen=10_000)
    bus.subscribe(ring)

    def worker(k: int) -> None:
        for i in range(200):
            bus.emit("app", f"{k}-{i}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(ring) == 1600
    assert ring.last_seq == 1600
    assert {r.text for r in ring.snapshot()} == {f"{k}-{i}" for k in range(8) for i in range(200)}


def test_ring_is_bounded_and_since_returns_only_new_records() -> None:
    ring = LogRing(maxlen=3)
    for i in range(5):
        ring(LogRecord(NOW, "app", "info", f"line {i}", pr=i % 2))

    assert [r.text for r in ring.snapshot()] == ["line 2", "line 3", "line 4"]
    assert [r.text for r in ring.snapshot(pr=1)] == ["line 3"]
    new, seq = ring.since(3)
    assert [r.text for r in new] == ["line 3", "line 4"]
    assert seq == 5
    assert ring.since(seq) == ([], 5)


def test_format_line_is_the_headless_style() -> None:
    record = LogRecord(NOW, "merge", "info", "merged 3f2a1b0 (squash)", pr=12)
    assert format_line(record, tz=UTC) == "22:01:03 merge #12 merged 3f2a1b0 (squash)"
    plus2 = timezone(timedelta(hours=2))
    assert format_line(record, tz=plus2).startswith("00:01:03 ")
    failed = LogRecord(NOW, "label", "error", "Server Error (HTTP 502)", pr=3, job=None)
    assert format_line(failed, tz=UTC) == "22:01:03 label #3 error: Server Error (HTTP 502)"
    job = LogRecord(NOW, "workflow", "info", "Run tests", job="test")
    assert format_line(job, tz=UTC) == "22:01:03 workflow [test] Run tests"


def test_stream_sink_respects_min_level() -> None:
    out = io.StringIO()
    sink = StreamSink(out, min_level="info", tz=UTC)
    sink(LogRecord(NOW, "run", "debug", "traceback line"))
    sink(LogRecord(NOW, "run", "info", "finished"))
    assert out.getvalue() == "22:01:03 run finished\n"


def test_record_json_round_trip() -> None:
    record = LogRecord(NOW, "scan", "warning", 'high rule "x" | y', pr=9, job="scan")
    line = record.to_json()
    assert "\n" not in line
    assert LogRecord.from_json(line) == record
    bare = LogRecord(NOW, "app", "info", "hi")
    assert LogRecord.from_json(bare.to_json()) == bare
    with pytest.raises(ValueError, match="not a log record"):
        LogRecord.from_json('{"text": "no time"}')


def test_matches_source_pr_and_job() -> None:
    record = LogRecord(NOW, "workflow", "info", "x", pr=4, job="Test")
    assert matches(record)
    assert matches(record, source="workflow", pr=4)
    assert matches(record, source="test")
    assert not matches(record, source="merge")
    assert not matches(record, pr=5)
