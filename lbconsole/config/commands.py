"""The `config` and `auth` sub-commands of the command line.

`register(subparsers)` adds both; each sub-command is a small function
`(args) -> exit code` (0 ok, 2 config or usage error, 3 auth error). Global
options read from `args` when present: `config` (`--config`), `api_url`,
`repo`, and `whoami` (token, api_url) -> login, which the CLI wires to the
gateway so `auth status` can name the token's user. Tokens are never printed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from lbconsole import auth
from lbconsole.config import paths
from lbconsole.config.load import LoadResult, apply_overrides, load
from lbconsole.config.save import dumps, format_value, get_value, set_value, settings_to_toml_dict
from lbconsole.core.settings import Settings
from lbconsole.errors import AuthError, LbError
from lbconsole.redact import redact

Command = Callable[[argparse.Namespace], int]


def _env(args: argparse.Namespace) -> Mapping[str, str]:
    env: Mapping[str, str] | None = getattr(args, "env", None)
    return env if env is not None else os.environ


def _load(args: argparse.Namespace) -> LoadResult:
    """Load the config, warning on stderr when running on the defaults."""
    result = load(getattr(args, "config", None), env=_env(args))
    if (warning := result.warning()) is not None:
        print(f"warning: {warning}", file=sys.stderr)
    return result


def _effective(args: argparse.Namespace) -> Settings:
    settings = _load(args).settings
    return apply_overrides(settings, repo=getattr(args, "repo", None), api_url=getattr(args, "api_url", None))


# --- config -----------------------------------------------------------------


def config_path(args: argparse.Namespace) -> int:
    """`config path`: where the config file is (and, with --all, the other directories)."""
    found = paths.AppPaths.resolve(_env(args), explicit_config=getattr(args, "config", None))
    if getattr(args, "all", False):
        print(f"config: {found.config_file}")
        print(f"state:  {found.state_dir}")
        print(f"logs:   {found.log_dir}")
        print(f"themes: {found.themes_dir}")
    else:
        print(found.config_file)
    if not found.config_file.exists():
        print("note: the file does not exist yet; lbconsole runs on the defaults", file=sys.stderr)
    return 0


def config_show(args: argparse.Namespace) -> int:
    """`config show`: every effective setting, as TOML."""
    print(dumps(settings_to_toml_dict(_load(args).settings)), end="")
    return 0


def config_get(args: argparse.Namespace) -> int:
    """`config get KEY`: one effective value (strings bare, the rest as TOML)."""
    print(format_value(get_value(_load(args).settings, args.key)))
    return 0


def config_set(args: argparse.Namespace) -> int:
    """`config set KEY VALUE`: change one key in the file, after validating the result."""
    file = paths.config_file(_env(args), explicit=getattr(args, "config", None))
    settings = set_value(file, args.key, args.value)
    print(f"{args.key} = {format_value(get_value(settings, args.key))}  ({file})")
    return 0


def config_validate(args: argparse.Namespace) -> int:
    """`config validate`: every problem of the file, one per line; exit 2 when any."""
    result = load(getattr(args, "config", None), env=_env(args))
    if not result.exists:
        print(f"{result.path}: no such file; lbconsole runs on the defaults")
        return 0
    for problem in result.problems:
        print(problem)
    if result.problems:
        count = len(result.problems)
        print(f"{result.path}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 2
    print(f"{result.path}: OK")
    return 0


# --- auth -------------------------------------------------------------------


def _api_url(args: argparse.Namespace) -> str:
    return _effective(args).github.api_url


def _env_note(env: Mapping[str, str]) -> str | None:
    name = next((name for name in auth.ENV_VARS if env.get(name, "").strip()), None)
    return f"note: {name} is set and takes precedence over the keyring" if name else None


def auth_login(args: argparse.Namespace) -> int:
    """`auth login`: store a token in the OS keyring (stdin with --with-token, else a hidden prompt)."""
    api_url = _api_url(args)
    host = auth.api_host(api_url)
    if args.with_token:
        token = sys.stdin.read().strip()
    else:
        try:
            token = getpass.getpass(f"Paste a GitHub token for {host} (input hidden): ").strip()
        except EOFError:
            token = ""
    if not token:
        raise AuthError("no token given")
    auth.login(host, token)  # first: a missing keyring is reported without touching the network
    whoami: Callable[[str, str], str] | None = getattr(args, "whoami", None)
    user = None
    if whoami is not None:
        try:
            user = whoami(token, api_url)
        except AuthError:
            auth.logout(host)  # GitHub refused it: do not keep a token that cannot work
            raise
        except LbError as error:
            print(f"warning: stored, but could not check the token: {redact(str(error))}", file=sys.stderr)
    print(f"Stored the token{f' of {user}' if user else ''} in the {auth.keyring_description(host)}")
    if (note := _env_note(_env(args))) is not None:
        print(note, file=sys.stderr)
    return 0


def auth_status(args: argparse.Namespace) -> int:
    """`auth status`: where the token comes from and whose it is; never the token."""
    api_url = _api_url(args)
    host = auth.api_host(api_url)
    notes: list[str] = []
    found = auth.find_token(api_url, _env(args), notes=notes)
    if found is None:
        print(f"{host}: not logged in", file=sys.stderr)
        for note in notes:
            print(f"  {note}", file=sys.stderr)
        print(f"  {auth.no_token_message(api_url)}", file=sys.stderr)
        return 3
    print(f"{host}: {auth.token_kind(found.token)} from {found.source}")
    whoami: Callable[[str, str], str] | None = getattr(args, "whoami", None)
    if whoami is not None:
        try:
            user = whoami(found.token, api_url)
        except AuthError as error:
            print(f"  the token was refused: {redact(str(error))}", file=sys.stderr)
            return error.exit_code
        except LbError as error:
            print(f"  could not check the token: {redact(str(error))}", file=sys.stderr)
            return error.exit_code
        print(f"  user: {user}")
    return 0


def auth_logout(args: argparse.Namespace) -> int:
    """`auth logout`: remove the stored token from the OS keyring."""
    host = auth.api_host(_api_url(args))
    if auth.logout(host):
        print(f"Removed the token from the {auth.keyring_description(host)}")
    else:
        print(f"No token stored in the {auth.keyring_description(host)}")
    if (note := _env_note(_env(args))) is not None:
        print(note, file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    """Add the `config` and `auth` commands to the CLI's sub-parsers.

    Args:
        subparsers: what `ArgumentParser.add_subparsers()` returned. Each leaf
            parser sets `func`; the CLI calls `args.func(args)`.
    """
    config = subparsers.add_parser(
        "config", help="show, check and change the configuration file", description="The TOML configuration."
    )
    config_commands = config.add_subparsers(dest="config_command", metavar="COMMAND", required=True)
    path = config_commands.add_parser("path", help="print where the config file is")
    path.add_argument("--all", action="store_true", help="also print the state, log and themes directories")
    path.set_defaults(func=config_path)
    config_commands.add_parser("show", help="print every effective setting as TOML").set_defaults(func=config_show)
    get = config_commands.add_parser("get", help="print one effective value")
    get.add_argument("key", metavar="KEY", help="dotted key, e.g. limits.merge")
    get.set_defaults(func=config_get)
    set_ = config_commands.add_parser("set", help="change one value in the config file (validated first)")
    set_.add_argument("key", metavar="KEY", help="dotted key, e.g. limits.merge or categories.bugfix.labels")
    set_.add_argument("value", metavar="VALUE", help='the value; lists as "a, b" or ["a", "b"]')
    set_.set_defaults(func=config_set)
    config_commands.add_parser("validate", help="report every problem of the config file").set_defaults(
        func=config_validate
    )

    auth_parser = subparsers.add_parser(
        "auth", help="log in to GitHub, check or remove the stored token", description="GitHub tokens."
    )
    auth_commands = auth_parser.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)
    login = auth_commands.add_parser("login", help="store a token in the OS keyring")
    login.add_argument("--with-token", action="store_true", help="read the token from standard input")
    login.set_defaults(func=auth_login)
    auth_commands.add_parser("status", help="say where the token comes from and whose it is").set_defaults(
        func=auth_status
    )
    auth_commands.add_parser("logout", help="remove the stored token from the OS keyring").set_defaults(
        func=auth_logout
    )
