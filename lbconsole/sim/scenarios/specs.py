"""What a scenario's pull request is made of before it becomes a `SimPull`.

A `Spec` says what kind of pull request it is (ready, behind, conflicting,
draft...) and what it changes; the helpers write its files as unified-diff
hunks (`modified`, `added_file`, `lockfile`, `package_json`) and its body
when a bot opened it (`dependabot_body`). The demo's data and the scale
generator are both written with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lbconsole.sim.state import SimFile


@dataclass
class Spec:
    """One scenario pull request, before it becomes a SimPull."""

    title: str
    author: str
    branch: str
    files: list[SimFile]
    kind: str = "ready"
    """ready, behind, conflict, unknown, draft, failing, changes, pending, unreviewed."""
    labels: list[str] = field(default_factory=list)
    body: str = ""
    age_days: float = 5.0
    idle_days: float | None = None
    """Days since the last update (default: a fraction of the age)."""
    failing: tuple[str, ...] = ("ci/test",)
    review: str | None = "APPROVED"
    """APPROVED, CHANGES_REQUESTED or None (no review)."""
    comments: list[tuple[str, str]] = field(default_factory=list)


def hunk(
    added: list[str],
    removed: list[str] | None = None,
    *,
    start: int = 12,
    context: tuple[str, ...] = ("", ""),
    header: str = "",
) -> tuple[str, int, int]:
    """One unified-diff hunk; returns (patch, additions, deletions)."""
    removed = removed or []
    before, after = context
    old_len = len(removed) + 2
    new_len = len(added) + 2
    lines = [f"@@ -{start},{old_len} +{start},{new_len} @@{(' ' + header) if header else ''}", f" {before}"]
    lines += [f"-{line}" for line in removed]
    lines += [f"+{line}" for line in added]
    lines.append(f" {after}")
    return "\n".join(lines), len(added), len(removed)


def modified(path: str, added: list[str], removed: list[str] | None = None, **kw: object) -> SimFile:
    """A modified file with one hunk."""
    patch, adds, dels = hunk(added, removed, **kw)  # type: ignore[arg-type]
    return SimFile(path, "modified", patch, adds, dels)


def added_file(path: str, text: str) -> SimFile:
    """A new file; its patch adds every line."""
    lines = text.rstrip("\n").split("\n")
    patch = f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join(f"+{line}" for line in lines)
    return SimFile(path, "added", patch, len(lines), 0, content=text.encode())


def lockfile(package: str, old: str, new: str) -> SimFile:
    """A package-lock.json change bumping `package`."""
    return modified(
        "package-lock.json",
        [
            f'      "version": "{new}",',
            f'      "resolved": "https://registry.npmjs.org/{package}/-/{package}-{new}.tgz",',
        ],
        [
            f'      "version": "{old}",',
            f'      "resolved": "https://registry.npmjs.org/{package}/-/{package}-{old}.tgz",',
        ],
        start=1041,
        context=(f'    "node_modules/{package}": {{', '      "dev": false'),
    )


def package_json(package: str, old: str, new: str) -> SimFile:
    """A package.json change bumping `package`."""
    return modified(
        "package.json",
        [f'    "{package}": "^{new}",'],
        [f'    "{package}": "^{old}",'],
        start=18,
        context=('  "dependencies": {', '    "zod": "^3.23.8"'),
    )


def dependabot_body(package: str, old: str, new: str, ecosystem: str, extra: str = "") -> str:
    """A Dependabot pull request body."""
    return (
        f"Bumps [{package}](https://github.com/{package}/{package}) from {old} to {new}.\n"
        f"{extra}"
        "<details>\n<summary>Release notes</summary>\n\n"
        f'<p><em>Sourced from <a href="https://github.com/{package}/{package}/releases">{package}\'s '
        "releases</a>.</em></p>\n"
        f"<blockquote><h2>{new}</h2><ul><li>Bug fixes and performance improvements</li></ul></blockquote>\n"
        "</details>\n\n"
        f"[![Dependabot compatibility score](https://dependabot-badges.githubapp.com/badges/compatibility_score"
        f"?dependency-name={package}&package-manager={ecosystem}&previous-version={old}&new-version={new})]"
        "(https://docs.github.com/en/github/managing-security-vulnerabilities/about-dependabot-security-"
        "updates#about-compatibility-scores)\n\n"
        "Dependabot will resolve any conflicts with this PR as long as you don't alter it yourself. "
        "You can also trigger a rebase manually by commenting `@dependabot rebase`.\n"
    )
