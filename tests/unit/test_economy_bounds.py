from datetime import UTC, datetime, timedelta

from tests.bench.economy_bounds import allowed_late, capacity_bound, fewest_runs, latency_bound

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_fewest_runs_serves_every_window_and_is_optimal_on_a_known_case():
    # three windows overlap at 10:00; the fourth is apart
    windows = [
        (T0, T0 + HOUR),
        (T0 + HOUR / 2, T0 + 2 * HOUR),
        (T0 + HOUR, T0 + 3 * HOUR),
        (T0 + 5 * HOUR, T0 + 6 * HOUR),
    ]
    assert fewest_runs(windows) == 2
    assert fewest_runs([]) == 0


def test_the_p95_slack_and_the_capacity():
    assert allowed_late(286) == 14
    assert allowed_late(1) == 0
    # 21 isolated outcomes, each in its own window: 21 runs, of which the p95 lets one be late
    causes = {"scanned": [T0 + i * 3 * HOUR for i in range(21)]}
    assert latency_bound(causes, {"scanned": HOUR}) == 20
    assert capacity_bound(286, 5) == 58
    assert capacity_bound(3, 0) == 0
