"""GitHub's REST response shapes, built from the simulator's state.

Each function returns exactly the JSON GitHub's REST API returns for that
object (every field githubkit's models require, with GitHub's names), so a
client cannot tell the simulator from api.github.com by the shape alone.
`api` is the simulator's base URL, used where GitHub puts API URLs.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from lbconsole.sim.ids import WEB, node_id, ts, user_id
from lbconsole.sim.state import SimState
from lbconsole.sim.state.model import (
    SimCheckRun,
    SimComment,
    SimFile,
    SimLabel,
    SimPull,
    SimReview,
    SimStatus,
    blob_sha,
)

__all__ = ["WEB", "node_id", "ts", "user_id"]  # re-exported: the routes name them through this module

ASSOCIATIONS = {"mlindqvist": "OWNER", "priya-raman": "MEMBER", "tkowalczyk": "MEMBER"}


def user(api: str, login: str, *, org: bool = False) -> dict[str, Any]:
    """A `simple-user`."""
    bot = login.endswith("[bot]")
    uid = user_id(login)
    path = quote(login)
    url = f"{api}/users/{path}"
    return {
        "login": login,
        "id": uid,
        "node_id": node_id("BOT" if bot else "U", uid),
        "avatar_url": f"https://avatars.githubusercontent.com/{'in/' if bot else 'u/'}{uid}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{WEB}/apps/{login.removesuffix('[bot]')}" if bot else f"{WEB}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Bot" if bot else ("Organization" if org else "User"),
        "user_view_type": "public",
        "site_admin": False,
    }


def private_user(state: SimState, api: str) -> dict[str, Any]:
    """`GET /user`: the authenticated `private-user`."""
    out = user(api, state.viewer)
    out.update(
        {
            "name": "The Octocat",
            "company": "@acme",
            "blog": "",
            "location": "Earth",
            "email": None,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": 8,
            "public_gists": 1,
            "followers": 20,
            "following": 0,
            "created_at": "2011-01-25T18:44:36Z",
            "updated_at": ts(state.clock.anchor),
            "private_gists": 0,
            "total_private_repos": 2,
            "owned_private_repos": 2,
            "disk_usage": 10000,
            "collaborators": 3,
            "two_factor_authentication": True,
        }
    )
    return out


def _repo_urls(api: str, full: str) -> dict[str, str]:
    url = f"{api}/repos/{full}"
    return {
        "url": url,
        "archive_url": f"{url}/{{archive_format}}{{/ref}}",
        "assignees_url": f"{url}/assignees{{/user}}",
        "blobs_url": f"{url}/git/blobs{{/sha}}",
        "branches_url": f"{url}/branches{{/branch}}",
        "collaborators_url": f"{url}/collaborators{{/collaborator}}",
        "comments_url": f"{url}/comments{{/number}}",
        "commits_url": f"{url}/commits{{/sha}}",
        "compare_url": f"{url}/compare/{{base}}...{{head}}",
        "contents_url": f"{url}/contents/{{+path}}",
        "contributors_url": f"{url}/contributors",
        "deployments_url": f"{url}/deployments",
        "downloads_url": f"{url}/downloads",
        "events_url": f"{url}/events",
        "forks_url": f"{url}/forks",
        "git_commits_url": f"{url}/git/commits{{/sha}}",
        "git_refs_url": f"{url}/git/refs{{/sha}}",
        "git_tags_url": f"{url}/git/tags{{/sha}}",
        "git_url": f"git://github.com/{full}.git",
        "issue_comment_url": f"{url}/issues/comments{{/number}}",
        "issue_events_url": f"{url}/issues/events{{/number}}",
        "issues_url": f"{url}/issues{{/number}}",
        "keys_url": f"{url}/keys{{/key_id}}",
        "labels_url": f"{url}/labels{{/name}}",
        "languages_url": f"{url}/languages",
        "merges_url": f"{url}/merges",
        "milestones_url": f"{url}/milestones{{/number}}",
        "notifications_url": f"{url}/notifications{{?since,all,participating}}",
        "pulls_url": f"{url}/pulls{{/number}}",
        "releases_url": f"{url}/releases{{/id}}",
        "ssh_url": f"git@github.com:{full}.git",
        "stargazers_url": f"{url}/stargazers",
        "statuses_url": f"{url}/statuses/{{sha}}",
        "subscribers_url": f"{url}/subscribers",
        "subscription_url": f"{url}/subscription",
        "tags_url": f"{url}/tags",
        "teams_url": f"{url}/teams",
        "trees_url": f"{url}/git/trees{{/sha}}",
        "clone_url": f"{WEB}/{full}.git",
        "hooks_url": f"{url}/hooks",
        "svn_url": f"{WEB}/{full}",
    }


def repository(state: SimState, api: str, *, full: bool = False) -> dict[str, Any]:
    """A `repository` (inside pulls), or a `full-repository` (`GET /repos/{o}/{r}`)."""
    open_count = sum(1 for p in state.pulls.values() if p.state == "open")
    out: dict[str, Any] = {
        "id": state.repo_id,
        "node_id": node_id("R", state.repo_id),
        "name": state.name,
        "full_name": state.full_name,
        "owner": user(api, state.owner, org=True),
        "private": False,
        "html_url": f"{WEB}/{state.full_name}",
        "description": "Flight software for the Acme launch vehicle",
        "fork": False,
        **_repo_urls(api, state.full_name),
        "mirror_url": None,
        "homepage": "https://rocket.acme.dev",
        "language": "Python",
        "forks_count": 42,
        "stargazers_count": 1337,
        "watchers_count": 1337,
        "size": 20480,
        "default_branch": state.default_branch,
        "open_issues_count": open_count,
        "is_template": False,
        "topics": ["aerospace", "flight-software"],
        "has_issues": True,
        "has_projects": True,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "visibility": "public",
        "pushed_at": ts(state.pushed_at),
        "created_at": "2019-04-01T09:00:00Z",
        "updated_at": ts(state.pushed_at),
        "allow_rebase_merge": True,
        "allow_squash_merge": True,
        "allow_merge_commit": True,
        "allow_auto_merge": False,
        "delete_branch_on_merge": True,
        "allow_update_branch": True,
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "license": {
            "key": "mit",
            "name": "MIT License",
            "spdx_id": "MIT",
            "url": f"{api}/licenses/mit",
            "node_id": "MDc6TGljZW5zZTEz",
        },
        "forks": 42,
        "open_issues": open_count,
        "watchers": 1337,
    }
    if full:
        out.update(
            {
                "subscribers_count": 27,
                "network_count": 42,
                "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
            }
        )
    return out


def minimal_repository(state: SimState, api: str) -> dict[str, Any]:
    """A `minimal-repository` (combined status)."""
    return {
        "id": state.repo_id,
        "node_id": node_id("R", state.repo_id),
        "name": state.name,
        "full_name": state.full_name,
        "owner": user(api, state.owner, org=True),
        "private": False,
        "html_url": f"{WEB}/{state.full_name}",
        "description": "Flight software for the Acme launch vehicle",
        "fork": False,
        **_repo_urls(api, state.full_name),
    }


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


def pull(
    state: SimState, api: str, p: SimPull, *, simple: bool = False, repo: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A `pull-request`, or the `pull-request-simple` of list responses.

    Args:
        state: the simulated repository.
        api: the simulator's base URL.
        p: the pull request.
        simple: the list shape (no merge facts, no counts).
        repo: `repository(state, api)`, when the caller shapes many pulls in
            one answer (it counts the open pulls: compute it once, not per pull).
    """
    full = state.full_name
    url = f"{api}/repos/{full}/pulls/{p.number}"
    issue = f"{api}/repos/{full}/issues/{p.number}"
    html = f"{WEB}/{full}/pull/{p.number}"
    if repo is None:
        repo = repository(state, api)
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


