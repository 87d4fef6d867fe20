"""Cron lines as GitHub Actions reads a `schedule:` (five fields, UTC).

`cron_times` says when a line fires; `cron_problem` says, in words, what is
wrong with a line a user wrote, before it reaches a workflow file: GitHub
accepts a malformed line silently and simply never runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
SHORTEST_INTERVAL = timedelta(minutes=5)
"""GitHub runs a schedule at most every 5 minutes."""


def _number(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a number (names such as MON are not supported)")
    return int(text)


def cron_field(text: str, low: int, high: int) -> set[int]:
    """The values one field selects (`*`, `a-b`, `a,b`, `*/n`, `a-b/n`, `a/n`).

    Raises:
        ValueError: not a number, a step below 1, or a value outside low..high.
    """
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = _number(step_text)
            if step < 1:
                raise ValueError(f"step {step} is below 1")
        if part == "*":
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = _number(a), _number(b)
        else:
            first = _number(part)
            last = high if step > 1 else first
        if not (low <= first <= last <= high):
            raise ValueError(f"{part} is not within {low}-{high}")
        values.update(range(first, last + 1, step))
    return values


def cron_times(cron: str, start: datetime, end: datetime) -> Iterator[datetime]:
    """When a five-field cron line (UTC) fires in ``[start, end)``.

    Raises:
        ValueError: not a five-field cron line.
    """
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"not a cron line: {cron!r}")
    minutes = cron_field(fields[0], 0, 59)
    hours = cron_field(fields[1], 0, 23)
    days = cron_field(fields[2], 1, 31)
    months = cron_field(fields[3], 1, 12)
    weekdays = {d % 7 for d in cron_field(fields[4], 0, 7)}
    any_day, any_weekday = fields[2] == "*", fields[4] == "*"
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        day_ok = day.day in days
        weekday_ok = (day.isoweekday() % 7) in weekdays
        on_day = day_ok and weekday_ok if any_day or any_weekday else day_ok or weekday_ok
        if on_day and day.month in months:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    moment = day.replace(hour=hour, minute=minute)
                    if start <= moment < end:
                        yield moment
        day += timedelta(days=1)


def cron_problem(cron: str) -> str | None:
    """What is wrong with a cron line for a workflow's `schedule:`, or None.

    Five numeric fields (minute hour day-of-month month day-of-week, UTC), each
    in range; a line that fires more often than every 5 minutes, or never in a
    year, is refused.
    """
    fields = cron.split()
    if len(fields) != 5:
        return 'must be five cron fields "minute hour day month weekday" (UTC), e.g. "17 * * * *"'
    for text, (name, low, high) in zip(fields, FIELDS, strict=True):
        try:
            cron_field(text, low, high)
        except ValueError as error:
            return f"has a bad {name} field ({text}): {error}"
    year = datetime(2028, 1, 1, tzinfo=UTC)  # a leap year: 29 February fires
    first: datetime | None = None
    previous: datetime | None = None
    for moment in cron_times(cron, year, year + timedelta(days=366)):
        if previous is not None and moment - previous < SHORTEST_INTERVAL:
            return "fires more often than every 5 minutes, GitHub's shortest schedule"
        first = first or moment
        previous = moment
        if moment - first > timedelta(days=8):  # a week from its first firing shows its shortest gap
            break
    return None if first else "never fires"
