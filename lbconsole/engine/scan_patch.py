"""Turning GitHub's per-file patches into the lines a pull request adds.

GitHub's "list pull request files" gives each file's hunks without the
`---`/`+++` header; `unidiff` needs one, so it is added here. Only added
lines matter to the scanner: a secret on a removed line is leaving the code.
"""

from __future__ import annotations

AddedLine = tuple[int, str]
"""(line number in the new file, text without the trailing newline)."""


def unified_diff(filename: str, patch: str) -> str:
    """A complete single-file unified diff from GitHub's header-less hunks.

    Args:
        filename: the file's path in the repository.
        patch: `PullFile.patch` (hunks starting with `@@`).

    Returns:
        The diff text, with `--- a/...` / `+++ b/...` headers and a final newline.
    """
    body = patch if patch.endswith("\n") else patch + "\n"
    return f"--- a/{filename}\n+++ b/{filename}\n{body}"


def added_file_diff(filename: str, text: str) -> str:
    """A unified diff that adds every line of `text` (a new file without a patch)."""
    lines = text.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    return f"--- /dev/null\n+++ b/{filename}\n@@ -0,0 +1,{len(lines)} @@\n{body}"


def added_lines(diff: str) -> list[AddedLine]:
    """The added lines of a single-file unified diff, with their new line numbers.

    Args:
        diff: text from `unified_diff` or `added_file_diff`.

    Returns:
        (new line number, text) for each `+` line, in file order.

    Raises:
        unidiff.UnidiffParseError: the patch is malformed.
    """
    from unidiff import PatchSet  # local: keeps `import lbconsole.engine.scanner` cheap

    return [
        (line.target_line_no, line.value.rstrip("\r\n"))
        for patched_file in PatchSet.from_string(diff)
        for hunk in patched_file
        for line in hunk
        if line.is_added and line.target_line_no is not None
    ]
