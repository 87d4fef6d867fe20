"""GitHub's pull-request dynamics that lbconsole depends on.

Merging moves the base branch (so PRs under strict protection fall BEHIND
and PRs touching the same files become DIRTY), the merge endpoint honours
`sha`, update-branch honours `expected_head_sha`, and a push restarts the
checks on the new head. `merge_state` derives GitHub's `mergeStateStatus`
from a PR's facts and the branch protection.

GitHub is asynchronous, and so is this when its delays are set: after the
base moves, the other open PRs read UNKNOWN for `mergeability_delay_s`
while the test merge is computed, and an accepted update-branch moves the
head `update_branch_delay_s` later. `settle()` applies whatever is due on
the simulated clock; the request policy calls it before every request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lbconsole.sim.state.checks import CheckFacts
from lbconsole.sim.state.model import CONFLICTING, MERGEABLE, UNKNOWN, SimError, SimFile, SimPull


class PullDynamics(CheckFacts):
    """Merge state, merges, branch updates, pushes and base-branch commits."""

    def behind(self, pull: SimPull) -> bool:
        """Whether the PR's head lacks the base branch tip."""
        return pull.base_sha != self.base_sha

    def merge_state(self, pull: SimPull) -> str:
        """GitHub's `mergeStateStatus` derived from the PR's facts and branch protection."""
        with self.lock:
            if pull.state != "open":
                return "UNKNOWN"
            if pull.draft:
                return "DRAFT"
            if pull.mergeable == UNKNOWN:
                return "UNKNOWN"
            if pull.mergeable == CONFLICTING:
                return "DIRTY"
            if self.protection.strict and self.behind(pull):
                return "BEHIND"
            runs = {r.name: r for r in self.runs_for(pull.head_sha)}
            statuses = {s.context: s for s in self.statuses_for(pull.head_sha)}
            required_ok = True
            for name in self.protection.required_checks:
                run, status = runs.get(name), statuses.get(name)
                if run is not None:
                    required_ok &= run.status == "completed" and run.conclusion in ("success", "neutral", "skipped")
                elif status is not None:
                    required_ok &= status.state == "success"
                else:
                    required_ok = False
            if not required_ok or pull.review_decision == "CHANGES_REQUESTED":
                return "BLOCKED"
            state, _ = self.rollup(pull.head_sha)
            if state in ("FAILURE", "ERROR", "PENDING"):
                return "UNSTABLE"
            return "CLEAN"

    def settle(self) -> None:
        """Apply what is due on the simulated clock: computed mergeability, heads moved by update-branch."""
        with self.lock:
            if self.mergeability_delay_s > 0:
                self._schedule_unknown()
            if not self.pending_mergeable and not self.pending_updates:
                return
            now = self.now()
            for number, (due, value) in list(self.pending_mergeable.items()):
                if now >= due:
                    del self.pending_mergeable[number]
                    pull = self.pulls.get(number)
                    if pull is not None and pull.state == "open" and pull.mergeable == UNKNOWN:
                        pull.mergeable = value
                        self.version += 1
            for number, due in list(self.pending_updates.items()):
                if now >= due:
                    del self.pending_updates[number]
                    self._move_head_to_base(self.pull(number))

    def _schedule_unknown(self) -> None:
        """UNKNOWN PRs (a scenario's) that nothing will resolve resolve MERGEABLE after the delay, unless pinned."""
        due = None
        for p in self.pulls.values():
            if p.mergeable == UNKNOWN and p.state == "open" and not p.mergeable_pinned:
                if p.number not in self.pending_mergeable:
                    due = due or self.now() + timedelta(seconds=self.mergeability_delay_s)
                    self.pending_mergeable[p.number] = (due, MERGEABLE)

    def _base_moved(
        self, changed: set[str], *, skip: int | None = None, touch: bool = True, at: datetime | None = None
    ) -> None:
        """Every other open PR's mergeability after the base moved: conflicting where `changed` overlaps.

        With `mergeability_delay_s`, each reads UNKNOWN until the simulated clock passes the delay.
        """
        delay = self.mergeability_delay_s
        due = (at or self.now()) + timedelta(seconds=delay)
        for other in self.open_pulls():
            if other.number == skip:
                continue
            pending = self.pending_mergeable.pop(other.number, None)
            current = pending[1] if pending else other.mergeable
            target = CONFLICTING if changed & other.paths else current
            if delay > 0 and current != UNKNOWN:
                self.pending_mergeable[other.number] = (due, target)
                other.mergeable = UNKNOWN
            elif target != other.mergeable:
                other.mergeable = target
                if touch:
                    self.touch(other)

    def push(self, number: int, *, checks: str = "success", files: list[SimFile] | None = None) -> str:
        """A new commit on the PR's head branch: new SHA, checks restarted, updated_at bumped."""
        with self.lock:
            p = self.pull(number)
            if p.state != "open":
                raise SimError(422, "Pull request is closed")
            p.head_sha = self.new_sha()
            p.commits += 1
            if files is not None:
                p.files = files
            self.start_checks(p.head_sha, checks)
            self.touch(p)
            return p.head_sha

    def advance_base(self, paths: list[str] | None = None) -> str:
        """A commit lands on the default branch (not through a PR).

        Every open PR falls behind; those touching `paths` become conflicting.
        """
        with self.lock:
            self.base_sha = self.new_sha()
            self.base_history.append(self.base_sha)
            self._base_moved(set(paths or ()), touch=False)
            self.version += 1
            return self.base_sha

    def merge(
        self, number: int, *, sha: str | None, method: str = "merge", actor: str | None = None
    ) -> tuple[str, str]:
        """Merge a PR like `PUT .../pulls/{n}/merge`; returns (merge commit SHA, message).

        Raises:
            SimError: 405 when it cannot be merged, 409 when `sha` is not the head.
        """
        if method not in ("merge", "squash", "rebase"):
            raise SimError(422, "Invalid request.\n\nmerge_method must be one of merge, squash, rebase")
        with self.lock:
            p = self.pull(number)
            if p.merged or p.state != "open":
                raise SimError(405, "Pull Request is not mergeable")
            if sha is not None and sha != p.head_sha:
                raise SimError(409, "Head branch was modified. Review and try the merge again.")
            state = self.merge_state(p)
            if p.draft or state in ("DIRTY", "UNKNOWN", "DRAFT") or p.mergeable != MERGEABLE:
                raise SimError(405, "Pull Request is not mergeable")
            if state == "BEHIND":
                raise SimError(405, "Head branch is not up to date with the base branch")
            if state == "BLOCKED":
                if p.review_decision == "CHANGES_REQUESTED":
                    raise SimError(405, "At least 1 approving review is required by reviewers with write access.")
                raise SimError(405, self._blocking_check_message(p))
            return self._land(p, method, actor)

    def _land(self, p: SimPull, method: str, actor: str | None, at: datetime | None = None) -> tuple[str, str]:
        """The merge itself, once allowed (by `merge`, or by the merge queue at `at`): the base moves."""
        with self.lock:
            merge_sha = self.new_sha()
            now = at or self.now()
            p.merged, p.state = True, "closed"
            p.merged_at = p.closed_at = now
            p.merged_by = actor or self.viewer
            p.merge_commit_sha = merge_sha
            self.base_sha = merge_sha
            self.base_history.append(merge_sha)
            for f in p.files:
                content = f.head_content()
                if content is None:
                    self.base_files.pop(f.filename, None)
                else:
                    self.base_files[f.filename] = content
            self._base_moved(p.paths, skip=p.number, at=now)
            self.touch(p)
            message = {
                "squash": "Pull Request successfully merged",
                "rebase": "Pull Request successfully rebased and merged",
            }.get(method, "Pull Request successfully merged")
            return merge_sha, message

    def _blocking_check_message(self, p: SimPull) -> str:
        runs = {r.name: r for r in self.runs_for(p.head_sha)}
        for name in self.protection.required_checks:
            run = runs.get(name)
            if run is None:
                return f'Required status check "{name}" is expected.'
            if run.status != "completed":
                return f'Required status check "{name}" is in progress.'
            if run.conclusion not in ("success", "neutral", "skipped"):
                return f'Required status check "{name}" is failing.'
        return "Required status checks have not succeeded."

    def update_branch(self, number: int, expected_head_sha: str | None) -> None:
        """Bring the base branch into the PR's head (`PUT .../update-branch`).

        Raises:
            SimError: 422 on a SHA mismatch, a conflict, or when it is already up to date.
        """
        with self.lock:
            p = self.pull(number)
            if p.state != "open":
                raise SimError(422, "Pull request is closed")
            if expected_head_sha is not None and expected_head_sha != p.head_sha:
                raise SimError(422, "expected_head_sha does not match the pull request's head sha")
            if p.mergeable == CONFLICTING:
                raise SimError(422, "merge conflict between base and head")
            if number in self.pending_updates:
                return  # accepted already: the head moves when GitHub gets to it
            if not self.behind(p):
                raise SimError(422, "There are no new commits on the base branch.")
            if self.update_branch_delay_s > 0:
                self.pending_updates[number] = self.now() + timedelta(seconds=self.update_branch_delay_s)
                return
            self._move_head_to_base(p)

    def _move_head_to_base(self, p: SimPull) -> None:
        """The merge commit of the base into the head lands: new head, checks restarted."""
        p.base_sha = self.base_sha
        p.head_sha = self.new_sha()
        p.commits += 1
        failing = p.number in self.fail_next_checks or (
            self.check_failure_rate > 0 and self.rng.random() < self.check_failure_rate
        )
        self.fail_next_checks.discard(p.number)
        self.start_checks(p.head_sha, "failure" if failing else "success")
        self.touch(p)
