"""The JSON-lines log file: rotation bound, reading back, following."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from lbconsole.engine.logbus import LogBus, LogRecord
from lbconsole.engine.logfile import LogFile, follow, log_path, read_records

NOW = datetime(2026, 11, 23, 22, 1, 3, tzinfo=UTC)


def rec(text: str, source: str = "app", pr: int | None = None) -> LogRecord:
    return LogRecord(NOW, source, "info", text, pr)


def test_rotation_keeps_the_log_bounded(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    sink = LogFile(log_dir, max_bytes=2_000, backups=2)
    for i in range(400):
        sink(rec(f"line {i:04d} " + "x" * 40))
    sink.close()

    files = sorted(p.name for p in log_dir.iterdir())
    assert files == ["lbconsole.jsonl", "lbconsole.jsonl.1", "lbconsole.jsonl.2"]
    assert all(p.stat().st_size <= 2_000 for p in log_dir.iterdir())
    texts = [r.text[:9] for r in read_records(log_path(log_dir))]
    assert texts[-1] == "line 0399"
    assert texts == sorted(texts)  # oldest backup first, no gaps in what is kept
    numbers = [int(t[5:]) for t in texts]
    assert numbers == list(range(numbers[0], 400))
    assert numbers[0] > 0  # the oldest lines fell off


def test_read_records_filters_and_skips_torn_lines(tmp_path: Path) -> None:
    bus = LogBus(clock=lambda: NOW)
    sink = LogFile(tmp_path)
    bus.subscribe(sink)
    bus.emit("merge", "merged 3f2a1b0 (squash)", pr=12)
    bus.emit("label", "labelled bug", pr=13)
    bus.emit("merge", "merged 9a8b7c6 (squash)", pr=13)
    sink.close()
    with log_path(tmp_path).open("a", encoding="utf-8") as f:
        f.write('{"time": "2026-11-23T22:0\n')

    assert [r.text for r in read_records(log_path(tmp_path), source="merge")] == [
        "merged 3f2a1b0 (squash)",
        "merged 9a8b7c6 (squash)",
    ]
    assert [r.source for r in read_records(log_path(tmp_path), pr=13)] == ["label", "merge"]
    assert [r.text for r in read_records(log_path(tmp_path), source="merge", pr=13)] == ["merged 9a8b7c6 (squash)"]


def test_follow_yields_appended_records_and_stops(tmp_path: Path) -> None:
    sink = LogFile(tmp_path)
    sink(rec("before"))
    stop = threading.Event()
    script = [
        lambda: sink(rec("first", pr=1)),
        lambda: sink(rec("other pr", pr=2)),
        lambda: sink(rec("second", pr=1)),
        stop.set,
    ]

    def fake_sleep(seconds: float) -> None:
        script.pop(0)()

    got = [r.text for r in follow(log_path(tmp_path), pr=1, stop=stop, sleep=fake_sleep)]

    assert got == ["first", "second"]


def test_follow_survives_rotation(tmp_path: Path) -> None:
    sink = LogFile(tmp_path, max_bytes=300, backups=1)
    stop = threading.Event()
    written = iter(range(30))

    def fake_sleep(seconds: float) -> None:
        i = next(written, None)
        if i is None:
            stop.set()
        else:
            sink(rec(f"n{i:02d} " + "y" * 60))

    got = [r.text[:3] for r in follow(log_path(tmp_path), stop=stop, sleep=fake_sleep)]

    assert got == [f"n{i:02d}" for i in range(30)]
    assert (tmp_path / "lbconsole.jsonl.1").exists()


def test_follow_waits_for_a_file_that_does_not_exist_yet(tmp_path: Path) -> None:
    stop = threading.Event()
    sink = LogFile(tmp_path / "later")
    steps = [lambda: None, lambda: sink(rec("hello")), stop.set]

    got = [r.text for r in follow(log_path(tmp_path / "later"), stop=stop, sleep=lambda s: steps.pop(0)())]

    assert got == ["hello"]
