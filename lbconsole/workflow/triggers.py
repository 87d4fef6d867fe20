"""The orchestrator job's `if:`: which pull_request events are worth a runner.

A job that runs bills at least a minute, even when its plan is empty; a job
skipped by a job-level `if:` never reaches a runner and bills nothing. So a
`pull_request` event runs the job only when it can change what the
orchestrator does now:

- the PR looks security-relevant (it is scanned at once) and was opened,
  reopened, pushed to or marked ready for review: one of the security
  category's labels, a title word, a CVE or GHSA id in the title or body, or a
  Dependabot PR that names an advisory; rendered from the config's rules;
- a label that matters was added or removed (a blocking label, a security label).

Everything else (an ordinary PR opened, pushed to or marked ready for review:
it still needs its approval, which the batch sees) waits for the scheduled
batch. `workflow_dispatch` and `schedule` always run. A fork's PR never runs:
its token is read-only, so the job could not act.

GitHub's expressions have no regular expressions: a title or body pattern
becomes a substring test when it is one of the known id patterns (CVE, GHSA),
and is otherwise left to the batch (the title words usually cover it).
"""

from __future__ import annotations

from lbconsole.core.settings import CVE_PATTERN, GHSA_PATTERN, OTHER, Settings

SECURITY = "security"
"""The category whose PRs are scanned as soon as they show up."""

ID_PATTERNS = {CVE_PATTERN: "CVE-", GHSA_PATTERN: "GHSA-"}
"""Regular expressions of the config that an `if:` can test, as the substring it tests instead."""

PR = "github.event.pull_request"


def literal(text: str) -> str:
    """A GitHub expression string literal (quotes doubled).

    Raises:
        ValueError: the text has a control character (a label or word never does).
    """
    if any(ord(c) < 32 for c in text):
        raise ValueError(f"not a label or word: {text!r}")
    return "'" + text.replace("'", "''") + "'"


def _array(items: list[str]) -> str:
    """`fromJSON('["a","b"]')`, built from literals GitHub compares case-insensitively."""
    import json

    return f"fromJSON({literal(json.dumps(sorted(set(items))))})"


def security_terms(settings: Settings) -> list[str]:
    """The `if:` terms that make a PR look security-relevant (empty: no security category)."""
    rule = next((r for r in settings.categories if r.name == SECURITY), None)
    if rule is None or rule.name == OTHER:
        return []
    terms: list[str] = []
    labels = [*rule.labels, *([rule.label] if rule.label else [])]
    for label in sorted(set(labels)):
        terms.append(f"contains({PR}.labels.*.name, {literal(label)})")
    for word in rule.title_words:
        terms.append(f"contains({PR}.title, {literal(word)})")
    for pattern in (*rule.title_patterns, *rule.body_patterns):
        needle = ID_PATTERNS.get(pattern)
        if needle is None:
            continue
        fields = ("title", "body") if pattern in rule.body_patterns else ("title",)
        terms.extend(f"contains({PR}.{field}, {literal(needle)})" for field in fields)
    terms.append(f"({PR}.user.login == 'dependabot[bot]' && contains({PR}.body, 'advisor'))")
    return list(dict.fromkeys(terms))


def labels_that_matter(settings: Settings) -> list[str]:
    """Labels whose coming or going changes the plan now: blocking labels and the security category's."""
    rule = next((r for r in settings.categories if r.name == SECURITY), None)
    security = [*rule.labels, rule.label] if rule else []
    return sorted({*settings.merge.blocking_labels, *(name for name in security if name)})


def job_condition(settings: Settings) -> list[str]:
    """The job's `if:` expression, one clause a line (YAML folds them into one expression).

    Args:
        settings: the config's categories and merge policy.

    Returns:
        The lines, without indentation (all at one indentation, so folding joins them with spaces).
    """
    security = security_terms(settings) or ["false"]
    matters = _array(labels_that_matter(settings))
    return [
        "github.event_name != 'pull_request' || (",
        f"{PR}.head.repo.full_name == github.repository && (",
        "((github.event.action == 'labeled' || github.event.action == 'unlabeled')",
        f"&& contains({matters}, github.event.label.name))",
        "|| ((github.event.action == 'opened' || github.event.action == 'reopened'",
        "|| github.event.action == 'synchronize' || github.event.action == 'ready_for_review') && (",
        *[("|| " if i else "") + term for i, term in enumerate(security)],
        "))))",
    ]
