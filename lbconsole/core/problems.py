"""Problem lists a person can read: one line each, and not fifty thousand of them.

Config files and saved plans are checked completely (every problem, not the
first), but a broken file can have any number of problems and any text in
them. Whatever prints them shows each on one line, and at most
`MAX_SHOWN`, then how many more there are.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_SHOWN = 20
"""Problems printed before "… and N more"."""

MAX_WIDTH = 300
"""Characters of one problem line; longer ones are cut with `…`."""


def one_line(text: str, width: int = MAX_WIDTH) -> str:
    """`text` on one line: whitespace runs (newlines too) and control characters become one space, cut at `width`."""
    cleaned = "".join(c if c.isprintable() else " " for c in text[: width * 4])
    flat = " ".join(cleaned.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def more(count: int) -> str:
    """The line that stands for `count` problems not shown."""
    return f"… and {count:,} more problem{'s' if count != 1 else ''}"


def capped(problems: Iterable[str], limit: int = MAX_SHOWN) -> list[str]:
    """At most `limit` problems, each on one line, then "… and N more" when there were more.

    Args:
        problems: the problem messages, in order.
        limit: how many to show.

    Returns:
        The lines to print.
    """
    shown: list[str] = []
    hidden = 0
    for problem in problems:
        if len(shown) < limit:
            shown.append(one_line(problem))
        else:
            hidden += 1
    if hidden:
        shown.append(more(hidden))
    return shown
