"""Every GitHub route lbconsole calls, and the job-token permission each one needs.

The orchestrator workflow's `permissions:` block is derived from this table
(`job_permissions`), not written by hand: a route the engine starts calling
must be added here, and the workflow then asks for what it needs. The
simulator enforces the same table on a job's token (GitHub's 403 "Resource
not accessible by integration"), and a test runs every mode against it and
fails on a route the table does not list.

Routes are written as the simulator counts them (`METHOD /template`, the
path of GitHub's REST docs with `{owner}/{repo}`). `job` says whether the
orchestrator job calls the route; the others are called from a user's
machine (`lbconsole dispatch`, the console's Runs tab) with the user's token.
Levels follow GitHub's permissions for the `GITHUB_TOKEN`
(https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens).
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("none", "read", "write")
"""A permission's levels, weakest first."""

REPO = "/repos/{owner}/{repo}"


@dataclass(frozen=True, slots=True)
class RouteNeed:
    """One route and the permissions a token needs to call it."""

    route: str
    """`METHOD /template`, e.g. `PUT /repos/{owner}/{repo}/pulls/{number}/merge`."""
    needs: tuple[tuple[str, str], ...]
    """(permission, level) pairs; empty: any token of the repository (metadata)."""
    why: str
    """What lbconsole calls it for."""
    job: bool = True
    """Called by the orchestrator job (False: only from a user's machine)."""


ROUTES: tuple[RouteNeed, ...] = (
    RouteNeed(
        "POST /graphql",
        (("pull-requests", "read"), ("contents", "read"), ("checks", "read"), ("statuses", "read")),
        "the queue: open PRs with labels, files, mergeability and the checks rollup; enqueuePullRequest "
        "(merge strategy queue) needs contents and pull-requests write, granted for merges and updates",
    ),
    RouteNeed(f"GET {REPO}", (), "the default branch"),
    RouteNeed(f"GET {REPO}/pulls", (("pull-requests", "read"),), "has the queue changed (ETag)"),
    RouteNeed(f"GET {REPO}/pulls/{{number}}", (("pull-requests", "read"),), "one PR afresh before acting on it"),
    RouteNeed(f"GET {REPO}/pulls/{{number}}/files", (("pull-requests", "read"),), "the scanner reads the diff"),
    RouteNeed(f"GET {REPO}/contents/{{path}}", (("contents", "read"),), "the scanner reads changed files"),
    RouteNeed(f"PUT {REPO}/pulls/{{number}}/merge", (("contents", "write"),), "merge a PR"),
    RouteNeed(f"PUT {REPO}/pulls/{{number}}/update-branch", (("pull-requests", "write"),), "update a PR's branch"),
    RouteNeed(f"GET {REPO}/issues/{{number}}/comments", (("issues", "read"),), "find lbconsole's own comment"),
    RouteNeed(f"POST {REPO}/issues/{{number}}/comments", (("issues", "write"),), "comment on a PR"),
    RouteNeed(f"PATCH {REPO}/issues/comments/{{comment_id}}", (("issues", "write"),), "update that comment"),
    RouteNeed(f"POST {REPO}/issues/{{number}}/labels", (("issues", "write"),), "label a PR"),
    RouteNeed(
        f"GET {REPO}/commits/{{ref}}/status",
        (("statuses", "read"),),
        "the security gate: the scan status of the head about to be merged",
    ),
    RouteNeed(
        f"GET {REPO}/commits/{{ref}}/check-runs",
        (("checks", "read"),),
        "the merge train: the required checks on an updated head",
    ),
    RouteNeed(f"POST {REPO}/statuses/{{sha}}", (("statuses", "write"),), "post the security-scan commit status"),
    RouteNeed("GET /rate_limit", (), "the rate-limit budget (costs nothing)"),
    RouteNeed(f"GET {REPO}/actions/workflows", (("actions", "read"),), "find the orchestrator", job=False),
    RouteNeed(f"GET {REPO}/actions/workflows/{{workflow_id}}", (("actions", "read"),), "the workflow", job=False),
    RouteNeed(
        f"POST {REPO}/actions/workflows/{{workflow_id}}/dispatches",
        (("actions", "write"),),
        "`lbconsole dispatch`",
        job=False,
    ),
    RouteNeed(f"GET {REPO}/actions/workflows/{{workflow_id}}/runs", (("actions", "read"),), "find a run", job=False),
    RouteNeed(f"GET {REPO}/actions/runs", (("actions", "read"),), "the Runs tab", job=False),
    RouteNeed(f"GET {REPO}/actions/runs/{{run_id}}", (("actions", "read"),), "follow a run", job=False),
    RouteNeed(f"GET {REPO}/actions/runs/{{run_id}}/jobs", (("actions", "read"),), "a run's jobs", job=False),
    RouteNeed(f"GET {REPO}/actions/jobs/{{job_id}}/logs", (("actions", "read"),), "a job's log", job=False),
    RouteNeed("GET /user", (("account", "read"),), "`auth status`: who the token is (no job token may ask)", job=False),
)
"""Every route lbconsole calls."""

BY_ROUTE: dict[str, RouteNeed] = {need.route: need for need in ROUTES}


def stronger(a: str, b: str) -> str:
    """The stronger of two levels."""
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


def job_permissions() -> dict[str, str]:
    """The orchestrator job's `permissions:`: for each permission, the strongest level a job route needs.

    Returns:
        permission -> level, sorted by permission name.
    """
    found: dict[str, str] = {}
    for need in ROUTES:
        if not need.job:
            continue
        for permission, level in need.needs:
            found[permission] = stronger(found.get(permission, "none"), level)
    return dict(sorted(found.items()))


def reasons(permission: str) -> list[str]:
    """What the job needs `permission` at its level for (the YAML comment beside it)."""
    level = job_permissions()[permission]
    return [need.why for need in ROUTES if need.job and (permission, level) in need.needs]


def allows(granted: dict[str, str], need: RouteNeed) -> bool:
    """Whether a token with `granted` permissions may call the route."""
    return all(LEVELS.index(granted.get(p, "none")) >= LEVELS.index(level) for p, level in need.needs)
