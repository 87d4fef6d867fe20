"""Deterministic priority score (SPEC 1.4)."""

from __future__ import annotations

from datetime import datetime

from lbconsole.core.models import PullRequest
from lbconsole.core.settings import Settings

AGE_CAP_DAYS = 30
PRIORITY_LABELS: dict[str, int] = {"priority: high": 50, "priority: low": -20}


def age_days(pr: PullRequest, now: datetime) -> int:
    """Whole days since the PR was opened (never negative)."""
    return max(0, (now - pr.created_at).days)


def priority(pr: PullRequest, category: str, settings: Settings, now: datetime) -> int:
    """Category weight + age in days (capped at 30) + priority labels.

    Ties are broken by the caller (lower PR number first).
    """
    score = settings.weight_of(category) + min(age_days(pr, now), AGE_CAP_DAYS)
    if pr.label_keys:
        for label, bonus in PRIORITY_LABELS.items():  # the keys are casefolded already
            if label in pr.label_keys:
                score += bonus
    return score
