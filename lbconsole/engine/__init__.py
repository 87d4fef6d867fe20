"""The engine: everything lbconsole does on a repository once a plan exists.

The core decides (pure: models, planner, plan); the engine acts, with the
I/O that needs: it runs a plan against a gateway (`run.run_plan`: the run
lock, the audit log and the SHA-guarded executor with one handler per
action kind), scans pull requests (`scanner` and its analysers), dispatches
and follows the orchestrator workflow on GitHub Actions (`dispatch`,
`follow`), and carries every line it says through one log bus to the
console, the terminal and the log file. It depends on the core's gateway
contract (`lbconsole.core.ports`), never on `lbconsole.github`, so the
simulator and test fakes stand in for GitHub.
"""
