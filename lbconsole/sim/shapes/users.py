"""Users as GitHub's REST API shapes them: a `simple-user`, and the authenticated `private-user`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lbconsole.sim.ids import WEB, node_id, ts, user_id

if TYPE_CHECKING:
    from lbconsole.sim.state import SimState

ASSOCIATIONS = {"mlindqvist": "OWNER", "priya-raman": "MEMBER", "tkowalczyk": "MEMBER"}
"""`author_association` of the demo's maintainers (everyone else is a CONTRIBUTOR, or NONE for bots)."""


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
