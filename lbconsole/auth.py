"""Find the GitHub token, and store it only where tokens belong.

Lookup order (SPEC 5): the environment (`LBCONSOLE_TOKEN`, `GH_TOKEN`,
`GITHUB_TOKEN`), the OS keyring (service `lbconsole`, user = API host), then
`gh auth token`. `login` writes to the OS keyring and nowhere else: without
a usable keyring it refuses and names the environment-variable fallback.
Every token found is registered with `lbconsole.redact`, so it can never
reach a log, a screen or the audit log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lbconsole.errors import AuthError
from lbconsole.redact import redact, register_secret

ENV_VARS: tuple[str, ...] = ("LBCONSOLE_TOKEN", "GH_TOKEN", "GITHUB_TOKEN")
"""Environment variables holding a token, in lookup order."""

SECRET_ENV_VARS: frozenset[str] = frozenset(
    {*ENV_VARS, "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "ZIZMOR_GITHUB_TOKEN"}
)
"""Token variables kept out of every subprocess lbconsole starts (scanners read untrusted PR content)."""


def without_tokens(env: Mapping[str, str]) -> dict[str, str]:
    """`env` minus every variable of `SECRET_ENV_VARS`."""
    return {name: value for name, value in env.items() if name not in SECRET_ENV_VARS}


KEYRING_SERVICE = "lbconsole"
"""Keyring service name; the keyring user is the API host."""

GH_TIMEOUT_S = 10.0
"""Longest wait for `gh auth token`."""

Runner = Callable[..., "subprocess.CompletedProcess[str]"]


@dataclass(frozen=True, slots=True)
class TokenSource:
    """A token and where it came from."""

    token: str = field(repr=False)
    """The token itself: pass it to the gateway, never print it."""
    source: str
    """Human description, e.g. `environment variable GH_TOKEN`."""

    def __str__(self) -> str:
        return self.source


def api_host(api_url: str) -> str:
    """The host of an API URL: the keyring user name for its token.

    `https://api.github.com` -> `api.github.com`,
    `https://ghe.example.com/api/v3` -> `ghe.example.com`; an explicit port
    is kept (`127.0.0.1:8765`) so two local servers do not share a token.
    """
    parts = urlsplit(api_url if "://" in api_url else f"https://{api_url}")
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def gh_hostname(host: str) -> str:
    """The host name the gh CLI uses for an API host (`api.github.com` -> `github.com`)."""
    name = host.split(":", 1)[0]
    if name == "api.github.com" or (name.startswith("api.") and name.endswith(".ghe.com")):
        return name.removeprefix("api.")
    return name


def token_kind(token: str) -> str:
    """What kind of GitHub token this is, from its prefix (never shows the token)."""
    kinds = {
        "ghp_": "classic personal access token",
        "github_pat_": "fine-grained personal access token",
        "gho_": "OAuth token",
        "ghu_": "GitHub App user token",
        "ghs_": "GitHub App installation token",
        "ghr_": "refresh token",
    }
    return next((kind for prefix, kind in kinds.items() if token.startswith(prefix)), "token")


def keyring_description(host: str) -> str:
    """How a keyring entry is named to the user."""
    return f"OS keyring ({KEYRING_SERVICE}@{host})"


def _found(token: str, source: str) -> TokenSource:
    register_secret(token)
    return TokenSource(token, source)


def _from_keyring(host: str, notes: list[str]) -> str | None:
    try:
        import keyring
        from keyring.errors import NoKeyringError

        return keyring.get_password(KEYRING_SERVICE, host) or None
    except NoKeyringError:
        notes.append("OS keyring: no keyring backend available")
    except Exception as error:  # any backend failure (locked, D-Bus...) just skips the keyring
        notes.append(f"OS keyring: {redact(str(error)) or type(error).__name__}")
    return None


def _from_gh(host: str, env: Mapping[str, str], run: Runner, timeout_s: float, notes: list[str]) -> str | None:
    executable = shutil.which("gh", path=env.get("PATH", os.defpath))
    if executable is None:
        notes.append("gh CLI: not installed")
        return None
    try:
        completed = run(
            [executable, "auth", "token", "--hostname", gh_hostname(host)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        notes.append(f"gh CLI: no answer within {timeout_s:g} s")
        return None
    except OSError as error:
        notes.append(f"gh CLI: {error.strerror or error}")
        return None
    token = (completed.stdout or "").strip()
    if completed.returncode != 0 or not token or any(char.isspace() for char in token):
        notes.append(f"gh CLI: not logged in to {gh_hostname(host)}")
        return None
    return token


def find_token(
    api_url: str,
    env: Mapping[str, str] = os.environ,
    *,
    use_keyring: bool = True,
    use_gh: bool = True,
    run: Runner = subprocess.run,
    gh_timeout_s: float = GH_TIMEOUT_S,
    notes: list[str] | None = None,
) -> TokenSource | None:
    """Find a token for `api_url`, in the order of SPEC 5.

    Args:
        api_url: the REST root (its host names the keyring entry).
        env: the environment.
        use_keyring: look in the OS keyring.
        use_gh: ask `gh auth token` (skipped when gh is not on PATH).
        run: runs the gh subprocess (injectable for tests).
        gh_timeout_s: timeout of the gh subprocess.
        notes: when given, receives why each skipped source gave nothing.

    Returns:
        The token and its source, or None when no source has one.
    """
    notes = notes if notes is not None else []
    for name in ENV_VARS:
        value = env.get(name, "").strip()
        if value:
            return _found(value, f"environment variable {name}")
    host = api_host(api_url)
    if use_keyring and (token := _from_keyring(host, notes)):
        return _found(token, keyring_description(host))
    if use_gh and (token := _from_gh(host, env, run, gh_timeout_s, notes)):
        return _found(token, "gh CLI")
    return None


def no_token_message(api_url: str) -> str:
    """What to tell a user who has no token for `api_url`."""
    host = api_host(api_url)
    return (
        f"no GitHub token for {host}: run `lbconsole auth login`, set LBCONSOLE_TOKEN "
        f"(or GH_TOKEN / GITHUB_TOKEN), or log in with `gh auth login --hostname {gh_hostname(host)}`"
    )


def require_token(api_url: str, env: Mapping[str, str] = os.environ, **options: Any) -> TokenSource:
    """Like `find_token`, but a missing token is an AuthError saying how to get one."""
    found = find_token(api_url, env, **options)
    if found is None:
        raise AuthError(no_token_message(api_url))
    return found


def _fallback(host: str) -> str:
    return (
        "lbconsole never writes tokens to files: set the LBCONSOLE_TOKEN environment variable instead "
        f"(or GH_TOKEN / GITHUB_TOKEN), or log in with `gh auth login --hostname {gh_hostname(host)}`"
    )


def _usable_keyring(host: str) -> Any:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise AuthError(f"no OS keyring is available to store the token for {host}. {_fallback(host)}")
    return backend


def _backend_name(backend: Any) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def login(host: str, token: str) -> None:
    """Store `token` for `host` in the OS keyring (and nowhere else).

    Raises:
        AuthError: the token is empty or malformed, or no keyring can keep it;
            the message names the LBCONSOLE_TOKEN fallback and never the token.
    """
    token = token.strip()
    if not token or any(char.isspace() for char in token):
        raise AuthError("that is not a token: it is empty or contains spaces")
    register_secret(token)
    backend = _usable_keyring(host)
    from keyring.errors import NoKeyringError

    try:
        backend.set_password(KEYRING_SERVICE, host, token)
        kept = backend.get_password(KEYRING_SERVICE, host)
    except NoKeyringError:
        raise AuthError(f"no OS keyring is available to store the token for {host}. {_fallback(host)}") from None
    except Exception as error:
        reason = redact(str(error)) or type(error).__name__
        raise AuthError(
            f"the OS keyring ({_backend_name(backend)}) refused the token for {host}: {reason}. {_fallback(host)}"
        ) from None
    if kept != token:
        raise AuthError(
            f"the OS keyring ({_backend_name(backend)}) did not keep the token for {host}. {_fallback(host)}"
        )


def logout(host: str) -> bool:
    """Remove the token stored for `host` from the OS keyring.

    Returns:
        True when a token was removed, False when none was stored.

    Raises:
        AuthError: no keyring is available, or it refused.
    """
    backend = _usable_keyring(host)
    from keyring.errors import NoKeyringError, PasswordDeleteError

    try:
        if backend.get_password(KEYRING_SERVICE, host) is None:
            return False
        backend.delete_password(KEYRING_SERVICE, host)
    except PasswordDeleteError:
        return False
    except NoKeyringError:
        raise AuthError(f"no OS keyring is available for {host}") from None
    except Exception as error:
        reason = redact(str(error)) or type(error).__name__
        raise AuthError(f"the OS keyring ({_backend_name(backend)}) refused to remove the token: {reason}") from None
    return True
