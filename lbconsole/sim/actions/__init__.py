"""The simulator's GitHub Actions: workflows, dispatch, runs, jobs, steps and job logs.

`model` holds the records (and the job log's format), `state` the Actions
side of one repository and the worker that runs dispatched runs, `routes`
GitHub's Actions REST routes, `shapes` their JSON, `admin` the
`/_sim/actions/` admin API, and `runner` the orchestrator job a dispatched
run executes: the real planner and engine, over HTTP to the simulator.
"""

from lbconsole.sim.actions.model import JobContext, JobFactory, JobLog
from lbconsole.sim.actions.routes import actions_routes
from lbconsole.sim.actions.state import ActionsState

__all__ = [
    "ActionsState",
    "JobContext",
    "JobFactory",
    "JobLog",
    "actions_routes",
]
