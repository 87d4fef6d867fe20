"""The Actions history of a window: every run created in it and each run's jobs, cached on disk.

The cost report needs every run of the window and every run's jobs (one
request per run), so this module keeps it cheap:

* the runs list is read with GitHub's ``created`` filter, whole while the
  range has at most 1,000 runs (GitHub answers no more for one filtered
  search) and halved until it does otherwise;
* a completed run never changes, so it is kept with its jobs in a JSON cache
  file, written atomically; a second call lists only the runs created since
  the first one's newest completed run (and any run that was still going),
  and asks for the jobs of new runs only;
* the client counts every request, so the report can say what it cost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lbconsole.core.cost import RunRecord
from lbconsole.core.ports import JobInfo, RunInfo, StepInfo
from lbconsole.core.times import iso_z
from lbconsole.errors import GatewayError
from lbconsole.files import atomic_write
from lbconsole.github.actions import ActionsApi, optional_time

SEARCH_CAP = 1000
"""GitHub returns at most this many runs for one filtered runs search."""
MAX_JOB_REQUESTS = 2000
"""At most this many runs' jobs are read in one call (the rest are estimated, and read by the next calls)."""
RATE_RESERVE = 200
"""Requests of the hourly rate limit left for everything else."""
MIN_SPLIT = timedelta(minutes=1)
"""The narrowest range a busy window is split into."""
CACHE_VERSION = 1


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def run_to_json(run: RunInfo) -> dict[str, Any]:
    """A run as the cache stores it."""
    return {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "conclusion": run.conclusion,
        "event": run.event,
        "html_url": run.html_url,
        "run_number": run.run_number,
        "head_branch": run.head_branch,
        "display_title": run.display_title,
        "created_at": _iso(run.created_at),
        "updated_at": _iso(run.updated_at),
        "run_started_at": _iso(run.run_started_at),
        "path": run.path,
    }


def run_from_json(data: Mapping[str, Any]) -> RunInfo:
    """A run read back from the cache."""
    return RunInfo(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
        event=str(data.get("event") or ""),
        html_url=str(data.get("html_url") or ""),
        run_number=int(data.get("run_number") or 0),
        head_branch=str(data.get("head_branch") or ""),
        display_title=str(data.get("display_title") or ""),
        created_at=optional_time(data.get("created_at")),
        updated_at=optional_time(data.get("updated_at")),
        run_started_at=optional_time(data.get("run_started_at")),
        path=str(data.get("path") or ""),
    )


def job_to_json(job: JobInfo) -> dict[str, Any]:
    """A job as the cache stores it (steps by name and conclusion only)."""
    return {
        "id": job.id,
        "name": job.name,
        "status": job.status,
        "conclusion": job.conclusion,
        "html_url": job.html_url,
        "started_at": _iso(job.started_at),
        "completed_at": _iso(job.completed_at),
        "labels": list(job.labels),
        "steps": [[s.number, s.name, s.status, s.conclusion] for s in job.steps],
    }


def job_from_json(data: Mapping[str, Any]) -> JobInfo:
    """A job read back from the cache."""
    return JobInfo(
        id=int(data["id"]),
        name=str(data.get("name") or ""),
        status=str(data.get("status") or ""),
        conclusion=data.get("conclusion"),
        steps=tuple(StepInfo(int(n), str(name), str(status), c) for n, name, status, c in data.get("steps") or ()),
        html_url=str(data.get("html_url") or ""),
        started_at=optional_time(data.get("started_at")),
        completed_at=optional_time(data.get("completed_at")),
        labels=tuple(str(label) for label in data.get("labels") or ()),
    )


@dataclass(frozen=True, slots=True)
class History:
    """The runs of a window with their jobs, and what reading them cost."""

    records: tuple[RunRecord, ...]
    requests: int
    """API requests made by this call."""
    cached: int
    """Completed runs of the window read from the cache instead of the API."""


