"""How the simulator names things the way GitHub does.

Node ids, numeric user ids, web URLs and timestamps appear in every REST
answer, in every GraphQL answer and in the Actions answers; they are made
here once so the three agree (a PR's `node_id` over REST is its `id` over
GraphQL).
"""

from __future__ import annotations

import base64
import zlib
from datetime import datetime

from lbconsole.core.times import iso_z

WEB = "https://github.com"
"""Where GitHub puts HTML URLs."""

BOT_IDS = {"dependabot[bot]": 49699333, "renovate[bot]": 29139614, "github-actions[bot]": 41898282}
"""The real user ids of the bots the demo has."""


def ts(value: datetime | None) -> str | None:
    """GitHub's timestamp format (`core.times.iso_z`); None stays None."""
    return None if value is None else iso_z(value)


def user_id(login: str) -> int:
    """A stable numeric id for a login."""
    return BOT_IDS.get(login) or 1000000 + zlib.crc32(login.encode()) % 90000000


def node_id(prefix: str, number: int) -> str:
    """A GitHub-looking global node id."""
    return prefix + "_" + base64.b64encode(f"0:{number}".encode()).decode().rstrip("=")
