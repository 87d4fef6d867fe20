"""Where lbconsole keeps its files, per platform (platformdirs).

Every function takes the environment as a mapping (default `os.environ`) so
tests can point the whole app at a temporary home. On Linux and the BSDs the
XDG variables and HOME are read from that mapping (the same rules as
platformdirs); on macOS and Windows platformdirs decides. Nothing here
creates a directory: callers create what they write into.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "lbconsole"
CONFIG_ENV = "LBCONSOLE_CONFIG"
"""Environment variable naming the config file (beaten by `--config`)."""
CONFIG_NAME = "config.toml"


def _xdg(env: Mapping[str, str], variable: str, fallback: str, native: Callable[..., str]) -> Path:
    if sys.platform in ("win32", "darwin"):
        return Path(native(APP_NAME, appauthor=False))
    base = env.get(variable, "").strip()
    if not base:
        home = env.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, fallback)
    return Path(base) / APP_NAME


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The user's config directory, e.g. `~/.config/lbconsole`."""
    return _xdg(env, "XDG_CONFIG_HOME", ".config", platformdirs.user_config_dir)


def config_file(env: Mapping[str, str] = os.environ, *, explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file: `explicit` (`--config`), else `LBCONSOLE_CONFIG`, else the default.

    Args:
        env: the environment.
        explicit: a path given on the command line.

    Returns:
        The path (it may not exist), with `~` expanded.
    """
    if explicit is not None and str(explicit) != "":
        return Path(explicit).expanduser()
    override = env.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return config_dir(env) / CONFIG_NAME


def state_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Persistent state (the audit log, run locks), e.g. `~/.local/state/lbconsole`."""
    return _xdg(env, "XDG_STATE_HOME", ".local/state", platformdirs.user_state_dir)


def log_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Log files, e.g. `~/.local/state/lbconsole/log` (platformdirs' user_log_dir)."""
    if sys.platform in ("win32", "darwin"):
        return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    return state_dir(env) / "log"


def demo_state_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The demo's own state (audit log, locks, log file), apart from the real one: `state_dir/demo`."""
    return state_dir(env) / "demo"


def demo_config_file(env: Mapping[str, str] = os.environ) -> Path:
    """What the demo console saves (ctrl+s in the Limits tab), apart from the user's config: `config_dir/demo.toml`."""
    return config_dir(env) / "demo.toml"


def demo_log_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The demo's log file directory (`lbconsole --demo logs` reads it): `demo_state_dir/log`."""
    return demo_state_dir(env) / "log"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """User data, e.g. `~/.local/share/lbconsole`."""
    return _xdg(env, "XDG_DATA_HOME", ".local/share", platformdirs.user_data_dir)


def cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Caches that may be deleted at any time (the Actions runs of `lbconsole cost`), e.g. `~/.cache/lbconsole`."""
    return _xdg(env, "XDG_CACHE_HOME", ".cache", platformdirs.user_cache_dir)


def themes_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The user's own theme files (TOML), e.g. `~/.local/share/lbconsole/themes`."""
    return data_dir(env) / "themes"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Every path at once, for `config path` and for wiring the app."""

    config_file: Path
    """The config file (may not exist)."""
    state_dir: Path
    """Audit log and locks."""
    log_dir: Path
    """Log files."""
    themes_dir: Path
    """User themes."""

    @classmethod
    def resolve(
        cls, env: Mapping[str, str] = os.environ, *, explicit_config: str | os.PathLike[str] | None = None
    ) -> AppPaths:
        """Resolve every path from `env` (and `--config`)."""
        return cls(
            config_file=config_file(env, explicit=explicit_config),
            state_dir=state_dir(env),
            log_dir=log_dir(env),
            themes_dir=themes_dir(env),
        )
