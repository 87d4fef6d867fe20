"""Branch protection and commit checks as GitHub's answers state them, translated for the merge train."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lbconsole.core.ports import CheckResult
from lbconsole.errors import GatewayError

SUCCESSFUL = frozenset({"success", "neutral", "skipped"})
"""Check-run conclusions branch protection accepts."""


def protection_of(branch: Mapping[str, Any]) -> tuple[bool | None, tuple[str, ...]]:
    """(requires up to date, required check names) of a GraphQL `defaultBranchRef` node.

    GitHub answers `branchProtectionRule: null` both for an unprotected
    branch and for a token that may not read the rule: strict is then None
    (unknown), and the planner falls back on the PRs' BEHIND state.
    """
    rule = branch.get("branchProtectionRule")
    if not isinstance(rule, Mapping):
        return None, ()
    strict = rule.get("requiresStrictStatusChecks")
    contexts = rule.get("requiredStatusCheckContexts")
    names = tuple(c for c in contexts if isinstance(c, str)) if isinstance(contexts, list) else ()
    return (strict if isinstance(strict, bool) else None), names


def _items(body: Any, key: str, what: str) -> list[Mapping[str, Any]]:
    items = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise GatewayError(f"GitHub's answer is not {what} (no list {key!r})")
    return items


def checks_from_rest(runs: Any, combined: Any) -> tuple[CheckResult, ...]:
    """A commit's checks from REST `check-runs` and combined-status bodies, sorted by name.

    Raises:
        GatewayError: a body has not the shape GitHub documents.
    """
    found: dict[str, str] = {}
    for run in _items(runs, "check_runs", "a check-runs list"):
        name = run.get("name")
        if not isinstance(name, str):
            raise GatewayError("GitHub's answer has a check run without a name")
        if run.get("status") != "completed":
            found[name] = "pending"
        else:
            found[name] = "success" if run.get("conclusion") in SUCCESSFUL else "failure"
    for status in _items(combined, "statuses", "a combined commit status"):
        context, state = status.get("context"), status.get("state")
        if isinstance(context, str):
            found.setdefault(context, {"success": "success", "pending": "pending"}.get(str(state), "failure"))
    return tuple(CheckResult(name, state) for name, state in sorted(found.items()))
