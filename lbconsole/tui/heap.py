"""The console's garbage collection: full passes when the operator is quiet, not in the middle of a keystroke.

At 5,000 PRs the console holds a few hundred thousand long-lived objects
(analyses, cell texts, the table's records and rendered cells). CPython's
full collection walks all of them, 100-230 ms each time, and starts at
moments of its own choosing: during a filter keystroke or a sort.

`HeapKeeper.settle`, called once the first queue is shown, freezes what
exists (`gc.freeze`: later passes never walk it) and turns the automatic
full passes off; the young generations are still collected as usual, so
short-lived garbage goes at once. `tick`, on a timer, then runs the full
pass itself when no key or mouse event came for `QUIET_S`, or at the latest
every `LONGEST_S`, so cyclic garbage never piles up. Frozen objects are
still freed by reference counting when the console drops them.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

QUIET_S = 3.0
"""No input for this long: a full pass is not noticed."""
EVERY_S = 30.0
"""At most one full pass this often while the operator is quiet."""
LONGEST_S = 300.0
"""A full pass at the latest this long after the previous one, quiet or not."""
TICK_S = 2.0
"""How often the console asks `tick`."""
_NO_AUTOMATIC_FULL_PASS = 1_000_000_000
"""The oldest generation's threshold: collections of the younger ones before CPython starts a full pass itself."""


class HeapKeeper:
    """Freezes the heap after the first queue and runs full collections when the operator is quiet."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_input = clock()
        self.last_pass = clock()
        self.settled = False
        self.passes = 0
        """Full passes run by `tick` (tests read it)."""

    def noted_input(self) -> None:
        """A key or a mouse event arrived."""
        self.last_input = self.clock()

    def settle(self) -> bool:
        """The first time: freeze the heap and take the full passes over; True when it did."""
        if self.settled:
            return False
        self.settled = True
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, _NO_AUTOMATIC_FULL_PASS)
        self.last_pass = self.clock()
        return True

    def due(self) -> bool:
        """Whether `tick` would run a full pass now."""
        if not self.settled:
            return False
        now = self.clock()
        since_pass = now - self.last_pass
        quiet = now - self.last_input >= QUIET_S
        return (quiet and since_pass >= EVERY_S) or since_pass >= LONGEST_S

    def tick(self) -> bool:
        """Run a full pass when one is due (see `due`); True when it ran."""
        if not self.due():
            return False
        gc.collect()
        self.last_pass = self.clock()
        self.passes += 1
        return True