class RunCache:
    """Completed runs with their jobs, in one JSON file per repository."""

    def __init__(self, path: Path | None) -> None:
        """Read the cache at `path` (None: keep nothing; a missing or unreadable file is an empty cache)."""
        self.path = path
        self.runs: dict[int, RunRecord] = {}
        self.covered_from: datetime | None = None
        """Every completed run created from here up to `fetched_until` is in the cache."""
        self.fetched_until: datetime | None = None
        if path is None:
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != CACHE_VERSION:
                return
            for item in data.get("runs", ()):
                record = RunRecord(run_from_json(item["run"]), tuple(job_from_json(j) for j in item["jobs"]))
                self.runs[record.run.id] = record
            self.covered_from = optional_time(data.get("covered_from"))
            self.fetched_until = optional_time(data.get("fetched_until"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.runs.clear()
            self.covered_from = self.fetched_until = None

    def save(self) -> None:
        """Write the cache (atomically); a cache that cannot be written is skipped silently."""
        if self.path is None:
            return
        data = {
            "version": CACHE_VERSION,
            "covered_from": _iso(self.covered_from),
            "fetched_until": _iso(self.fetched_until),
            "runs": [
                {"run": run_to_json(r.run), "jobs": [job_to_json(j) for j in r.jobs]}
                for r in sorted(self.runs.values(), key=lambda r: r.run.id)
            ],
        }
        try:
            atomic_write(self.path, json.dumps(data, separators=(",", ":")))
        except OSError:
            pass


def _range(start: datetime, end: datetime) -> str:
    """GitHub's inclusive ``created`` range for ``[start, end)``, to the second."""
    last = end - timedelta(seconds=1)
    return f"{iso_z(start)}..{iso_z(max(start, last))}"


def _second(moment: datetime, *, up: bool) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole + timedelta(seconds=1) if up and whole != moment else whole


def list_created(actions: ActionsApi, start: datetime, end: datetime) -> list[RunInfo]:
    """Every run created in ``[start, end)``, splitting the range while GitHub would cap it.

    Raises:
        GatewayError: from the API.
    """
    start, end = _second(start, up=True), _second(end, up=True)
    if end <= start:
        return []
    page = 1
    total, runs, more = actions.runs_page(_range(start, end), page)
    if total > SEARCH_CAP and end - start > MIN_SPLIT:
        middle = _second(start + (end - start) / 2, up=False)
        return [*list_created(actions, middle, end), *list_created(actions, start, middle)]
    found = list(runs)
    while more and runs:
        page += 1
        _, runs, more = actions.runs_page(_range(start, end), page)
        found.extend(runs)
    return found


def read_history(
    actions: ActionsApi,
    start: datetime,
    end: datetime,
    cache: RunCache | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    budget: int | None = None,
) -> History:
    """The runs created in ``[start, end)`` with their jobs, asking GitHub only for what the cache lacks.

    Args:
        actions: the repository's Actions API.
        start: the window's start.
        end: the window's end (now).
        cache: completed runs kept from earlier calls (None: no cache).
        progress: called with (jobs lists read, jobs lists to read) as they come.
        budget: most runs whose jobs are read (default `MAX_JOB_REQUESTS`, and never more than the rate
            limit left less `RATE_RESERVE`). Past it, runs spread evenly over the window are read, and
            the others are returned `estimated` (without jobs) for the cost model to price.

    Returns:
        The window's runs, their jobs, and the requests it took.

    Raises:
        GatewayError: from the API.
    """
    cache = cache or RunCache(None)
    sent_before = actions.client.requests_sent
    covered = (
        cache.covered_from is not None
        and cache.fetched_until is not None
        and cache.covered_from <= start <= cache.fetched_until
    )
    fetch_from = cache.fetched_until if covered and cache.fetched_until else start
    listed = list_created(actions, fetch_from, end)
    records: dict[int, RunRecord] = {
        rid: r for rid, r in cache.runs.items() if r.run.created_at and start <= r.run.created_at < end
    }
    cached = len(records)
    todo = [run for run in listed if run.id not in cache.runs]
    allowed = _allowed(actions, budget)
    skipped: list[RunInfo] = []
    if len(todo) > allowed:
        todo, skipped = _spread(todo, allowed)
    pending: list[datetime] = [run.created_at for run in skipped if run.created_at is not None]
    for run in skipped:
        records[run.id] = RunRecord(run, (), estimated=True)
    for index, run in enumerate(todo):
        jobs = tuple(actions.list_jobs(run.id))
        record = RunRecord(run, jobs)
        records[run.id] = record
        if record.completed and all(job.completed for job in jobs):
            cache.runs[run.id] = record
        elif run.created_at is not None:
            pending.append(run.created_at)
        if progress is not None:
            progress(index + 1, len(todo))
    cache.covered_from = min(cache.covered_from, start) if covered and cache.covered_from else start
    cache.fetched_until = min([end, *pending])
    cache.save()
    if any(r.run.created_at is None for r in records.values()):
        raise GatewayError("GitHub's run list has a run without created_at")
    return History(tuple(records.values()), actions.client.requests_sent - sent_before, cached)


def _allowed(actions: ActionsApi, budget: int | None) -> int:
    allowed = MAX_JOB_REQUESTS if budget is None else budget
    limit = actions.client.rate_limit
    if limit is not None and limit.resource == "core":
        allowed = min(allowed, max(0, limit.remaining - RATE_RESERVE))
    return max(0, allowed)


def _spread(runs: list[RunInfo], allowed: int) -> tuple[list[RunInfo], list[RunInfo]]:
    """`allowed` runs spread evenly over each workflow's runs (every workflow gets its share), and the rest."""
    if allowed <= 0:
        return [], list(runs)
    by_workflow: dict[str, list[RunInfo]] = {}
    for run in runs:
        by_workflow.setdefault(run.path or run.name, []).append(run)
    share = allowed / len(runs)
    chosen: set[int] = set()
    for items in by_workflow.values():
        count = min(len(items), max(1, round(len(items) * share)))
        step = len(items) / count
        chosen.update(items[int(i * step)].id for i in range(count))
    picked = [run for run in runs if run.id in chosen][:allowed]
    kept = {run.id for run in picked}
    return picked, [run for run in runs if run.id not in kept]


def cache_file(cache_dir: Path, api_url: str, repo: str) -> Path:
    """The cache file of one repository on one GitHub host, under `cache_dir`."""
    host = api_url.split("://", 1)[-1].split("/", 1)[0].replace(":", "_") or "github"
    owner, _, name = repo.partition("/")
    return cache_dir / "actions-runs" / host / owner / f"{name}.json"
