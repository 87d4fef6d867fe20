"""Config files that are hostile or broken: no hang, no traceback, no echoed token, a capped list."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from lbconsole.cli.config import config_validate
from lbconsole.config.load import MAX_CONFIG_BYTES, Problem, load
from lbconsole.config.save import set_value
from lbconsole.core.settings import Settings
from lbconsole.errors import ConfigError
from lbconsole.redact import forget_secrets

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
TOKEN = "ghp_" + "Q7w8E9r0T1y2U3i4O5p6A7s8D9f0G1h2J3k4"


def the_problem(path: Path | str) -> str:
    result = load(path)
    assert result.exists
    assert result.settings == Settings()
    [problem] = result.problems
    assert "\n" not in str(problem)
    return str(problem)


def validate_exit(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = config_validate(path, env={})
    out = capsys.readouterr()
    return code, out.out + out.err


@posix_only
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    assert the_problem(fifo) == "config.toml: cannot be read: is not a regular file (a FIFO)"


@posix_only
def test_dev_zero_is_refused_before_a_byte_is_read() -> None:
    assert the_problem("/dev/zero") == "zero: cannot be read: is not a regular file (a character device)"


def test_a_file_over_one_mib_is_refused_and_the_message_says_so(tmp_path: Path) -> None:
    big = tmp_path / "config.toml"
    big.write_bytes(b"# " + b"x" * MAX_CONFIG_BYTES + b"\n")
    assert the_problem(big) == "config.toml: cannot be read: is larger than 1 MiB, the most lbconsole reads"


def test_three_thousand_nested_inline_tables_are_one_problem_not_a_recursion_error(tmp_path: Path) -> None:
    deep = tmp_path / "config.toml"
    deep.write_text("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", encoding="utf-8")
    assert the_problem(deep) == "config.toml: invalid TOML: tables or arrays nested too deeply"


def test_deep_arrays_that_parse_are_shown_shallowly(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text("[limits]\nmerge = " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    assert the_problem(file) == "config.toml: limits.merge: must be an integer between 0 and 100, got [[[...]]]"


@posix_only
def test_a_symlink_loop_is_reported_as_such_and_validate_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    assert the_problem(tmp_path / "a.toml") == (
        "a.toml: cannot be read: is a symlink loop (too many levels of symbolic links)"
    )
    code, output = validate_exit(tmp_path / "a.toml", capsys)
    assert code == 2
    assert "symlink loop" in output
    assert "no such file" not in output
    with pytest.raises(ConfigError, match="symlink loop"):
        set_value(tmp_path / "a.toml", "limits.merge", "3")


def test_at_most_twenty_problems_then_how_many_more(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "config.toml"
    file.write_text("[limits]\n" + "".join(f"x{i} = 1\n" for i in range(50_000)), encoding="utf-8")
    result = load(file)
    assert len(result.problems) == 21
    assert result.problem_count == 50_000
    assert str(result.problems[-1]) == "config.toml: … and 49,980 more problems"
    assert result.warning() is not None
    assert result.warning().startswith(f"{file} has 50,000 problems; running on the defaults")
    code, output = validate_exit(file, capsys)
    assert code == 2
    assert len(output.splitlines()) == 22  # 21 problem lines, then the count
    assert output.splitlines()[-1] == f"{file}: 50,000 problems"


def test_each_problem_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('[github]\nrepo = """acme/\nrocket"""\n', encoding="utf-8")
    [problem] = load(file).problems
    assert "\n" not in str(problem)
    assert "\n" not in Problem(None, "a\nb", "one\ntwo\r\nthree").message


@pytest.mark.parametrize(
    "value",
    [
        TOKEN,
        "github_pat_" + "11ABCDEFG0" * 2 + "12_" + "abcdefghij" * 5 + "ABCDEFGHI",
        "0123456789abcdef0123456789abcdef01234567",  # an old 40-hex OAuth token
        "my-ghes-token-0123456789-abcdefghij-XYZ",
    ],
)
def test_a_token_pasted_as_a_value_is_never_echoed(tmp_path: Path, value: str, capsys) -> None:
    forget_secrets()  # the CLI prints problems before it registers the token in use
    file = tmp_path / "config.toml"
    file.write_text(f'[github]\nwrite_interval_s = "{value}"\n', encoding="utf-8")
    [problem] = load(file).problems
    assert value not in str(problem)
    assert str(problem) == (
        f"config.toml: github.write_interval_s: must be a number between 0 and 60 (seconds), got a {len(value)}-character "
        "value that looks like a token (not shown)"
    )
    code, output = validate_exit(file, capsys)
    assert code == 2
    assert value not in output
    with pytest.raises(ConfigError) as caught:
        set_value(file, "limits.merge", "3")
    assert value not in str(caught.value)


def test_a_token_as_a_key_or_inside_a_longer_value_is_masked(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text(f'[limits]\n{TOKEN} = 1\n[merge]\nmethod = "use {TOKEN} please"\n', encoding="utf-8")
    text = "\n".join(str(p) for p in load(file).problems)
    assert TOKEN not in text
    assert "limits.***: unknown key" in text


def test_ordinary_wrong_values_are_still_shown(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_text('[merge]\nmethod = "squish"\n[github]\nrepo = "acme/rocket/extra"\n', encoding="utf-8")
    text = "\n".join(str(p) for p in load(file).problems)
    assert 'got "squish"' in text
    assert '"acme/rocket/extra"' in text
