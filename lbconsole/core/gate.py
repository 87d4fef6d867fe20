"""The security gate (SPEC 3.5): a merge only on a head the built-in scan passed.

One rule, read by the planner (a head whose scan found something is held;
one without a finished scan is scanned first) and by the executor right
before it merges (it re-reads the scan status of exactly the SHA it is
about to merge and refuses on anything but SUCCESS), so the two always say
the same thing in the same words.
"""

from __future__ import annotations

from lbconsole.core.models import ScanState


def merge_refusal(scan: ScanState, head_sha: str) -> str | None:
    """Why `head_sha` must not be merged, or None when the built-in scan passed on it.

    Args:
        scan: lbconsole's scan status on exactly that commit.
        head_sha: the commit about to be merged.

    Returns:
        None for SUCCESS; otherwise the reason, e.g. "held: the built-in scan
        found something to review at this head (3f2a9c1)".
    """
    short = head_sha[:7]
    if scan is ScanState.SUCCESS:
        return None
    if scan is ScanState.FAILURE:
        return f"held: the built-in scan found something to review at this head ({short})"
    if scan is ScanState.PENDING:
        return f"held: the built-in scan of this head ({short}) has not finished"
    if scan is ScanState.ERROR:
        return f"held: the built-in scan of this head ({short}) could not run; it is scanned again next time"
    return f"held: this head ({short}) has no built-in scan yet"
