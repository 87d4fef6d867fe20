"""The command line: argparse front door; every sub-command is a small function.

Heavy modules (textual, githubkit, the simulator) are imported inside the
commands that need them, so `lbconsole --version` starts fast.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lbconsole import __version__
from lbconsole.errors import LbError, UsageError

if TYPE_CHECKING:
    from lbconsole.core.settings import Settings
    from lbconsole.github.gateway import GitHubGateway

REPO_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
DEMO_REPO = "acme/rocket"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def validate_repo(repo: str) -> str:
    """`owner/name`, or a UsageError that shows the expected form."""
    if not REPO_PATTERN.match(repo) or repo.endswith((".git", "/.", "/..")):
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


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the config file; problems are printed and defaults used (the file is untouched)."""
    from lbconsole.config.load import load_settings as load

    result = load(getattr(args, "config", None))
    if result.problems:
        print(f"lbconsole: warning: {result.path} has problems; running on defaults:", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
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
def github_context(args: argparse.Namespace) -> Iterator[Context]:
    """Settings, repository and gateway for a command; `--demo` runs against the embedded simulator."""
    settings = load_settings(args)
    if args.demo:
        from lbconsole.sim.server import running_simulator

        with running_simulator(scenario="demo", seed=args.seed) as sim:
            github = replace(settings.github, repo=DEMO_REPO, api_url=sim.url, write_interval_s=0.0)
            settings = replace(settings, github=github)
            yield Context(settings, DEMO_REPO, _gateway(settings, DEMO_REPO, token=None), demo=True)
        return
    repo = args.repo or settings.github.repo or detect_repo()
    if not repo:
        raise UsageError("no repository: pass --repo OWNER/NAME, set github.repo in the config, or run in a clone")
    repo = validate_repo(repo)
    api_url = args.api_url or settings.github.api_url
    settings = replace(settings, github=replace(settings.github, repo=repo, api_url=api_url))
    from lbconsole.auth import find_token

    found = find_token(api_url)
    yield Context(settings, repo, _gateway(settings, repo, token=found.token if found else None), demo=False)


def _gateway(settings: Settings, repo: str, token: str | None) -> GitHubGateway:
    from lbconsole.github.gateway import GitHubGateway

    return GitHubGateway(repo, token=token, settings=settings.github)


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
        _print_json(queue_dict(queue.repo, analyses, queue.fetched_at, now))
    else:
        print(queue_text(queue.repo, analyses, queue.fetched_at, now))
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("queue", help="list the open PRs grouped by category, in priority order")
    p.add_argument("--json", action="store_true", help="print lbconsole.queue/1 JSON")
    p.set_defaults(func=cmd_queue)

    p = sub.add_parser("plan", help="preview what a mode would do, and why every other PR is skipped")
    _mode_args(p)
    p.add_argument("--json", action="store_true", help="print the plan as lbconsole.plan/1 JSON")
    p.set_defaults(func=cmd_plan)

    _register_optional(sub)
    return parser


def _mode_args(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--mode", required=required, help="auto, security-only, merge-only, conflict-resolution, full-audit")
    p.add_argument("--merge-limit", type=int, help="override limits.merge for this command")
    p.add_argument("--conflict-limit", type=int, help="override limits.conflict for this command")


def _register_optional(sub: Any) -> None:
    """Sub-commands that live next to their own package."""
    from lbconsole.config.commands import register as register_config

    register_config(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lbconsole` console script; returns the exit code (SPEC 3.1)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # the fast path: no sub-command modules imported
        print(f"lbconsole {__version__}")
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return int(func(args))
    except LbError as exc:
        from lbconsole.redact import redact

        print(f"lbconsole: error: {redact(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lbconsole: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
