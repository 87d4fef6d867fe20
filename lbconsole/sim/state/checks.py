"""Check runs and commit statuses of a simulated repository, and the facts derived from them.

Checks on a new head commit run for a while (sim time) before they
conclude; `runs_for` settles those whose time has come, so every reader
sees the same answer at the same sim instant. The rollup and the combined
status are derived here the way GitHub derives them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lbconsole.sim.state.base import RepositoryBase
from lbconsole.sim.state.model import SimCheckRun, SimError, SimStatus

FAILING_CONCLUSIONS = frozenset({"failure", "cancelled", "timed_out", "action_required", "startup_failure"})
"""Check-run conclusions that make a status check rollup FAILURE."""


class CheckFacts(RepositoryBase):
    """Check runs and statuses: reading them (settling those due), and writing them."""

    def _add_check(self, sha: str, name: str, conclusion: str, at: datetime) -> None:
        runs = self.check_runs.setdefault(sha, [])
        runs[:] = [r for r in runs if r.name != name]
        if conclusion == "pending":
            runs.append(SimCheckRun(self.next_id(), name, sha, status="in_progress", conclusion=None, started_at=at))
        else:
            runs.append(SimCheckRun(self.next_id(), name, sha, conclusion=conclusion, started_at=at, completed_at=at))

    def runs_for(self, sha: str) -> list[SimCheckRun]:
        """Check runs on `sha`, resolving those whose time has come."""
        with self.lock:
            runs = self.check_runs.get(sha, [])
            now = self.now()
            for run in runs:
                if run.status == "queued" and run.starts_at is not None and now >= run.starts_at:
                    run.status, run.started_at = "in_progress", run.starts_at
                if run.status != "completed" and run.resolves_at is not None and now >= run.resolves_at:
                    run.status = "completed"
                    run.conclusion = run.resolves_to
                    run.completed_at = run.resolves_at
            return list(runs)

    def statuses_for(self, sha: str) -> list[SimStatus]:
        """The latest status per context on `sha` (newest first, as GitHub lists them)."""
        with self.lock:
            latest: dict[str, SimStatus] = {}
            for status in self.statuses.get(sha, []):
                latest[status.context] = status
            return sorted(latest.values(), key=lambda s: (s.updated_at, s.id), reverse=True)

    def combined_status(self, sha: str) -> str:
        """REST combined status state: failure, pending or success."""
        states = [s.state for s in self.statuses_for(sha)]
        if any(s in ("failure", "error") for s in states):
            return "failure"
        if not states or any(s == "pending" for s in states):
            return "pending"
        return "success"

    def rollup(self, sha: str) -> tuple[str | None, list[str]]:
        """GraphQL `statusCheckRollup.state` of `sha` (None: no checks) and the failing names."""
        with self.lock:
            runs = self.runs_for(sha)
            statuses = self.statuses_for(sha)
            if not runs and not statuses:
                return None, []
            failing = [r.name for r in runs if r.status == "completed" and r.conclusion in FAILING_CONCLUSIONS]
            failing += [s.context for s in statuses if s.state in ("failure", "error")]
            pending = any(r.status != "completed" for r in runs) or any(s.state == "pending" for s in statuses)
            if failing:
                errored = any(s.state == "error" for s in statuses) and not any(
                    r.conclusion in FAILING_CONCLUSIONS for r in runs
                )
                return ("ERROR" if errored else "FAILURE"), sorted(failing)
            return ("PENDING" if pending else "SUCCESS"), []

    def start_checks(self, sha: str, conclusion: str = "success", *, delay: float | None = None) -> None:
        """Queue every check on `sha`: queued for `checks_queue_s`, then in progress for the checks delay.

        They complete with `conclusion`.

        `conclusion="pending"` leaves them running until the admin API settles them.
        """
        with self.lock:
            now = self.now()
            wait = self.checks_delay_s if delay is None else delay
            queued = self.checks_queue_s
            start = now + timedelta(seconds=queued)
            runs = []
            for name in self.check_names:
                run = SimCheckRun(self.next_id(), name, sha, status="in_progress", conclusion=None, started_at=now)
                if queued > 0:  # queued, then in_progress, then completed, as GitHub's runners take them
                    run.status, run.started_at, run.starts_at = "queued", None, start
                if conclusion != "pending":
                    run.resolves_at = start + timedelta(seconds=wait)
                    run.resolves_to = conclusion
                runs.append(run)
            self.check_runs[sha] = runs

    def set_checks(self, number: int, state: str, names: list[str] | None = None) -> None:
        """Settle (or restart) the checks on a PR's head: success, failure or pending."""
        if state not in ("success", "failure", "pending"):
            raise SimError(422, f"state must be success, failure or pending, not {state!r}")
        with self.lock:
            p = self.pull(number)
            now = self.now()
            runs = self.check_runs.setdefault(p.head_sha, [])
            if not runs:
                runs.extend(SimCheckRun(self.next_id(), n, p.head_sha, started_at=now) for n in self.check_names)
            wanted = set(names) if names else None
            for run in runs:
                if wanted is not None and run.name not in wanted:
                    continue
                run.resolves_at = None
                if state == "pending":
                    run.status, run.conclusion, run.completed_at = "in_progress", None, None
                else:
                    run.status, run.conclusion, run.completed_at = "completed", state, now
            if wanted:
                for name in sorted(wanted - {r.name for r in runs}):
                    self._add_check(p.head_sha, name, state, now)
            self.version += 1

    def add_status(
        self,
        sha: str,
        state: str,
        context: str = "default",
        description: str | None = None,
        target_url: str | None = None,
    ) -> SimStatus:
        """A commit status on `sha` (`POST .../statuses/{sha}`)."""
        if state not in ("error", "failure", "pending", "success"):
            raise SimError(422, "Validation Failed")
        with self.lock:
            known = {p.head_sha for p in self.pulls.values()} | set(self.base_history)
            if sha not in known:
                raise SimError(422, f"No commit found for SHA: {sha}")
            now = self.now()
            status = SimStatus(
                self.next_id(), sha, context, state, description, target_url, now, now, creator=self.viewer
            )
            self.statuses.setdefault(sha, []).append(status)
            self.version += 1
            return status
