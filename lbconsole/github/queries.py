"""The GraphQL documents lbconsole sends to GitHub.

They live in one module so that a test can validate every one of them
against GitHub's public schema, and so that the simulator serves exactly
the fields they ask for.
"""

from __future__ import annotations

from lbconsole.core.orchestrator import SCAN_CONTEXT

PAGE_SIZE = 100
"""Pull requests per GraphQL request (GitHub's maximum page size)."""

OPEN_PULLS = """
query OpenPulls($owner: String!, $name: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name branchProtectionRule { requiresStrictStatusChecks requiredStatusCheckContexts } }
    mergeQueue { id }
    pullRequests(states: [OPEN], first: $first, after: $after, orderBy: {field: CREATED_AT, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        body
        url
        author { __typename login }
        labels(first: 50) { nodes { name } }
        isDraft
        headRefName
        headRefOid
        baseRefName
        createdAt
        updatedAt
        additions
        deletions
        files(first: 100) { totalCount nodes { path } }
        mergeable
        mergeStateStatus
        mergeQueueEntry { position state estimatedTimeToMerge }
        timelineItems(itemTypes: [REMOVED_FROM_MERGE_QUEUE_EVENT], last: 1) {
          nodes { __typename ... on RemovedFromMergeQueueEvent { createdAt reason } }
        }
        reviewDecision
        commits(last: 1) {
          nodes {
            commit {
              oid
              status { context(name: "SCAN_CONTEXT") { state } }
              statusCheckRollup {
                state
                contexts(first: 100) {
                  nodes {
                    __typename
                    ... on CheckRun { name status conclusion }
                    ... on StatusContext { context state }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
""".replace("SCAN_CONTEXT", SCAN_CONTEXT)
"""One page of open pull requests with every fact the planner needs."""

PULL_ID = """
query PullId($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) { id headRefOid } }
}
"""
"""A PR's node id, which GraphQL mutations take."""

ENQUEUE = """
mutation Enqueue($id: ID!, $head: GitObjectID!) {
  enqueuePullRequest(input: {pullRequestId: $id, expectedHeadOid: $head}) {
    mergeQueueEntry { position state estimatedTimeToMerge }
  }
}
"""
"""Add a PR to the base branch's merge queue, pinned to the head SHA the plan saw."""

ALL_DOCUMENTS: dict[str, str] = {"OpenPulls": OPEN_PULLS, "PullId": PULL_ID, "Enqueue": ENQUEUE}
"""Every document the gateway can send, by operation name (validated in tests)."""
