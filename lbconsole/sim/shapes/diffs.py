"""A pull request's change as text: the `diff` and `patch` media types of `GET .../pulls/{n}`.

GitHub answers `Accept: application/vnd.github.diff` with a unified diff of
every file and `.patch` with the commit as a mail (`git format-patch`); the
gh CLI's `gh pr diff` prints the former. The hunks are each file's `patch`.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from lbconsole.sim.ids import ts

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState
    from lbconsole.sim.state.model import SimFile, SimPull


def _blob(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:7]


def _file_diff(f: SimFile) -> str:
    name = f.filename
    old = "/dev/null" if f.status == "added" else f"a/{name}"
    new = "/dev/null" if f.status == "removed" else f"b/{name}"
    lines = [f"diff --git a/{name} b/{name}"]
    if f.status == "added":
        lines.append("new file mode 100644")
    elif f.status == "removed":
        lines.append("deleted file mode 100644")
    lines += [f"index {_blob('a' + name)}..{_blob('b' + name)}", f"--- {old}", f"+++ {new}"]
    if f.patch:
        lines.append(f.patch.rstrip("\n"))
    return "\n".join(lines) + "\n"


def unified_diff(pull: SimPull) -> str:
    """The PR's change as one unified diff (`application/vnd.github.diff`)."""
    return "".join(_file_diff(f) for f in pull.files)


def mail_patch(state: SimState, pull: SimPull) -> str:
    """The PR's change as `git format-patch` mail (`application/vnd.github.patch`)."""
    stat = "\n".join(f" {f.filename} | {f.additions + f.deletions}" for f in pull.files)
    return (
        f"From {pull.head_sha} Mon Sep 17 00:00:00 2001\n"
        f"From: {pull.author} <{pull.author}@users.noreply.github.com>\n"
        f"Date: {ts(pull.updated_at)}\n"
        f"Subject: [PATCH] {pull.title}\n\n"
        f"{pull.body}\n---\n{stat}\n {len(pull.files)} files changed\n\n"
        f"{unified_diff(pull)}--\n2.43.0\n"
    )
