"""The repository as GitHub's REST API shapes it.

`repository` (inside pulls), `full-repository`, `minimal-repository`, and a
`content-file` of the contents API.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lbconsole.sim.ids import WEB, node_id, ts
from lbconsole.sim.shapes.users import user
from lbconsole.sim.state.model import blob_sha

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState


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
