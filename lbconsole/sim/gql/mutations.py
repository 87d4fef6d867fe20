"""GitHub's GraphQL mutations that clients use on pull requests, over the simulator's state.

`mergePullRequest` and `updatePullRequestBranch` honour `expectedHeadOid`
like the REST `sha`/`expected_head_sha`; `addComment`,
`addLabelsToLabelable` and `removeLabelsFromLabelable` take node ids;
`enqueuePullRequest` adds the PR to the default branch's merge queue
(`lbconsole.sim.state.merge_queue`), or answers as a repository without
one does. A
refusal of the state (`SimError`) becomes a GraphQL error with GitHub's
message, and the mutation's field is null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lbconsole.sim.gql.errors import NotFound, TypedError
from lbconsole.sim.gql.objects import comment, decode_node_id, queue_entry
from lbconsole.sim.state.model import SimError

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState
    from lbconsole.sim.state.model import SimPull

MERGE_METHODS = {"MERGE": "merge", "SQUASH": "squash", "REBASE": "rebase"}


class Unprocessable(TypedError):
    """GitHub's UNPROCESSABLE error (a mutation the state refuses)."""


def _pull_number(state: SimState, node: str) -> int:
    decoded = decode_node_id(node)
    if decoded is None or decoded[0] != "PR" or decoded[1] not in state.pulls:
        raise NotFound(f"Could not resolve to a node with the global id of '{node}'")
    return decoded[1]


def _label_names(state: SimState, ids: list[str]) -> list[str]:
    by_id = {lab.id: lab.name for lab in state.labels.values()}
    names = []
    for node in ids:
        decoded = decode_node_id(node)
        if decoded is None or decoded[0] != "LA" or decoded[1] not in by_id:
            raise NotFound(f"Could not resolve to a node with the global id of '{node}'")
        names.append(by_id[decoded[1]])
    return names


def mutations(state: SimState, *, pull: Callable[[SimPull], dict[str, Any]]) -> dict[str, Any]:
    """The `Mutation` fields of one request (the root value serves both operation types)."""

    def refused(exc: SimError) -> Unprocessable:
        return Unprocessable(exc.message)

    def merge_pull_request(info: Any, **args: Any) -> dict[str, Any]:
        data = args["input"]
        number = _pull_number(state, data["pullRequestId"])
        method = MERGE_METHODS[data.get("mergeMethod") or "MERGE"]
        try:
            state.merge(number, sha=data.get("expectedHeadOid"), method=method)
        except SimError as exc:
            raise refused(exc) from None
        return {"clientMutationId": data.get("clientMutationId"), "pullRequest": pull(state.pull(number))}

    def update_pull_request_branch(info: Any, **args: Any) -> dict[str, Any]:
        data = args["input"]
        number = _pull_number(state, data["pullRequestId"])
        try:
            state.update_branch(number, data.get("expectedHeadOid"))
        except SimError as exc:
            raise refused(exc) from None
        return {"clientMutationId": data.get("clientMutationId"), "pullRequest": pull(state.pull(number))}

    def enqueue_pull_request(info: Any, **args: Any) -> dict[str, Any]:
        data = args["input"]
        number = _pull_number(state, data["pullRequestId"])
        try:
            state.enqueue(number, data.get("expectedHeadOid"), jump=bool(data.get("jump")))
        except SimError as exc:
            raise refused(exc) from None
        return {"clientMutationId": data.get("clientMutationId"), "mergeQueueEntry": queue_entry(state, number)}

    def add_comment(info: Any, **args: Any) -> dict[str, Any]:
        data = args["input"]
        number = _pull_number(state, data["subjectId"])
        try:
            c = state.add_comment(number, data["body"])
        except SimError as exc:
            raise refused(exc) from None
        return {"clientMutationId": data.get("clientMutationId"), "commentEdge": {"node": comment(state, c)}}

    def add_labels(info: Any, **args: Any) -> dict[str, Any]:
        data = args["input"]
        number = _pull_number(state, data["labelableId"])
        try:
            state.add_labels(number, _label_names(state, data["labelIds"]))
        except SimError as exc:
            raise refused(exc) from None
        return {"clientMutationId": data.get("clientMutationId")}

    def remove_labels(info: Any, **args: Any) -> dict[str, Any]:
        data = args["input"]
        number = _pull_number(state, data["labelableId"])
        for name in _label_names(state, data["labelIds"]):
            try:
                state.remove_label(number, name)
            except SimError:
                pass  # removing a label the PR does not have is not an error here
        return {"clientMutationId": data.get("clientMutationId")}

    return {
        "addComment": add_comment,
        "addLabelsToLabelable": add_labels,
        "enqueuePullRequest": enqueue_pull_request,
        "mergePullRequest": merge_pull_request,
        "removeLabelsFromLabelable": remove_labels,
        "updatePullRequestBranch": update_pull_request_branch,
    }
