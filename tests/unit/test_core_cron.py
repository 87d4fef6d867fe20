from datetime import UTC, datetime, timedelta

import pytest

from lbconsole.core.cron import cron_problem, cron_times

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    "line", ["17 * * * *", "*/5 * * * *", "17 */3 * * *", "47 9-17 * * 1-5", "0 0 29 2 *", "0 6 * * 0,7"]
)
def test_good_lines_pass(line):
    assert cron_problem(line) is None


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("17 * * *", 'must be five cron fields "minute hour day month weekday" (UTC), e.g. "17 * * * *"'),
        ("61 * * * *", "has a bad minute field (61): 61 is not within 0-59"),
        ("17 5-1 * * *", "has a bad hour field (5-1): 5-1 is not within 0-23"),
        (
            "17 * * * MON",
            "has a bad day of week field (MON): 'MON' is not a number (names such as MON are not supported)",
        ),
        ("*/0 * * * *", "has a bad minute field (*/0): step 0 is below 1"),
        ("*/2 * * * *", "fires more often than every 5 minutes, GitHub's shortest schedule"),
        ("0,3 * * * *", "fires more often than every 5 minutes, GitHub's shortest schedule"),
        ("*/2 * 15 * *", "fires more often than every 5 minutes, GitHub's shortest schedule"),  # only on the 15th
        ("0 0 31 2 *", "never fires"),
    ],
)
def test_bad_lines_say_what_is_wrong(line, problem):
    assert cron_problem(line) == problem


def test_a_weekday_line_fires_on_weekdays_only():
    fired = list(cron_times("47 9-17 * * 1-5", MONDAY, MONDAY + timedelta(days=7)))
    assert len(fired) == 5 * 9
    assert {t.weekday() for t in fired} == {0, 1, 2, 3, 4}
    assert {t.hour for t in fired} == set(range(9, 18))
