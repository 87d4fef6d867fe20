"""Counting the scanner's true and false positives on the corpus, per family."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lbconsole.core.ports import PullFile
from lbconsole.engine.scanner import ScanReport, scan
from tests.scanner_corpus.cases import AWS, GH, KEY, MANIFEST, PW, Case, cases


def _kind(path: str) -> str:
    name = PurePosixPath(path).name.casefold()
    if name.startswith(".env"):
        return name if name in (".env", ".env.example", ".env.production") else ".env.*"
    if name.startswith("dockerfile"):
        return "Dockerfile"
    suffix = PurePosixPath(name).suffix
    return {".sh": "sh", ".bash": "sh", ".yml": "yaml", ".yaml": "yaml", ".json": "json", ".py": "python",
            ".js": "js"}.get(suffix, "other")  # fmt: skip


_TOKEN_PREFIX = re.compile(r"github_pat_|gh[pousr]_")


def family(rule: str, path: str, line: str) -> str:
    """The table row of a finding: token prefix, password file kind, or the rule."""
    if rule == GH:
        match = _TOKEN_PREFIX.search(line)
        return f"github {match.group() if match else '?'}"
    if rule == PW:
        return f"password {_kind(path)}"
    return {AWS: "aws", KEY: "private key", "secret/basic-auth": "basic auth in URL"}.get(rule, rule)


@dataclass
class Tally:
    """True positives, false positives and false negatives of one family."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)


def _added_lines(f: PullFile) -> dict[int, str]:
    from lbconsole.engine.scan_patch import added_lines, unified_diff

    return dict(added_lines(unified_diff(f.filename, f.patch))) if f.patch else {}


def measure(use_zizmor: bool = True) -> tuple[dict[str, Tally], list[tuple[Case, ScanReport]]]:
    """Scan every case; the tallies per family, and each case's report."""
    tallies: dict[str, Tally] = {}
    reports = []
    for c in cases():
        report = scan(c.files, fetch=c.contents.get, use_zizmor=use_zizmor)
        reports.append((c, report))
        lines = {f.filename: _added_lines(f) for f in c.files}
        want: Counter[tuple[str, str, int | None]] = Counter()
        for rule, path, text in c.expect:
            line = None if rule == MANIFEST else next(n for n, t in lines[path].items() if text in t)
            want[(rule, path, line)] += 1
        got = Counter((f.rule, f.file, f.line) for f in report.findings if f.rule not in c.allow)
        for key in want | got:
            rule, path, line = key
            row = tallies.setdefault(family(rule, path, lines.get(path, {}).get(line or 0, "")), Tally())
            hit = min(want[key], got[key])
            row.tp += hit
            row.fp += got[key] - hit
            row.fn += want[key] - hit
            if want[key] != got[key]:
                row.misses.append(f"{c.name}: {rule} {path}:{line} expected {want[key]}, found {got[key]}")
    return tallies, reports


def table(tallies: dict[str, Tally]) -> str:
    """The tallies as a text table, one row per family and a total."""
    rows = [f"{'family':<30} {'TP':>4} {'FP':>4} {'FN':>4}"]
    for name in sorted(tallies):
        t = tallies[name]
        rows.append(f"{name:<30} {t.tp:>4} {t.fp:>4} {t.fn:>4}")
    total = Tally(sum(t.tp for t in tallies.values()), sum(t.fp for t in tallies.values()),
                  sum(t.fn for t in tallies.values()))  # fmt: skip
    rows.append(f"{'total':<30} {total.tp:>4} {total.fp:>4} {total.fn:>4}")
    return "\n".join(rows)
