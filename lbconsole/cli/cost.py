"""`lbconsole cost`: what the repository's Actions runs billed over a window, and what the orchestrator saved."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lbconsole.cli.context import Connect, connector
from lbconsole.cli.options import GlobalOptions
from lbconsole.errors import UsageError
from lbconsole.output import json_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from lbconsole.cli.options import Subcommands
    from lbconsole.core.cost import RunRecord
    from lbconsole.core.ports import Gateway
    from lbconsole.tui.widgets.cost_pane import CostSource

MAX_DAYS = 400
"""GitHub keeps Actions history for at most 400 days."""


def check_days(days: int) -> int:
    """`--days`, checked."""
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"--days must be between 1 and {MAX_DAYS}, got {days}")
    return days


def cost(connect: Connect, *, days: int = 30, as_json: bool = False, cache_dir: Path | None = None) -> int:
    """`lbconsole cost`: runs, jobs, billed minutes and money per workflow and trigger over the last `days` days.

    Args:
        connect: opens the repository's context.
        days: the window's length.
        as_json: print `lbconsole.cost/1` JSON instead of text.
        cache_dir: where completed runs are cached (None: the user's cache directory; the demo keeps none).

    Returns:
        The exit code (0).
    """
    from lbconsole.config.paths import cache_dir as user_cache_dir
    from lbconsole.core.cost import build_report, window
    from lbconsole.core.cost_text import cost_dict, cost_text
    from lbconsole.github.history import RunCache, cache_file, read_history

    days = check_days(days)
    with connect(history=True) as ctx:
        start, end = window(ctx.now(), days)
        path = None if ctx.demo else cache_file(cache_dir or user_cache_dir(), ctx.settings.github.api_url, ctx.repo)
        history = read_history(ctx.gateway.actions(), start, end, RunCache(path), progress=_progress(as_json))
        workflow = ctx.settings.github.workflow
    report = build_report(ctx.repo, history.records, ctx.settings.cost, start=start, end=end, workflow_file=workflow)
    if as_json:
        print(json_text(cost_dict(report, requests=history.requests, cached=history.cached)))
    else:
        print(cost_text(report, requests=history.requests, cached=history.cached))
    return 0


def _progress(quiet: bool) -> Callable[[int, int], None] | None:
    """A progress callback that tells a terminal on stderr how many runs' jobs are read (None when quiet)."""
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            end = "\n" if done == total else "\r"
            print(f"lbconsole: reading jobs of {done:,}/{total:,} runs", end=end, file=sys.stderr, flush=True)

    return show


def console_source(cache: Path | None) -> CostSource:
    """The Cost tab's source: the Actions history read through the console's gateway, cached in `cache`.

    Args:
        cache: the cache file (None: no cache, e.g. the demo's simulator).
    """

    def read(gateway: Gateway, start: datetime, end: datetime) -> tuple[Sequence[RunRecord], int, int]:
        from lbconsole.github.gateway import GitHubGateway
        from lbconsole.github.history import RunCache, read_history

        if not isinstance(gateway, GitHubGateway):
            raise TypeError("the Cost tab reads the Actions history through the GitHub gateway")
        history = read_history(gateway.actions(), start, end, RunCache(cache))
        return history.records, history.requests, history.cached

    return read


def user_cache(api_url: str, repo: str) -> Path:
    """The repository's cache file of completed runs, in the user's cache directory."""
    from lbconsole.config.paths import cache_dir
    from lbconsole.github.history import cache_file

    return cache_file(cache_dir(), api_url, repo)


def register(commands: Subcommands) -> None:
    """Add `cost` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("cost", help="what the repository's Actions runs billed, per workflow and trigger")
    p.add_argument("--days", type=int, default=30, help="the window: the last N days (default 30)")
    p.add_argument("--json", action="store_true", help="print lbconsole.cost/1 JSON")
    p.set_defaults(func=lambda args: cost(connector(GlobalOptions.of(args)), days=args.days, as_json=args.json))
