"""Benchmark: redaction time per 64 KB adversarial line, for each pattern family, before and after.

A script, not a test:  python tests/bench/bench_redact.py [--kib 64] [--runs 5]

`lbconsole.redact` runs on every log line, outcome, error message and audit
record, on the emitting thread. Each family gets lines built to make a
backtracking pattern work hardest (long runs that almost match, with `@`,
`://`, dots and hyphens), plus the real secret at the end so a match must
still be found. For each family it prints the median time of the pattern as
it was (`BASELINE`, kept here only for this comparison, measured in the same
run) and as it is now (`lbconsole.redact.PATTERNS`), and the ratio. The
baseline's URL pattern is quadratic: expect seconds for it, milliseconds
for everything else.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable

from lbconsole.redact import PATTERNS, redact

BASELINE: dict[str, re.Pattern[str]] = {
    "github-token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    "github-pat": re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    "installation-token": re.compile(r"\bv1\.[0-9a-f]{40}\b"),
    "authorization": re.compile(
        r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|token|basic)\s+)?)[^\s\"',;]+"
    ),
    "bearer": re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    "token-scheme": re.compile(r"(?i)(\btoken\s+)[A-Za-z0-9_]{20,}"),
    "url-credentials": re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(@)", re.IGNORECASE),
}
"""The patterns before the linear-time rewrite: the benchmark's baseline only."""


def _fill(unit: str, size: int, tail: str = "") -> str:
    return (unit * (size // len(unit) + 1))[: size - len(tail)] + tail


def adversarial(size: int) -> dict[str, list[str]]:
    """Lines of `size` characters per family: near misses, then (in some) a real secret at the end."""
    classic = "ghp_" + "Ab1" * 12
    return {
        "github-token": [_fill("ghp_" + "a" * 19 + ".", size), _fill("gh", size, " " + classic)],
        "github-pat": [_fill("github_pat_" + "a" * 8 + " ", size), _fill("github_pa", size)],
        "installation-token": [_fill("v1." + "0" * 39 + " ", size), _fill("v1.", size)],
        "authorization": [
            "authorization:" + " " * (size - 14),
            _fill("authorization ", size),
            _fill("Authorization=" + "'" * 3, size),
        ],
        "bearer": ["bearer" + " " * (size - 6), _fill("bearer abc ", size)],
        "token-scheme": ["token" + " " * (size - 5), _fill("token abc ", size)],
        "url-credentials": [
            _fill("a.", size, "@"),
            _fill("a-", size, "@"),
            _fill("a.b-", size, " https://u:p@h"),
            _fill("x://u:", size, "@"),
            _fill("a+", size, "://"),
        ],
    }


def median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def sub_ms(pattern: re.Pattern[str], replacement: str, line: str, runs: int) -> float:
    """Median ms of substituting `pattern` on `line`."""
    return median_ms(lambda: pattern.sub(replacement, line), runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kib", type=int, default=64, help="line length in KiB (default 64)")
    parser.add_argument("--runs", type=int, default=5, help="runs per line; the median is printed (default 5)")
    args = parser.parse_args(argv)
    size = args.kib * 1024
    current = {family: pattern for family, pattern, _, _ in PATTERNS}
    replacement = {family: repl for family, _, repl, _ in PATTERNS}
    print(f"redaction, median ms per {args.kib} KiB adversarial line ({args.runs} runs, worst line of each family)")
    print(f"{'family':<20} {'lines':>5} {'before ms':>11} {'after ms':>10} {'ratio':>9}")
    worst_after = 0.0
    for family, lines in adversarial(size).items():
        before = max(sub_ms(BASELINE[family], replacement[family], line, args.runs) for line in lines)
        after = max(sub_ms(current[family], replacement[family], line, args.runs) for line in lines)
        worst_after = max(worst_after, after)
        ratio = before / after if after > 0 else float("inf")
        print(f"{family:<20} {len(lines):>5} {before:>11.2f} {after:>10.3f} {ratio:>8.0f}x")
    every = [line for lines in adversarial(size).values() for line in lines]
    whole = max(median_ms(lambda line=line: redact(line), args.runs) for line in every)
    print(f"{'redact() (all)':<20} {len(every):>5} {'':>11} {whole:>10.3f}")
    return 0 if max(worst_after, whole) < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