def content_file(state: SimState, api: str, path: str, ref: str, content: bytes) -> dict[str, Any]:
    """A `content-file` (base64, wrapped at 60 columns like GitHub)."""
    encoded = base64.b64encode(content).decode()
    wrapped = "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n"
    sha = blob_sha(content)
    url = f"{api}/repos/{state.full_name}/contents/{quote(path)}?ref={quote(ref, safe='')}"
    git = f"{api}/repos/{state.full_name}/git/blobs/{sha}"
    html = f"{WEB}/{state.full_name}/blob/{ref}/{quote(path)}"
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(content),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": wrapped,
        "sha": sha,
        "url": url,
        "git_url": git,
        "html_url": html,
        "download_url": f"https://raw.githubusercontent.com/{state.full_name}/{ref}/{quote(path)}",
        "_links": {"self": url, "git": git, "html": html},
    }


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


def status(state: SimState, api: str, s: SimStatus) -> dict[str, Any]:
    """A `status` (the answer to `POST .../statuses/{sha}`)."""
    return {
        "url": f"{api}/repos/{state.full_name}/statuses/{s.sha}",
        "avatar_url": "https://avatars.githubusercontent.com/u/9919?v=4",
        "id": s.id,
        "node_id": node_id("SC", s.id),
        "state": s.state,
        "description": s.description,
        "target_url": s.target_url,
        "context": s.context,
        "created_at": ts(s.created_at),
        "updated_at": ts(s.updated_at),
        "creator": user(api, s.creator),
    }


