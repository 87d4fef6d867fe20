"""GitHub's shapes -> core models, at the border.

Pure functions, no I/O: a GraphQL pull-request node (a dict, as in
`queries.OPEN_PULLS`) becomes a `core.models.PullRequest`; REST bodies
become the gateway's small dataclasses. A missing or mistyped field raises a
`GatewayError` naming the PR and the field, never a KeyError or TypeError.

Choices made here:

* Bot logins: GraphQL's ``Bot.login`` is ``dependabot`` where REST (and
  every config rule) says ``dependabot[bot]``; bots get the ``[bot]``
  suffix so that rules match whichever API the facts came from.
* A deleted author (GitHub's "ghost") comes back as ``author: null``; it
  becomes the login ``ghost``, as on github.com.
* Enum values this version does not know (GitHub adds some now and then)
  never fail the queue; they map to the cautious value: mergeable and merge
  state UNKNOWN (pending, never merged), checks PENDING, review
  REVIEW_REQUIRED.
* Failing checks: CheckRun conclusions FAILURE, TIMED_OUT, CANCELLED,
  ACTION_REQUIRED, STARTUP_FAILURE; StatusContext states FAILURE, ERROR.
* ``scan`` is the state of lbconsole's status context
  (`orchestrator.SCAN_CONTEXT`) on the head commit: SUCCESS (passed: the
  only state the security gate lets merge), FAILURE (findings to review),
  PENDING (a scan in flight or one that died; GitHub's EXPECTED too) or
  ERROR (the scanner itself failed; an unknown state too): the last two
  mean "scan again". ``security_scanned`` follows from it (SUCCESS or
  FAILURE: the scan finished). The status must sit on the PR's current head
  commit: a push after the scan makes the PR unscanned again.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, QueueEntry, ReviewDecision, ScanState
from lbconsole.core.ports import Comment, MergeResult, PullFile, PullSnapshot
from lbconsole.errors import GatewayError

FAILING_CONCLUSIONS = frozenset({"FAILURE", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE"})
"""CheckRun conclusions that count as a failing check."""

FAILING_STATUS_STATES = frozenset({"FAILURE", "ERROR"})
"""StatusContext states that count as a failing check."""

SCANNED_STATES = frozenset(state.value for state in ScanState if state.finished)
"""States of lbconsole's scan status that mean the head commit was scanned."""

GHOST = "ghost"

E = TypeVar("E", Mergeable, MergeState, ReviewDecision, ChecksState, ScanState)
V = TypeVar("V")


class _Node:
    """Typed access to one JSON object, with errors that say where."""

    def __init__(self, data: Any, where: str, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise GatewayError(f"{where}: {path or 'the node'} is not an object (got {_kind(data)})")
        self.data = data
        self.where = where
        self.path = path

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, kind: type[V] | tuple[type, ...], *, optional: bool) -> Any:
        if key not in self.data or self.data[key] is None:
            if optional:
                return None
            raise GatewayError(f"{self.where}: field {self._name(key)} is missing")
        value = self.data[key]
        if isinstance(value, bool) and kind is int:
            raise GatewayError(f"{self.where}: field {self._name(key)} is a boolean, expected a number")
        if not isinstance(value, kind):
            raise GatewayError(f"{self.where}: field {self._name(key)} has the wrong type ({_kind(value)})")
        return value

    def text(self, key: str) -> str:
        value: str = self._get(key, str, optional=False)
        return value

    def opt_text(self, key: str, default: str = "") -> str:
        value: str | None = self._get(key, str, optional=True)
        return default if value is None else value

    def integer(self, key: str) -> int:
        value: int = self._get(key, int, optional=False)
        return value

    def opt_integer(self, key: str, default: int = 0) -> int:
        value: int | None = self._get(key, int, optional=True)
        return default if value is None else value

    def flag(self, key: str, default: bool | None = None) -> bool:
        value: bool | None = self._get(key, bool, optional=default is not None)
        return bool(default) if value is None else value

    def node(self, key: str) -> _Node:
        return _Node(self._get(key, Mapping, optional=False), self.where, self._name(key))

    def opt_node(self, key: str) -> _Node | None:
        value = self._get(key, Mapping, optional=True)
        return None if value is None else _Node(value, self.where, self._name(key))

    def nodes(self, key: str) -> list[_Node]:
        """The objects of a list field; a missing/null list is empty, null entries are skipped."""
        value = self._get(key, list, optional=True) or []
        return [
            _Node(item, self.where, f"{self._name(key)}[{index}]")
            for index, item in enumerate(value)
            if item is not None
        ]

    def time(self, key: str) -> datetime:
        text = self.text(key)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise GatewayError(f"{self.where}: field {self._name(key)} is not a timestamp ({text!r})") from None
        if moment.tzinfo is None:
            raise GatewayError(f"{self.where}: field {self._name(key)} has no time zone ({text!r})")
        return moment


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _enum(kind: type[E], value: str | None, *, null: E, unknown: E) -> E:
    if value is None:
        return null
    try:
        return kind(value)
    except ValueError:
        return unknown


