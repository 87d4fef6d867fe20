"""`SimState`: one simulated repository, every fact the fake GitHub serves and how those facts change.

It joins the concerns of the state package (checks and statuses, labels
and comments, pull-request dynamics, all over `RepositoryBase`'s data)
and adds what needs all of them: inserting a scenario's pull request and
the admin API's snapshot of one.
"""

from __future__ import annotations

from typing import Any

from lbconsole.sim.state.conversation import Conversation
from lbconsole.sim.state.merge_queue import MergeQueueState
from lbconsole.sim.state.model import SimPull


class SimState(MergeQueueState, Conversation):
    """One simulated repository with its pull requests, thread-safe."""

    def add_pull(self, pull: SimPull, checks: dict[str, str] | None = None) -> SimPull:
        """Insert a PR (scenarios), with completed check runs `checks` on its head."""
        with self.lock:
            self.pulls[pull.number] = pull
            for name in pull.labels:
                self.label(name)
            if checks:
                for name, conclusion in checks.items():
                    self._add_check(pull.head_sha, name, conclusion, pull.updated_at)
            return pull

    def snapshot(self, number: int) -> dict[str, Any]:
        """Every internal fact of one PR (admin `GET /_sim/state/pulls/{n}`)."""
        with self.lock:
            self.settle()
            p = self.pull(number)
            rollup, failing = self.rollup(p.head_sha)
            return {
                "number": p.number,
                "title": p.title,
                "author": p.author,
                "state": p.state,
                "merged": p.merged,
                "merged_at": p.merged_at.isoformat() if p.merged_at else None,
                "merge_commit_sha": p.merge_commit_sha,
                "draft": p.draft,
                "labels": list(p.labels),
                "comments": [
                    {"id": c.id, "body": c.body, "user": c.user} for c in self.comments.values() if c.issue == number
                ],
                "head_sha": p.head_sha,
                "head_ref": p.head_ref,
                "update_pending": number in self.pending_updates,
                "merge_queue": self._queue_snapshot(number),
                "base_sha": p.base_sha,
                "base_tip": self.base_sha,
                "behind": self.behind(p),
                "mergeable": p.mergeable,
                "merge_state": self.merge_state(p),
                "review_decision": p.review_decision,
                "checks": rollup,
                "failing_checks": failing,
                "check_runs": [
                    {"name": r.name, "status": r.status, "conclusion": r.conclusion} for r in self.runs_for(p.head_sha)
                ],
                "statuses": [
                    {"context": s.context, "state": s.state, "description": s.description}
                    for s in self.statuses_for(p.head_sha)
                ],
                "files": sorted(p.paths),
                "updated_at": p.updated_at.isoformat(),
            }

    def _queue_snapshot(self, number: int) -> dict[str, Any] | None:
        """The PR's place in the merge queue and what happened to it there (None: never queued)."""
        if number not in self.queue_log:
            return None
        place = self.queue_entry(number)
        return {
            "position": place[0] if place else None,
            "state": self.entry_state(place[1]) if place else None,
            "log": list(self.queue_log[number]),
            "removed": self.last_removal(number),
            "merged_by_queue": self.merged_from_queue(self.pull(number)),
        }
