"""Extra scan commands (`security.commands`): streamed output, exit codes, failures."""

from __future__ import annotations

import os
import shlex
import sys
import threading
from pathlib import Path

import pytest

from lbconsole.engine.scanner import run_commands


def py(code: str) -> str:
    """A command line running `code` with this Python, unbuffered."""
    return shlex.join([sys.executable, "-u", "-c", code])


def test_lines_are_merged_in_order_and_exit_codes_returned() -> None:
    code = (
        "import sys\n"
        "print('scanning 3 files')\n"
        "print('warning: weak hash', file=sys.stderr)\n"
        "print('found 1 issue')\n"
        "sys.exit(3)"
    )
    clean = py("print('clean')")
    lines: list[str] = []

    codes = run_commands([py(code), clean], env=dict(os.environ), on_line=lines.append)

    assert codes == [3, 0]
    assert lines == [
        f"$ {py(code)}",
        "scanning 3 files",
        "warning: weak hash",
        "found 1 issue",
        f"$ {clean}",
        "clean",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
def test_output_is_streamed_while_the_command_runs(tmp_path: Path) -> None:
    """The command blocks until on_line has seen its first line: only streaming lets it finish."""
    fifo = tmp_path / "go"
    os.mkfifo(fifo)
    code = f"print('ready')\nwith open({str(fifo)!r}) as f:\n    print('got', f.read())"
    lines: list[str] = []

    def release() -> None:
        with open(fifo, "w") as f:  # blocks until the command opens the pipe to read
            f.write("go")

    def on_line(line: str) -> None:
        lines.append(line)
        if line == "ready":  # a thread, so a non-streaming runner fails by timeout instead of hanging
            threading.Thread(target=release, daemon=True).start()

    codes = run_commands([py(code)], env=dict(os.environ), on_line=on_line, timeout_s=10)

    assert codes == [0]
    assert lines[1:] == ["ready", "got go"]


def test_missing_executable_is_reported_not_raised() -> None:
    lines: list[str] = []

    codes = run_commands(
        ["lbconsole-no-such-scanner --all", py("print('after')")], env=dict(os.environ), on_line=lines.append
    )

    assert codes == [127, 0]
    assert lines[:2] == [
        "$ lbconsole-no-such-scanner --all",
        "[lbconsole] command not found: lbconsole-no-such-scanner",
    ]
    assert lines[-1] == "after"


def test_timeout_kills_the_command_and_keeps_its_output() -> None:
    code = "import threading\nprint('started')\nthreading.Event().wait()"
    lines: list[str] = []

    codes = run_commands([py(code)], env=dict(os.environ), on_line=lines.append, timeout_s=0.5)

    assert codes == [124]
    assert lines[1:] == ["started", "[lbconsole] timed out after 0.5s; killed"]


def test_malformed_and_empty_command_lines() -> None:
    lines: list[str] = []

    codes = run_commands(['echo "unterminated', "   "], env=dict(os.environ), on_line=lines.append)

    assert codes == [2, 2]
    assert lines[1] == "[lbconsole] cannot parse command: No closing quotation"
    assert lines[3] == "[lbconsole] empty command"


def test_env_is_the_whole_environment_and_cwd_applies(tmp_path: Path) -> None:
    code = "import os\nprint(os.environ.get('LB_SCAN'), os.environ.get('HOME_SECRET'), os.getcwd())"
    lines: list[str] = []

    codes = run_commands([py(code)], env={"LB_SCAN": "1"}, on_line=lines.append, cwd=tmp_path)

    assert codes == [0]
    assert lines[1] == f"1 None {tmp_path}"


def test_no_shell_is_involved(tmp_path: Path) -> None:
    lines: list[str] = []

    codes = run_commands([py("import sys; print(sys.argv[1:])") + " '$HOME' '*' '|' x"], {}, lines.append, tmp_path)

    assert codes == [0]
    assert lines[1] == "['$HOME', '*', '|', 'x']"
