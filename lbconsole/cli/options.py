"""The global options every command accepts, and the checks of option values commands share.

The global options (`--repo`, `--api-url`, `--config`, `--demo`,
`--demo-reset`, `--read-only`, the hidden `--seed`) are accepted before the sub-command and
after it, at every level (`lbconsole config show --config F`). The main
parser gives them their defaults; each sub-command parser declares them
again with `argparse.SUPPRESS` as default, so it sets only what was typed
after it, and what was typed later wins.

Modes are checked against `core.orchestrator.MODES` and limits with the
`limits.*` fields of the settings schema, so the command line refuses what
the config file refuses, in the same words.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lbconsole.errors import UsageError

if TYPE_CHECKING:
    from lbconsole.core.settings import Settings

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]
    """What `ArgumentParser.add_subparsers()` returns."""


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """The global options of one command line, as plain values."""

    repo: str | None = None
    """`--repo OWNER/NAME`; None: the config, then the git remote."""
    api_url: str | None = None
    """`--api-url`; None: the config, then https://api.github.com."""
    config: Path | None = None
    """`--config FILE`; None: `$LBCONSOLE_CONFIG` or the user config."""
    demo: bool = False
    """`--demo`: run against the embedded simulator's demo repository."""
    read_only: bool = False
    """`--read-only`: the console disables run and dispatch."""
    seed: int = 0
    """`--seed` (hidden): the demo simulator's seed."""
    demo_reset: bool = False
    """`--demo-reset`: the demo, started from its scenario (the saved demo state is forgotten)."""

    @classmethod
    def of(cls, args: argparse.Namespace) -> GlobalOptions:
        """The global options of parsed arguments (the main parser gives every one a default)."""
        demo = args.demo or args.demo_reset
        return cls(args.repo, args.api_url, args.config, demo, args.read_only, args.seed, args.demo_reset)


def add_global_options(parser: argparse.ArgumentParser, *, top: bool, seed: bool = True) -> None:
    """Declare the global options on `parser`.

    Args:
        parser: the main parser, or a parent parser for sub-commands.
        top: the main parser: real defaults, in its own option list. Otherwise
            the defaults are `SUPPRESS` (only what is typed is set) and the
            options are listed as "global options".
        seed: also declare the hidden `--seed` (`lbconsole sim` has its own).
    """
    group: Any = parser if top else parser.add_argument_group("global options")

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    group.add_argument(
        "--repo", default=default(None), help="repository OWNER/NAME (default: config, then the git remote)"
    )
    group.add_argument(
        "--api-url", default=default(None), help="GitHub REST API root (default: config, then https://api.github.com)"
    )
    group.add_argument(
        "--config",
        type=Path,
        default=default(None),
        help="config file (default: $LBCONSOLE_CONFIG or the user config)",
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=default(False),
        help="run against the embedded simulator's demo repository (no token); it keeps its state between commands",
    )
    group.add_argument(
        "--demo-reset",
        action="store_true",
        default=default(False),
        help="--demo, starting again from the demo's scenario",
    )
    if seed:
        group.add_argument("--seed", type=int, default=default(0), help=argparse.SUPPRESS)
    group.add_argument(
        "--read-only", action="store_true", default=default(False), help="console: disable run and dispatch"
    )


def check_mode(mode: str) -> str:
    """`mode` when it is one of the orchestrator's modes.

    Raises:
        UsageError: naming the modes, and the nearest one for a near miss.
    """
    from lbconsole.config.schema import did_you_mean
    from lbconsole.core.orchestrator import MODES

    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}{did_you_mean(mode, MODES)}")
    return mode


def check_limit(key: str, value: int, flag: str) -> int:
    """`value` when the settings schema accepts it as `limits.<key>`.

    Args:
        key: `merge` or `conflict` (a key of the schema's `limits` section).
        value: what the option says.
        flag: the option, for the message (`--merge-limit`).

    Raises:
        UsageError: the schema's own words, e.g. `--merge-limit: must be an integer between 0 and 100, got 101`.
    """
    from lbconsole.config.schema import SECTIONS

    converted, wrong = SECTIONS["limits"][key].check(value)
    if wrong is not None:
        raise UsageError(f"{flag}: {wrong}")
    return int(converted)


def limit_overrides(*, merge: int | None = None, conflict: int | None = None) -> dict[str, int]:
    """The `--merge-limit` / `--conflict-limit` values given, checked, by `limits` key."""
    given = {"merge": merge, "conflict": conflict}
    return {key: check_limit(key, value, f"--{key}-limit") for key, value in given.items() if value is not None}


def with_limits(settings: Settings, overrides: Mapping[str, int]) -> Settings:
    """`settings` with the limits of `limit_overrides` in force."""
    if not overrides:
        return settings
    return replace(settings, limits=replace(settings.limits, **overrides))
