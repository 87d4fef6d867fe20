"""`lbconsole auth login|status|logout`: where the token is, whose it is, never the token itself."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail, null

from lbconsole.cli import main
from lbconsole.cli.entry import execute
from lbconsole.cli.parser import build_parser
from lbconsole.errors import AuthError
from lbconsole.redact import forget_secrets
from tests.unit.test_auth import MemoryKeyring

TOKEN = "ghp_" + "S3cr3t" * 6


@pytest.fixture(autouse=True)
def _no_gh_and_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    empty = tmp_path / "no-gh"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no gh CLI on PATH
    forget_secrets()
    yield
    forget_secrets()


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def run(argv: list[str], whoami: Any = None) -> int:
    """Run the real command line with `whoami` as the token checker (None: GitHub is never asked)."""
    return execute(build_parser(whoami=whoami), argv)


def test_status_names_the_source_and_user_never_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    seen: list[tuple[str, str]] = []

    def whoami(token: str, api_url: str) -> str:
        seen.append((token, api_url))
        return "octocat"

    assert run(["auth", "status"], whoami) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "api.github.com: classic personal access token from environment variable GH_TOKEN",
        "  user: octocat",
    ]
    assert TOKEN not in out + err
    assert seen == [(TOKEN, "https://api.github.com")]


def test_status_uses_api_url_option_for_the_host(
    monkeypatch: pytest.MonkeyPatch, memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    memory.store[("lbconsole", "ghe.example.com")] = TOKEN
    assert run(["--api-url", "https://ghe.example.com/api/v3", "auth", "status"]) == 0
    assert capsys.readouterr().out.strip() == (
        "ghe.example.com: classic personal access token from OS keyring (lbconsole@ghe.example.com)"
    )


def test_status_without_token_exits_3_and_says_how_to_fix(no_keyring: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["auth", "status"]) == 3
    err = capsys.readouterr().err
    assert "api.github.com: not logged in" in err
    assert "OS keyring: no keyring backend available" in err
    assert "gh CLI: not installed" in err
    assert "LBCONSOLE_TOKEN" in err


def test_status_with_a_refused_token_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LBCONSOLE_TOKEN", TOKEN)

    def whoami(token: str, api_url: str) -> str:
        raise AuthError(f"GitHub rejected {token} (401 Bad credentials)")

    assert run(["auth", "status"], whoami) == 3
    out, err = capsys.readouterr()
    assert "the token was refused: GitHub rejected *** (401 Bad credentials)" in err
    assert TOKEN not in out + err


def test_login_with_token_from_stdin_stores_it_in_the_keyring(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert run(["auth", "login", "--with-token"], lambda token, url: "octocat") == 0
    assert memory.store == {("lbconsole", "api.github.com"): TOKEN}
    out, err = capsys.readouterr()
    assert out.strip() == "Stored the token of octocat in the OS keyring (lbconsole@api.github.com)"
    assert TOKEN not in out + err


def test_login_prompts_without_echo_when_no_flag(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return TOKEN

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # a person at a terminal
    monkeypatch.setenv("GITHUB_TOKEN", "env-token-value")
    assert run(["auth", "login"]) == 0
    assert memory.store == {("lbconsole", "api.github.com"): TOKEN}
    assert prompts == ["Paste a GitHub token for api.github.com (input hidden): "]
    assert "GITHUB_TOKEN is set and takes precedence" in capsys.readouterr().err


def test_login_rejected_by_whoami_stores_nothing(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN))

    def whoami(token: str, api_url: str) -> str:
        raise AuthError("GitHub rejected the token (401 Bad credentials)")

    assert run(["auth", "login", "--with-token"], whoami) == 3
    assert memory.store == {}
    assert "401 Bad credentials" in capsys.readouterr().err


def test_login_without_keyring_exits_3_names_the_fallback_and_writes_no_file(
    no_keyring: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = Path(os.environ["HOME"])
    assert home.is_relative_to(tmp_path)  # tests/conftest.py's temporary HOME and XDG dirs
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN))
    assert main(["auth", "login", "--with-token"]) == 3
    out, err = capsys.readouterr()
    assert "LBCONSOLE_TOKEN" in err
    assert TOKEN not in out + err
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert files == []


def test_login_with_empty_stdin_is_refused(memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert run(["auth", "login", "--with-token"]) == 3
    assert memory.store == {}


def test_logout_removes_the_stored_token(memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]) -> None:
    memory.store[("lbconsole", "api.github.com")] = TOKEN
    assert run(["auth", "logout"]) == 0
    assert memory.store == {}
    assert "Removed the token" in capsys.readouterr().out
    assert run(["auth", "logout"]) == 0
    assert "No token stored" in capsys.readouterr().out


def test_logout_with_null_keyring_reports_nothing_stored(capsys: pytest.CaptureFixture[str]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        assert run(["auth", "logout"]) == 0
    finally:
        keyring.set_keyring(previous)
    assert "No token stored" in capsys.readouterr().out


def test_bad_api_url_is_a_config_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--api-url", "ftp://x", "auth", "status"]) == 2
    assert "--api-url: must be an http(s) URL" in capsys.readouterr().err


def test_api_url_is_accepted_after_auth_and_after_its_sub_command(
    memory: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    memory.store[("lbconsole", "ghe.example.com")] = TOKEN
    for argv in (
        ["auth", "--api-url", "https://ghe.example.com/api/v3", "status"],
        ["auth", "status", "--api-url", "https://ghe.example.com/api/v3"],
        ["--api-url", "https://api.github.com", "auth", "status", "--api-url", "https://ghe.example.com/api/v3"],
    ):
        assert run(argv) == 0, argv
        assert capsys.readouterr().out.startswith("ghe.example.com: classic personal access token"), argv


def test_login_without_a_terminal_says_to_pipe_the_token_with_the_flag(
    memory: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("getpass must not run without a terminal"))

    assert run(["auth", "login"]) == 3
    assert capsys.readouterr().err.strip() == (
        "lbconsole: error: standard input is not a terminal: pipe the token with `lbconsole auth login --with-token`"
    )
    assert memory.store == {}
