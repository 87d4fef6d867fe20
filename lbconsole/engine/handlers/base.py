"""What an action handler is, and what it may use of the run that calls it.

The executor owns the batch (re-reading each PR, the stale guard, pacing,
aborts, cancellation); a handler owns what one kind of action does to a
pull request that passed those guards. Handlers see the run only through
`Run`, so they never import the executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from lbconsole.core.plan import Action
from lbconsole.core.ports import Comment, Gateway, PullSnapshot
from lbconsole.core.settings import Settings
from lbconsole.engine.logbus import LogBus
from lbconsole.engine.outcomes import ActionOutcome, with_status
from lbconsole.engine.scan_model import ScanTools
from lbconsole.errors import GatewayError

T = TypeVar("T")


class Run(Protocol):
    """The run a handler acts for (the executor's state of one execution)."""

    gateway: Gateway
    settings: Settings
    bus: LogBus
    repo: str
    """The plan's repository."""
    merged_any: bool
    """Whether this run merged a PR already (later merges re-check mergeability)."""
    scanner: ScanTools | None
    """The security scanner; None until the first scan loads the default one."""
    summary_path: Path | None
    """Where a `report` action's Markdown is appended ($GITHUB_STEP_SUMMARY), if anywhere."""
    sleep: Callable[[float], None]
    train_left: float
    """Seconds the merge train may still wait in this run (`merge.train_budget_s` at the start)."""
    train_cars: int
    """Train cars boarded so far in this run."""
    train_blocked: str
    """Why no train car can get CI in this run ('' while they can)."""

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds`; False when the run was cancelled (at once, not after the wait)."""
        ...

    def write(self, request: Callable[[], T]) -> T:
        """Send one mutating request, paced after the previous one."""
        ...

    def outcome(
        self,
        action: Action,
        outcome: str,
        message: str,
        *,
        status: int | None = None,
        merged_sha: str = "",
    ) -> ActionOutcome:
        """The outcome of `action` (its message redacted, timed by the run's clock)."""
        ...


@dataclass(frozen=True, slots=True)
class PullHandler:
    """An action on one pull request (merge, label...): runs only when applying."""

    apply: Callable[[Run, Action, PullSnapshot], ActionOutcome]
    """Does the action to the PR as just re-read (open, not merged, head SHA as planned)."""
    describe: Callable[[Action, Settings], str]
    """What the action would do: a dry run's message."""


@dataclass(frozen=True, slots=True)
class LocalHandler:
    """An action that touches nothing on GitHub (`report`): it runs in a dry run too."""

    run: Callable[[Run, Action], str]
    """Does the action; returns what was done (an applied run's message)."""
    describe: Callable[[Action, Settings], str]
    """A dry run's message."""


Handler = PullHandler | LocalHandler


def pr_of(action: Action) -> int:
    """The action's PR number (the executor runs a `PullHandler` only for an action with one)."""
    assert action.pr is not None
    return action.pr


def short(sha: str) -> str:
    """A commit SHA as seven characters, `?` when unknown."""
    return sha[:7] if sha else "?"


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def gh_message(exc: GatewayError) -> str:
    """A gateway error's message with its HTTP status (once), for an outcome."""
    return with_status(exc.message, exc.status)


def find_marked(comments: Iterable[Comment], marker: str) -> Comment | None:
    """The first comment carrying the hidden `marker` (the one comment lbconsole keeps up to date)."""
    return next((c for c in comments if marker in c.body), None)