def merge_state_of(rest_state: str | None) -> MergeState:
    """REST `mergeable_state` (lowercase, e.g. `behind`) as core's `MergeState`; anything else is UNKNOWN."""
    value = rest_state.upper() if rest_state else None
    return _enum(MergeState, value, null=MergeState.UNKNOWN, unknown=MergeState.UNKNOWN)


def bot_login(login: str) -> str:
    """A bot's login in REST form: ``dependabot`` -> ``dependabot[bot]``."""
    return login if login.endswith("[bot]") else f"{login}[bot]"


def _author(node: _Node) -> tuple[str, bool]:
    author = node.opt_node("author")
    if author is None:
        return GHOST, False
    login = author.text("login")
    if author.opt_text("__typename") == "Bot":
        return bot_login(login), True
    return login, login.endswith("[bot]")


def _head_commit(node: _Node) -> _Node | None:
    commits = node.opt_node("commits")
    if commits is None:
        return None
    entries = commits.nodes("nodes")
    if not entries:
        return None
    return entries[-1].opt_node("commit")


def _checks(commit: _Node | None) -> tuple[ChecksState, tuple[str, ...]]:
    rollup = commit.opt_node("statusCheckRollup") if commit else None
    if rollup is None:
        return ChecksState.NONE, ()
    state = _enum(ChecksState, rollup.opt_text("state") or None, null=ChecksState.NONE, unknown=ChecksState.PENDING)
    failing: list[str] = []
    contexts = rollup.opt_node("contexts")
    for ctx in contexts.nodes("nodes") if contexts else []:
        typename = ctx.opt_text("__typename")
        if typename == "CheckRun":
            if ctx.opt_text("conclusion") in FAILING_CONCLUSIONS:
                failing.append(ctx.text("name"))
        elif typename == "StatusContext":
            if ctx.opt_text("state") in FAILING_STATUS_STATES:
                failing.append(ctx.text("context"))
    return state, tuple(dict.fromkeys(failing))


def scan_state_of(state: str | None) -> ScanState:
    """A status state of the scan context (GraphQL `StatusState` or REST lowercase) as `ScanState`.

    None (no scan status) is NONE; EXPECTED is PENDING; anything this version
    does not know is ERROR (scan again, never merge on it).
    """
    if state is None:
        return ScanState.NONE
    value = state.upper()
    if value == "EXPECTED":
        return ScanState.PENDING
    return _enum(ScanState, value, null=ScanState.NONE, unknown=ScanState.ERROR)


def scan_state_from_rest(data: Any, context: str) -> ScanState:
    """The state of `context` in a REST `combined-commit-status` body; NONE when it is not there.

    Raises:
        GatewayError: the body is not a combined status.
    """
    node = _Node(data, "a combined commit status")
    latest: _Node | None = None
    for status in node.nodes("statuses"):
        if status.opt_text("context") != context:
            continue
        if latest is None or status.opt_integer("id") > latest.opt_integer("id"):
            latest = status
    return ScanState.NONE if latest is None else scan_state_of(latest.opt_text("state") or None)


def _scan(commit: _Node | None, head_sha: str) -> ScanState:
    if commit is None or commit.opt_text("oid", head_sha) != head_sha:
        return ScanState.NONE
    status = commit.opt_node("status")
    scan = status.opt_node("context") if status else None
    return ScanState.NONE if scan is None else scan_state_of(scan.opt_text("state") or None)


def pull_from_node(data: Any) -> PullRequest:
    """Translate one GraphQL ``PullRequest`` node of `queries.OPEN_PULLS`.

    Args:
        data: the node, as decoded from JSON.

    Returns:
        The PR's facts.

    Raises:
        GatewayError: a required field is missing or has the wrong type;
            the message names the PR and the field.
    """
    number = data.get("number") if isinstance(data, Mapping) else None
    where = f"pull request #{number}" if isinstance(number, int) else "a pull request"
    node = _Node(data, where)
    number = node.integer("number")
    author, is_bot = _author(node)
    head_sha = node.text("headRefOid")
    commit = _head_commit(node)
    checks, failing = _checks(commit)
    labels = node.opt_node("labels")
    files = node.opt_node("files")
    return PullRequest(
        number=number,
        title=node.text("title"),
        author=author,
        author_is_bot=is_bot,
        head_sha=head_sha,
        created_at=node.time("createdAt"),
        updated_at=node.time("updatedAt"),
        body=node.opt_text("body"),
        labels=tuple(label.text("name") for label in labels.nodes("nodes")) if labels else (),
        draft=node.flag("isDraft", default=False),
        head_ref=node.opt_text("headRefName"),
        base_ref=node.opt_text("baseRefName", "main"),
        additions=node.opt_integer("additions"),
        deletions=node.opt_integer("deletions"),
        changed_files=tuple(f.text("path") for f in files.nodes("nodes")) if files else (),
        mergeable=_enum(
            Mergeable, node.opt_text("mergeable") or None, null=Mergeable.UNKNOWN, unknown=Mergeable.UNKNOWN
        ),
        merge_state=_enum(
            MergeState,
            node.opt_text("mergeStateStatus") or None,
            null=MergeState.UNKNOWN,
            unknown=MergeState.UNKNOWN,
        ),
        review_decision=_enum(
            ReviewDecision,
            node.opt_text("reviewDecision") or None,
            null=ReviewDecision.NONE,
            unknown=ReviewDecision.REVIEW_REQUIRED,
        ),
        checks=checks,
        failing_checks=failing,
        scan=_scan(commit, head_sha),
        url=node.opt_text("url"),
        queue_entry=queue_entry_from_node(node.opt_node("mergeQueueEntry")),
        queue_removed=_queue_removed(node.opt_node("timelineItems")),
    )


