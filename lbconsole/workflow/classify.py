"""Which workflows are bots the orchestrator replaces, and why: a pure function of a file's text.

Conservative on purpose: third-party auto-merge bots, merge-conflict
labelers and PR branch auto-updaters, or a script that merges on PR events.
Security scanners and ordinary CI are never matched.
"""

from __future__ import annotations

import re

from lbconsole.core.orchestrator import WORKFLOW_FILE
from lbconsole.workflow.render import GENERATED_MARKER

_USES = r"uses:\s*['\"]?{}(?:@|/|['\"\s]|$)"

_BOT_ACTIONS: tuple[tuple[str, str], ...] = (
    ("pascalgn/automerge-action", "auto-merge bot"),
    ("peter-evans/enable-pull-request-automerge", "auto-merge bot"),
    ("fastify/github-action-merge-dependabot", "Dependabot auto-merge bot"),
    ("ahmadnassri/action-dependabot-auto-merge", "Dependabot auto-merge bot"),
    ("reitermarkus/automerge", "auto-merge bot"),
    ("KeisukeYamashita/auto-pull-request-merge", "auto-merge bot"),
    ("eps1lon/actions-label-merge-conflict", "merge-conflict labeler"),
    ("mschilde/auto-label-merge-conflicts", "merge-conflict labeler"),
    ("prince-chrismc/label-merge-conflicts-action", "merge-conflict labeler"),
    ("tibdex/auto-update", "PR branch auto-updater"),
    ("chinthakagodawita/autoupdate", "PR branch auto-updater"),
    ("adRise/update-pr-branch", "PR branch auto-updater"),
)
"""Third-party actions whose only job the orchestrator does: (owner/repo, what it is)."""

_REPLACED_BY = {
    "auto-merge bot": "merges compete with the orchestrator's merge batch (merge-only / auto)",
    "Dependabot auto-merge bot": "merges compete with the orchestrator's merge batch (merge-only / auto)",
    "merge-conflict labeler": "conflict labels and comments are the orchestrator's conflict-resolution mode",
    "PR branch auto-updater": "branch updates are the orchestrator's conflict-resolution mode",
}

# Merging from a script: `gh pr merge`, octokit's pulls.merge, the GraphQL auto-merge mutation.
_SCRIPTED_MERGE = re.compile(
    r"\bgh\s+pr\s+merge\b|\bpulls\.merge\s*\(|\benablePullRequestAutoMerge\b|\bmergePullRequest\s*\("
)
# Triggers of a bot reacting to PRs (a `gh pr merge` in a release workflow on push is not one).
_PR_TRIGGER = re.compile(
    r"\bpull_request(?:_target|_review)?\b|\bcheck_suite\b|\bworkflow_run\b|^\s*schedule\s*:",
    re.MULTILINE,
)


def classify_workflow(text: str, filename: str) -> str | None:
    """Say whether a workflow is a bot the orchestrator replaces, and why.

    Conservative on purpose: only auto-merge bots, merge-conflict labelers and
    PR branch auto-updaters match. Security scanners (CodeQL, dependency
    review, secret scanners) and ordinary CI never match: lbconsole's diff
    scan does not replace them.

    Args:
        text: the workflow file's content.
        filename: its file name (e.g. `automerge.yml`); the orchestrator's own file never matches.

    Returns:
        The reason to disable it, or None to leave it alone.
    """
    if filename == WORKFLOW_FILE or GENERATED_MARKER in text:
        return None
    for action, kind in _BOT_ACTIONS:
        if re.search(_USES.format(re.escape(action)), text, re.IGNORECASE | re.MULTILINE):
            return f"{kind} (uses {action}): {_REPLACED_BY[kind]}"
    merge = _SCRIPTED_MERGE.search(text)
    if merge and _PR_TRIGGER.search(text):
        how = " ".join(merge.group(0).rstrip("(").split())
        dependabot = "dependabot/fetch-metadata" in text or "dependabot[bot]" in text
        kind = "Dependabot auto-merge bot" if dependabot else "auto-merge bot"
        return f"{kind} (runs {how} on PR events): {_REPLACED_BY[kind]}"
    return None
