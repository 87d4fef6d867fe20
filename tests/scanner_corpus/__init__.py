"""A corpus of pull-request diffs for the built-in scanner, and its TP/FP/FN tally per family."""

from tests.scanner_corpus.cases import Case, added, cases, fake, modified, removed
from tests.scanner_corpus.tally import Tally, family, measure, table

__all__ = ["Case", "Tally", "added", "cases", "fake", "family", "measure", "modified", "removed", "table"]
