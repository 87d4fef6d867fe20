"""GitHub's merge queue on the default branch, on the simulated clock.

`enqueue` (GraphQL `enqueuePullRequest`) adds an open, mergeable PR whose
required checks passed, pinned to `expectedHeadOid`. Each entry's merge
group (the base, the PRs ahead of it, the PR) runs CI for `checks_delay_s`,
all groups in parallel, and concludes as drawn from `check_failure_rate`
(or `fail_next_checks`). `settle()` then applies what is due, in time order:

- the entry at the front whose group passed merges (the base moves; those
  behind it keep their groups, which already contain it);
- an entry whose group failed leaves the queue with the reason, and every
  entry behind it restarts its group's CI at that moment (its group held
  the failed PR);
- a PR whose head moved while queued leaves the queue ("the head changed").

`queue_log` keeps, per PR, what happened in the queue (for the admin
snapshot and the tests: which PRs merged after which group checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lbconsole.sim.state.lifecycle import PullLifecycle
from lbconsole.sim.state.model import CONFLICTING, SimError, SimPull

NO_QUEUE = "Pull request is not in a repository with a merge queue."
REMOVED = "removed from the merge queue"


@dataclass(slots=True)
class SimQueueEntry:
    """One PR in the merge queue."""

    number: int
    head_sha: str
    enqueued_at: datetime
    checks_done_at: datetime
    """When its merge group's checks conclude."""
    passes: bool
    concluded: bool = False


class MergeQueueState(PullLifecycle):
    """The merge queue of the default branch (when `protection.merge_queue`)."""

    def queue_entry(self, number: int) -> tuple[int, SimQueueEntry] | None:
        """(1-based position, entry) of a queued PR; None when it is not queued."""
        with self.lock:
            for i, entry in enumerate(self.queue_entries):
                if entry.number == number:
                    return i + 1, entry
            return None

    def entry_state(self, entry: SimQueueEntry) -> str:
        """GitHub's `MergeQueueEntryState` of an entry."""
        return "MERGEABLE" if entry.concluded and entry.passes else "AWAITING_CHECKS"

    def entry_eta_s(self, position: int) -> int:
        """Seconds until the entry at `position` merges, if every group ahead passes."""
        with self.lock:
            ahead = self.queue_entries[:position]
            done = max(e.checks_done_at for e in ahead)
            return max(0, int((done - self.now()).total_seconds()))

    def enqueue(self, number: int, expected_head_sha: str | None, *, jump: bool = False) -> int:
        """Add PR `number` to the queue; returns its position.

        Raises:
            SimError: no merge queue, the PR closed, queued already, not
                mergeable, required checks not passed, or its head moved.
        """
        with self.lock:
            if not self.protection.merge_queue:
                raise SimError(422, NO_QUEUE)
            p = self.pull(number)
            if p.state != "open":
                raise SimError(422, "Pull request is closed.")
            if expected_head_sha and expected_head_sha != p.head_sha:
                raise SimError(422, "The expected head OID does not match the pull request's head.")
            if self.queue_entry(number) is not None:
                raise SimError(422, "Pull request is already queued to merge.")
            if p.draft or p.mergeable == CONFLICTING:
                raise SimError(422, "Pull request is not mergeable.")
            if self.merge_state(p) == "BLOCKED":
                raise SimError(422, f"Pull request is not mergeable: {self._blocking_check_message(p)}")
            entry = SimQueueEntry(number, p.head_sha, self.now(), self.now(), passes=True)
            self._start_group(entry, self.now())
            position = 0 if jump else len(self.queue_entries)
            self.queue_entries.insert(position, entry)
            self.queue_log[number] = [f"queued at {p.head_sha[:7]}"]
            self.version += 1
            return position + 1

    def _start_group(self, entry: SimQueueEntry, at: datetime) -> None:
        failing = entry.number in self.fail_next_checks or (
            self.check_failure_rate > 0 and self.rng.random() < self.check_failure_rate
        )
        self.fail_next_checks.discard(entry.number)
        self.queue_groups_started += 1
        entry.passes, entry.concluded = not failing, False
        entry.checks_done_at = at + timedelta(seconds=self.checks_delay_s)

    def settle(self) -> None:
        """Everything due on the simulated clock, the merge queue's events included."""
        with self.lock:
            super().settle()
            if self.queue_entries:
                self._settle_queue(self.now())
                super().settle()  # the test merges of PRs the queue merged in the past are due by now

    def _settle_queue(self, now: datetime) -> None:
        last: datetime | None = None
        while True:
            for entry in list(self.queue_entries):  # a push while queued takes the PR out
                p = self.pulls.get(entry.number)
                if p is None or p.state != "open" or p.head_sha != entry.head_sha:
                    self._remove(entry, "the head changed", now)
            due = [e for e in self.queue_entries if not e.concluded and e.checks_done_at <= now]
            if due:
                first = min(due, key=lambda e: e.checks_done_at)
                first.concluded = True
                if not first.passes:
                    index = self.queue_entries.index(first)
                    self._remove(first, "its merge group's checks failed", now)
                    for later in self.queue_entries[index:]:  # their groups held the failed PR: CI again
                        self._start_group(later, first.checks_done_at)
                continue
            head = self.queue_entries[0] if self.queue_entries else None
            if head is not None and head.concluded and head.passes:
                self.queue_entries.pop(0)
                pull = self.pull(head.number)
                last = max(last, head.checks_done_at) if last else head.checks_done_at  # in order, never before
                self._land(pull, "squash", "github-merge-queue[bot]", at=min(last, now))
                self.queue_log[head.number].append(
                    f"merged at {head.head_sha[:7]} after its merge group's checks passed"
                )
                self.version += 1
                continue
            return

    def _remove(self, entry: SimQueueEntry, why: str, now: datetime) -> None:
        self.queue_entries.remove(entry)
        self.queue_log.setdefault(entry.number, []).append(f"{REMOVED}: {why}")
        self.queue_removals.append((entry.number, min(entry.checks_done_at, now), why))
        self.version += 1

    def last_removal(self, number: int) -> str | None:
        """Why the merge queue last removed PR `number` (None: never)."""
        reasons = [f"{REMOVED}: {why}" for pr, _, why in self.queue_removals if pr == number]
        return reasons[-1] if reasons else None

    def merged_from_queue(self, pull: SimPull) -> bool:
        """Whether the PR was merged by the merge queue."""
        return pull.merged and pull.merged_by == "github-merge-queue[bot]"
