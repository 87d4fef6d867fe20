"""Per-PR analysis: category, readiness and priority together, in queue order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lbconsole.core.classify import Classification, classify_compiled, compile_rules
from lbconsole.core.models import PullRequest
from lbconsole.core.priority import priority
from lbconsole.core.readiness import Readiness, assess
from lbconsole.core.settings import Settings


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the planner and the console derive from one PR."""

    pr: PullRequest
    classification: Classification
    readiness: Readiness
    priority: int

    @property
    def category(self) -> str:
        """The PR's category name."""
        return self.classification.category


def analyze(pulls: Iterable[PullRequest], settings: Settings, now: datetime) -> list[Analysis]:
    """Classify, assess and score every PR; highest priority first, ties by lower number."""
    result = []
    rules = compile_rules(settings.categories)
    for pr in pulls:
        classification = classify_compiled(pr, rules)
        readiness = assess(pr, classification.category, settings.merge)
        score = priority(pr, classification.category, settings, now)
        result.append(Analysis(pr, classification, readiness, score))
    result.sort(key=lambda a: (-a.priority, a.pr.number))
    return result
