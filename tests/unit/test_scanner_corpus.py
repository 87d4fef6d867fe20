"""The scanner against a corpus of real-looking pull-request diffs (tests/scanner_corpus/).

Prints the TP/FP/FN table per family (visible with `pytest -s`; also
`python tests/bench/bench_scanner_corpus.py`) and fails on any false
negative, and on any false positive.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lbconsole.engine.scanner import format_summary, scan
from tests import scanner_corpus as corpus
from tests.scanner_corpus import added

TOKEN_FAMILIES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
SECRET_FAMILIES = ("aws", "private key", "basic auth in URL")
PASSWORD_KINDS = (".env", ".env.example", ".env.production", "sh", "Dockerfile", "yaml", "json", "python", "js")
WORKFLOW_RULES = ("workflow/pull-request-target", "workflow/write-all", "workflow/unpinned-action")


@pytest.fixture(scope="module")
def measured() -> tuple[dict[str, corpus.Tally], list[tuple[corpus.Case, object]]]:
    return corpus.measure()


def test_the_corpus_is_large_enough_and_a_third_clean() -> None:
    cases = corpus.cases()
    assert len(cases) >= 60
    assert sum(c.clean for c in cases) * 3 >= len(cases)
    assert len({c.name for c in cases}) == len(cases)


def test_every_family_is_covered(measured) -> None:
    tallies, _ = measured
    expected = {
        *(f"github {prefix}" for prefix in TOKEN_FAMILIES),
        *SECRET_FAMILIES,
        *(f"password {kind}" for kind in PASSWORD_KINDS),
        *WORKFLOW_RULES,
        "dependency-manifest",
    }
    covered = {name for name, t in tallies.items() if t.tp + t.fn > 0}
    assert expected <= covered, sorted(expected - covered)


def test_no_false_negative_and_no_false_positive(measured) -> None:
    tallies, _ = measured
    print("\n" + corpus.table(tallies))
    misses = [m for t in tallies.values() for m in t.misses]
    secret_fn = {name: t.fn for name, t in tallies.items() if t.fn and not name.startswith(("workflow/", "dependency"))}
    assert secret_fn == {}, misses
    assert all(t.fn == 0 for t in tallies.values()), misses
    assert all(t.fp == 0 for t in tallies.values()), misses


def test_low_confidence_zizmor_findings_are_notes_that_do_not_fail(measured) -> None:
    _, reports = measured
    [(_case, report)] = [(c, r) for c, r in reports if c.name.startswith("ordinary CI workflow")]
    assert report.findings == ()
    if not report.info:
        pytest.skip("zizmor is not installed")
    assert {f.rule for f in report.info} == {"zizmor/artipacked"}
    assert all(f.severity == "info" for f in report.info)
    summary = format_summary(report, "0" * 40)
    assert "No findings in the lines added by this pull request" in summary
    assert "<details><summary>Notes, not findings (1)</summary>" in summary


@pytest.mark.parametrize(
    "source", ["tests/scanner_corpus/cases.py", "tests/scanner_corpus/tally.py", "tests/unit/test_scanner_corpus.py"]
)
def test_no_real_looking_secret_sits_verbatim_in_the_corpus_source(source: str) -> None:
    lines = Path(source).read_text(encoding="utf-8").splitlines()
    report = scan([added(source.replace(".py", ".txt"), lines)], use_zizmor=False)
    assert [f for f in report.findings if f.rule.startswith("secret/")] == []
