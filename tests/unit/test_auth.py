"""Token lookup order, keyring storage, and the refusal to write tokens anywhere else."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from lbconsole import auth
from lbconsole.errors import AuthError
from lbconsole.redact import forget_secrets, redact

TOKEN = "ghp_" + "T0k3n" * 7 + "x"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict (test double)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A keyring whose every call fails, with the token in the error text."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked(f"locked while handling {TOKEN}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"cannot store {password}")


@pytest.fixture
def use_keyring() -> Iterator[Any]:
    previous = keyring.get_keyring()

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def fake_gh(folder: Path, script: str) -> dict[str, str]:
    """Put an executable `gh` in `folder`; returns an environment whose PATH is only that folder."""
    folder.mkdir(exist_ok=True)
    gh = folder / "gh"
    gh.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    return {"PATH": str(folder), "HOME": str(folder)}


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://api.github.com", "api.github.com"),
        ("https://API.GitHub.com/", "api.github.com"),
        ("https://ghe.example.com/api/v3", "ghe.example.com"),
        ("http://127.0.0.1:8765", "127.0.0.1:8765"),
        ("ghe.example.com", "ghe.example.com"),
    ],
)
def test_api_host(url: str, host: str) -> None:
    assert auth.api_host(url) == host


@pytest.mark.parametrize(
    ("host", "gh_host"),
    [("api.github.com", "github.com"), ("ghe.example.com", "ghe.example.com"), ("api.acme.ghe.com", "acme.ghe.com")],
)
def test_gh_hostname(host: str, gh_host: str) -> None:
    assert auth.gh_hostname(host) == gh_host


def test_environment_lookup_order() -> None:
    env = {"LBCONSOLE_TOKEN": "lb-token-value", "GH_TOKEN": "gh-token-value", "GITHUB_TOKEN": "github-token-value"}
    found = auth.find_token("https://api.github.com", env, use_keyring=False, use_gh=False)
    assert found is not None
    assert (found.token, found.source) == ("lb-token-value", "environment variable LBCONSOLE_TOKEN")
    del env["LBCONSOLE_TOKEN"]
    found = auth.find_token("https://api.github.com", env, use_keyring=False, use_gh=False)
    assert found is not None
    assert (found.token, found.source) == ("gh-token-value", "environment variable GH_TOKEN")
    env["GH_TOKEN"] = "   "  # blank: skipped
    found = auth.find_token("https://api.github.com", env, use_keyring=False, use_gh=False)
    assert found is not None
    assert (found.token, found.source) == ("github-token-value", "environment variable GITHUB_TOKEN")


def test_environment_beats_keyring_and_keyring_beats_gh(tmp_path: Path, use_keyring: Any) -> None:
    memory = use_keyring(MemoryKeyring())
    memory.store[("lbconsole", "ghe.example.com")] = "keyring-token-value"
    env = fake_gh(tmp_path / "bin", "echo gh-token-value")
    found = auth.find_token("https://ghe.example.com/api/v3", {**env, "GITHUB_TOKEN": "env-token-value"})
    assert found is not None
    assert found.token == "env-token-value"
    found = auth.find_token("https://ghe.example.com/api/v3", env)
    assert found is not None
    assert (found.token, found.source) == ("keyring-token-value", "OS keyring (lbconsole@ghe.example.com)")
    # The keyring entry is per host: another host falls through to gh.
    found = auth.find_token("https://api.github.com", env)
    assert found is not None
    assert (found.token, found.source) == ("gh-token-value", "gh CLI")


@pytest.mark.skipif(sys.platform == "win32", reason="shell script stands in for gh")
def test_gh_is_asked_for_the_right_hostname(tmp_path: Path, use_keyring: Any) -> None:
    use_keyring(null.Keyring())
    script = 'if [ "$1 $2 $3 $4" = "auth token --hostname github.com" ]; then echo gho_fromgh; else exit 1; fi'
    env = fake_gh(tmp_path / "bin", script)
    found = auth.find_token("https://api.github.com", env)
    assert found is not None
    assert (found.token, found.source) == ("gho_fromgh", "gh CLI")
    notes: list[str] = []
    assert auth.find_token("https://ghe.example.com/api/v3", env, notes=notes) is None
    assert "gh CLI: not logged in to ghe.example.com" in notes


def test_no_gh_and_no_keyring_gives_none_with_notes(tmp_path: Path, use_keyring: Any) -> None:
    use_keyring(fail.Keyring())
    (tmp_path / "empty").mkdir()
    notes: list[str] = []
    assert auth.find_token("https://api.github.com", {"PATH": str(tmp_path / "empty")}, notes=notes) is None
    assert notes == ["OS keyring: no keyring backend available", "gh CLI: not installed"]


def test_gh_timeout_and_broken_keyring_are_skipped(tmp_path: Path, use_keyring: Any) -> None:
    use_keyring(LockedKeyring())
    env = fake_gh(tmp_path / "bin", "echo never-run")
    calls: list[list[str]] = []

    def hanging(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        assert options["timeout"] == 3
        raise subprocess.TimeoutExpired(command, options["timeout"])

    notes: list[str] = []
    assert auth.find_token("https://api.github.com", env, run=hanging, gh_timeout_s=3, notes=notes) is None
    assert len(calls) == 1
    assert calls[0][1:] == ["auth", "token", "--hostname", "github.com"]
    assert notes[1] == "gh CLI: no answer within 3 s"
    assert notes[0].startswith("OS keyring: locked while handling")
    assert TOKEN not in notes[0]  # the error text is redacted


def test_found_token_is_registered_for_redaction_and_not_in_repr() -> None:
    odd = "enterprise-token-without-known-shape"
    found = auth.find_token("https://api.github.com", {"GH_TOKEN": odd}, use_keyring=False, use_gh=False)
    assert found is not None
    assert redact(f"oops {odd}") == "oops ***"
    assert odd not in repr(found)
    assert str(found) == "environment variable GH_TOKEN"


def test_require_token_names_every_way_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(AuthError, match="LBCONSOLE_TOKEN") as caught:
        auth.require_token("https://ghe.example.com/api/v3", {}, use_keyring=False, use_gh=False)
    assert "gh auth login --hostname ghe.example.com" in str(caught.value)
    assert caught.value.exit_code == 3


def test_login_stores_in_the_keyring_and_logout_removes(use_keyring: Any) -> None:
    memory = use_keyring(MemoryKeyring())
    auth.login("api.github.com", f"  {TOKEN}\n")
    assert memory.store == {("lbconsole", "api.github.com"): TOKEN}
    found = auth.find_token("https://api.github.com", {}, use_gh=False)
    assert found is not None
    assert (found.token, found.source) == (TOKEN, "OS keyring (lbconsole@api.github.com)")
    assert auth.logout("api.github.com") is True
    assert memory.store == {}
    assert auth.logout("api.github.com") is False


@pytest.mark.parametrize("token", ["", "   ", "two words"])
def test_login_refuses_non_tokens(use_keyring: Any, token: str) -> None:
    memory = use_keyring(MemoryKeyring())
    with pytest.raises(AuthError, match="not a token"):
        auth.login("api.github.com", token)
    assert memory.store == {}


def test_login_without_keyring_refuses_names_the_fallback_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_keyring: Any
) -> None:
    home = Path(os.environ["HOME"])  # the temporary HOME of tests/conftest.py
    monkeypatch.chdir(tmp_path)
    use_keyring(fail.Keyring())
    with pytest.raises(AuthError) as caught:
        auth.login("api.github.com", TOKEN)
    message = str(caught.value)
    assert "LBCONSOLE_TOKEN" in message
    assert "no OS keyring" in message
    assert TOKEN not in message
    assert caught.value.exit_code == 3
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []
    assert str(home).startswith(str(tmp_path))


@pytest.mark.parametrize("backend", [null.Keyring, LockedKeyring])
def test_login_with_a_keyring_that_does_not_keep_the_token_refuses(use_keyring: Any, backend: type) -> None:
    use_keyring(backend())
    with pytest.raises(AuthError, match="LBCONSOLE_TOKEN") as caught:
        auth.login("api.github.com", TOKEN)
    assert TOKEN not in str(caught.value)


def test_logout_without_keyring_is_an_auth_error(use_keyring: Any) -> None:
    use_keyring(fail.Keyring())
    with pytest.raises(AuthError, match="no OS keyring"):
        auth.logout("api.github.com")


def test_token_kind() -> None:
    assert auth.token_kind(TOKEN) == "classic personal access token"
    assert auth.token_kind("github_pat_x") == "fine-grained personal access token"
    assert auth.token_kind("ghs_x") == "GitHub App installation token"
    assert auth.token_kind("0123abcd") == "token"
