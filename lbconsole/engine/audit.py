"""The audit log: what lbconsole planned and did, append-only, durable.

`user_state_dir/audit.jsonl` gets one JSON object per line for every plan a
run executes and every action outcome (SPEC 3.1). Each line is fsync'd
before the run moves on, so a crash loses at most the action in flight.
Every string is redacted first: no token ever reaches the file.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lbconsole.core.plan import Plan, to_dict
from lbconsole.core.times import iso_z
from lbconsole.engine.outcomes import ActionOutcome, RunReport
from lbconsole.redact import redact_value

AUDIT_NAME = "audit.jsonl"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuditLog:
    """Append-only JSON-lines audit trail in a state directory."""

    def __init__(
        self,
        state_dir: str | os.PathLike[str],
        *,
        clock: Callable[[], datetime] | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        """Audit into `state_dir/audit.jsonl` (created on the first record).

        Args:
            state_dir: platformdirs `user_state_dir("lbconsole")`.
            clock: current time (tests freeze it).
            secrets: exact values (the token in use) redacted on top of the known token shapes.
        """
        self.path = Path(state_dir) / AUDIT_NAME
        self._clock = clock or _utcnow
        self._secrets = tuple(s for s in secrets if s)
        self._lock = threading.Lock()

    def record_plan(self, plan: Plan, *, run_id: str = "", apply: bool = False) -> dict[str, Any]:
        """Append the plan a run is about to execute (its full lbconsole.plan/1 JSON).

        Returns:
            The object written (redacted).
        """
        return self.append(
            {
                "event": "plan",
                "repo": plan.repo,
                "mode": plan.mode,
                "run_id": run_id,
                "apply": apply,
                "plan": to_dict(plan),
            }
        )

    def record_outcome(
        self, outcome: ActionOutcome, *, repo: str, mode: str, run_id: str = "", apply: bool = True
    ) -> dict[str, Any]:
        """Append one action outcome.

        Returns:
            The object written (redacted).
        """
        action = outcome.action
        return self.append(
            {
                "event": "outcome",
                "time": iso_z(outcome.time),
                "repo": repo,
                "mode": mode,
                "run_id": run_id,
                "apply": apply,
                "kind": action.kind,
                "pr": action.pr,
                "head_sha": action.head_sha or None,
                "label": action.label or None,
                "outcome": outcome.outcome,
                "status": outcome.status,
                "message": outcome.message,
                "merged_sha": outcome.merged_sha or None,
            }
        )

    def record_run(self, report: RunReport) -> dict[str, Any]:
        """Append the end of a run: counts, exit code, whether it was cancelled or aborted.

        Returns:
            The object written (redacted).
        """
        return self.append(
            {
                "event": "run",
                "repo": report.repo,
                "mode": report.mode,
                "run_id": report.run_id,
                "apply": report.apply,
                "counts": dict(report.counts),
                "exit_code": report.exit_code,
                "cancelled": report.cancelled,
                "aborted": report.aborted,
            }
        )

    def append(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """Append any JSON object (a `time` is added when missing), redacted and fsync'd.

        Returns:
            The object written.

        Raises:
            OSError: when the file cannot be written.
        """
        data = {"time": iso_z(self._clock()), **event}
        clean = redact_value(data, self._secrets)
        line = json.dumps(clean, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        return clean


def read_audit(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every audit object in `path`, oldest first (lines that are not JSON are skipped)."""
    try:
        handle = Path(path).open(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                yield item
