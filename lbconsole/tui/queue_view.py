"""How the queue table is laid out and ordered: its columns, which fit a width, and its sort orders.

Pure functions of a width or of analyses, so the layout at 80 columns and
at 200 is testable without a screen. Columns fold by priority as the
terminal narrows (the least useful first); the title is kept to the end and
takes every spare column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lbconsole.core.analysis import Analysis


@dataclass(frozen=True, slots=True)
class QueueColumn:
    """One column of the queue table."""

    key: str
    label: str
    width: int
    """Its width in cells (the title's: its minimum; it takes the spare width)."""
    keep: int
    """How long it stays as the table narrows: the lowest folds first; 99 never folds."""
    meaning: str
    """What it shows (the legend)."""


QUEUE_COLUMNS: tuple[QueueColumn, ...] = (
    QueueColumn("number", "#", 6, 99, "the pull request's number"),
    QueueColumn("priority", "Pri", 4, 3, "priority score: category weight, age and size (higher goes first)"),
    QueueColumn("title", "Title", 20, 99, "the title ([draft] marks a draft); takes the spare width"),
    QueueColumn("author", "Author", 19, 4, "who opened it (bots dimmed)"),
    QueueColumn("state", "State", 17, 99, "readiness to merge (see the states below)"),
    QueueColumn("checks", "Checks", 7, 6, "the checks rollup: ✓ pass, ✗ fail, … wait, — none"),
    QueueColumn("review", "Review", 8, 5, "review decision: approved, changes, required, — none"),
    QueueColumn("age", "Age", 4, 2, "time since it was opened (m, h, d, w)"),
    QueueColumn("size", "Size", 9, 1, "lines added / removed"),
)
"""Every column of the queue table, in display order."""

COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in QUEUE_COLUMNS)
CELL_PADDING = 2
"""DataTable pads each cell with one space either side."""
TITLE_MAX = 120
"""The title column never grows beyond this (the rest stays blank at very wide sizes)."""


def fit_columns(width: int) -> list[tuple[str, str, int]]:
    """The columns that fit `width` cells, as (key, label, width) in display order.

    `width` is the table's content width: its scrollbar gutter is always
    reserved (`scrollbar-gutter: stable`), so a filter that removes the
    scrollbar never re-folds the columns.

    Columns that never fold are always kept; the others are added from the
    most to the least useful while they fit beside the title's minimum. The
    title then takes what is left (up to `TITLE_MAX`).
    """
    available = width
    kept = {c.key for c in QUEUE_COLUMNS if c.keep == 99}
    used = sum(c.width + CELL_PADDING for c in QUEUE_COLUMNS if c.key in kept)
    for column in sorted((c for c in QUEUE_COLUMNS if c.keep != 99), key=lambda c: -c.keep):
        if used + column.width + CELL_PADDING <= available:
            kept.add(column.key)
            used += column.width + CELL_PADDING
    title = next(c for c in QUEUE_COLUMNS if c.key == "title")
    title_width = min(TITLE_MAX, title.width + max(0, available - used))
    return [(c.key, c.label, title_width if c.key == "title" else c.width) for c in QUEUE_COLUMNS if c.key in kept]


SortKey = Callable[[Analysis], Any]

SORTS: tuple[tuple[str, SortKey | None], ...] = (
    ("priority", None),
    ("oldest", lambda a: (a.pr.created_at, a.pr.number)),
    ("newest", lambda a: (-a.pr.created_at.timestamp(), a.pr.number)),
    ("number", lambda a: a.pr.number),
    ("smallest", lambda a: (a.pr.additions + a.pr.deletions, a.pr.number)),
    ("author", lambda a: (a.pr.author.casefold(), a.pr.number)),
)
"""The queue's sort orders (`s` cycles them), applied inside each category; None keeps the priority order."""

SORT_NAMES: tuple[str, ...] = tuple(name for name, _ in SORTS)


def next_sort(current: str) -> str:
    """The sort order after `current` (`s`)."""
    index = SORT_NAMES.index(current) if current in SORT_NAMES else -1
    return SORT_NAMES[(index + 1) % len(SORT_NAMES)]


def sorted_members(members: Sequence[Analysis], sort: str) -> Sequence[Analysis]:
    """`members` (priority order) in the order `sort` names."""
    key = dict(SORTS).get(sort)
    return members if key is None else sorted(members, key=key)


STATE_MEANINGS: tuple[tuple[str, str], ...] = (
    ("ready", "mergeable now: checks pass, approved (or a trusted bot), clean against the base"),
    ("queued", "in the base branch's GitHub merge queue: GitHub merges it once its merge group passes"),
    ("behind", "behind the base branch: the plan updates the branch"),
    ("conflict", "merge conflict with the base: the plan notifies the author"),
    ("checks failing", "a required check failed"),
    ("changes requested", "a reviewer asked for changes"),
    ("draft", "a draft: never merged"),
    ("label-blocked", "a blocking label (e.g. do-not-merge) holds it"),
    ("needs approval", "branch protection waits for an approving review"),
    ("blocked", "branch protection blocks it for another reason"),
    ("pending", "checks still running"),
    ("computing", "GitHub has not computed its mergeability yet (UNKNOWN): the next refresh knows"),
)
"""Every state the State column shows, and what it means (the legend on `?`)."""


def legend_rows() -> list[tuple[str, str, str, str]]:
    """The legend as help-screen rows: every column, then every state."""
    rows = [("column", c.label, c.meaning, "") for c in QUEUE_COLUMNS]
    rows += [("state", name, meaning, "") for name, meaning in STATE_MEANINGS]
    rows.append(("sort", "s", "cycles, inside each category: " + " → ".join(SORT_NAMES), ""))
    return rows
