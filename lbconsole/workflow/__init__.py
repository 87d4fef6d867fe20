"""The orchestrator workflow file (SPEC 3.3): write it, and retire the bots it replaces.

`lbconsole workflow init` writes `.github/workflows/lambda-bot.yml`, the one
workflow that runs lbconsole on GitHub Actions, rendered from the template
shipped in this package (`render`). `--disable-redundant` moves the other
bot workflows the orchestrator replaces (`classify`) into
`.github/workflows/disabled/`, and `workflow restore` moves them back
(`moves`). The commands themselves live in `lbconsole.cli.workflow`.
"""

from lbconsole.workflow.classify import classify_workflow
from lbconsole.workflow.moves import DISABLED_DIRNAME, Moved, MoveReport, disable_redundant, restore_disabled
from lbconsole.workflow.render import GENERATED_MARKER, WORKFLOW_RELPATH, render_workflow

__all__ = [
    "DISABLED_DIRNAME",
    "GENERATED_MARKER",
    "WORKFLOW_RELPATH",
    "MoveReport",
    "Moved",
    "classify_workflow",
    "disable_redundant",
    "render_workflow",
    "restore_disabled",
]
