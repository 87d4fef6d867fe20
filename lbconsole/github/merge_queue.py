"""GitHub's merge queue, which only GraphQL reaches: enqueue a PR pinned to its planned head.

`enqueuePullRequest` takes the PR's node id, so the PR is read first
(`PullId`, which also returns its head). A head that moved since the plan is
refused here, before the mutation, and by GitHub too (`expectedHeadOid`).
The mutation is never retried: a lost answer may mean the PR is queued.
"""

from __future__ import annotations

from typing import Any

from lbconsole.core.models import QueueEntry
from lbconsole.errors import GatewayError
from lbconsole.github.client import GitHubClient
from lbconsole.github.queries import ENQUEUE, PULL_ID
from lbconsole.github.translate import _Node, queue_entry_from_node


def enqueue(client: GitHubClient, owner: str, name: str, number: int, expected_head_sha: str) -> QueueEntry:
    """Add PR `number` to the base branch's merge queue at `expected_head_sha`.

    Returns:
        Its entry as GitHub answers it (position, state, estimate).

    Raises:
        GatewayError: GitHub refused (no merge queue, not mergeable, already
            queued...) with its message; status 409 when the head moved.
    """
    data = client.graphql(PULL_ID, {"owner": owner, "name": name, "number": number})
    where = f"pull request #{number}"
    pull = _pull_of(data, where)
    node_id, head = pull.text("id"), pull.text("headRefOid")
    if expected_head_sha and head != expected_head_sha:
        raise GatewayError(f"the head moved to {head[:7]}: not enqueued", status=409)
    answer = client.graphql(ENQUEUE, {"id": node_id, "head": expected_head_sha or head}, mutation=True)
    payload = answer.get("enqueuePullRequest")
    entry = queue_entry_from_node(_Node(payload, where).opt_node("mergeQueueEntry")) if payload else None
    if entry is None:
        raise GatewayError(f"GitHub's answer to enqueuePullRequest for #{number} has no merge queue entry")
    return entry


def _pull_of(data: dict[str, Any], where: str) -> _Node:
    repository = data.get("repository")
    pull = repository.get("pullRequest") if isinstance(repository, dict) else None
    if not isinstance(pull, dict):
        raise GatewayError(f"{where} was not found", status=404)
    return _Node(pull, where)
