"""`lbconsole config path|show|get|set|validate`: see, check and change the TOML configuration.

Exit codes: 0 ok, 2 a config or usage error (reported by the CLI's one handler).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from lbconsole.config import paths
from lbconsole.config.load import LoadResult, load
from lbconsole.config.save import dumps, edit_list, format_value, get_value, set_value, settings_to_toml_dict
from lbconsole.errors import ConfigError

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands


def load_warning(config: Path | None, env: Mapping[str, str]) -> LoadResult:
    """Load the config, warning on stderr when running on the defaults."""
    result = load(config, env=env)
    if (warning := result.warning()) is not None:
        print(f"warning: {warning}", file=sys.stderr)
    return result


def config_path(config: Path | None = None, *, show_all: bool = False, env: Mapping[str, str] = os.environ) -> int:
    """`config path`: where the config file is (and, with --all, the other directories); returns 0."""
    found = paths.AppPaths.resolve(env, explicit_config=config)
    if show_all:
        print(f"config: {found.config_file}")
        print(f"state:  {found.state_dir}")
        print(f"logs:   {found.log_dir}")
        print(f"themes: {found.themes_dir}")
        print(f"demo:   {paths.demo_config_file(env)} (what the demo console saves), {paths.demo_state_dir(env)}")
    else:
        print(found.config_file)
    if not found.config_file.exists():
        print("note: the file does not exist yet; lbconsole runs on the defaults", file=sys.stderr)
    return 0


def config_show(config: Path | None = None, *, env: Mapping[str, str] = os.environ) -> int:
    """`config show`: every effective setting, as TOML; returns 0."""
    print(dumps(settings_to_toml_dict(load_warning(config, env).settings)), end="")
    return 0


def config_get(key: str, config: Path | None = None, *, env: Mapping[str, str] = os.environ) -> int:
    """`config get KEY`: one effective value (strings bare, the rest as TOML); returns 0."""
    print(format_value(get_value(load_warning(config, env).settings, key)))
    return 0


def config_set(key: str, value: str, config: Path | None = None, *, env: Mapping[str, str] = os.environ) -> int:
    """`config set KEY VALUE`: change one key in the file, after validating the result; returns 0."""
    file = paths.config_file(env, explicit=config)
    if key == "ui.theme":  # the schema cannot know the theme files; the themes module can
        from lbconsole.tui.themes import unknown_theme

        if why := unknown_theme(value.strip().strip('"')):
            raise ConfigError(f"{why}; {file} was not changed")
    before = get_value(load(file, env=env).settings, key)  # a missing or invalid file: the defaults
    settings = set_value(file, key, value)
    after = get_value(settings, key)
    print(f"{key} = {format_value(after)}  ({file})")
    if isinstance(before, list | tuple) and isinstance(after, list | tuple):
        dropped = [item for item in before if item not in after]
        if dropped:
            print(
                f"note: {key} no longer has {format_value(list(dropped))};"
                f" `lbconsole config add {key} VALUE` adds to the list instead of replacing it",
                file=sys.stderr,
            )
    return 0


def config_edit_list(
    key: str, value: str, config: Path | None = None, *, add: bool, env: Mapping[str, str] = os.environ
) -> int:
    """`config add|remove KEY VALUE`: add items to or remove them from a list key; returns 0."""
    file = paths.config_file(env, explicit=config)
    settings = edit_list(file, key, value, add=add)
    print(f"{key} = {format_value(get_value(settings, key))}  ({file})")
    return 0


def config_validate(config: Path | None = None, *, env: Mapping[str, str] = os.environ) -> int:
    """`config validate`: every problem of the file, one per line; returns 2 when there is any, else 0."""
    result = load(config, env=env)
    if not result.exists and config is not None:  # named with --config: other commands refuse it
        print(f"{result.path}: no such file (--config); other commands refuse it, `config set` creates it")
        return 2
    if not result.exists:
        print(f"{result.path}: no such file; lbconsole runs on the defaults")
        return 0
    from lbconsole.tui.themes import unknown_theme

    lines, count = [str(problem) for problem in result.problems], result.problem_count
    if not lines and (theme := unknown_theme(result.settings.ui.theme)):  # the schema cannot see theme files
        lines, count = [f"{result.path}: {theme}"], 1
    for line in lines:
        print(line)
    if count:
        print(f"{result.path}: {count:,} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 2
    print(f"{result.path}: OK")
    return 0


def register(commands: Subcommands) -> None:
    """Add `config path|show|get|set|add|remove|validate` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    config = commands.add_parser(
        "config",
        help="show, check and change the configuration file",
        description="The TOML configuration.",
    )
    sub = config.add_subparsers(dest="config_command", metavar="COMMAND", required=True)
    p = sub.add_parser("path", help="print where the config file is")
    p.add_argument("--all", action="store_true", help="also print the state, log and themes directories")
    p.set_defaults(func=lambda args: config_path(args.config, show_all=args.all))
    p = sub.add_parser("show", help="print every effective setting as TOML")
    p.set_defaults(func=lambda args: config_show(args.config))
    p = sub.add_parser("get", help="print one effective value")
    p.add_argument("key", metavar="KEY", help="dotted key, e.g. limits.merge")
    p.set_defaults(func=lambda args: config_get(args.key, args.config))
    p = sub.add_parser("set", help="change one value in the config file (validated first)")
    p.add_argument("key", metavar="KEY", help="dotted key, e.g. limits.merge or categories.bugfix.labels")
    p.add_argument("value", metavar="VALUE", help='the value; lists as "a, b" or ["a", "b"]')
    p.set_defaults(func=lambda args: config_set(args.key, args.value, args.config))
    for name, add, what in (("add", True, "add items to"), ("remove", False, "remove items from")):
        p = sub.add_parser(name, help=f"{what} a list value (starting from the value in force)")
        p.add_argument("key", metavar="KEY", help="a list key, e.g. merge.trusted_bots")
        p.add_argument("value", metavar="VALUE", help='the items: "a, b" or ["a", "b"]')
        p.set_defaults(func=lambda args, add=add: config_edit_list(args.key, args.value, args.config, add=add))
    p = sub.add_parser("validate", help="report every problem of the config file")
    p.set_defaults(func=lambda args: config_validate(args.config))
