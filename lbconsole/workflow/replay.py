"""Which workflows an event starts, and which of their jobs reach a runner: GitHub's trigger rules, offline.

A workflow is plain data (a parsed workflow file: `on`, `jobs`, each job's
`if` and `runs-on`). `triggered` follows GitHub's rules for an event:

* the event's name is one of the workflow's triggers (`pull_request_target`
  fires on the same pull-request activity as `pull_request`);
* its activity type is in the trigger's `types` (GitHub's defaults when
  there are none: `opened`, `synchronize`, `reopened` for pull requests);
* its branch passes `branches` / `branches-ignore` (the base branch of a
  pull request, the pushed branch of a push), with `!` patterns in order;
* its changed files pass `paths` (one file matches) / `paths-ignore` (not
  every file is ignored);
* a `schedule` event names one of the workflow's cron lines.

`jobs_for` then evaluates each job's `if:` (`expressions`): a skipped job
never reaches a runner and bills nothing (`lbconsole.core.cron.cron_times`
lists when a cron line fires). Pure: no clock, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lbconsole.workflow.expressions import condition

DEFAULT_TYPES: dict[str, tuple[str, ...]] = {
    "pull_request": ("opened", "synchronize", "reopened"),
    "pull_request_target": ("opened", "synchronize", "reopened"),
}
"""Activity types a trigger without `types` fires on (every type for the other events)."""
PR_EVENTS = ("pull_request", "pull_request_target")


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in the repository, as GitHub would deliver it."""

    at: datetime
    name: str
    """`pull_request`, `push`, `schedule`, `pull_request_review`, `issue_comment`, `workflow_dispatch`..."""
    action: str = ""
    """The activity type (`opened`, `labeled`, `submitted`...); empty for push and schedule."""
    ref: str = ""
    """The branch: the pushed one, or a pull request's base."""
    paths: tuple[str, ...] = ()
    """Changed files (push, pull request)."""
    cron: str = ""
    """The cron line of a schedule event."""
    payload: Mapping[str, Any] = field(default_factory=dict)
    """`github.event`."""
    actor: str = ""
    pr: int = 0
    """The pull request it is about (0: none)."""


def _triggers(workflow: Mapping[Any, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    if isinstance(on, str):
        return {on: {}}
    if isinstance(on, list):
        return {str(name): {} for name in on}
    if isinstance(on, Mapping):
        return {str(name): (body or {}) for name, body in on.items()}
    return {}


def glob_regex(pattern: str) -> re.Pattern[str]:
    """GitHub's filter pattern: `*` within a path segment, `**` across, `?` one character, `[...]` a set."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", i)
            if end > i:
                out.append(pattern[i : end + 1])
                i = end + 1
                continue
            out.append(re.escape(c))
        elif c == "+":
            out.append("+")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def filter_match(patterns: Sequence[str], value: str) -> bool:
    """Whether `value` passes a list of patterns, `!` patterns negating in order (the last match wins)."""
    matched = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        if glob_regex(body).fullmatch(value):
            matched = not negate
    return matched


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _passes(body: Mapping[str, Any], event: Event) -> bool:
    types = _list(body.get("types")) or list(DEFAULT_TYPES.get(event.name, ()))
    if event.action and types and event.action not in types:
        return False
    branches, ignored = _list(body.get("branches")), _list(body.get("branches-ignore"))
    if branches and not filter_match(branches, event.ref):
        return False
    if ignored and filter_match(ignored, event.ref):
        return False
    paths, paths_ignored = _list(body.get("paths")), _list(body.get("paths-ignore"))
    if paths and not any(filter_match(paths, p) for p in event.paths):
        return False
    return not (paths_ignored and event.paths and all(filter_match(paths_ignored, p) for p in event.paths))


def triggered(workflow: Mapping[str, Any], event: Event) -> bool:
    """Whether `event` starts a run of `workflow` (GitHub's trigger rules; see the module)."""
    triggers = _triggers(workflow)
    if event.name == "schedule":
        crons = [str(entry.get("cron")) for entry in triggers.get("schedule") or () if isinstance(entry, Mapping)]
        return event.cron in crons
    names = PR_EVENTS if event.name in PR_EVENTS else (event.name,)
    return any(name in triggers and _passes(triggers[name] or {}, event) for name in names)


def contexts(event: Event, repository: str) -> dict[str, Any]:
    """The expression contexts of a run started by `event`."""
    return {
        "github": {
            "event_name": event.name,
            "event": {"action": event.action, **event.payload} if event.action else dict(event.payload),
            "actor": event.actor,
            "repository": repository,
            "ref": f"refs/heads/{event.ref}" if event.ref else "",
        },
        "inputs": {},
        "vars": {},
        "secrets": {},
    }


def jobs_for(workflow: Mapping[str, Any], event: Event, repository: str) -> list[tuple[str, bool]]:
    """Each job of a triggered run and whether its `if:` lets it reach a runner."""
    context = contexts(event, repository)
    jobs = workflow.get("jobs") or {}
    return [(name, condition((body or {}).get("if"), context)) for name, body in jobs.items()]


def runs_on(workflow: Mapping[str, Any], job: str) -> tuple[str, ...]:
    """A job's runner labels."""
    value = ((workflow.get("jobs") or {}).get(job) or {}).get("runs-on", "ubuntu-latest")
    return tuple(_list(value))


def schedules(workflow: Mapping[str, Any]) -> list[str]:
    """The workflow's cron lines."""
    entries = _triggers(workflow).get("schedule") or ()
    return [str(entry["cron"]) for entry in entries if isinstance(entry, Mapping) and "cron" in entry]
