"""What a GitHub-bound command works with: settings, the repository, a gateway.

`repository_context` builds it for a real repository (the config, `--repo`,
`--api-url`, the token found by `lbconsole.auth`); `demo.demo_context` builds
the same against the embedded simulator. Commands receive `open_context`
bound to their global options (a `Connect`), so a test can hand them any
context it likes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lbconsole.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from lbconsole.cli.options import GlobalOptions
    from lbconsole.core.settings import Settings
    from lbconsole.github.gateway import GitHubGateway

Whoami = Callable[[str, str], str]
"""(token, api_url) -> the login the token belongs to."""


@dataclass
class Context:
    """What every GitHub-bound command needs: settings, the repository and a gateway."""

    settings: Settings
    repo: str
    gateway: GitHubGateway
    demo: bool
    token: str | None = None
    """Never printed; kept to tell "no token" apart before any write."""
    clock: Callable[[], datetime] | None = None
    """The repository's now (the demo's simulator clock); None: the real time (`utc_now`)."""

    def now(self) -> datetime:
        """Now, for windows of time over the repository's history."""
        return self.clock() if self.clock is not None else utc_now()


class Connect(Protocol):
    """Opens the context of a command (`open_context` bound to the command's global options)."""

    def __call__(
        self, *, repo_hint: str | None = None, warnings: list[str] | None = None, history: bool = False
    ) -> AbstractContextManager[Context]:
        """A context manager yielding the `Context`; see `open_context`."""
        ...


def utc_now() -> datetime:
    """Now, in UTC, to the second (the "now" of plans and ages)."""
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


def load_settings(config: Path | None, warnings: list[str] | None = None) -> Settings:
    """Settings from the config file; on problems the defaults are used and the file is left untouched.

    Args:
        config: `--config`, or None for the default file.
        warnings: where to put the problems (the console shows them); None prints them to stderr.

    Raises:
        ConfigError: `--config` names a file that does not exist (exit code 2).
    """
    from lbconsole.config.load import load, presence

    if config is not None and not presence(config)[0]:  # a file named on purpose must be there
        raise ConfigError(f"config file {config} does not exist (--config); `lbconsole config set` creates one")
    result = load(config)
    if result.problems:
        lines = [f"{result.path} has problems; running on defaults:", *(f"  {p}" for p in result.problems)]
        if warnings is None:
            print("lbconsole: warning: " + "\n".join(lines), file=sys.stderr)
        else:
            warnings.append("\n".join(lines))
    return result.settings


@contextmanager
def repository_context(
    options: GlobalOptions, *, repo_hint: str | None = None, warnings: list[str] | None = None
) -> Iterator[Context]:
    """Settings, repository and gateway of a real repository.

    Args:
        options: the global options (`--config`, `--repo`, `--api-url`).
        repo_hint: the repository to use when neither --repo nor the config names one (a plan file's).
        warnings: collects config problems instead of printing them (the console shows them).
    """
    settings = load_settings(options.config, warnings)
    repo = options.repo or settings.github.repo or repo_hint or detect_repo()
    if not repo:
        raise UsageError("no repository: pass --repo OWNER/NAME, set github.repo in the config, or run in a clone")
    repo = validate_repo(repo)
    from lbconsole.auth import find_token
    from lbconsole.config.load import apply_overrides

    api_url, graphql_url = actions_urls(options.api_url)
    settings = apply_overrides(settings, api_url=api_url)
    settings = replace(settings, github=replace(settings.github, repo=repo))
    found = find_token(settings.github.api_url)
    token = found.token if found else None
    gateway = make_gateway(settings, repo, token=token, graphql_url=graphql_url)
    yield Context(settings, repo, gateway, demo=False, token=token)


def actions_urls(api_url: str | None, env: Mapping[str, str] = os.environ) -> tuple[str | None, str | None]:
    """The (REST, GraphQL) URLs to use: `--api-url`, else GitHub Actions' `GITHUB_API_URL` / `GITHUB_GRAPHQL_URL`.

    On GitHub Enterprise Server a workflow's job gets ``https://HOST/api/v3`` and
    ``https://HOST/api/graphql``; with them the job talks to its own server
    without any config. `--api-url` wins over both (its GraphQL URL is derived
    from it); None for either: the config's, then github.com's.

    Args:
        api_url: `--api-url`, or None.
        env: the environment.
    """
    if api_url:
        return api_url, None
    rest = env.get("GITHUB_API_URL", "").strip() or None
    graphql = env.get("GITHUB_GRAPHQL_URL", "").strip() or None
    return rest, graphql if rest else None


def open_context(
    options: GlobalOptions,
    *,
    repo_hint: str | None = None,
    warnings: list[str] | None = None,
    history: bool = False,
) -> AbstractContextManager[Context]:
    """The context of a command: the demo's with `--demo`, else the real repository's.

    Args:
        options: the global options.
        repo_hint: see `repository_context` (the demo ignores it).
        warnings: collects config problems instead of printing them.
        history: the command reads Actions history (the demo's simulator then has weeks of runs).
    """
    if options.demo:
        from lbconsole.cli.demo import demo_context
        from lbconsole.sim.scenarios import DEMO_REPO

        if options.repo and options.repo.strip().casefold() != DEMO_REPO:
            raise UsageError(f"--demo serves the simulator's {DEMO_REPO}, not {options.repo}: drop --repo or --demo")
        return demo_context(
            load_settings(options.config, warnings), seed=options.seed, history=history, fresh=options.demo_reset
        )
    return repository_context(options, repo_hint=repo_hint, warnings=warnings)


def connector(options: GlobalOptions) -> Connect:
    """`open_context` bound to `options`: what commands receive."""
    return partial(open_context, options)


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


def make_gateway(settings: Settings, repo: str, token: str | None, graphql_url: str | None = None) -> GitHubGateway:
    """The gateway of a headless command: rate-limit waits are counted down on stderr."""
    from lbconsole.github.gateway import GitHubGateway

    return GitHubGateway(
        repo, token=token, settings=settings.github, graphql_url=graphql_url, on_wait=StderrCountdown()
    )


def check_token(token: str, api_url: str) -> str:
    """The login a token belongs to (`auth status`, `auth login`): a `Whoami`."""
    from lbconsole.core.settings import GithubSettings
    from lbconsole.github.client import GitHubClient

    client = GitHubClient(token, GithubSettings(api_url=api_url))
    return client.whoami()
