"""`lbconsole dispatch` and `lbconsole runs`: the orchestrator workflow on GitHub Actions (SPEC 3.2)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from lbconsole.cli.context import Connect, connector
from lbconsole.cli.options import GlobalOptions, check_mode, limit_overrides
from lbconsole.engine.dispatch import DEFAULT_POLL_S
from lbconsole.errors import UsageError
from lbconsole.output import json_text

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands
    from lbconsole.core.ports import RunInfo


def dispatch(
    connect: Connect,
    *,
    mode: str,
    ref: str | None = None,
    merge_limit: int | None = None,
    conflict_limit: int | None = None,
    dry_run: bool = False,
    follow: bool = False,
    poll_s: float = DEFAULT_POLL_S,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """`lbconsole dispatch --mode M [--ref R] [--follow] [--poll S]`.

    Without `follow`, stdout is just the run's URL (for scripts) and the progress goes to stderr.

    Args:
        connect: opens the repository's context (`settings.github.workflow`, `.ref`, `.limits`; the gateway).
        mode: the run's mode.
        ref: the branch or tag to run on (default: config github.ref, then the default branch).
        merge_limit: the run's merge limit (default: config limits.merge).
        conflict_limit: the run's conflict limit (default: config limits.conflict).
        dry_run: the run plans and reports only.
        follow: follow the run: job and step status, then each job's log.
        poll_s: seconds between polls while following.
        sleep: replaces the wait between polls (tests).

    Returns:
        0 once dispatched (without `follow`); else the run's exit code, or 130 when following is interrupted.
    """
    from lbconsole.engine.dispatch import Dispatcher
    from lbconsole.engine.logbus import LogBus, StreamSink

    mode = check_mode(mode)
    if poll_s <= 0:
        raise UsageError(f"--poll must be positive, got {poll_s:g}")
    limits = limit_overrides(merge=merge_limit, conflict=conflict_limit)
    bus = LogBus()
    bus.subscribe(StreamSink(sys.stdout if follow else sys.stderr))
    with connect() as ctx:
        settings = ctx.settings
        dispatcher = Dispatcher(ctx.gateway.actions(), workflow=settings.github.workflow)
        done = dispatcher.dispatch(
            mode,
            merge_limit=limits.get("merge", settings.limits.merge),
            conflict_limit=limits.get("conflict", settings.limits.conflict),
            dry_run=dry_run,
            ref=ref or settings.github.ref or None,
            bus=bus,
        )
        if not follow:
            print(done.html_url)
            return 0
        try:
            result = dispatcher.follow(done.run_id, bus=bus, poll_s=poll_s, cancel=threading.Event(), sleep=sleep)
        except KeyboardInterrupt:
            print(f"lbconsole: stopped following; the run goes on: {done.html_url}", file=sys.stderr)
            return 130
    return result.exit_code


def runs(connect: Connect, *, limit: int = 10, as_json: bool = False) -> int:
    """`lbconsole runs`: the orchestrator workflow's recent runs, newest first.

    Args:
        connect: opens the repository's context.
        limit: how many runs (0-100; 0 shows one).
        as_json: print JSON instead of one line a run.

    Returns:
        The exit code (0).
    """
    from lbconsole.config.schema import int_range
    from lbconsole.engine.dispatch import Dispatcher

    _, wrong = int_range(0, 100)(limit)
    if wrong is not None:
        raise UsageError(f"--limit: {wrong}")
    with connect() as ctx:
        dispatcher = Dispatcher(ctx.gateway.actions(), workflow=ctx.settings.github.workflow)
        found = dispatcher.recent_runs(max(1, limit))
    if as_json:
        print(json_text([_run_dict(r) for r in found]))
        return 0
    for line in _run_lines(found):
        print(line)
    return 0


def _run_dict(run: RunInfo) -> dict[str, Any]:
    return {
        "id": run.id,
        "run_number": run.run_number,
        "name": run.name,
        "display_title": run.display_title,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "head_branch": run.head_branch,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "html_url": run.html_url,
    }


def _run_lines(found: list[RunInfo]) -> Iterator[str]:
    if not found:
        yield "no runs yet"
        return
    for run in found:
        state = run.conclusion if run.completed else run.status
        when = run.created_at.strftime("%Y-%m-%d %H:%M") if run.created_at else ""
        yield f"{run.id:>12}  #{run.run_number:<5} {state or '?':<12} {run.event:<18} {when:<16}  {run.title}"


def register(commands: Subcommands) -> None:
    """Add `dispatch` and `runs` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("dispatch", help="dispatch the orchestrator workflow on GitHub Actions")
    p.add_argument("--mode", required=True, help="auto, security-only, merge-only, conflict-resolution, full-audit")
    p.add_argument("--ref", help="branch or tag to run on (default: config github.ref, then the default branch)")
    p.add_argument("--merge-limit", type=int, help="the run's merge limit (default: config limits.merge)")
    p.add_argument("--conflict-limit", type=int, help="the run's conflict limit (default: config limits.conflict)")
    p.add_argument("--dry-run", action="store_true", help="the run plans and reports only")
    p.add_argument("--follow", action="store_true", help="follow the run: job/step status, then each job's log")
    p.add_argument("--poll", type=float, default=DEFAULT_POLL_S, metavar="S", help="seconds between polls (default 3)")
    p.set_defaults(
        func=lambda args: dispatch(
            connector(GlobalOptions.of(args)),
            mode=args.mode,
            ref=args.ref,
            merge_limit=args.merge_limit,
            conflict_limit=args.conflict_limit,
            dry_run=args.dry_run,
            follow=args.follow,
            poll_s=args.poll,
        )
    )

    p = commands.add_parser("runs", help="list recent orchestrator workflow runs")
    p.add_argument("--limit", type=int, default=10, help="how many runs (1-100, default 10)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=lambda args: runs(connector(GlobalOptions.of(args)), limit=args.limit, as_json=args.json))
