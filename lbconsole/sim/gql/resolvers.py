"""The value tree GraphQL queries walk: the simulator's state as GitHub's GraphQL objects.

Values are plain dicts; fields that take arguments (or cost work) are
callables, which graphql-core's default resolver (and the fast path) call
with the field's arguments. The names and types are GitHub's, as in
`schema.graphql`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lbconsole.sim.gql.errors import NotFound
from lbconsole.sim.gql.mutations import mutations
from lbconsole.sim.gql.objects import (
    actor,
    check_suite,
    decode_node_id,
    label,
    merge_queue,
    pull_extras,
    queue_entry,
    repository_extras,
    timeline_items,
)
from lbconsole.sim.gql.pages import connection, connection_args, list_connection
from lbconsole.sim.ids import WEB, node_id, ts, user_id
from lbconsole.sim.state.model import SimPull

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState


_actor = actor


CHECK_STATUS = {
    "completed": "COMPLETED",
    "in_progress": "IN_PROGRESS",
    "queued": "QUEUED",
    "waiting": "WAITING",
    "requested": "REQUESTED",
    "pending": "PENDING",
}


def _commit(state: SimState, p: SimPull) -> dict[str, Any]:
    sha = p.head_sha
    full = state.full_name

    def status(info: Any) -> dict[str, Any] | None:
        statuses = state.statuses_for(sha)
        if not statuses:
            return None
        contexts = [_status_context(s, state) for s in statuses]
        by_name = {c["context"]: c for c in contexts}
        combined = state.combined_status(sha).upper()
        return {
            "id": node_id("SC", int(sha[:6], 16)),
            "state": combined,
            "contexts": contexts,
            "context": lambda info, name: by_name.get(name),
            "commit": None,
        }

    def rollup(info: Any) -> dict[str, Any] | None:
        rollup_state, _ = state.rollup(sha)
        if rollup_state is None:
            return None
        nodes: list[dict[str, Any]] = [
            {
                "__typename": "CheckRun",
                "id": node_id("CR", r.id),
                "name": r.name,
                "status": CHECK_STATUS.get(r.status, "QUEUED"),
                "conclusion": r.conclusion.upper() if r.conclusion else None,
                "startedAt": ts(r.started_at),
                "completedAt": ts(r.completed_at),
                "detailsUrl": f"{WEB}/{full}/actions/runs/{r.id // 10}/job/{r.id}",
                "resourcePath": f"/{full}/runs/{r.id}",
                "url": f"{WEB}/{full}/runs/{r.id}",
                "checkSuite": check_suite(state, r.id),
                "isRequired": _required(state, r.name),
            }
            for r in state.runs_for(sha)
        ]
        nodes += [_status_context(s, state) for s in state.statuses_for(sha)]
        return {
            "id": node_id("SCR", int(sha[:6], 16)),
            "state": rollup_state,
            "commit": None,
            "contexts": lambda info, **kw: list_connection(nodes, "contexts", info=info, **kw),
        }

    return {
        "id": node_id("C", int(sha[:7], 16)),
        "oid": sha,
        "message": p.title,
        "committedDate": ts(p.updated_at),
        "resourcePath": f"/{full}/commit/{sha}",
        "url": f"{WEB}/{full}/commit/{sha}",
        "status": status,
        "statusCheckRollup": rollup,
    }


def _required(state: SimState, name: str) -> Any:
    """`isRequired(pullRequestId:, pullRequestNumber:)`: whether branch protection requires the check `name`."""
    return lambda info, **kw: name in state.protection.required_checks


def _status_context(s: Any, state: SimState) -> dict[str, Any]:
    return {
        "isRequired": _required(state, s.context),
        "__typename": "StatusContext",
        "id": node_id("SC", s.id),
        "context": s.context,
        "state": s.state.upper(),
        "description": s.description,
        "targetUrl": s.target_url,
        "createdAt": ts(s.created_at),
    }


def _pull_commit(state: SimState, p: SimPull, index: int) -> dict[str, Any]:
    """The `index`-th commit of a PR: the head is modelled; earlier ones have no checks."""
    full = state.full_name
    if index == p.commits - 1:
        commit = _commit(state, p)
    else:
        oid = hashlib.sha1(f"{p.head_sha}:{index}".encode(), usedforsecurity=False).hexdigest()
        commit = {
            "id": node_id("C", int(oid[:7], 16)),
            "oid": oid,
            "message": f"WIP {index + 1}",
            "committedDate": ts(p.created_at),
            "resourcePath": f"/{full}/commit/{oid}",
            "url": f"{WEB}/{full}/commit/{oid}",
            "status": None,
            "statusCheckRollup": None,
        }
    oid = commit["oid"]
    return {
        "id": node_id("PURC", p.number * 1000 + index),
        "commit": commit,
        "resourcePath": f"/{full}/pull/{p.number}/commits/{oid}",
        "url": f"{WEB}/{full}/pull/{p.number}/commits/{oid}",
    }


CHANGE_TYPE = {
    "added": "ADDED",
    "removed": "DELETED",
    "modified": "MODIFIED",
    "renamed": "RENAMED",
    "copied": "COPIED",
    "changed": "CHANGED",
    "unchanged": "MODIFIED",
}


def _pull(state: SimState, p: SimPull) -> dict[str, Any]:
    full = state.full_name
    merged_state = "MERGED" if p.merged else ("OPEN" if p.state == "open" else "CLOSED")

    def labels(info: Any, **kw: Any) -> dict[str, Any]:
        kw.pop("orderBy", None)
        return list_connection([label(state.label(n)) for n in p.labels], "labels", info=info, **kw)

    def files(info: Any, **kw: Any) -> dict[str, Any]:
        return list_connection(
            [
                {
                    "path": f.filename,
                    "additions": f.additions,
                    "deletions": f.deletions,
                    "changeType": CHANGE_TYPE.get(f.status, "MODIFIED"),
                }
                for f in p.files
            ],
            "files",
            info=info,
            **kw,
        )

    def commits(info: Any, **kw: Any) -> dict[str, Any]:
        page = list_connection(list(range(p.commits)), "commits", info=info, **kw)
        page["nodes"] = [_pull_commit(state, p, i) for i in page["nodes"]]
        return page

    return {
        **pull_extras(state, p, lambda info: _repository(state)),
        "id": node_id("PR", p.number),
        "number": p.number,
        "title": p.title,
        "body": p.body,
        "url": f"{WEB}/{full}/pull/{p.number}",
        "resourcePath": f"/{full}/pull/{p.number}",
        "author": lambda info: _actor(p.author),
        "labels": labels,
        "isDraft": p.draft,
        "headRefName": p.head_ref,
        "headRefOid": p.head_sha,
        "baseRefName": p.base_ref,
        "createdAt": ts(p.created_at),
        "updatedAt": ts(p.updated_at),
        "additions": p.additions,
        "deletions": p.deletions,
        "changedFiles": len(p.files),
        "files": files,
        "mergeable": p.mergeable if p.state == "open" else "UNKNOWN",
        "mergeStateStatus": lambda info: state.merge_state(p),
        "mergeQueueEntry": lambda info: queue_entry(state, p.number),
        "timelineItems": lambda info, **kw: timeline_items(state, p.number, **kw),
        "reviewDecision": p.review_decision,
        "commits": commits,
        "state": merged_state,
        "merged": p.merged,
        "closed": p.state != "open",
        "mergedAt": ts(p.merged_at),
        "closedAt": ts(p.closed_at),
    }


ORDER_KEYS = {
    "CREATED_AT": lambda p: p.created_at.timestamp(),
    "UPDATED_AT": lambda p: p.updated_at.timestamp(),
    "COMMENTS": lambda p: 0,
}


def _ordered_pulls(
    state: SimState,
    states: list[str] | None,
    order_by: dict[str, str] | None,
    labels: list[str] | None,
    base_ref: str | None,
    head_ref: str | None,
) -> tuple[list[SimPull], list[Any]]:
    """The pulls a `pullRequests` connection pages over, in order, with their cursor keys (cached)."""
    order = order_by or {"field": "CREATED_AT", "direction": "ASC"}
    cache_key = (
        state.version,
        len(state.pulls),
        tuple(states or ()),
        (order["field"], order["direction"]),
        tuple(labels or ()),
        base_ref,
        head_ref,
    )
    cache = state.gql_order_cache
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    wanted = set(states or ())
    folded = {x.casefold() for x in labels or ()}
    pulls = []
    for p in state.pulls.values():
        p_state = "MERGED" if p.merged else ("OPEN" if p.state == "open" else "CLOSED")
        if wanted and p_state not in wanted:
            continue
        if folded and not folded & {x.casefold() for x in p.labels}:
            continue
        if base_ref is not None and p.base_ref != base_ref:
            continue
        if head_ref is not None and p.head_ref != head_ref:
            continue
        pulls.append(p)
    key_of = ORDER_KEYS[order["field"]]
    keyed = sorted(((key_of(p), p.number, p) for p in pulls), key=lambda k: k[:2], reverse=order["direction"] == "DESC")
    result = ([k[2] for k in keyed], [[k[0], k[1]] for k in keyed])
    if len(cache) > 32:
        cache.clear()
    cache[cache_key] = result
    return result


def _repository(state: SimState) -> dict[str, Any]:
    def pull_requests(
        info: Any,
        states: list[str] | None = None,
        orderBy: dict[str, str] | None = None,
        labels: list[str] | None = None,
        baseRefName: str | None = None,
        headRefName: str | None = None,
        first: int | None = None,
        last: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        connection_args("pullRequests", first, last, info)
        pulls, keys = _ordered_pulls(state, states, orderBy, labels, baseRefName, headRefName)
        desc = (orderBy or {}).get("direction") == "DESC"
        page = connection(pulls, keys, "pullRequests", first, last, after, before, desc=desc, info=info)
        page["nodes"] = [_pull(state, p) for p in page["nodes"]]
        return page

    def pull_request(info: Any, number: int) -> dict[str, Any] | None:
        p = state.pulls.get(number)
        if p is None:
            raise NotFound(f"Could not resolve to a PullRequest with the number of {number}.")
        return _pull(state, p)

    owner_login = state.owner
    return {
        **repository_extras(state),
        "__typename": "Repository",
        "id": node_id("R", state.repo_id),
        "name": state.name,
        "nameWithOwner": state.full_name,
        "url": f"{WEB}/{state.full_name}",
        "resourcePath": f"/{state.full_name}",
        "owner": {"__typename": "Organization", "id": node_id("O", user_id(owner_login)), "login": owner_login},
        "defaultBranchRef": {
            "id": node_id("REF", state.repo_id),
            "name": state.default_branch,
            "prefix": "refs/heads/",
            "target": {"__typename": "Commit", "id": node_id("C", 1), "oid": state.base_sha},
            "branchProtectionRule": {
                "__typename": "BranchProtectionRule",
                "id": node_id("BPR", state.repo_id),
                "pattern": state.default_branch,
                "requiresStrictStatusChecks": state.protection.strict,
                "requiredStatusCheckContexts": list(state.protection.required_checks),
            },
        },
        "pullRequests": pull_requests,
        "pullRequest": pull_request,
        "mergeQueue": lambda info, branch=None: merge_queue(state, branch),
    }


def root(state: SimState, *, cost: int, remaining: int, reset_at: float, limit: int, used: int) -> dict[str, Any]:
    """The `Query` object of one request: `rateLimit` (with the request's own cost), `repository`, `viewer`."""

    def rate_limit(info: Any, dryRun: bool = False) -> dict[str, Any]:
        return {
            "cost": cost,
            "limit": limit,
            "nodeCount": 100,
            "remaining": remaining,
            "resetAt": ts(datetime.fromtimestamp(reset_at, tz=state.now().tzinfo)),
            "used": used,
        }

    def repository(info: Any, owner: str, name: str, followRenames: bool = True) -> dict[str, Any]:
        if owner.casefold() != state.owner.casefold() or name.casefold() != state.name.casefold():
            raise NotFound(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        return _repository(state)

    def node(info: Any, **args: Any) -> dict[str, Any] | None:
        node_id_ = args["id"]
        decoded = decode_node_id(node_id_)
        if decoded is not None and decoded[0] == "PR" and decoded[1] in state.pulls:
            return _pull(state, state.pulls[decoded[1]])
        if decoded is not None and decoded[0] == "R" and decoded[1] == state.repo_id:
            return _repository(state)
        raise NotFound(f"Could not resolve to a node with the global id of '{node_id_}'")

    return {
        "id": "Q",
        "node": node,
        "rateLimit": rate_limit,
        "repository": repository,
        "viewer": lambda info: _actor(state.viewer),
        **mutations(state, pull=lambda p: _pull(state, p)),
    }
