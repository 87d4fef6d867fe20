"""The simulator's in-memory repository: every fact the fake GitHub serves, and GitHub's dynamics.

`SimState` (in `repository`) is the one object the routes, the admin API
and the tests share; its records are in `model`, and its behaviour is split
by concern: `checks` (check runs and statuses), `conversation` (labels and
comments), `dynamics` (merging, branch updates, pushes). `core_pull` gives a
pull request as the core models it.
"""

from lbconsole.sim.state.core_view import core_pull
from lbconsole.sim.state.model import (
    CONFLICTING,
    DEFAULT_NOW,
    MERGEABLE,
    UNKNOWN,
    SimError,
    SimFile,
    SimPull,
    SimReview,
    fake_sha,
    wall_now,
)
from lbconsole.sim.state.repository import SimState

__all__ = [
    "CONFLICTING",
    "DEFAULT_NOW",
    "MERGEABLE",
    "UNKNOWN",
    "SimError",
    "SimFile",
    "SimPull",
    "SimReview",
    "SimState",
    "core_pull",
    "fake_sha",
    "wall_now",
]
