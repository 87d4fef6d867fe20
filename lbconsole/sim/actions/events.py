"""A generated stream of repository activity: pull requests opened, pushed, labelled, reviewed, closed.

Deterministic from a seeded `random.Random`, with a daily rhythm (people
work 08:00-19:00 UTC on weekdays, less at night and at weekends) and
Dependabot bursts (Monday 06:00 UTC). Each pull request's story is told as
the webhook events GitHub would deliver (`pull_request` with its action,
the `push` to its head branch, `pull_request_review`, `issue_comment`, the
`push` to main when it is merged), plus the facts the economy replay
measures outcomes against: when it became ready, whether it is a security
PR, when it became conflicting. Pure: the caller passes the start and the rng.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lbconsole.workflow.replay import Event

REPOSITORY = "acme/rocket"
DEPENDABOT = "dependabot[bot]"
HUMANS = ("dkowalski", "fatima-z", "bmartinez", "hiro-t", "chloe-dev", "ivana-p", "jlee", "alice-chen")
REVIEWERS = ("mlindqvist", "priya-raman", "tkowalczyk")
PATHS = (
    ("src/rocket/engine.py", "tests/test_engine.py"),
    ("src/rocket/guidance.py",),
    ("src/rocket/api/routes.py", "src/rocket/api/schema.py"),
    ("docs/guide.md",),
    ("README.md",),
    ("src/rocket/cli.py", "tests/test_cli.py"),
    (".github/workflows/ci.yml",),
)


@dataclass(frozen=True, slots=True)
class Profile:
    """How busy the repository is."""

    prs_per_day: float = 12.0
    """Human pull requests opened on a weekday (half at weekends)."""
    dependabot_burst: int = 6
    """Dependabot PRs opened together on Monday morning."""
    pushes_per_pr: float = 2.0
    """Average pushes after a PR is opened."""
    comments_per_pr: float = 1.5
    security_share: float = 0.06
    """Share of human PRs that are security fixes."""
    draft_share: float = 0.15
    conflict_share: float = 0.3
    """Chance that a merge to main makes one other open PR (of the last three days) conflict."""


@dataclass(slots=True)
class PullStory:
    """What happened to one pull request, for measuring outcomes."""

    number: int
    opened_at: datetime
    author: str
    security: bool
    ready_at: datetime | None = None
    """When it was approved with its checks passed (Dependabot's: checks passed)."""
    conflicts: list[datetime] = field(default_factory=list)
    """When merges to main made it conflict."""
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """The generated events, in time order, and each pull request's story."""

    events: tuple[Event, ...]
    pulls: tuple[PullStory, ...]
    start: datetime
    end: datetime


def _rhythm(moment: datetime) -> float:
    """How active people are at `moment`, 0..1."""
    weekend = moment.weekday() >= 5
    hour = moment.hour
    base = 1.0 if 8 <= hour < 19 else 0.35 if 6 <= hour < 22 else 0.08
    return base * (0.4 if weekend else 1.0)


def _pr_payload(number: int, title: str, author: str, body: str, labels: list[str], draft: bool) -> dict[str, Any]:
    return {
        "number": number,
        "title": title,
        "body": body,
        "draft": draft,
        "user": {"login": author},
        "labels": [{"name": name} for name in labels],
        "head": {"repo": {"full_name": REPOSITORY}, "ref": f"pr-{number}"},
        "base": {"ref": "main"},
    }


class _Builder:
    def __init__(self, rng: random.Random, start: datetime, end: datetime, profile: Profile) -> None:
        self.rng = rng
        self.start = start
        self.end = end
        self.profile = profile
        self.events: list[Event] = []
        self.pulls: list[PullStory] = []
        self.number = 2000

    def emit(self, at: datetime, name: str, action: str = "", **kw: Any) -> None:
        if self.start <= at < self.end:
            self.events.append(Event(at=at, name=name, action=action, **kw))

    def later(self, at: datetime, mean_minutes: float) -> datetime:
        """A moment after `at`, stretched through quiet hours."""
        moment = at
        remaining = self.rng.expovariate(1 / mean_minutes)
        while remaining > 0:
            step = min(remaining, 30.0)
            moment += timedelta(minutes=step / max(_rhythm(moment), 0.15))
            remaining -= step
        return moment.replace(microsecond=0)

    def pull(self, at: datetime, author: str) -> None:
        rng = self.rng
        self.number += 1
        number = self.number
        bot = author == DEPENDABOT
        security = (not bot and rng.random() < self.profile.security_share) or (bot and rng.random() < 0.2)
        paths = ("requirements.txt",) if bot else rng.choice(PATHS)
        if bot:
            package = rng.choice(("httpx", "rich", "numpy", "orjson"))
            title = f"Bump {package} from 1.{rng.randint(0, 9)}.0 to 1.{rng.randint(10, 20)}.0"
            body = "Bumps the package. Fixes an advisory (GHSA-abcd-efgh-ijkl)." if security else "Bumps the package."
            labels = ["dependencies"]
        else:
            title = (
                "fix: validate upload size (CVE-2026-4242)"
                if security
                else f"feat: change {paths[0].rsplit('/', 1)[-1]}"
            )
            body = "Security fix." if security else "Changes."
            labels = []
        draft = not bot and rng.random() < self.profile.draft_share
        story = PullStory(number, at, author, security)
        self.pulls.append(story)
        payload = _pr_payload(number, title, author, body, labels, draft)
        pr = {"pull_request": payload, "number": number}
        common = {"ref": "main", "paths": paths, "actor": author, "pr": number}
        self.emit(at, "pull_request", "opened", payload={**pr, "action": "opened"}, **common)
        self.emit(
            at,
            "push",
            ref=f"pr-{number}",
            paths=paths,
            actor=author,
            pr=number,
            payload={"ref": f"refs/heads/pr-{number}"},
        )
        moment = at
        label = "security" if security else ("dependencies" if bot else rng.choice(("bug", "enhancement", "chore")))
        moment = self.later(moment, 8)
        payload = {**payload, "labels": [*payload["labels"], {"name": label}]}
        self.emit(
            moment,
            "pull_request",
            "labeled",
            payload={"pull_request": payload, "label": {"name": label}, "action": "labeled"},
            **common,
        )
        if draft:
            moment = self.later(moment, 240)
            payload = {**payload, "draft": False}
            self.emit(
                moment,
                "pull_request",
                "ready_for_review",
                payload={"pull_request": payload, "action": "ready_for_review"},
                **common,
            )
        pushes = 0 if bot else int(rng.expovariate(1 / self.profile.pushes_per_pr))
        for _ in range(pushes):
            moment = self.later(moment, 90)
            self.emit(
                moment,
                "pull_request",
                "synchronize",
                payload={"pull_request": payload, "action": "synchronize"},
                **common,
            )
            self.emit(
                moment,
                "push",
                ref=f"pr-{number}",
                paths=paths,
                actor=author,
                pr=number,
                payload={"ref": f"refs/heads/pr-{number}"},
            )
        for _ in range(int(rng.expovariate(1 / self.profile.comments_per_pr))):
            moment = self.later(moment, 60)
            text = "/rebase" if rng.random() < 0.1 else "Looks reasonable, one question inline."
            comment = {
                "issue": {"number": number, "pull_request": {"url": "x"}},
                "comment": {"body": text},
                "action": "created",
            }
            self.emit(moment, "issue_comment", "created", payload=comment, actor=rng.choice(REVIEWERS), pr=number)
        if bot:
            story.ready_at = at + timedelta(
                minutes=rng.uniform(6, 14)
            )  # its checks pass; trusted bots need no approval
        else:
            moment = self.later(moment, 180)
            state = "approved" if rng.random() < 0.8 else "changes_requested"
            review = {"review": {"state": state}, "pull_request": payload, "action": "submitted"}
            self.emit(
                moment,
                "pull_request_review",
                "submitted",
                payload=review,
                actor=rng.choice(REVIEWERS),
                pr=number,
                ref="main",
            )
            if state == "approved":
                story.ready_at = moment

    def day(self, day: datetime) -> None:
        rng = self.rng
        if day.weekday() == 0:
            burst = day.replace(hour=6, minute=0)
            for i in range(self.profile.dependabot_burst):
                self.pull(burst + timedelta(seconds=20 * i), DEPENDABOT)
        for minute in range(0, 1440, 10):
            moment = day + timedelta(minutes=minute)
            rate = self.profile.prs_per_day * _rhythm(moment) / (1440 / 10) * 2.6
            while rng.random() < rate:
                rate -= 1
                self.pull(moment + timedelta(minutes=rng.uniform(0, 10)), rng.choice(HUMANS))


def generate(rng: random.Random, start: datetime, days: int, profile: Profile | None = None) -> Activity:
    """`days` days of activity from `start` (a midnight, UTC), with merges and the conflicts they cause.

    A PR is merged by whoever does it first; the baseline and the orchestrator
    differ in when, so merges to main are placed at the time it became ready
    (what the bots do), and each merge may make other PRs of the same area conflict.
    """
    profile = profile or Profile()
    end = start + timedelta(days=days)
    builder = _Builder(rng, start, end, profile)
    for index in range(days):
        builder.day(start + timedelta(days=index))
    for story in sorted((p for p in builder.pulls if p.ready_at), key=lambda p: p.ready_at or start):
        merged = story.ready_at
        if merged is None:
            continue
        story.merged_at = merged
        paths = ("requirements.txt",) if story.author == DEPENDABOT else ("src/rocket/engine.py",)
        builder.emit(
            merged,
            "push",
            ref="main",
            paths=paths,
            actor="github-merge",
            pr=story.number,
            payload={"ref": "refs/heads/main"},
        )
        if rng.random() < profile.conflict_share:
            candidates = [
                p
                for p in builder.pulls
                if p.merged_at is None and p.opened_at < merged and merged - p.opened_at < timedelta(days=3)
            ]
            if candidates:
                rng.choice(candidates).conflicts.append(merged)
    events = tuple(sorted(builder.events, key=lambda e: e.at))
    return Activity(events, tuple(builder.pulls), start, end)
