"""A simulated pull request as the core models it, without a round trip through the gateway."""

from __future__ import annotations

from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, ReviewDecision
from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.sim.ids import WEB
from lbconsole.sim.state.repository import SimState


def core_pull(state: SimState, number: int) -> PullRequest:
    """The core model of one PR, with the facts GraphQL would report (tests, benchmarks)."""
    with state.lock:
        p = state.pull(number)
        rollup, failing = state.rollup(p.head_sha)
        # as the gateway's translate does: a pending (or errored) scan status is not a finished scan
        statuses = state.statuses_for(p.head_sha)
        scanned = any(s.context == SCAN_CONTEXT and s.state in ("success", "failure") for s in statuses)
        return PullRequest(
            number=p.number,
            title=p.title,
            author=p.author,
            head_sha=p.head_sha,
            created_at=p.created_at,
            updated_at=p.updated_at,
            body=p.body,
            author_is_bot=p.author_is_bot,
            labels=tuple(p.labels),
            draft=p.draft,
            head_ref=p.head_ref,
            base_ref=p.base_ref,
            additions=p.additions,
            deletions=p.deletions,
            changed_files=tuple(f.filename for f in p.files),
            mergeable=Mergeable(p.mergeable),
            merge_state=MergeState(state.merge_state(p)),
            review_decision=ReviewDecision(p.review_decision or "NONE"),
            checks=ChecksState(rollup or "NONE"),
            failing_checks=tuple(failing),
            security_scanned=scanned,
            url=f"{WEB}/{state.full_name}/pull/{p.number}",
        )