def _queue_removed(timeline: _Node | None) -> str:
    """The last `RemovedFromMergeQueueEvent` as a reason: `removed from the merge queue (2026-…Z): why`."""
    events = (
        [n for n in timeline.nodes("nodes") if n.opt_text("__typename") == "RemovedFromMergeQueueEvent"]
        if timeline
        else []
    )
    if not events:
        return ""
    last = events[-1]
    reason = last.opt_text("reason") or "no reason given"
    return f"removed from the merge queue ({last.opt_text('createdAt')}): {reason}"


def queue_entry_from_node(node: _Node | None) -> QueueEntry | None:
    """A GraphQL ``MergeQueueEntry`` (position, state, estimatedTimeToMerge), or None for no entry."""
    if node is None:
        return None
    eta = node.opt_integer("estimatedTimeToMerge", -1)
    return QueueEntry(position=node.integer("position"), state=node.text("state"), eta_s=eta if eta >= 0 else None)


def truncation_notes(data: Any) -> list[str]:
    """Notes for the connections of a PR node that GitHub cut short (files, labels, checks)."""
    if not isinstance(data, Mapping):
        return []
    notes: list[str] = []
    number = data.get("number")
    files = data.get("files")
    if isinstance(files, Mapping):
        total, seen = files.get("totalCount"), len(files.get("nodes") or ())
        if isinstance(total, int) and total > seen:
            notes.append(f"#{number}: only {seen} of {total} changed files were fetched")
    labels = data.get("labels")
    if isinstance(labels, Mapping) and len(labels.get("nodes") or ()) >= 50:
        notes.append(f"#{number}: only the first 50 labels were fetched")
    return notes


# -- REST bodies ----------------------------------------------------------------


def snapshot_from_rest(data: Any, number: int) -> PullSnapshot:
    """Translate a REST ``GET /repos/{o}/{r}/pulls/{n}`` body."""
    node = _Node(data, f"pull request #{number}")
    user = node.opt_node("user")
    return PullSnapshot(
        number=node.integer("number"),
        head_sha=node.node("head").text("sha"),
        state=node.text("state"),
        merged=node.flag("merged", default=False),
        merge_state=merge_state_of(node.opt_text("mergeable_state", "unknown")),
        labels=tuple(label.text("name") for label in node.nodes("labels")),
        draft=node.flag("draft", default=False),
        author=user.opt_text("login") if user else "",
    )


def merge_result_from_rest(data: Any, number: int) -> MergeResult:
    """Translate a REST merge answer (``{"sha", "merged", "message"}``)."""
    node = _Node(data, f"merge of pull request #{number}")
    return MergeResult(sha=node.opt_text("sha"), message=node.opt_text("message"), merged=node.flag("merged", True))


def comment_from_rest(data: Any) -> Comment:
    """Translate a REST issue comment."""
    node = _Node(data, "an issue comment")
    user = node.opt_node("user")
    return Comment(id=node.integer("id"), body=node.opt_text("body"), author=user.opt_text("login") if user else GHOST)


def file_from_rest(data: Any, number: int) -> PullFile:
    """Translate one entry of REST ``GET .../pulls/{n}/files``."""
    node = _Node(data, f"files of pull request #{number}")
    return PullFile(
        filename=node.text("filename"),
        status=node.opt_text("status", "modified"),
        patch=node.opt_text("patch") or None,
        additions=node.opt_integer("additions"),
        deletions=node.opt_integer("deletions"),
    )


def content_bytes(data: Any, path: str) -> bytes | None:
    """Decode a contents-API answer for a file.

    Returns:
        The bytes, or None when `path` is not a file (a directory listing
        or a symlink/submodule object) or GitHub left the content out
        (files over 1 MB: ``encoding: "none"``), which the caller fetches raw.
    """
    if not isinstance(data, Mapping) or data.get("type", "file") != "file":
        return None
    node = _Node(data, f"file {path}")
    encoding = node.opt_text("encoding", "base64")
    if encoding != "base64":
        return None
    try:
        return base64.b64decode(node.opt_text("content"), validate=False)
    except (binascii.Error, ValueError):
        raise GatewayError(f"file {path}: content is not valid base64") from None
