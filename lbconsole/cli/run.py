"""`lbconsole run`: execute a plan, made now or saved earlier; a dry run unless `--apply` (SPEC 3.1)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lbconsole.cli.context import Connect, connector, utc_now
from lbconsole.cli.options import GlobalOptions, check_mode, limit_overrides, with_limits
from lbconsole.cli.read import add_limit_options
from lbconsole.errors import UsageError
from lbconsole.output import json_text

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands
    from lbconsole.core.plan import Plan
    from lbconsole.core.ports import Gateway
    from lbconsole.core.settings import Settings
    from lbconsole.engine.executor import RunReport
    from lbconsole.engine.lock import RunLock


def _confirm(plan: Plan, out: TextIO) -> bool:
    """Ask before applying from an interactive terminal; the default is No."""
    prs = ", ".join(f"#{n}" for n in plan.prs()) or "no PR"
    question = f"Apply {len(plan.actions)} action(s) of {plan.mode} to {plan.repo} ({prs})? [y/N] "
    print(question, end="", flush=True, file=out)
    try:
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


def run(
    connect: Connect,
    *,
    repo: str | None = None,
    mode: str | None = None,
    plan_file: Path | None = None,
    merge_limit: int | None = None,
    conflict_limit: int | None = None,
    apply: bool = False,
    yes: bool = False,
    as_json: bool = False,
    summary: Path | None = None,
) -> int:
    """`lbconsole run --mode M | --plan FILE [--apply]`: execute a plan, SHA-pinned.

    Args:
        connect: opens the repository's context.
        repo: `--repo` as typed (a saved plan for another repository is refused).
        mode: plan now with this mode (exactly one of `mode` and `plan_file`).
        plan_file: execute this saved plan instead.
        merge_limit: overrides limits.merge for this command.
        conflict_limit: overrides limits.conflict for this command.
        apply: really change GitHub (default: a dry run).
        yes: do not ask for confirmation on a terminal.
        as_json: print the outcomes as `lbconsole.run/1` JSON (the log goes to stderr).
        summary: append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).

    Returns:
        The executor's exit code (0 when every action succeeded or was skipped as planned).
    """
    from lbconsole.core.plan import check_limits
    from lbconsole.core.planner import plan as make_plan
    from lbconsole.output import plan_text
    from lbconsole.planfile import PlanFileError, read_plan

    if bool(mode) == bool(plan_file):
        raise UsageError("run needs exactly one of --mode MODE or --plan FILE")
    if summary is not None:
        try:  # before anything runs: a summary that cannot be written is a usage error
            summary.open("a", encoding="utf-8").close()
        except OSError as exc:
            raise UsageError(f"cannot write the summary to {summary}: {exc.strerror}") from exc
    saved = read_plan(plan_file) if plan_file else None
    if saved is not None and repo and repo != saved.repo:
        raise UsageError(f"the plan file is for {saved.repo}, not {repo}")
    mode = check_mode(mode) if mode else ""
    limits = limit_overrides(merge=merge_limit, conflict=conflict_limit)
    with connect(repo_hint=saved.repo if saved else None) as ctx:
        if saved is not None and saved.repo != ctx.repo:
            raise UsageError(f"the plan file is for {saved.repo}, but this command targets {ctx.repo}")
        if apply and not ctx.demo and ctx.token is None:
            from lbconsole.auth import no_token_message
            from lbconsole.errors import AuthError

            raise AuthError(no_token_message(ctx.settings.github.api_url))
        settings = with_limits(ctx.settings, limits)
        if saved is not None and plan_file is not None and (problems := check_limits(saved, settings.limits)):
            raise PlanFileError(plan_file, problems)  # a saved plan never does more than the limits allow
        where = _Where.of(demo=ctx.demo)
        with _run_lock(ctx.repo, where.state_dir, apply=apply) as lock:  # refused before anything is planned or asked
            planned = saved or make_plan(ctx.gateway.fetch_queue(), mode, settings, utc_now())
            out = sys.stderr if as_json else sys.stdout
            if not as_json:
                print(plan_text(planned), file=out)
                print(file=out)
            if apply and not yes and sys.stdin.isatty() and planned.actions and not _confirm(planned, out):
                print("Nothing applied.", file=out)
                return 0
            report = _execute(
                planned, ctx.gateway, settings, out=out, apply=apply, summary=summary, lock=lock, where=where
            )
    if as_json:
        print(json_text(_report_dict(planned, report)))
    else:
        from lbconsole.engine.outcomes import format_counts

        verb = "Applied" if apply else "Dry run (nothing changed on GitHub; add --apply)"
        print(f"\n{verb}: {format_counts(report)}")
    return report.exit_code


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a run's audit log, lock and log file go: the user's state, or the demo's own."""

    state_dir: Path
    log_dir: Path

    @classmethod
    def of(cls, *, demo: bool) -> _Where:
        from lbconsole.config import paths

        if demo:  # simulated runs never reach the real audit log or log file
            return cls(paths.demo_state_dir(os.environ), paths.demo_log_dir(os.environ))
        found = paths.AppPaths.resolve(os.environ)
        return cls(found.state_dir, found.log_dir)


