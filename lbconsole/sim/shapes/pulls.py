"""Pull requests and what hangs on them, as GitHub's REST API shapes them.

`pull-request` and `pull-request-simple`, `diff-entry`, `label`,
`issue-comment` and `pull-request-review`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lbconsole.sim.ids import WEB, node_id, ts
from lbconsole.sim.shapes.users import ASSOCIATIONS, user
from lbconsole.sim.state.model import SimComment, SimFile, SimLabel, SimPull, SimReview, blob_sha

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState


def label(state: SimState, api: str, item: SimLabel) -> dict[str, Any]:
    """A `label`."""
    return {
        "id": item.id,
        "node_id": node_id("LA", item.id),
        "url": f"{api}/repos/{state.full_name}/labels/{quote(item.name, safe='')}",
        "name": item.name,
        "description": item.description,
        "color": item.color,
        "default": item.name in ("bug", "documentation", "enhancement"),
        "archived_at": None,
        "archived_by": None,
    }


REST_MERGE_STATE = {
    "CLEAN": "clean",
    "BEHIND": "behind",
    "DIRTY": "dirty",
    "BLOCKED": "blocked",
    "UNSTABLE": "unstable",
    "HAS_HOOKS": "has_hooks",
    "UNKNOWN": "unknown",
    "DRAFT": "draft",
}


def pull(state: SimState, api: str, p: SimPull, *, repo: dict[str, Any], simple: bool = False) -> dict[str, Any]:
    """A `pull-request`, or the `pull-request-simple` of list responses.

    Args:
        state: the simulated repository.
        api: the simulator's base URL.
        p: the pull request.
        repo: `repository(state, api)`, the head's and the base's repository
            (it counts the open pulls: an answer with many pulls computes it once).
        simple: the list shape (no merge facts, no counts).

    Returns:
        The JSON object.
    """
    full = state.full_name
    url = f"{api}/repos/{full}/pulls/{p.number}"
    issue = f"{api}/repos/{full}/issues/{p.number}"
    html = f"{WEB}/{full}/pull/{p.number}"
    owner = user(api, state.owner, org=True)
    author = user(api, p.author)
    out: dict[str, Any] = {
        "url": url,
        "id": 2000000000 + p.number,
        "node_id": node_id("PR", p.number),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/repos/{full}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": f"{api}/repos/{full}/statuses/{p.head_sha}",
        "number": p.number,
        "state": p.state,
        "locked": False,
        "title": p.title,
        "user": author,
        "body": p.body or None,
        "labels": [label(state, api, state.label(n)) for n in p.labels],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": ts(p.created_at),
        "updated_at": ts(p.updated_at),
        "closed_at": ts(p.closed_at),
        "merged_at": ts(p.merged_at),
        "merge_commit_sha": p.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": {
            "label": f"{state.owner}:{p.head_ref}",
            "ref": p.head_ref,
            "sha": p.head_sha,
            "user": owner,
            "repo": repo,
        },
        "base": {
            "label": f"{state.owner}:{p.base_ref}",
            "ref": p.base_ref,
            "sha": state.base_sha,
            "user": owner,
            "repo": repo,
        },
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": issue},
            "comments": {"href": f"{issue}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{api}/repos/{full}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": f"{api}/repos/{full}/statuses/{p.head_sha}"},
        },
        "author_association": ASSOCIATIONS.get(p.author, "NONE" if p.author.endswith("[bot]") else "CONTRIBUTOR"),
        "auto_merge": None,
        "draft": p.draft,
    }
    if simple:
        return out
    comment_count = sum(1 for c in state.comments.values() if c.issue == p.number)
    if p.state != "open":
        mergeable: bool | None = None
        merge_state = "unknown"
    else:
        mergeable = {"MERGEABLE": True, "CONFLICTING": False}.get(p.mergeable)
        merge_state = REST_MERGE_STATE[state.merge_state(p)]
    out.update(
        {
            "merged": p.merged,
            "mergeable": mergeable,
            "rebaseable": mergeable,
            "mergeable_state": merge_state,
            "merged_by": user(api, p.merged_by) if p.merged_by else None,
            "comments": comment_count,
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": p.commits,
            "additions": p.additions,
            "deletions": p.deletions,
            "changed_files": len(p.files),
        }
    )
    return out


def diff_entry(state: SimState, api: str, p: SimPull, f: SimFile) -> dict[str, Any]:
    """A `diff-entry` of `GET .../pulls/{n}/files`."""
    content = f.head_content() or b""
    path = quote(f.filename)
    out: dict[str, Any] = {
        "sha": None if f.status == "removed" else blob_sha(content),
        "filename": f.filename,
        "status": f.status,
        "additions": f.additions,
        "deletions": f.deletions,
        "changes": f.additions + f.deletions,
        "blob_url": f"{WEB}/{state.full_name}/blob/{p.head_sha}/{path}",
        "raw_url": f"{WEB}/{state.full_name}/raw/{p.head_sha}/{path}",
        "contents_url": f"{api}/repos/{state.full_name}/contents/{path}?ref={p.head_sha}",
    }
    if f.patch is not None:
        out["patch"] = f.patch
    return out


def comment(state: SimState, api: str, c: SimComment) -> dict[str, Any]:
    """An `issue-comment`."""
    return {
        "id": c.id,
        "node_id": node_id("IC", c.id),
        "url": f"{api}/repos/{state.full_name}/issues/comments/{c.id}",
        "html_url": f"{WEB}/{state.full_name}/pull/{c.issue}#issuecomment-{c.id}",
        "body": c.body,
        "user": user(api, c.user),
        "created_at": ts(c.created_at),
        "updated_at": ts(c.updated_at),
        "issue_url": f"{api}/repos/{state.full_name}/issues/{c.issue}",
        "author_association": ASSOCIATIONS.get(c.user, "CONTRIBUTOR"),
        "performed_via_github_app": None,
    }


def review(state: SimState, api: str, p: SimPull, r: SimReview) -> dict[str, Any]:
    """A `pull-request-review`."""
    html = f"{WEB}/{state.full_name}/pull/{p.number}#pullrequestreview-{r.id}"
    pr_url = f"{api}/repos/{state.full_name}/pulls/{p.number}"
    return {
        "id": r.id,
        "node_id": node_id("PRR", r.id),
        "user": user(api, r.user),
        "body": r.body,
        "state": r.state,
        "html_url": html,
        "pull_request_url": pr_url,
        "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        "submitted_at": ts(r.submitted_at),
        "commit_id": r.commit_id,
        "author_association": ASSOCIATIONS.get(r.user, "MEMBER"),
    }
