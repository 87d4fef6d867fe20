"""The console tests' demo repository: fourteen PRs covering every category and queue state.

Shared by the unit tests of the console's pure rendering and by the Pilot
tests (whose fake gateway serves these PRs), with the tests' frozen clock
and settings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, Queue, ReviewDecision
from lbconsole.core.settings import GithubSettings, RefreshSettings, Settings

NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
REPO = "acme/rocket"


def frozen_clock() -> datetime:
    """The tests' clock: always NOW."""
    return NOW


def make_pr(number: int, title: str, author: str, days: int, **kw: object) -> PullRequest:
    """A mergeable, approved, green PR opened `days` ago, with the fields of `kw` changed."""
    created = NOW - timedelta(days=days, hours=number % 5)
    base: dict[str, object] = {
        "mergeable": Mergeable.MERGEABLE,
        "merge_state": MergeState.CLEAN,
        "review_decision": ReviewDecision.APPROVED,
        "checks": ChecksState.SUCCESS,
        "additions": 10 * number,
        "deletions": number,
        "head_ref": f"branch-{number}",
        "changed_files": ("src/app.py",),
        "url": f"https://github.com/{REPO}/pull/{number}",
    }
    base.update(kw)
    return PullRequest(
        number=number,
        title=title,
        author=author,
        head_sha=f"{number:02d}" + "a1b2c3d4e5f6" * 3 + "abcd",
        created_at=created,
        updated_at=created + timedelta(hours=2),
        **base,  # type: ignore[arg-type]
    )


def demo_pulls() -> list[PullRequest]:
    """Fourteen PRs covering every category and every queue state."""
    return [
        make_pr(12, "Fix token leak in logs (CVE-2026-1234)", "alice", 3, labels=("security",), security_scanned=True),
        make_pr(
            15,
            "Bump lodash from 4.17.20 to 4.17.21",
            "dependabot[bot]",
            2,
            author_is_bot=True,
            review_decision=ReviewDecision.NONE,
            labels=("dependencies",),
        ),
        make_pr(21, "fix: crash when the config is empty", "bob", 5, labels=("bug",)),
        make_pr(22, "fix(api): retry on 502", "carol", 1, merge_state=MergeState.BEHIND),
        make_pr(
            23, "fix: race in the scheduler", "dave", 8, mergeable=Mergeable.CONFLICTING, merge_state=MergeState.DIRTY
        ),
        make_pr(
            30,
            "feat: dark mode",
            "erin",
            12,
            checks=ChecksState.FAILURE,
            failing_checks=("ci/test",),
            merge_state=MergeState.UNSTABLE,
        ),
        make_pr(
            31,
            "feat: export to CSV",
            "frank",
            4,
            review_decision=ReviewDecision.CHANGES_REQUESTED,
            merge_state=MergeState.BLOCKED,
        ),
        make_pr(
            32,
            "feat: plugin system",
            "grace",
            20,
            draft=True,
            merge_state=MergeState.DRAFT,
            review_decision=ReviewDecision.NONE,
        ),
        make_pr(33, "feat: keyboard shortcuts", "heidi", 6, labels=("do-not-merge",)),
        make_pr(
            34,
            "feat: new dashboard",
            "ivan",
            0,
            mergeable=Mergeable.UNKNOWN,
            merge_state=MergeState.UNKNOWN,
            checks=ChecksState.PENDING,
        ),
        make_pr(40, "docs: installation guide", "judy", 15, changed_files=("docs/install.md",)),
        make_pr(41, "chore: tidy the CI config", "mallory", 40, labels=("ci",)),
        make_pr(
            42,
            "Improve the README wording",
            "niaj",
            9,
            changed_files=("README.md",),
            review_decision=ReviewDecision.REVIEW_REQUIRED,
            merge_state=MergeState.BLOCKED,
        ),
        make_pr(50, "Rename internal helpers", "olivia", 2, merge_state=MergeState.BEHIND),
    ]


def fake_settings(**refresh: int) -> Settings:
    """Default settings for the fake repository, no write pacing, no live refresh."""
    return Settings(
        github=GithubSettings(repo=REPO, api_url="http://fake", write_interval_s=0.0),
        refresh=RefreshSettings(interval_s=refresh.get("interval_s", 0), full_every_s=300),
    )


def demo_queue(strict: bool | None = False) -> Queue:
    """The demo PRs as one queue of REPO, fetched at NOW (what the fake gateway answers first)."""
    return Queue(repo=REPO, pulls=tuple(demo_pulls()), fetched_at=NOW, rate_limit_remaining=4990, strict=strict)
