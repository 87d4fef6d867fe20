"""`owner/name`: GitHub's rules for a repository's full name, and splitting one."""

from __future__ import annotations

import re

from lbconsole.core.settings import REPO_PATTERN
from lbconsole.errors import UsageError

REPO = re.compile(REPO_PATTERN)
"""GitHub's rules for an owner login and a repository name (shared with the config and the CLI)."""


def parse_repo(repo: str) -> tuple[str, str]:
    """Split ``owner/name``.

    Raises:
        UsageError: `repo` is not of the form ``owner/name``.
    """
    text = repo.strip()
    if text.endswith(".git"):
        text = text[:-4]
    match = REPO.fullmatch(text)
    if match is None:
        raise UsageError(f"repository {repo!r} is not of the form owner/name (e.g. octocat/hello-world)")
    return match["owner"], match["name"]
