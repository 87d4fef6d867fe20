"""What any batch schedule needs, from the event stream alone: lower bounds on the orchestrator's runs.

Used by `bench_economy.py`. Two bounds, both generous to the orchestrator
(a run is assumed to take no time and to do everything it sees):

* capacity: a run merges at most `merge limit` PRs, so merging M PRs takes
  at least ceil(M / limit) runs;
* latency: each outcome (a PR became ready, a security PR opened, a PR
  became conflicting) must be achieved by a run ending within its window
  (the baseline's p95 plus the allowed 60 minutes). The fewest runs that
  put one run in every window is found by the classic greedy (sort the
  windows by their end, put a run at the end of the first one not yet
  served): it is optimal. The p95 goal lets the slowest 5% of each outcome
  be late; dropping one window lowers the fewest runs by at most one, so
  the bound subtracts those.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta


def fewest_runs(windows: Sequence[tuple[datetime, datetime]]) -> int:
    """The fewest moments such that every (start, end) window holds one (greedy by window end: optimal)."""
    runs = 0
    last: datetime | None = None
    for start, end in sorted(windows, key=lambda w: w[1]):
        if last is not None and start <= last <= end:
            continue
        last = end
        runs += 1
    return runs


def allowed_late(n: int) -> int:
    """How many of n outcomes may be later than the p95 (nearest rank, as the bench computes it)."""
    return 0 if n < 2 else n - 1 - round(0.95 * (n - 1))


def latency_bound(causes: Mapping[str, Sequence[datetime]], windows: Mapping[str, timedelta]) -> int:
    """The fewest runs that achieve at least 95% of each outcome within its window."""
    spans = [(t, t + windows[outcome]) for outcome, times in causes.items() for t in times]
    late = sum(allowed_late(len(times)) for times in causes.values())
    return max(0, fewest_runs(spans) - late)


def capacity_bound(merges: int, merge_limit: int) -> int:
    """The fewest runs that can merge `merges` PRs at `merge_limit` a run."""
    return math.ceil(merges / merge_limit) if merge_limit else 0
