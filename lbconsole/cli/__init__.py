"""The command line: `lbconsole` and its sub-commands (SPEC 3.1).

One module per command group: `read` (queue, plan), `run`, `remote`
(dispatch, runs), `workflow`, `config`, `auth`, `logs`, `console` (the
console, the demo, the simulator). `context` builds what a GitHub-bound
command needs for a real repository and `demo` the same against the
embedded simulator; `options` holds the global options and the checks
commands share; `parser` puts the command line together and `entry` runs it.

argparse stops in this package: every command is a function of plain
arguments that returns its exit code. Heavy modules (textual, githubkit, the
simulator) are imported inside the commands that need them, so
`lbconsole --version` starts fast.
"""

from lbconsole.cli.entry import main

__all__ = ["main"]
