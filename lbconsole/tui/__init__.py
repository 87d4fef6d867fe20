"""The Textual console (`lbconsole`, `lbconsole demo`).

Import `run_console` from here; textual itself is only imported when it is
called, so headless commands stay fast. The console knows nothing of the
simulator: for the demo, the command line starts it and hands the console a
gateway factory aimed at it, and its clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lbconsole.core.ports import Gateway
    from lbconsole.core.settings import Settings
    from lbconsole.tui.widgets.cost_pane import CostSource


def run_console(
    *,
    settings: Settings,
    gateway_factory: Callable[[], Gateway],
    read_only: bool = False,
    demo: bool = False,
    config_path: Path | None = None,
    config_template: Path | None = None,
    state_dir: Path | None = None,
    warnings: Sequence[str] = (),
    mode: str = "auto",
    clock: Callable[[], datetime] | None = None,
    cost_source: CostSource | None = None,
    log_dir: Path | None = None,
) -> int:
    """Run the console until the operator quits.

    Args:
        settings: the settings in force (repo and api_url already resolved).
        gateway_factory: builds the repository's gateway; called once, in a worker thread.
        read_only: disable local runs and dispatch (`--read-only`).
        demo: the gateway talks to the embedded simulator (shown in the header).
        config_path: where ctrl+s in the Limits tab saves; None applies for the session only.
        config_template: what `config_path` starts as when its first save creates it.
        state_dir: audit log and run lock directory; None runs without them.
        warnings: shown once at start (e.g. config problems: "running on defaults").
        mode: the mode selected at start.
        clock: the console's "now" (ages, plans); default UTC now. The demo passes the simulator's.
        cost_source: reads the Actions history for the Cost tab (None: the tab says it has none).
        log_dir: every log line also goes to the log file here, tagged `console` (`lbconsole logs
            --source console`), as headless runs' lines do; None: the Logs tab only.

    Returns:
        The exit code: 0 after a clean quit.
    """
    from lbconsole.tui.app import LbConsoleApp
    from lbconsole.tui.heap import HeapKeeper

    app = LbConsoleApp(
        settings=settings,
        gateway_factory=gateway_factory,
        read_only=read_only,
        demo=demo,
        config_path=config_path,
        config_template=config_template,
        state_dir=state_dir,
        warnings=warnings,
        mode=mode,
        clock=clock,
        cost_source=cost_source,
        log_dir=log_dir,
        heap=HeapKeeper(),
    )
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
