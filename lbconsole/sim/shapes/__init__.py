"""GitHub's REST response shapes, built from the simulator's state.

Each function returns exactly the JSON GitHub's REST API returns for that
object (every field githubkit's models require, with GitHub's names), so a
client cannot tell the simulator from api.github.com by the shape alone.
`api` is the simulator's base URL, used where GitHub puts API URLs.

The routes call the shapes through this package (``shapes.pull(...)``), one
module per kind of object: `users`, `repos`, `pulls`, `checks`. The Actions
shapes live with the Actions (`lbconsole.sim.actions.shapes`).
"""

from lbconsole.sim.ids import WEB, node_id, ts, user_id
from lbconsole.sim.shapes.checks import check_run, combined_status, status
from lbconsole.sim.shapes.diffs import mail_patch, unified_diff
from lbconsole.sim.shapes.pulls import comment, diff_entry, label, pull, review
from lbconsole.sim.shapes.repos import content_file, minimal_repository, repository
from lbconsole.sim.shapes.users import private_user, user

__all__ = [
    "WEB",
    "check_run",
    "combined_status",
    "comment",
    "content_file",
    "diff_entry",
    "label",
    "mail_patch",
    "minimal_repository",
    "node_id",
    "private_user",
    "pull",
    "repository",
    "review",
    "status",
    "ts",
    "unified_diff",
    "user",
    "user_id",
]
