"""The Textual console (`lbconsole`, `lbconsole demo`).

Import `run_console` / `run_demo` from here; textual itself is only
imported when one of them is called, so headless commands stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lbconsole.core.ports import Gateway
    from lbconsole.core.settings import Settings


def run_console(
    *,
    settings: Settings,
    gateway_factory: Callable[[], Gateway],
    read_only: bool = False,
    demo: bool = False,
    config_path: Path | None = None,
    state_dir: Path | None = None,
    warnings: Sequence[str] = (),
    mode: str = "auto",
    clock: Callable[[], datetime] | None = None,
) -> int:
    """Run the console until the operator quits.

    Args:
        settings: the settings in force (repo and api_url already resolved).
        gateway_factory: builds the repository's gateway; called once, in a worker thread.
        read_only: disable local runs and dispatch (`--read-only`).
        demo: the gateway talks to the embedded simulator (shown in the header).
        config_path: where ctrl+s in the Limits tab saves; None applies for the session only.
        state_dir: audit log and run lock directory; None runs without them.
        warnings: shown once at start (e.g. config problems: "running on defaults").
        mode: the mode selected at start.
        clock: the console's "now" (ages, plans); default UTC now. The demo passes the simulator's.

    Returns:
        The exit code: 0 after a clean quit.
    """
    from lbconsole.tui.app import LbConsoleApp

    app = LbConsoleApp(
        settings=settings,
        gateway_factory=gateway_factory,
        read_only=read_only,
        demo=demo,
        config_path=config_path,
        state_dir=state_dir,
        warnings=warnings,
        mode=mode,
        clock=clock,
    )
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)


DEMO_REPO = "acme/rocket"


def run_demo(
    *,
    settings: Settings | None = None,
    seed: int = 0,
    read_only: bool = False,
    config_path: Path | None = None,
    state_dir: Path | None = None,
    warnings: Sequence[str] = (),
) -> int:
    """`lbconsole demo`: start the embedded simulator (scenario `demo`) and open the console on it.

    No token, no network: the gateway talks to the simulator on 127.0.0.1,
    writes are not paced, and the console's clock is the simulator's.

    Args:
        settings: the user's settings (limits, policy, theme, keymap); github.* is overridden.
        seed: the simulator's seed.
        read_only: disable local runs and dispatch.
        config_path: where the Limits tab saves (None: session only).
        state_dir: audit log and run lock directory (None: none).
        warnings: shown once at start.

    Returns:
        The exit code (0 after a clean quit).
    """
    from dataclasses import replace

    from lbconsole.core.settings import Settings as _Settings
    from lbconsole.github.gateway import GitHubGateway
    from lbconsole.sim.server import running_simulator

    base = settings or _Settings()
    with running_simulator(scenario="demo", seed=seed) as sim:
        github = replace(base.github, repo=DEMO_REPO, api_url=sim.url, write_interval_s=0.0)
        demo_settings = replace(base, github=github)
        return run_console(
            settings=demo_settings,
            gateway_factory=lambda: GitHubGateway(DEMO_REPO, settings=github),
            read_only=read_only,
            demo=True,
            config_path=config_path,
            state_dir=state_dir,
            warnings=warnings,
            clock=lambda: sim.state.clock.now(),
        )
