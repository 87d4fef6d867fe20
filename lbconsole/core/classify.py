"""Classification of a PR into the first category whose rule matches (SPEC 1.2).

Rules are data (`CategoryRule`), so teams extend them in config. Every
classification records the signals that matched, for the UI and the JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache

from lbconsole.core.models import PullRequest
from lbconsole.core.settings import CVE_PATTERN, GHSA_PATTERN, OTHER, CategoryRule


@dataclass(frozen=True, slots=True)
class Classification:
    """A PR's category and the reasons that put it there."""

    category: str
    reasons: tuple[str, ...]


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def word_pattern(word: str) -> str:
    r"""`word` as a whole word (not inside a longer word or a hyphenated one), case-insensitively.

    The word comes first and the "nothing before it" test after it, as a lookbehind over the
    word itself: `(?<![\w-])word` would say the same, but a pattern that starts with a
    lookbehind cannot be searched for by its first letters, and costs twice as much.
    """
    escaped = re.escape(word)
    return rf"{escaped}(?<![\w-]{escaped})(?![\w-])"


@lru_cache(maxsize=512)
def _word(word: str) -> re.Pattern[str]:
    return re.compile(word_pattern(word), re.IGNORECASE)


def _prefix_matches(title_key: str, prefix_key: str) -> bool:
    """`fix:` matches `fix: x`; `fix(` matches `fix(api): x`; `chore` matches `chore:`/`chore(x):`.

    Both arguments are casefolded already.
    """
    if not title_key.startswith(prefix_key):
        return False
    if prefix_key.endswith((":", "(", ")")):
        return True
    return title_key[len(prefix_key) : len(prefix_key) + 1] in (":", "(", "!")


@lru_cache(maxsize=256)
def _globs(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One expression for a set of path globs (fnmatch's, case-sensitive; `dir/*` takes every depth).

    A path is then tested with one regex match instead of one `fnmatchcase` call per glob
    (the docs rule has nine globs): a sixth of the cost of a PR's files.
    """
    parts = [translate(glob) for glob in globs]
    parts += [re.escape(glob[:-1]) for glob in globs if glob.endswith("/*")]
    return re.compile("|".join(f"(?:{part})" for part in parts) or r"(?!)")


def _path_matches(path: str, globs: Iterable[str]) -> bool:
    return _globs(tuple(globs)).match(path) is not None


def rule_reasons(pr: PullRequest, rule: CategoryRule) -> list[str]:
    """Every signal of `rule` that `pr` matches, as human-readable reasons."""
    reasons: list[str] = []
    keys = pr.label_keys
    for label in rule.labels:
        if label.casefold() in keys:
            reasons.append(f'label "{label}"')
    title_key = pr.title.casefold()
    for prefix in rule.title_prefixes:
        if _prefix_matches(title_key, prefix.casefold()):
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
        used = {next(g for g in rule.paths if _path_matches(p, (g,))) for p in pr.changed_files}
        reasons.append(f"every changed file matches {', '.join(g for g in rule.paths if g in used)}")
    return reasons


@dataclass(frozen=True, slots=True)
class _Matcher:
    """A rule compiled for a fail-fast "does anything match?" test.

    Most rules do not match most PRs, so that answer must be cheap; the
    reasons are only spelled out (by `rule_reasons`) for the rule that wins.
    """

    labels: frozenset[str]
    prefixes: tuple[str, ...]
    title: tuple[re.Pattern[str], ...]
    """Title words and title patterns (joined into one expression where possible)."""
    text: tuple[re.Pattern[str], ...]
    """Body patterns, searched in the title and the body."""
    branches: tuple[str, ...]
    authors: frozenset[str]
    paths: re.Pattern[str] | None
    """The rule's path globs as one expression (`_globs`); None: the rule has none."""
    needles: tuple[str, ...] | None = None
    """When every body pattern is a known id pattern: the casefolded text one of them needs (`NEEDLES`).
    A body (often kilobytes: Dependabot's release notes) without any is not searched."""

    def matches(self, pr: PullRequest, title_key: str) -> bool:
        if self.labels and not self.labels.isdisjoint(pr.label_keys):
            return True
        if self.prefixes and title_key.startswith(self.prefixes):
            for prefix in self.prefixes:
                if _prefix_matches(title_key, prefix):
                    return True
        if self.branches and pr.head_ref.startswith(self.branches):
            return True
        if self.authors and pr.author.casefold() in self.authors:
            return True
        for pattern in self.title:
            if pattern.search(pr.title):
                return True
        if self.text:
            body = pr.body
            if body and self.needles is not None:  # one casefold and a substring test, not a regex over the body
                folded = body.casefold()
                if not any(needle in folded for needle in self.needles):
                    body = ""
            for pattern in self.text:
                if pattern.search(pr.title) or (body and pattern.search(body)):
                    return True
        if self.paths is None or not pr.changed_files:
            return False
        match = self.paths.match
        return all(match(f) is not None for f in pr.changed_files)


def _union(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    """One expression matching where any of `patterns` matches, or each alone if they cannot be joined."""
    if len(patterns) < 2:
        return tuple(_regex(p) for p in patterns)
    try:
        return (re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE),)
    except re.error:  # e.g. a global inline flag, which is only valid at the very start
        return tuple(_regex(p) for p in patterns)


@lru_cache(maxsize=256)
def _matcher(rule: CategoryRule) -> _Matcher:
    words = [word_pattern(word) for word in rule.title_words]
    return _Matcher(
        labels=frozenset(label.casefold() for label in rule.labels),
        prefixes=tuple(prefix.casefold() for prefix in rule.title_prefixes),
        title=_union(words + list(rule.title_patterns)),
        text=_union(list(rule.body_patterns)),
        branches=rule.branch_prefixes,
        authors=frozenset(author.casefold() for author in rule.authors),
        paths=_globs(rule.paths) if rule.paths else None,
        needles=_needles(rule.body_patterns),
    )


NEEDLES: dict[str, str] = {CVE_PATTERN: "cve-", GHSA_PATTERN: "ghsa-"}
"""Known id patterns and the casefolded text every match of theirs contains (case-insensitive match:
a casefolded text holds it too)."""


def _needles(patterns: Sequence[str]) -> tuple[str, ...] | None:
    if not patterns or any(p not in NEEDLES for p in patterns):
        return None
    return tuple(NEEDLES[p] for p in patterns)


Compiled = tuple[tuple[CategoryRule, _Matcher], ...]


def compile_rules(rules: Sequence[CategoryRule]) -> Compiled:
    """The rules with their matchers, for classifying many PRs in a row."""
    return tuple((rule, _matcher(rule)) for rule in rules)


def classify(pr: PullRequest, rules: Sequence[CategoryRule]) -> Classification:
    """The first category whose rule matches `pr`, with every matching signal.

    A bot's PR that matches the security rule (e.g. a Dependabot update that
    fixes a GHSA advisory) is a security update, and says so.
    """
    return classify_compiled(pr, compile_rules(rules))


def classify_compiled(pr: PullRequest, compiled: Compiled) -> Classification:
    """`classify` with rules compiled once by `compile_rules` (for many PRs in a row)."""
    title_key = pr.title.casefold()
    for rule, matcher in compiled:
        if not matcher.matches(pr, title_key):
            continue
        reasons = rule_reasons(pr, rule)
        if reasons:
            if rule.name == "security" and pr.author_is_bot:
                reasons.append(f"{pr.author} security update")
            return Classification(rule.name, tuple(reasons))
    return Classification(OTHER, ("no category rule matched",))
