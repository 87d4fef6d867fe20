"""`lbconsole logs`: print the consolidated log file, filtered, and follow it."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lbconsole.cli.logs import logs
from lbconsole.engine.logbus import LogRecord
from lbconsole.engine.logfile import LogFile, log_path
from lbconsole.errors import UsageError

NOW = datetime(2026, 11, 23, 22, 1, 3, tzinfo=UTC)


def rec(text: str, source: str = "app", pr: int | None = None) -> LogRecord:
    return LogRecord(NOW, source, "info", text, pr)


def test_logs_prints_filtered_lines(tmp_path: Path) -> None:
    sink = LogFile(tmp_path)
    sink(rec("merged 3f2a1b0 (squash)", source="merge", pr=12))
    sink(rec("labelled bug", source="label", pr=12))
    out = io.StringIO()

    code = logs(tmp_path, source="merge", out=out)

    assert code == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("merge #12 merged 3f2a1b0 (squash)")


def test_a_source_the_log_does_not_have_is_an_error_naming_the_sources(tmp_path: Path) -> None:
    sink = LogFile(tmp_path)
    sink(rec("merged 3f2a1b0 (squash)", source="merge", pr=12))
    sink(rec("cancelling", source="app"))
    out = io.StringIO()

    with pytest.raises(UsageError) as caught:
        logs(tmp_path, source="nonsense", out=out)

    assert caught.value.message == "no log lines from source 'nonsense'; sources in the log: app, merge"
    assert caught.value.exit_code == 2
    assert out.getvalue() == ""
    assert logs(tmp_path, source="merge", pr=99, out=out) == 0  # a known source, just nothing for that PR


def test_logs_without_a_log(tmp_path: Path) -> None:
    out = io.StringIO()
    assert logs(tmp_path, out=out) == 0
    assert out.getvalue() == f"no log yet at {log_path(tmp_path)}\n"


def test_logs_follow_prints_history_then_new_lines(tmp_path: Path) -> None:
    sink = LogFile(tmp_path)
    sink(rec("old", pr=5))
    stop = threading.Event()
    steps = [lambda: sink(rec("new", pr=5)), stop.set]
    out = io.StringIO()

    code = logs(tmp_path, follow=True, pr=5, out=out, stop=stop, sleep=lambda s: steps.pop(0)())

    assert code == 0
    assert [line.split(" ", 2)[2] for line in out.getvalue().splitlines()] == ["#5 old", "#5 new"]
