"""The demo repository's 14 legacy bot workflows: what the orchestrator replaces, as data.

Each bot is the parsed form of its workflow file (`on`, `jobs` with `if`
and `runs-on`, as a YAML loader gives it) and how long its job usually runs.
The triggers are the ones such bots really use: `pull_request` and
`pull_request_target` with activity types, `push` with branch and path
filters, `pull_request_review`, `issue_comment`, and schedules from every 10
minutes to every 2 hours. The simulator's Actions history and the economy
replay (`tests/bench/bench_economy.py`) both replay events against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEPENDABOT = "github.actor == 'dependabot[bot]'"


@dataclass(frozen=True, slots=True)
class Bot:
    """One legacy bot workflow."""

    id: int
    name: str
    file: str
    workflow: dict[str, Any]
    """The parsed workflow file."""
    seconds: tuple[int, int]
    """The range its job's runtime falls in."""

    @property
    def path(self) -> str:
        """``.github/workflows/<file>``."""
        return f".github/workflows/{self.file}"


def _job(name: str, condition: str | None = None, runs_on: str = "ubuntu-latest") -> dict[str, Any]:
    body: dict[str, Any] = {"runs-on": runs_on, "steps": [{"run": f"echo {name}"}]}
    if condition:
        body["if"] = condition
    return {name: body}


def _wf(name: str, on: dict[str, Any], job: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "on": on, "jobs": job}


PR_TYPES = ["opened", "synchronize", "reopened"]

BOTS: tuple[Bot, ...] = (
    Bot(
        90001003,
        "Auto-merge Dependabot",
        "automerge.yml",
        _wf(
            "Auto-merge Dependabot",
            {"pull_request_target": {"types": [*PR_TYPES, "labeled"]}},
            _job("merge", DEPENDABOT),
        ),
        (15, 40),
    ),
    Bot(
        90001004,
        "Label conflicting PRs",
        "conflict-labeler.yml",
        _wf(
            "Label conflicting PRs",
            {
                "push": {"branches": ["main"]},
                "pull_request_target": {"types": ["synchronize"]},
                "schedule": [{"cron": "*/15 * * * *"}],
            },
            _job("label"),
        ),
        (8, 25),
    ),
    Bot(
        90001005,
        "Security scan (every PR)",
        "security-scan-pr.yml",
        _wf("Security scan (every PR)", {"pull_request": {"types": PR_TYPES}}, _job("scan")),
        (150, 330),
    ),
    Bot(
        90001006,
        "Update PR branches",
        "autoupdate.yml",
        _wf("Update PR branches", {"push": {"branches": ["main"]}}, _job("update")),
        (20, 70),
    ),
    Bot(
        90001007,
        "Merge on approval",
        "merge-on-approval.yml",
        _wf(
            "Merge on approval",
            {"pull_request_review": {"types": ["submitted"]}},
            _job("merge", "github.event.review.state == 'approved'"),
        ),
        (15, 45),
    ),
    Bot(
        90001008,
        "Stale PR sweeper",
        "stale.yml",
        _wf("Stale PR sweeper", {"schedule": [{"cron": "0 * * * *"}]}, _job("stale")),
        (12, 40),
    ),
    Bot(
        90001009,
        "PR labeler",
        "labeler.yml",
        _wf("PR labeler", {"pull_request_target": {"types": ["opened", "synchronize"]}}, _job("label")),
        (6, 18),
    ),
    Bot(
        90001010,
        "PR size label",
        "size-label.yml",
        _wf("PR size label", {"pull_request": {"types": ["opened", "synchronize"]}}, _job("size")),
        (4, 12),
    ),
    Bot(
        90001011,
        "Dependabot triage",
        "dependabot-triage.yml",
        _wf("Dependabot triage", {"pull_request": {"types": ["opened", "labeled"]}}, _job("triage", DEPENDABOT)),
        (25, 60),
    ),
    Bot(
        90001012,
        "Merge queue poller",
        "merge-poller.yml",
        _wf("Merge queue poller", {"schedule": [{"cron": "*/10 * * * *"}], "workflow_dispatch": {}}, _job("poll")),
        (20, 55),
    ),
    Bot(
        90001013,
        "Conflict notifier",
        "conflict-comment.yml",
        _wf("Conflict notifier", {"schedule": [{"cron": "*/30 * * * *"}]}, _job("notify")),
        (10, 30),
    ),
    Bot(
        90001014,
        "Rebase on /rebase",
        "rebase-command.yml",
        _wf(
            "Rebase on /rebase",
            {"issue_comment": {"types": ["created"]}},
            _job("rebase", "github.event.issue.pull_request && contains(github.event.comment.body, '/rebase')"),
        ),
        (30, 80),
    ),
    Bot(
        90001015,
        "Review reminder",
        "review-reminder.yml",
        _wf(
            "Review reminder",
            {"schedule": [{"cron": "0 */2 * * *"}], "pull_request": {"types": ["ready_for_review"]}},
            _job("remind"),
        ),
        (5, 15),
    ),
    Bot(
        90001016,
        "Secret scan on push",
        "secret-scan.yml",
        _wf(
            "Secret scan on push",
            {"push": {"branches": ["**"], "paths-ignore": ["docs/**", "**.md"]}},
            _job("secrets"),
        ),
        (45, 120),
    ),
)
"""The legacy bots, in the order the workflows list shows them."""
