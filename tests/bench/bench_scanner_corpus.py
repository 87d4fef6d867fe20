"""Benchmark: the built-in scanner's true and false positives on the corpus of PR diffs.

A script, not a test:  python tests/bench/bench_scanner_corpus.py [--no-zizmor]

Scans every case of tests/scanner_corpus/ (real-looking pull-request
patches in GitHub's format, a third of them clean) and prints TP, FP and FN
per family (each GitHub token prefix, AWS, private keys, passwords by file
kind, each risky-workflow rule, manifests), then each miss, then the time.
Exit status 1 when anything is missed or wrongly flagged.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for `tests`

from tests import scanner_corpus as corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-zizmor", action="store_true", help="built-in workflow checks only")
    args = parser.parse_args(argv)
    cases = corpus.cases()
    start = time.perf_counter()
    tallies, _ = corpus.measure(use_zizmor=not args.no_zizmor)
    elapsed = time.perf_counter() - start
    print(f"scanner corpus: {len(cases)} pull requests, {sum(c.clean for c in cases)} of them clean")
    print(corpus.table(tallies))
    misses = [m for t in tallies.values() for m in t.misses]
    for miss in misses:
        print(f"  miss: {miss}")
    print(f"scanned in {elapsed:.2f} s ({elapsed / len(cases) * 1000:.1f} ms per pull request)")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
