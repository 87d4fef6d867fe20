"""The records of the simulator's GitHub Actions: workflows, runs, jobs, steps, and job logs.

A run has one job; a job's steps carry the work they do (a callable that
writes the job's log and returns the step's conclusion). Job logs are in
GitHub's own log format (``2026-11-23T12:00:00.0000000Z line``), which
`JobLog.stamp` writes in the one place it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from lbconsole.core.orchestrator import WORKFLOW_FILE
from lbconsole.sim.state import SimState

ORCHESTRATOR_NAME = "ΛBot orchestrator"
"""The orchestrator workflow's `name`."""
ORCHESTRATOR_INPUTS = ("mode", "merge_limit", "conflict_limit", "dry_run", "correlation_id")
"""The orchestrator workflow's `workflow_dispatch` inputs."""
APP_TOKEN_STEP = "Mint the GitHub App token"
"""Skipped unless the repository has a GitHub App configured (the simulator's has none)."""
ORCHESTRATOR_STEPS = (
    "Set up job",
    "Check out the repository",
    "Set up Python",
    APP_TOKEN_STEP,
    "Install lbconsole",
    "Plan (stops the run when there is nothing to do)",
    "Run the plan",
    "Complete job",
)
"""The orchestrator job's steps as GitHub lists them (the generated workflow's, between GitHub's own first and last)."""

Work = Callable[["JobLog"], str]
"""A step's work: writes the job's log, returns the step's conclusion."""


@dataclass(slots=True)
class SimWorkflow:
    """One workflow file of the simulated repository."""

    id: int
    name: str
    file: str
    dispatchable: bool = False
    """Whether it has a `workflow_dispatch` trigger."""
    inputs: tuple[str, ...] = ()
    """Its `workflow_dispatch` inputs."""
    state: str = "active"
    created_at: str = "2024-03-02T10:00:00Z"
    updated_at: str = "2025-09-14T08:30:00Z"

    @property
    def path(self) -> str:
        """``.github/workflows/<file>``."""
        return f".github/workflows/{self.file}"


@dataclass(slots=True)
class SimStep:
    """One step of a job."""

    number: int
    name: str
    work: Work | None = None
    """Does the step's work (None: nothing to do, success)."""
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(slots=True)
class SimJob:
    """One job of a run."""

    id: int
    run_id: int
    name: str
    head_sha: str
    head_branch: str
    created_at: datetime
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    steps: list[SimStep] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    """GitHub-format log lines (timestamp, space, text)."""
    labels: tuple[str, ...] = ("ubuntu-latest",)
    """The runner labels the job asked for (`runs-on`)."""


@dataclass(slots=True)
class SimRun:
    """One workflow run."""

    id: int
    workflow: SimWorkflow
    run_number: int
    display_title: str
    event: str
    head_branch: str
    head_sha: str
    created_at: datetime
    inputs: dict[str, str] = field(default_factory=dict)
    status: str = "queued"
    conclusion: str | None = None
    updated_at: datetime | None = None
    run_started_at: datetime | None = None
    jobs: list[SimJob] = field(default_factory=list)
    api: str = ""
    """The simulator's URL the run's engine talks to."""
    token: str | None = None
    """The token the dispatch came with (the run's GITHUB_TOKEN)."""
    actor: str = "octocat"
    abandoned: bool = False
    """Set by a reset: the run stops at its next transition."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job's steps need: the run, the simulator's state and URL."""

    run: SimRun
    job: SimJob
    sim: SimState
    api: str
    token: str | None


JobFactory = Callable[[JobContext], list[tuple[str, Work | None]]]
"""Builds a job's steps: (name, work) pairs; work returns the step's conclusion."""


class JobLog:
    """Writes a job's log in GitHub's format, stamped with sim time."""

    def __init__(self, job: SimJob, clock: Callable[[], datetime]) -> None:
        self.job = job
        self.clock = clock

    @staticmethod
    def stamp(moment: datetime) -> str:
        """GitHub's log timestamp: seven fractional digits, `Z`."""
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"

    def line(self, text: str, moment: datetime | None = None) -> None:
        """Append one line (each line of a multi-line text separately)."""
        when = self.stamp(moment or self.clock())
        for part in text.splitlines() or [""]:
            self.job.log.append(f"{when} {part}")

    def group(self, title: str) -> None:
        """Open a collapsible group."""
        self.line(f"##[group]{title}")

    def endgroup(self) -> None:
        """Close the group."""
        self.line("##[endgroup]")

    def error(self, text: str) -> None:
        """An error annotation."""
        self.line(f"##[error]{text}")


def default_workflows() -> list[SimWorkflow]:
    """The repository's workflows: the orchestrator, and the legacy bots it replaces."""
    return [
        SimWorkflow(
            id=90001001,
            name=ORCHESTRATOR_NAME,
            file=WORKFLOW_FILE,
            dispatchable=True,
            inputs=ORCHESTRATOR_INPUTS,
            created_at="2026-11-01T09:00:00Z",
            updated_at="2026-11-20T16:45:00Z",
        ),
        SimWorkflow(id=90001002, name="CI", file="ci.yml"),
        SimWorkflow(id=90001003, name="Auto-merge Dependabot", file="automerge.yml"),
        SimWorkflow(id=90001004, name="Label conflicting PRs", file="conflict-labeler.yml"),
        SimWorkflow(id=90001005, name="Security scan (every PR)", file="security-scan-pr.yml"),
    ]