@contextmanager
def _run_lock(repo: str, state_dir: Path, *, apply: bool) -> Iterator[RunLock | None]:
    """The repository's run lock, taken now when applying (None for a dry run, which never takes one).

    Raises:
        RunLocked: another run is applying a plan to `repo` (exit code 5).
    """
    if not apply:
        yield None
        return
    from lbconsole.engine.lock import RunLock

    lock = RunLock(state_dir, repo)
    with lock:
        yield lock


def _execute(
    planned: Plan,
    gateway: Gateway,
    settings: Settings,
    *,
    out: TextIO,
    apply: bool,
    summary: Path | None,
    lock: RunLock | None,
    where: _Where,
) -> RunReport:
    """Run the plan through `engine.run.run_plan` (audit, lock, summary), logging to `out` and the log file.

    The first Ctrl+C lets the action in flight finish and cancels the rest; SIGTERM or a second
    Ctrl+C stops the action in flight too (`engine.interrupt`). Either way every outcome and the
    run record are written, and the exit code is 130 (SIGINT) or 143 (SIGTERM).
    """
    from lbconsole.engine.interrupt import Interrupt
    from lbconsole.engine.logbus import LogBus, StreamSink
    from lbconsole.engine.logfile import LogFile
    from lbconsole.engine.run import run_plan

    bus = LogBus()
    bus.subscribe(StreamSink(out))
    bus.subscribe(LogFile(where.log_dir))
    interrupt = Interrupt(on_signal=lambda text: bus.emit("app", text, "warning"))
    with interrupt.installed():
        return run_plan(
            planned,
            gateway,
            settings=settings,
            bus=bus,
            apply=apply,
            state_dir=where.state_dir,
            lock=lock,
            interrupt=interrupt,
            summary_path=summary,
        )


def _report_dict(planned: Plan, report: RunReport) -> dict[str, Any]:
    """`lbconsole.run/1`: the plan, and what became of each action."""
    from lbconsole.core import plan as plan_json

    return {
        "schema": "lbconsole.run/1",
        "plan": plan_json.to_dict(planned),
        "apply": report.apply,
        "counts": dict(report.counts),
        "exit_code": report.exit_code,
        "outcomes": [
            {
                "kind": o.action.kind,
                "pr": o.action.pr,
                "head_sha": o.action.head_sha,
                "outcome": o.outcome,
                "status": o.status,
                "message": o.message,
            }
            for o in report.outcomes
        ],
    }


def register(commands: Subcommands) -> None:
    """Add `run` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("run", help="execute a plan: dry run by default, --apply to change GitHub")
    add_limit_options(p, required=False)
    p.add_argument("--plan", type=Path, help="execute a plan saved with `lbconsole plan --json > FILE`")
    p.add_argument("--apply", action="store_true", help="really change GitHub (default: dry run)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--json", action="store_true", help="print the outcomes as lbconsole.run/1 JSON")
    p.add_argument("--summary", type=Path, help="append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY)")

    def command(args: argparse.Namespace) -> int:
        options = GlobalOptions.of(args)
        return run(
            connector(options),
            repo=options.repo,
            mode=args.mode,
            plan_file=args.plan,
            merge_limit=args.merge_limit,
            conflict_limit=args.conflict_limit,
            apply=args.apply,
            yes=args.yes,
            as_json=args.json,
            summary=args.summary,
        )

    p.set_defaults(func=command)
