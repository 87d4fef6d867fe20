"""The console's heap after its first queue: kept out of the garbage collector's full passes.

At 5,000 PRs the console holds a few hundred thousand long-lived objects
(analyses, cell texts, the table's records). CPython's full collection
walks all of them, about 100-200 ms each time, and starts at moments of its
own choosing: in the middle of a keystroke's filter or a refresh. Once the
first queue is shown, `settle` freezes what exists (`gc.freeze`): later
full passes walk only what was made since. Frozen objects are still freed
by reference counting when the console drops them; only cycles among them
wait, and the console builds none per refresh (its records are plain
dataclasses and texts).
"""

from __future__ import annotations

import gc

_settled = False


def settle() -> bool:
    """Freeze the heap the first time it is called in this process; True when it did."""
    global _settled
    if _settled:
        return False
    _settled = True
    gc.freeze()
    return True
