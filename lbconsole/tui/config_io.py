"""The one place the console writes the config file (through `lbconsole.config`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lbconsole.config.schema import SECTIONS
from lbconsole.core.settings import Settings

POLICY_KEYS: tuple[str, ...] = ("method", "require_approval", "allow_unstable", "allow_no_checks")
"""The `[merge]` keys the Limits tab edits (the bot and label lists stay as the file has them)."""
LIMIT_KEYS: tuple[str, ...] = tuple(SECTIONS["limits"])
"""Every `[limits]` key, as the config schema lists them."""


def save_limits(path: Path, settings: Settings, *, template: Path | None = None) -> Settings:
    """Write `settings.limits` and the merge policy switches into the TOML at `path`.

    Every other key of the file is kept as it is, comments and layout
    included. The document is validated and written atomically by
    `lbconsole.config.save.update`.

    Args:
        path: the config file (created when missing).
        settings: the edited settings (only limits and merge policy are written).
        template: when `path` does not exist yet, it starts as a copy of this file (the demo's
            config starts from the user's, so their theme and lists carry over).

    Returns:
        `settings` as now in force (its limits and merge policy as saved).

    Raises:
        ConfigError: the file is unreadable or invalid (`InvalidConfig` lists every
            problem) or cannot be written; the old file is then untouched.
    """
    from lbconsole.config.save import update

    if template is not None and not path.exists() and template.is_file():
        _copy(template, path)
    changes = [(("limits", key), getattr(settings.limits, key)) for key in LIMIT_KEYS]
    changes += [(("merge", key), getattr(settings.merge, key)) for key in POLICY_KEYS]
    saved = update(path, changes)
    return replace(
        settings,
        limits=saved.limits,
        merge=replace(settings.merge, **{key: getattr(saved.merge, key) for key in POLICY_KEYS}),
    )


def _copy(template: Path, path: Path) -> None:
    """Start `path` as a copy of `template` (read like any config file the user names)."""
    from lbconsole.config.load import MAX_CONFIG_BYTES
    from lbconsole.errors import ConfigError
    from lbconsole.files import RefusedFile, atomic_write, read_capped

    try:
        atomic_write(path, read_capped(template, MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, RefusedFile, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot start {path} from {template}: {exc}") from None
