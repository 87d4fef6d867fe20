"""Timestamps as lbconsole writes them: ISO 8601 in UTC with a `Z`, whole seconds.

One format for plans, the audit log, the lock file, queue JSON and the
simulator's REST answers, so they can be compared and parsed back alike.
"""

from __future__ import annotations

from datetime import UTC, datetime

ISO_Z = "%Y-%m-%dT%H:%M:%SZ"
"""`2026-11-23T22:00:00Z`."""


def iso_z(moment: datetime) -> str:
    """`moment` in UTC as `2026-11-23T22:00:00Z` (a naive datetime is taken to be UTC already)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(ISO_Z)


def parse_iso_z(text: str) -> datetime:
    """The aware UTC datetime of a `2026-11-23T22:00:00Z` timestamp.

    Raises:
        ValueError: `text` is not in that form.
    """
    return datetime.strptime(text, ISO_Z).replace(tzinfo=UTC)
