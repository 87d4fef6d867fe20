"""The command line: argparse front door; every sub-command is a small function.

Heavy modules (textual, githubkit, the simulator) are imported inside the
commands that need them, so `lbconsole --version` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lbconsole import __version__
from lbconsole.errors import LbError, UsageError

if TYPE_CHECKING:
    from lbconsole.core.plan import Plan
    from lbconsole.core.settings import Settings
    from lbconsole.github.gateway import GitHubGateway

DEMO_REPO = "acme/rocket"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def validate_repo(repo: str) -> str:
    """`owner/name`, or a UsageError that shows the expected form."""
    from lbconsole.core.settings import REPO_PATTERN

    if not re.fullmatch(REPO_PATTERN, repo):
        raise UsageError(f"malformed repository {repo!r}: expected OWNER/NAME, e.g. acme/rocket")
    return repo


def detect_repo(cwd: Path | None = None) -> str | None:
    """`owner/name` from the `origin` remote of the git checkout in `cwd`, if any."""
    try:
        url = subprocess.run(
            ["git", "config", "--get", "remote.origin.url"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"[:/]([^/:]+)/([^/]+?)(?:\.git)?/?$", url)
    return f"{match.group(1)}/{match.group(2)}" if match else None


@dataclass
class Context:
    """What every GitHub-bound command needs: settings, the repository and a gateway."""

    settings: Settings
    repo: str
    gateway: GitHubGateway
    demo: bool
    token: str | None = None
    """Never printed; kept to tell "no token" apart before any write."""


def load_settings(args: argparse.Namespace, warnings: list[str] | None = None) -> Settings:
    """Settings from the config file; on problems the defaults are used and the file is left untouched.

    Args:
        args: the parsed command line (`--config`, limit overrides).
        warnings: where to put the problems (the console shows them); None prints them to stderr.
    """
    from lbconsole.config.load import load

    result = load(getattr(args, "config", None))
    if result.problems:
        lines = [f"{result.path} has problems; running on defaults:", *(f"  {p}" for p in result.problems)]
        if warnings is None:
            print("lbconsole: warning: " + "\n".join(lines), file=sys.stderr)
        else:
            warnings.append("\n".join(lines))
    settings = result.settings
    limits = settings.limits
    for name in ("merge", "conflict"):
        value = getattr(args, f"{name}_limit", None)
        if value is not None:
            if not 0 <= value <= 100:
                raise UsageError(f"--{name}-limit must be between 0 and 100, got {value}")
            limits = replace(limits, **{name: value})
    return replace(settings, limits=limits)


@contextmanager
def github_context(
    args: argparse.Namespace, *, repo_hint: str | None = None, warnings: list[str] | None = None
) -> Iterator[Context]:
    """Settings, repository and gateway for a command; `--demo` runs against the embedded simulator.

    Args:
        args: the parsed command line.
        repo_hint: the repository to use when neither --repo nor the config names one (a plan file's).
        warnings: collects config problems instead of printing them (the console shows them).
    """
    settings = load_settings(args, warnings)
    if args.demo:
        from lbconsole.sim.server import running_simulator

        with running_simulator(scenario="demo", seed=args.seed) as sim:
            github = replace(settings.github, repo=DEMO_REPO, api_url=sim.url, write_interval_s=0.0)
            settings = replace(settings, github=github)
            yield Context(settings, DEMO_REPO, _gateway(settings, DEMO_REPO, token=None), demo=True)
        return
    repo = args.repo or settings.github.repo or repo_hint or detect_repo()
    if not repo:
        raise UsageError("no repository: pass --repo OWNER/NAME, set github.repo in the config, or run in a clone")
    repo = validate_repo(repo)
    from lbconsole.auth import find_token
    from lbconsole.config.load import apply_overrides

    settings = apply_overrides(settings, api_url=args.api_url)
    settings = replace(settings, github=replace(settings.github, repo=repo))
    found = find_token(settings.github.api_url)
    token = found.token if found else None
    yield Context(settings, repo, _gateway(settings, repo, token=token), demo=False, token=token)


class StderrCountdown:
    """Tells a headless user that a rate limit is being waited out: at once, every few seconds, and at the end."""

    def __init__(self, every_s: int = 5) -> None:
        self.every_s = every_s
        self._last: int | None = None

    def __call__(self, seconds_left: float, reason: str) -> None:
        whole = round(seconds_left)
        if whole <= 0:
            print(f"lbconsole: {reason}: resuming", file=sys.stderr)
            self._last = None
        elif self._last is None or self._last - whole >= self.every_s:
            print(f"lbconsole: {reason}: waiting {whole}s", file=sys.stderr)
            self._last = whole


def _gateway(settings: Settings, repo: str, token: str | None) -> GitHubGateway:
    from lbconsole.github.gateway import GitHubGateway

    return GitHubGateway(repo, token=token, settings=settings.github, on_wait=StderrCountdown())


def whoami(token: str, api_url: str) -> str:
    """The login a token belongs to (`auth status`, `auth login`)."""
    from lbconsole.core.settings import GithubSettings
    from lbconsole.github.client import GitHubClient

    client = GitHubClient(token, GithubSettings(api_url=api_url))
    return client.whoami()


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_queue(args: argparse.Namespace) -> int:
    """`lbconsole queue`: the open PRs grouped by category, in priority order."""
    from lbconsole.core.analysis import analyze
    from lbconsole.output import queue_dict, queue_text

    with github_context(args) as ctx:
        queue = ctx.gateway.fetch_queue()
    now = _now()
    analyses = analyze(queue.pulls, ctx.settings, now)
    if args.json:
        order = ctx.settings.category_order()
        _print_json(queue_dict(queue.repo, analyses, queue.fetched_at, now, order, queue.notes))
    else:
        print(queue_text(queue.repo, analyses, queue.fetched_at, now, ctx.settings.category_order(), queue.notes))
    return 0


def _check_mode(mode: str) -> str:
    from lbconsole.core.settings import MODES

    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    return mode


def cmd_plan(args: argparse.Namespace) -> int:
    """`lbconsole plan --mode M`: what the mode would do and why every other PR is skipped."""
    from lbconsole.core import plan as plan_json
    from lbconsole.core.planner import plan
    from lbconsole.output import plan_text

    mode = _check_mode(args.mode)
    with github_context(args) as ctx:
        queue = ctx.gateway.fetch_queue()
    result = plan(queue, mode, ctx.settings, _now())
    if args.json:
        _print_json(plan_json.to_dict(result))
    else:
        print(plan_text(result))
    return 0


def _read_plan_file(path: Path) -> Plan:
    from lbconsole.core.plan import PlanFormatError, from_dict

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read plan file {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise UsageError(f"plan file {path} is not JSON: {exc}") from exc
    try:
        return from_dict(data)
    except PlanFormatError as exc:
        raise UsageError(f"plan file {path}: {exc}") from exc


def _confirm(plan: Plan, out: TextIO) -> bool:
    """Ask before applying from an interactive terminal; the default is No."""
    prs = ", ".join(f"#{n}" for n in plan.prs()) or "no PR"
    question = f"Apply {len(plan.actions)} action(s) of {plan.mode} to {plan.repo} ({prs})? [y/N] "
    print(question, end="", flush=True, file=out)
    try:
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


def cmd_run(args: argparse.Namespace) -> int:
    """`lbconsole run --mode M | --plan FILE [--apply]`: execute a plan, SHA-pinned (SPEC 3.1)."""
    from lbconsole.config import paths
    from lbconsole.core import plan as plan_json
    from lbconsole.core.planner import plan as make_plan
    from lbconsole.engine.audit import AuditLog
    from lbconsole.engine.executor import execute, format_counts, format_summary_table
    from lbconsole.engine.lock import RunLock
    from lbconsole.engine.logbus import LogBus, StreamSink
    from lbconsole.engine.logfile import LogFile
    from lbconsole.output import plan_text

    if bool(args.mode) == bool(args.plan):
        raise UsageError("run needs exactly one of --mode MODE or --plan FILE")
    if args.summary is not None:
        try:  # before anything runs: a summary that cannot be written is a usage error
            args.summary.open("a", encoding="utf-8").close()
        except OSError as exc:
            raise UsageError(f"cannot write the summary to {args.summary}: {exc.strerror}") from exc
    saved = _read_plan_file(args.plan) if args.plan else None
    if saved is not None and args.repo and args.repo != saved.repo:
        raise UsageError(f"the plan file is for {saved.repo}, not {args.repo}")
    mode = _check_mode(args.mode) if args.mode else ""
    with github_context(args, repo_hint=saved.repo if saved else None) as ctx:
        if saved is not None and saved.repo != ctx.repo:
            raise UsageError(f"the plan file is for {saved.repo}, but this command targets {ctx.repo}")
        if args.apply and not ctx.demo and ctx.token is None:
            from lbconsole.auth import no_token_message
            from lbconsole.errors import AuthError

            raise AuthError(no_token_message(ctx.settings.github.api_url))
        planned = saved or make_plan(ctx.gateway.fetch_queue(), mode, ctx.settings, _now())
        out = sys.stderr if args.json else sys.stdout
        if not args.json:
            print(plan_text(planned), file=out)
            print(file=out)
        if args.apply and not args.yes and sys.stdin.isatty() and planned.actions and not _confirm(planned, out):
            print("Nothing applied.", file=out)
            return 0
        bus = LogBus()
        bus.subscribe(StreamSink(out))
        env_paths = paths.AppPaths.resolve(os.environ)
        bus.subscribe(LogFile(env_paths.log_dir))
        audit = AuditLog(env_paths.state_dir)
        cancel = threading.Event()
        previous = signal.getsignal(signal.SIGINT)

        def interrupt(signum: int, frame: object) -> None:
            if cancel.is_set():
                raise KeyboardInterrupt
            cancel.set()
            bus.emit("app", "cancelling: the action in flight finishes, the rest are cancelled (Ctrl+C again to abort)")

        in_main = threading.current_thread() is threading.main_thread()
        if in_main:
            signal.signal(signal.SIGINT, interrupt)
        try:
            lock: AbstractContextManager[object] = (
                RunLock(env_paths.state_dir, ctx.repo) if args.apply else nullcontext()
            )
            with lock:
                report = execute(
                    planned,
                    ctx.gateway,
                    settings=ctx.settings,
                    bus=bus,
                    audit=audit,
                    apply=args.apply,
                    cancel=cancel,
                    summary_path=args.summary,
                )
        finally:
            if in_main:
                signal.signal(signal.SIGINT, previous)
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(format_summary_table(report) + "\n")
    if args.json:
        _print_json(
            {
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
        )
    else:
        verb = "Applied" if args.apply else "Dry run (nothing changed on GitHub; add --apply)"
        print(f"\n{verb}: {format_counts(report)}")
    return report.exit_code


def cmd_demo(args: argparse.Namespace) -> int:
    """`lbconsole demo`: the console on the simulator's demo repository (no token, no network).

    Limits saved in the demo go to the config file only when `--config` names one explicitly.
    """
    from lbconsole.config import paths
    from lbconsole.tui import run_demo

    warnings: list[str] = []
    settings = load_settings(args, warnings)
    return run_demo(
        settings=settings,
        seed=args.seed,
        read_only=args.read_only,
        config_path=args.config,
        state_dir=paths.state_dir(os.environ),
        warnings=warnings,
    )


def cmd_console(args: argparse.Namespace) -> int:
    """`lbconsole`: the console on the configured (or git-remote-detected) repository."""
    if args.demo:
        return cmd_demo(args)
    from lbconsole.config import paths
    from lbconsole.tui import run_console

    warnings: list[str] = []
    with github_context(args, warnings=warnings) as ctx:
        if ctx.token is None:
            from lbconsole.auth import no_token_message

            warnings.append(no_token_message(ctx.settings.github.api_url) + " (reading public data only)")
        return run_console(
            settings=ctx.settings,
            gateway_factory=lambda: ctx.gateway,
            read_only=args.read_only,
            demo=False,
            config_path=paths.config_file(os.environ, explicit=args.config),
            state_dir=paths.state_dir(os.environ),
            warnings=warnings,
        )


def cmd_logs(args: argparse.Namespace) -> int:
    """`lbconsole logs [-f] [--source S] [--pr N]`: print (and follow) the consolidated log file."""
    from lbconsole.config import paths
    from lbconsole.engine.logfile import logs_command

    return logs_command(paths.log_dir(os.environ), args.follow, args.source, args.pr, sys.stdout)


def cmd_sim(args: argparse.Namespace) -> int:
    """`lbconsole sim`: serve the simulator on 127.0.0.1 until interrupted."""
    from lbconsole.sim.server import run_cli

    return run_cli(port=args.port, scenario=args.scenario, seed=args.sim_seed)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="lbconsole",
        description="The ΛBot console: one consolidated pull-request orchestrator for a GitHub repository.",
    )
    parser.add_argument("--version", action="version", version=f"lbconsole {__version__}")
    parser.add_argument("--repo", help="repository OWNER/NAME (default: config, then the git remote)")
    parser.add_argument("--api-url", help="GitHub REST API root (default: config, then https://api.github.com)")
    parser.add_argument("--config", type=Path, help="config file (default: $LBCONSOLE_CONFIG or the user config)")
    parser.add_argument(
        "--demo", action="store_true", help="run against the embedded simulator's demo repository (no token)"
    )
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--read-only", action="store_true", help="console: disable run and dispatch")
    parser.set_defaults(func=cmd_console)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="open the console on the simulator's demo repository (no token, no network)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("queue", help="list the open PRs grouped by category, in priority order")
    p.add_argument("--json", action="store_true", help="print lbconsole.queue/1 JSON")
    p.set_defaults(func=cmd_queue)

    p = sub.add_parser("plan", help="preview what a mode would do, and why every other PR is skipped")
    _mode_args(p)
    p.add_argument("--json", action="store_true", help="print the plan as lbconsole.plan/1 JSON")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("run", help="execute a plan: dry run by default, --apply to change GitHub")
    _mode_args(p, required=False)
    p.add_argument("--plan", type=Path, help="execute a plan saved with `lbconsole plan --json > FILE`")
    p.add_argument("--apply", action="store_true", help="really change GitHub (default: dry run)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--json", action="store_true", help="print the outcomes as lbconsole.run/1 JSON")
    p.add_argument("--summary", type=Path, help="append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("logs", help="print the consolidated log file")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    p.add_argument("--source", help="only this source (app, merge, scan, a workflow job...)")
    p.add_argument("--pr", type=int, help="only lines about this PR")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser("sim", help="serve the GitHub simulator on 127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--scenario", default="demo", help="demo or scale:N")
    p.add_argument("--seed", dest="sim_seed", type=int, default=0, help="random seed of the scenario")
    p.set_defaults(func=cmd_sim)

    _register_optional(sub)
    return parser


def _mode_args(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--mode", required=required, help="auto, security-only, merge-only, conflict-resolution, full-audit")
    p.add_argument("--merge-limit", type=int, help="override limits.merge for this command")
    p.add_argument("--conflict-limit", type=int, help="override limits.conflict for this command")


def _register_optional(sub: Any) -> None:
    """Sub-commands that live next to their own package."""
    from lbconsole.config.commands import register as register_config
    from lbconsole.engine.dispatch import register as register_dispatch
    from lbconsole.engine.workflow import register as register_workflow

    register_config(sub)
    register_workflow(sub)
    register_dispatch(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lbconsole` console script; returns the exit code (SPEC 3.1)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # the fast path: no sub-command modules imported
        print(f"lbconsole {__version__}")
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    args.context_factory = lambda: github_context(args)
    args.whoami = whoami
    func = args.func
    try:
        return int(func(args))
    except LbError as exc:
        from lbconsole.redact import redact

        print(f"lbconsole: error: {redact(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lbconsole: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # e.g. a state or log directory that cannot be created
        from lbconsole.redact import redact

        where = f" ({exc.filename})" if exc.filename else ""
        print(f"lbconsole: error: {redact(exc.strerror or str(exc))}{where}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
