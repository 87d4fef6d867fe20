"""Scenarios: the repositories the simulator can be reset to.

`builders` turns a scenario's name into a `SimState` (`build`); `demo` is
the demo repository's hand-written data, `specs` what a scenario's pull
request is made of. `DEMO_REPO` is the demo repository's name, the one copy
the rest of lbconsole reads.
"""

from lbconsole.sim.scenarios.builders import build, build_demo, build_scale
from lbconsole.sim.scenarios.demo import DEMO_REPO

__all__ = ["DEMO_REPO", "build", "build_demo", "build_scale"]
