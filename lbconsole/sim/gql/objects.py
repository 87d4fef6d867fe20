"""The GraphQL objects a general client asks for beyond lbconsole's own documents.

The gh CLI (`gh pr list/view/checks/edit/merge/comment`) asks a pull request
for its comments, reviews, review requests, assignees, milestone, project
cards and reactions, and a check run for its suite and workflow; they live
here so `resolvers` stays the value tree of lbconsole's queries. Every
object is a dict with GitHub's field names (`schema.graphql`); `__typename`
where an interface or union needs it.
"""

from __future__ import annotations

import base64
import zlib
from typing import TYPE_CHECKING, Any

from lbconsole.sim.gql.pages import list_connection
from lbconsole.sim.ids import WEB, node_id, ts, user_id

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState
    from lbconsole.sim.state.model import SimComment, SimPull, SimReview


def decode_node_id(value: str) -> tuple[str, int] | None:
    """(prefix, number) of a node id made by `ids.node_id`; None when it is not one."""
    prefix, _, rest = value.partition("_")
    try:
        text = base64.b64decode(rest + "=" * (-len(rest) % 4)).decode()
        zero, _, number = text.partition(":")
        return (prefix, int(number)) if zero == "0" and prefix else None
    except ValueError:
        return None


def actor(login: str) -> dict[str, Any]:
    """A User or a Bot (an `Actor`)."""
    bot = login.endswith("[bot]")
    uid = user_id(login)
    path = f"/apps/{login.removesuffix('[bot]')}" if bot else f"/{login}"
    return {
        "__typename": "Bot" if bot else "User",
        "id": node_id("BOT" if bot else "U", uid),
        "login": login.removesuffix("[bot]") if bot else login,
        "avatarUrl": lambda info, size=None: (
            f"https://avatars.githubusercontent.com/u/{uid}?v=4" + (f"&s={size}" if size else "")
        ),
        "resourcePath": path,
        "url": WEB + path,
        "name": None,
    }


def _association(state: SimState, login: str) -> str:
    return "MEMBER" if login in (state.viewer, state.owner) else "CONTRIBUTOR"


def comment(state: SimState, c: SimComment) -> dict[str, Any]:
    """An `IssueComment`."""
    return {
        "__typename": "IssueComment",
        "id": node_id("IC", c.id),
        "author": actor(c.user),
        "authorAssociation": _association(state, c.user),
        "body": c.body,
        "createdAt": ts(c.created_at),
        "includesCreatedEdit": c.updated_at != c.created_at,
        "isMinimized": False,
        "minimizedReason": None,
        "reactionGroups": [],
        "url": f"{WEB}/{state.full_name}/pull/{c.issue}#issuecomment-{c.id}",
        "viewerDidAuthor": c.user == state.viewer,
    }


def review(state: SimState, p: SimPull, r: SimReview) -> dict[str, Any]:
    """A `PullRequestReview`."""
    return {
        "__typename": "PullRequestReview",
        "id": node_id("PRR", r.id),
        "author": actor(r.user),
        "authorAssociation": _association(state, r.user),
        "body": r.body,
        "commit": {"__typename": "Commit", "id": node_id("C", int(r.commit_id[:7], 16)), "oid": r.commit_id},
        "reactionGroups": [],
        "state": r.state,
        "submittedAt": ts(r.submitted_at),
    }


def pull_extras(state: SimState, p: SimPull, repository: Any) -> dict[str, Any]:
    """The fields of a `PullRequest` that only general clients ask for."""
    owner = {"__typename": "Organization", "id": node_id("O", user_id(state.owner)), "login": state.owner}

    def comments(info: Any, orderBy: Any = None, **kw: Any) -> dict[str, Any]:
        return list_connection([comment(state, c) for c in state.comments_on(p.number)], "comments", info=info, **kw)

    def reviews(info: Any, states: list[str] | None = None, author: str | None = None, **kw: Any) -> dict[str, Any]:
        chosen = [r for r in p.reviews if (not states or r.state in states) and (author is None or r.user == author)]
        return list_connection([review(state, p, r) for r in chosen], "reviews", info=info, **kw)

    def empty(name: str) -> Any:
        def resolve(info: Any, archivedStates: Any = None, includeArchived: Any = None, **kw: Any) -> dict[str, Any]:
            return list_connection([], name, info=info, **kw)

        return resolve

    return {
        "__typename": "PullRequest",
        "assignees": empty("assignees"),
        "comments": comments,
        "headRepository": repository,
        "headRepositoryOwner": owner,
        "isCrossRepository": False,
        "maintainerCanModify": False,
        "milestone": None,
        "projectCards": empty("projectCards"),
        "projectItems": empty("projectItems"),
        "reactionGroups": [],
        "reviewRequests": empty("reviewRequests"),
        "reviews": reviews,
    }


