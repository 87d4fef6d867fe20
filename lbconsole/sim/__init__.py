"""The simulator: a stateful fake GitHub (REST + GraphQL + Actions) on 127.0.0.1, with an admin API under /_sim/.

It exists to power the demo (`lbconsole demo`, `--demo`: the console on a
realistic repository, no token, no network), the tests (the real gateway
over a real socket) and the benchmarks. It is not part of the product's
runtime path, except for the demo: the product talks to GitHub.

The rooms: `server` runs it; `app` wires the Starlette app from `routes`
(GitHub's REST and GraphQL routes), `actions` (GitHub Actions, whose
runner executes the real engine), `policy` (auth, faults, rate limits,
ETags, counters) and `admin` (the `/_sim/` API); `state` is the repository
and its dynamics, `shapes` and `gql` GitHub's answers, `scenarios` the
repositories it can be reset to.
"""

from lbconsole.sim.server import SimHandle, run_cli, running_simulator, serve

__all__ = ["SimHandle", "run_cli", "running_simulator", "serve"]
