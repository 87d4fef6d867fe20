"""Small builders of core models for unit tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, Queue, ReviewDecision

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def ready_pr(number: int, **changes: Any) -> PullRequest:
    """A PR that is READY under the default policy, with `changes` applied."""
    base = PullRequest(
        number=number,
        title=f"feat: thing {number}",
        author="alice",
        head_sha=f"{number:040x}",
        created_at=NOW - timedelta(days=2),
        updated_at=NOW - timedelta(hours=3),
        head_ref=f"feat/thing-{number}",
        labels=(),
        changed_files=(f"src/mod{number}.py",),
        mergeable=Mergeable.MERGEABLE,
        merge_state=MergeState.CLEAN,
        review_decision=ReviewDecision.APPROVED,
        checks=ChecksState.SUCCESS,
    )
    return replace(base, **changes)


def queue(*pulls: PullRequest, repo: str = "acme/rocket", strict: bool | None = False) -> Queue:
    """A queue of `pulls` fetched at NOW; branches need not be up to date unless `strict`."""
    return Queue(repo=repo, pulls=tuple(pulls), fetched_at=NOW, strict=strict)
