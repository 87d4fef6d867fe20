"""`lbconsole auth login|status|logout`: where the token is and whose it is; the token itself is never printed.

Exit codes: 0 ok, 2 a config error, 3 an auth error, 4 GitHub unreachable.
Whose a token is comes from a `Whoami` passed in (the CLI gives
`context.check_token`, which asks GitHub); without one, nobody is asked.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from lbconsole import auth as tokens
from lbconsole.cli.config import load_warning
from lbconsole.errors import AuthError, LbError
from lbconsole.redact import redact

if TYPE_CHECKING:
    from lbconsole.cli.context import Whoami
    from lbconsole.cli.options import Subcommands


def effective_api_url(
    config: Path | None = None,
    *,
    repo: str | None = None,
    api_url: str | None = None,
    env: Mapping[str, str] = os.environ,
) -> str:
    """The API root in force: `--api-url`, else the config's (whose problems are warned about).

    Raises:
        ConfigError: `--repo` or `--api-url` is malformed.
    """
    from lbconsole.config.load import apply_overrides

    settings = apply_overrides(load_warning(config, env).settings, repo=repo, api_url=api_url)
    return settings.github.api_url


def _env_note(env: Mapping[str, str]) -> str | None:
    name = next((name for name in tokens.ENV_VARS if env.get(name, "").strip()), None)
    return f"note: {name} is set and takes precedence over the keyring" if name else None


def auth_login(
    api_url: str,
    *,
    with_token: bool = False,
    whoami: Whoami | None = None,
    env: Mapping[str, str] = os.environ,
) -> int:
    """`auth login`: store a token in the OS keyring (stdin with --with-token, else a hidden prompt).

    Args:
        api_url: the API root the token is for (the keyring entry is its host).
        with_token: read the token from standard input instead of prompting.
        whoami: names the token's user; a token it refuses is not kept.
        env: the environment (a token variable there takes precedence: say so).

    Returns:
        0 once stored.

    Raises:
        AuthError: no token given, no usable keyring, or the token was refused.
    """
    host = tokens.api_host(api_url)
    if with_token:
        token = sys.stdin.read().strip()
    elif not sys.stdin.isatty():  # getpass would read it anyway, with a raw GetPassWarning: say what works
        raise AuthError("standard input is not a terminal: pipe the token with `lbconsole auth login --with-token`")
    else:
        try:
            token = getpass.getpass(f"Paste a GitHub token for {host} (input hidden): ").strip()
        except EOFError:
            token = ""
    if not token:
        raise AuthError("no token given")
    tokens.login(host, token)  # first: a missing keyring is reported without touching the network
    user = None
    if whoami is not None:
        try:
            user = whoami(token, api_url)
        except AuthError:
            tokens.logout(host)  # GitHub refused it: do not keep a token that cannot work
            raise
        except LbError as error:
            print(f"warning: stored, but could not check the token: {redact(str(error))}", file=sys.stderr)
    print(f"Stored the token{f' of {user}' if user else ''} in the {tokens.keyring_description(host)}")
    if (note := _env_note(env)) is not None:
        print(note, file=sys.stderr)
    return 0


def auth_status(api_url: str, *, whoami: Whoami | None = None, env: Mapping[str, str] = os.environ) -> int:
    """`auth status`: where the token comes from and whose it is; never the token.

    Args:
        api_url: the API root whose token to look for.
        whoami: names the token's user (None: GitHub is not asked).
        env: the environment the token may come from.

    Returns:
        0 with a usable token; 3 without one or when GitHub refuses it; 4 when GitHub cannot be reached.
    """
    host = tokens.api_host(api_url)
    notes: list[str] = []
    found = tokens.find_token(api_url, env, notes=notes)
    if found is None:
        print(f"{host}: not logged in", file=sys.stderr)
        for note in notes:
            print(f"  {note}", file=sys.stderr)
        print(f"  {tokens.no_token_message(api_url)}", file=sys.stderr)
        return 3
    print(f"{host}: {tokens.token_kind(found.token)} from {found.source}")
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


def auth_logout(api_url: str, *, env: Mapping[str, str] = os.environ) -> int:
    """`auth logout`: remove the stored token from the OS keyring; returns 0."""
    host = tokens.api_host(api_url)
    if tokens.logout(host):
        print(f"Removed the token from the {tokens.keyring_description(host)}")
    else:
        print(f"No token stored in the {tokens.keyring_description(host)}")
    if (note := _env_note(env)) is not None:
        print(note, file=sys.stderr)
    return 0


def register(commands: Subcommands, *, whoami: Whoami | None) -> None:
    """Add `auth login|status|logout` to the command line.

    Args:
        commands: the main parser's sub-commands.
        whoami: how `login` and `status` name a token's user (None: they do not ask).
    """

    def api_url(args: argparse.Namespace) -> str:
        return effective_api_url(args.config, repo=args.repo, api_url=args.api_url)

    auth = commands.add_parser(
        "auth",
        help="log in to GitHub, check or remove the stored token",
        description="GitHub tokens.",
    )
    sub = auth.add_subparsers(dest="auth_command", metavar="COMMAND", required=True)
    p = sub.add_parser("login", help="store a token in the OS keyring")
    p.add_argument("--with-token", action="store_true", help="read the token from standard input")
    p.set_defaults(func=lambda args: auth_login(api_url(args), with_token=args.with_token, whoami=whoami))
    p = sub.add_parser("status", help="say where the token comes from and whose it is")
    p.set_defaults(func=lambda args: auth_status(api_url(args), whoami=whoami))
    p = sub.add_parser("logout", help="remove the stored token from the OS keyring")
    p.set_defaults(func=lambda args: auth_logout(api_url(args)))
