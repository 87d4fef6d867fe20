"""`lbconsole serve`: the same console in a browser, through textual-serve.

textual-serve starts one console process per browser tab and has no
authentication of its own, so the defaults are safe ones: bound to
127.0.0.1, and read-only (no local run, no dispatch) unless
`--allow-writes`. Binding to any other address prints a warning naming
what anyone who reaches it can do.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from typing import TYPE_CHECKING

from lbconsole.cli.options import GlobalOptions
from lbconsole.errors import UsageError

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands


def console_command(options: GlobalOptions, *, allow_writes: bool) -> str:
    """The command textual-serve runs for each browser tab: this Python, this console, these options."""
    argv = [sys.executable, "-m", "lbconsole"]
    if options.demo:
        argv.append("demo")
    for flag, value in (("--repo", options.repo), ("--api-url", options.api_url), ("--config", options.config)):
        if value:
            argv += [flag, str(value)]
    if not allow_writes:
        argv.append("--read-only")
    return shlex.join(argv)


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(options: GlobalOptions, *, host: str, port: int, allow_writes: bool) -> int:
    """Serve the console at http://HOST:PORT until interrupted; returns 0.

    Raises:
        UsageError: textual-serve is not installed (`pip install 'lbconsole[serve]'`), or a bad port.
    """
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UsageError("lbconsole serve needs textual-serve: pip install 'lbconsole[serve]'") from None
    if not 0 < port < 65536:
        raise UsageError(f"--port must be 1..65535, got {port}")
    command = console_command(options, allow_writes=allow_writes)
    url = f"http://{host}:{port}"
    if not is_loopback(host):
        what = "run plans and dispatch the workflow" if allow_writes else "read the queue, plans and logs"
        print(
            f"lbconsole: warning: {url} is reachable from other machines and textual-serve has no "
            f"authentication: anyone who reaches it can {what} with this machine's token",
            file=sys.stderr,
        )
    mode = "read-write" if allow_writes else "read-only (--allow-writes to run and dispatch)"
    print(f"serving the console at {url}, {mode}; Ctrl+C stops", file=sys.stderr, flush=True)
    Server(command, host=host, port=port, title="lbconsole").serve()
    return 0


def register(commands: Subcommands) -> None:
    """Add `serve` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("serve", help="serve the console in a browser (textual-serve; read-only by default)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--allow-writes", action="store_true", help="let the browser run plans and dispatch")

    def command(args: argparse.Namespace) -> int:
        return serve(GlobalOptions.of(args), host=args.host, port=args.port, allow_writes=args.allow_writes)

    p.set_defaults(func=command)
