"""The simulator: a stateful fake GitHub (REST + GraphQL) on 127.0.0.1, with an admin API under /_sim/."""

from lbconsole.sim.server import SimHandle, run_cli, running_simulator, serve

__all__ = ["SimHandle", "run_cli", "running_simulator", "serve"]
