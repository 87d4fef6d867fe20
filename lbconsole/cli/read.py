"""`lbconsole queue` and `lbconsole plan`: what is open and what a mode would do, changing nothing."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lbconsole.cli.context import Connect, connector, utc_now
from lbconsole.cli.options import GlobalOptions, check_mode, limit_overrides, with_limits
from lbconsole.output import json_text

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands


def queue(connect: Connect, *, as_json: bool = False) -> int:
    """`lbconsole queue`: the open PRs grouped by category, in priority order.

    Args:
        connect: opens the repository's context.
        as_json: print `lbconsole.queue/1` JSON instead of text.

    Returns:
        The exit code (0).
    """
    from lbconsole.core.analysis import analyze
    from lbconsole.output import queue_dict, queue_text

    with connect() as ctx:
        pulls = ctx.gateway.fetch_queue()
    now = utc_now()
    analyses = analyze(pulls.pulls, ctx.settings, now)
    order = ctx.settings.category_order()
    if as_json:
        print(json_text(queue_dict(pulls.repo, analyses, pulls.fetched_at, now, order, pulls.notes)))
    else:
        print(queue_text(pulls.repo, analyses, pulls.fetched_at, now, order, pulls.notes))
    return 0


def plan(
    connect: Connect,
    *,
    mode: str,
    merge_limit: int | None = None,
    conflict_limit: int | None = None,
    as_json: bool = False,
) -> int:
    """`lbconsole plan --mode M`: what the mode would do and why every other PR is skipped.

    Args:
        connect: opens the repository's context.
        mode: one of the orchestrator's modes.
        merge_limit: overrides limits.merge for this command.
        conflict_limit: overrides limits.conflict for this command.
        as_json: print the plan as `lbconsole.plan/1` JSON instead of text.

    Returns:
        The exit code (0).
    """
    from lbconsole.core import plan as plan_json
    from lbconsole.core.planner import plan as make_plan
    from lbconsole.output import plan_text

    mode = check_mode(mode)
    limits = limit_overrides(merge=merge_limit, conflict=conflict_limit)
    with connect() as ctx:
        pulls = ctx.gateway.fetch_queue()
    result = make_plan(pulls, mode, with_limits(ctx.settings, limits), utc_now())
    print(json_text(plan_json.to_dict(result)) if as_json else plan_text(result))
    return 0


def add_limit_options(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """`--mode`, `--merge-limit`, `--conflict-limit` of `plan` and `run`."""
    parser.add_argument(
        "--mode", required=required, help="auto, security-only, merge-only, conflict-resolution, full-audit"
    )
    parser.add_argument("--merge-limit", type=int, help="override limits.merge for this command")
    parser.add_argument("--conflict-limit", type=int, help="override limits.conflict for this command")


def register(commands: Subcommands) -> None:
    """Add `queue` and `plan` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("queue", help="list the open PRs grouped by category, in priority order")
    p.add_argument("--json", action="store_true", help="print lbconsole.queue/1 JSON")
    p.set_defaults(func=lambda args: queue(connector(GlobalOptions.of(args)), as_json=args.json))

    p = commands.add_parser("plan", help="preview what a mode would do, and why every other PR is skipped")
    add_limit_options(p)
    p.add_argument("--json", action="store_true", help="print the plan as lbconsole.plan/1 JSON")
    p.set_defaults(
        func=lambda args: plan(
            connector(GlobalOptions.of(args)),
            mode=args.mode,
            merge_limit=args.merge_limit,
            conflict_limit=args.conflict_limit,
            as_json=args.json,
        )
    )
