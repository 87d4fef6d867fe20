"""The demo: every command against the embedded simulator's demo repository, no token, no network.

The simulator serves scenario `demo` on a free loopback port for the length
of the command; the settings point github.* at it and writes are not paced.
Headless commands share one demo repository: each starts from the state the
previous one saved (`sim.snapshot`), so `--demo dispatch` then `--demo runs`
shows the run; `--demo-reset` and `lbconsole sim reset` start it over.
The console is given the simulator's URL and clock from here, so it never
imports the simulator itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lbconsole.cli.context import Context, make_gateway
from lbconsole.sim.scenarios import DEMO_REPO

if TYPE_CHECKING:
    from lbconsole.core.settings import Settings

DEMO_SCENARIO = "demo"


def demo_settings(settings: Settings, api_url: str) -> Settings:
    """The user's settings (limits, policy, theme, keymap) aimed at the demo repository served at `api_url`."""
    github = replace(settings.github, repo=DEMO_REPO, api_url=api_url, write_interval_s=0.0)
    return replace(settings, github=github)


@contextmanager
def demo_context(
    settings: Settings,
    *,
    seed: int = 0,
    history: bool = False,
    fresh: bool = False,
    state_dir: Path | None = None,
) -> Iterator[Context]:
    """The context of a headless command run with `--demo`, on the demo repository the last one left.

    Args:
        settings: the user's settings; github.* is overridden.
        seed: the simulator's seed.
        history: give the demo repository its weeks of Actions runs (`lbconsole --demo cost`).
        fresh: start again from the scenario (`--demo-reset`).
        state_dir: where the demo's repository is saved (default: the demo state directory).
    """
    from lbconsole.config.paths import demo_state_dir
    from lbconsole.sim.server import running_simulator
    from lbconsole.sim.snapshot import finish_runs, saved_state

    directory = state_dir or demo_state_dir()
    with saved_state(directory, DEMO_SCENARIO, seed, history=history, fresh=fresh) as state:
        with running_simulator(state=state) as sim:
            try:
                settings = demo_settings(settings, sim.url)
                gateway = make_gateway(settings, DEMO_REPO, token=None)
                yield Context(settings, DEMO_REPO, gateway, demo=True, clock=sim.state.clock.now)
            finally:
                finish_runs(state)


def run_demo_console(
    settings: Settings,
    *,
    seed: int = 0,
    read_only: bool = False,
    config_path: Path | None = None,
    config_template: Path | None = None,
    state_dir: Path | None = None,
    warnings: Sequence[str] = (),
    log_dir: Path | None = None,
) -> int:
    """Start the simulator and open the console on its demo repository until the operator quits.

    The console's clock is the simulator's; its gateway is built when the
    console asks for it, without the headless commands' stderr countdown.

    Args:
        settings: the user's settings; github.* is overridden.
        seed: the simulator's seed.
        read_only: disable local runs and dispatch.
        config_path: where the Limits tab saves (None: session only).
        config_template: what `config_path` starts as when the first save creates it.
        state_dir: audit log and run lock directory (None: none).
        warnings: shown once at start.
        log_dir: where the console's log lines go too (None: the Logs tab only).

    Returns:
        The exit code (0 after a clean quit).
    """
    from lbconsole.cli.cost import console_source
    from lbconsole.github.gateway import GitHubGateway
    from lbconsole.sim.server import running_simulator
    from lbconsole.tui import run_console

    with running_simulator(scenario=DEMO_SCENARIO, seed=seed, history=True, real_clock=True) as sim:
        demo = demo_settings(settings, sim.url)
        return run_console(
            settings=demo,
            gateway_factory=lambda: GitHubGateway(DEMO_REPO, settings=demo.github),
            read_only=read_only,
            demo=True,
            config_path=config_path,
            config_template=config_template,
            state_dir=state_dir,
            warnings=warnings,
            clock=lambda: sim.state.clock.now(),
            cost_source=console_source(None),
            log_dir=log_dir,
        )