def combined_status(state: SimState, api: str, sha: str) -> dict[str, Any]:
    """A `combined-commit-status` (`GET .../commits/{ref}/status`)."""
    statuses = state.statuses_for(sha)
    items = []
    for s in statuses:
        one = status(state, api, s)
        one.pop("creator")
        items.append(one)
    return {
        "state": state.combined_status(sha),
        "statuses": items,
        "sha": sha,
        "total_count": len(items),
        "repository": minimal_repository(state, api),
        "commit_url": f"{api}/repos/{state.full_name}/commits/{sha}",
        "url": f"{api}/repos/{state.full_name}/commits/{sha}/status",
    }


ACTIONS_APP = {
    "id": 15368,
    "slug": "github-actions",
    "node_id": "MDM6QXBwMTUzNjg=",
    "name": "GitHub Actions",
    "description": "Automate your workflow from idea to production",
    "external_url": "https://help.github.com/en/actions",
    "html_url": "https://github.com/apps/github-actions",
    "created_at": "2018-07-30T09:30:17Z",
    "updated_at": "2019-12-10T19:04:12Z",
    "permissions": {
        "actions": "write",
        "checks": "write",
        "contents": "write",
        "metadata": "read",
        "pull_requests": "write",
        "statuses": "write",
    },
    "events": ["check_run", "check_suite", "pull_request", "push", "workflow_dispatch"],
}


def check_run(state: SimState, api: str, run: SimCheckRun, p: SimPull | None) -> dict[str, Any]:
    """A `check-run`."""
    url = f"{api}/repos/{state.full_name}/check-runs/{run.id}"
    html = f"{WEB}/{state.full_name}/actions/runs/{run.id // 10}/job/{run.id}"
    app = dict(ACTIONS_APP, owner=user(api, "github", org=True))
    prs = []
    if p is not None:
        repo = {"id": state.repo_id, "url": f"{api}/repos/{state.full_name}", "name": state.name}
        prs.append(
            {
                "id": 2000000000 + p.number,
                "number": p.number,
                "url": f"{api}/repos/{state.full_name}/pulls/{p.number}",
                "head": {"ref": p.head_ref, "sha": p.head_sha, "repo": repo},
                "base": {"ref": p.base_ref, "sha": state.base_sha, "repo": repo},
            }
        )
    title = None if run.conclusion is None else f"{run.name}: {run.conclusion}"
    return {
        "id": run.id,
        "head_sha": run.head_sha,
        "node_id": node_id("CR", run.id),
        "external_id": str(run.id),
        "url": url,
        "html_url": html,
        "details_url": html,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": ts(run.started_at),
        "completed_at": ts(run.completed_at),
        "output": {
            "title": title,
            "summary": title,
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{url}/annotations",
        },
        "name": run.name,
        "check_suite": {"id": 9000000 + run.id // 10},
        "app": app,
        "pull_requests": prs,
    }
