"""`lbconsole` (the console), `lbconsole demo` and `lbconsole sim`: the interactive side of the command line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lbconsole.cli.context import Connect, connector, load_settings
from lbconsole.cli.options import GlobalOptions

if TYPE_CHECKING:
    from lbconsole.cli.options import Subcommands


def console(connect: Connect, *, read_only: bool = False, config: Path | None = None) -> int:
    """`lbconsole`: the console on the configured (or git-remote-detected) repository.

    Args:
        connect: opens the repository's context.
        read_only: disable local runs and dispatch.
        config: `--config`; the Limits tab saves there (default: the user config).

    Returns:
        The exit code (0 after a clean quit).
    """
    from lbconsole.cli.cost import console_source, user_cache
    from lbconsole.config import paths
    from lbconsole.tui import run_console

    warnings: list[str] = []
    with connect(warnings=warnings) as ctx:
        if ctx.token is None:
            from lbconsole.auth import no_token_message

            warnings.append(no_token_message(ctx.settings.github.api_url) + " (reading public data only)")
        return run_console(
            settings=ctx.settings,
            gateway_factory=lambda: ctx.gateway,
            read_only=read_only,
            demo=False,
            config_path=paths.config_file(os.environ, explicit=config),
            state_dir=paths.state_dir(os.environ),
            log_dir=paths.log_dir(os.environ),
            warnings=warnings,
            cost_source=console_source(user_cache(ctx.settings.github.api_url, ctx.repo)),
        )


def demo(*, config: Path | None = None, seed: int = 0, read_only: bool = False) -> int:
    """`lbconsole demo`: the console on the simulator's demo repository (no token, no network).

    Limits saved in the demo go to the demo's own config (`paths.demo_config_file`), which
    starts as a copy of the user's on the first save and is read by the next demo;
    with `--config`, the named file is read and saved instead.

    Args:
        config: `--config`: the settings to read, and where the Limits tab saves.
        seed: the simulator's seed.
        read_only: disable local runs and dispatch.

    Returns:
        The exit code (0 after a clean quit).
    """
    from lbconsole.cli.demo import run_demo_console
    from lbconsole.config import paths

    warnings: list[str] = []
    template = None
    if config is None:
        config = paths.demo_config_file(os.environ)
        if not config.exists():
            template = paths.config_file(os.environ)
    settings = load_settings(config if template is None else None, warnings)
    return run_demo_console(
        settings,
        seed=seed,
        read_only=read_only,
        config_path=config,
        config_template=template,
        state_dir=paths.demo_state_dir(os.environ),  # simulated runs never reach the real audit log
        log_dir=paths.demo_log_dir(os.environ),
        warnings=warnings,
    )


def console_command(args: argparse.Namespace) -> int:
    """`lbconsole` without a sub-command: the console (on the demo with `--demo`)."""
    options = GlobalOptions.of(args)
    if options.demo:
        return demo_command(args)
    return console(connector(options), read_only=options.read_only, config=options.config)


def demo_command(args: argparse.Namespace) -> int:
    """`lbconsole demo` (and `lbconsole --demo`)."""
    options = GlobalOptions.of(args)
    return demo(config=options.config, seed=options.seed, read_only=options.read_only)


def register(commands: Subcommands) -> None:
    """Add `demo` to the command line.

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("demo", help="open the console on the simulator's demo repository (no token, no network)")
    p.set_defaults(func=demo_command)


def register_sim(commands: Subcommands) -> None:
    """Add `sim` (its own `--seed` is the scenario's, not the demo's).

    Args:
        commands: the main parser's sub-commands.
    """
    p = commands.add_parser("sim", help="serve the GitHub simulator on 127.0.0.1, or reset the demo's saved state")
    p.add_argument(
        "action",
        nargs="?",
        choices=("serve", "reset"),
        default="serve",
        help="serve (default), or reset: forget the repository that --demo commands share",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--scenario", default="demo", help="demo, scale:N, strict:N or queue:N")
    p.add_argument("--seed", dest="sim_seed", type=int, default=0, help="random seed of the scenario")
    p.add_argument("--certfile", help="serve HTTPS with this PEM certificate (with --keyfile)")
    p.add_argument("--keyfile", help="the PEM private key of --certfile")
    p.add_argument(
        "--runner",
        choices=("engine", "act"),
        default="engine",
        help="what runs dispatched workflows: engine (in-process, fast; default) or act (the generated YAML, by act)",
    )
    p.set_defaults(func=sim_command)


def sim_command(args: argparse.Namespace) -> int:
    """`lbconsole sim [serve|reset]`."""
    if args.action == "reset":
        return sim_reset()
    from lbconsole.sim.server import run_cli  # the simulator loads only for `lbconsole sim`

    return run_cli(
        port=args.port,
        scenario=args.scenario,
        seed=args.sim_seed,
        certfile=args.certfile,
        keyfile=args.keyfile,
        runner=args.runner,
    )


def sim_reset() -> int:
    """`lbconsole sim reset`: the next `--demo` command starts from the demo's scenario."""
    from lbconsole.config.paths import demo_state_dir
    from lbconsole.sim.snapshot import forget, state_file

    directory = demo_state_dir()
    if forget(directory):
        print(f"demo state reset: {state_file(directory)} removed; the next --demo command starts from the scenario")
    else:
        print("no saved demo state: the next --demo command starts from the scenario")
    return 0
