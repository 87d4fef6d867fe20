"""Per-PR analysis: category, readiness and priority together, in queue order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def group_by_category(analyses: Iterable[Analysis], order: Sequence[str]) -> list[tuple[str, list[Analysis]]]:
    """Analyses grouped by category, groups in `order` (`Settings.category_order`), unknown names last.

    Inside a group the analyses keep the order they came in (priority order, from `analyze`).
    `lbconsole queue` and the console show the same groups in the same order.
    """
    groups: dict[str, list[Analysis]] = {}
    for a in analyses:
        groups.setdefault(a.category, []).append(a)
    rank = {name: i for i, name in enumerate(order)}
    return [(name, groups[name]) for name in sorted(groups, key=lambda c: (rank.get(c, len(rank)), c))]
