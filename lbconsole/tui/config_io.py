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


def save_limits(path: Path, settings: Settings) -> Settings:
    """Write `settings.limits` and the merge policy switches into the TOML at `path`.

    Every other key of the file is kept as it is, comments and layout
    included. The document is validated and written atomically by
    `lbconsole.config.save.update`.

    Args:
        path: the config file (created when missing).
        settings: the edited settings (only limits and merge policy are written).

    Returns:
        `settings` as now in force (its limits and merge policy as saved).

    Raises:
        ConfigError: the file is unreadable or invalid (`InvalidConfig` lists every
            problem) or cannot be written; the old file is then untouched.
    """
    from lbconsole.config.save import update

    changes = [(("limits", key), getattr(settings.limits, key)) for key in LIMIT_KEYS]
    changes += [(("merge", key), getattr(settings.merge, key)) for key in POLICY_KEYS]
    saved = update(path, changes)
    return replace(
        settings,
        limits=saved.limits,
        merge=replace(settings.merge, **{key: getattr(saved.merge, key) for key in POLICY_KEYS}),
    )