def check_suite(state: SimState, run_id: int, workflow: str = "CI") -> dict[str, Any]:
    """A check run's `CheckSuite`, with the workflow run it belongs to."""
    full = state.full_name
    wf_id = zlib.crc32(workflow.encode()) % 10_000_000
    return {
        "id": node_id("CS", run_id // 10),
        "workflowRun": {
            "id": node_id("WFR", run_id // 10),
            "resourcePath": f"/{full}/actions/runs/{run_id // 10}",
            "url": f"{WEB}/{full}/actions/runs/{run_id // 10}",
            "workflow": {
                "id": node_id("W", wf_id),
                "name": workflow,
                "resourcePath": f"/{full}/actions/workflows/{wf_id}",
                "url": f"{WEB}/{full}/actions/workflows/{wf_id}",
            },
        },
    }


def queue_entry(state: SimState, number: int) -> dict[str, Any] | None:
    """A PR's `MergeQueueEntry`, or None when it is not queued."""
    place = state.queue_entry(number)
    if place is None:
        return None
    position, entry = place
    return {
        "__typename": "MergeQueueEntry",
        "id": node_id("MQE", number),
        "enqueuedAt": ts(entry.enqueued_at),
        "estimatedTimeToMerge": state.entry_eta_s(position),
        "position": position,
        "state": state.entry_state(entry),
    }


def timeline_items(
    state: SimState, number: int, *, itemTypes: list[str] | None = None, last: int | None = None, **kw: Any
) -> dict[str, Any]:
    """A PR's timeline, as far as the simulator keeps one: its removals from the merge queue."""
    if itemTypes is not None and "REMOVED_FROM_MERGE_QUEUE_EVENT" not in itemTypes:
        return {"nodes": [], "totalCount": 0}
    events = [
        {
            "__typename": "RemovedFromMergeQueueEvent",
            "id": node_id("RMQE", i),
            "createdAt": ts(at),
            "reason": reason,
        }
        for i, (pr, at, reason) in enumerate(state.queue_removals)
        if pr == number
    ]
    shown = events[-last:] if last else events
    return {"nodes": shown, "totalCount": len(events)}


def merge_queue(state: SimState, branch: str | None) -> dict[str, Any] | None:
    """The default branch's `MergeQueue` (None: no queue, or another branch)."""
    if not state.protection.merge_queue or (branch is not None and branch != state.default_branch):
        return None
    eta = state.entry_eta_s(1) if state.queue_entries else None
    return {
        "__typename": "MergeQueue",
        "id": node_id("MQ", state.repo_id),
        "nextEntryEstimatedTimeToMerge": eta,
        "url": f"{WEB}/{state.full_name}/queue/{state.default_branch}",
    }


def repository_extras(state: SimState) -> dict[str, Any]:
    """The fields of a `Repository` that only general clients ask for (merge settings, labels, permission)."""

    def labels(info: Any, orderBy: Any = None, query: str | None = None, **kw: Any) -> dict[str, Any]:
        from lbconsole.sim.state.base import LABEL_COLORS

        for name in LABEL_COLORS:  # a new repository's default labels
            state.label(name)
        items = sorted(state.labels.values(), key=lambda lab: lab.id)
        if query:
            items = [lab for lab in items if query.casefold() in lab.name.casefold()]
        nodes = [label(lab) for lab in items]
        return list_connection(nodes, "labels", info=info, **kw)

    return {
        "description": "Flight software for the Acme launch vehicle",
        "hasIssuesEnabled": True,
        "isArchived": False,
        "isFork": False,
        "isPrivate": False,
        "labels": labels,
        "mergeCommitAllowed": True,
        "parent": None,
        "rebaseMergeAllowed": True,
        "squashMergeAllowed": True,
        "viewerDefaultMergeMethod": "MERGE",
        "viewerPermission": "ADMIN",
    }


def label(lab: Any) -> dict[str, Any]:
    """A `Label`."""
    return {
        "__typename": "Label",
        "id": node_id("LA", lab.id),
        "name": lab.name,
        "color": lab.color,
        "description": lab.description,
    }
