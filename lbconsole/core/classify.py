"""Classification of a PR into the first category whose rule matches (SPEC 1.2).

Rules are data (`CategoryRule`), so teams extend them in config. Every
classification records the signals that matched, for the UI and the JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from lbconsole.core.models import PullRequest
from lbconsole.core.settings import OTHER, CategoryRule


@dataclass(frozen=True, slots=True)
class Classification:
    """A PR's category and the reasons that put it there."""

    category: str
    reasons: tuple[str, ...]


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=512)
def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)


def _prefix_matches(title: str, prefix: str) -> bool:
    """`fix:` matches `fix: x`; `fix(` matches `fix(api): x`; `chore` matches `chore:`/`chore(x):`."""
    lowered, wanted = title.casefold(), prefix.casefold()
    if not lowered.startswith(wanted):
        return False
    if wanted.endswith((":", "(", ")")):
        return True
    rest = lowered[len(wanted) :]
    return rest[:1] in (":", "(", "!") or wanted.endswith(")")


def _path_matches(path: str, globs: Iterable[str]) -> bool:
    for glob in globs:
        if fnmatchcase(path, glob) or (glob.endswith("/*") and path.startswith(glob[:-1])):
            return True
    return False


def rule_reasons(pr: PullRequest, rule: CategoryRule) -> list[str]:
    """Every signal of `rule` that `pr` matches, as human-readable reasons."""
    reasons: list[str] = []
    for label in rule.labels:
        if pr.has_label(label):
            reasons.append(f'label "{label}"')
    for prefix in rule.title_prefixes:
        if _prefix_matches(pr.title, prefix):
            reasons.append(f'title prefix "{prefix}"')
    for word in rule.title_words:
        if _word(word).search(pr.title):
            reasons.append(f'title word "{word}"')
    for pattern in rule.title_patterns:
        if match := _regex(pattern).search(pr.title):
            reasons.append(f'title "{match.group(0)}"')
    for pattern in rule.body_patterns:
        match = _regex(pattern).search(pr.title) or _regex(pattern).search(pr.body)
        if match:
            reasons.append(f"mentions {match.group(0)}")
    for prefix in rule.branch_prefixes:
        if pr.head_ref.startswith(prefix):
            reasons.append(f'branch prefix "{prefix}"')
    for author in rule.authors:
        if pr.author.casefold() == author.casefold():
            reasons.append(f"author {author}")
    if rule.paths and pr.changed_files and all(_path_matches(p, rule.paths) for p in pr.changed_files):
        reasons.append(f"every changed file matches {', '.join(rule.paths)}")
    return reasons


def classify(pr: PullRequest, rules: Sequence[CategoryRule]) -> Classification:
    """The first category whose rule matches `pr`, with every matching signal.

    A bot's PR that matches the security rule (e.g. a Dependabot update that
    fixes a GHSA advisory) is a security update, and says so.
    """
    for rule in rules:
        reasons = rule_reasons(pr, rule)
        if reasons:
            if rule.name == "security" and pr.author_is_bot:
                reasons.append(f"{pr.author} security update")
            return Classification(rule.name, tuple(reasons))
    return Classification(OTHER, ("no category rule matched",))
