"""Run the simulator: in a background thread (tests, demo) or in the foreground (`lbconsole sim`).

`running_simulator()` starts uvicorn on a free loopback port in a daemon
thread and returns only once the server is accepting connections (it waits
on uvicorn's `started` flag, never on a timer), so a test can talk to it at
once and stop it cleanly.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import uvicorn

from lbconsole.sim.actions import ActionsState
from lbconsole.sim.actions.model import JobFactory
from lbconsole.sim.app import Simulator
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import SimState

HOST = "127.0.0.1"
START_TIMEOUT_S = 10.0


@dataclass
class SimHandle:
    """A running simulator."""

    url: str
    """Base URL, e.g. http://127.0.0.1:50123: the REST api_url; GraphQL is `{url}/graphql`."""
    simulator: Simulator
    server: uvicorn.Server
    thread: threading.Thread
    _stopped: bool = field(default=False, repr=False)

    @property
    def state(self) -> SimState:
        """The live repository state (the same object across `/_sim/reset`)."""
        return self.simulator.state

    @property
    def graphql_url(self) -> str:
        """Where GraphQL is served."""
        return f"{self.url}/graphql"

    @property
    def port(self) -> int:
        """The TCP port."""
        return int(self.url.rsplit(":", 1)[1])

    def reset(self, scenario: str = "demo", seed: int = 0, now: datetime | None = None) -> None:
        """Reset to a scenario without a request (same as `POST /_sim/reset`)."""
        self.simulator.reset_to(build(scenario, seed, now))

    def stop(self) -> None:
        """Stop the server and wait for its thread to end."""
        if self._stopped:
            return
        self._stopped = True
        self.server.should_exit = True
        self.thread.join(START_TIMEOUT_S)
        actions = ActionsState.existing(self.simulator.state)
        if actions is not None:
            actions.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(
    scenario: str = "demo",
    seed: int = 0,
    port: int = 0,
    now: datetime | None = None,
    *,
    history: bool = False,
    state: SimState | None = None,
    real_clock: bool = False,
) -> SimHandle:
    """Start a simulator in a background thread; returns once it accepts connections.

    Args:
        scenario: see `running_simulator`.
        seed: the scenario's seed.
        port: TCP port; 0 picks a free one.
        now: the scenario's anchor.
        history: give the repository weeks of Actions runs (`actions.history`).
        state: serve this repository instead of building `scenario` (a saved demo state).
        real_clock: anchor the scenario at the wall clock (`SimClock.real`) instead of `now`.

    Raises:
        RuntimeError: when the server could not start (port in use...).
    """
    if state is None:
        state = build(scenario, seed, now, real_clock=real_clock)
        if history:
            add_history(state)
    simulator = Simulator(state)
    chosen = port or _free_port()
    config = uvicorn.Config(
        simulator.app(), host=HOST, port=chosen, log_level="warning", access_log=False, lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    started = threading.Event()

    def serve() -> None:
        try:
            server.run()
        finally:
            started.set()

    # uvicorn flips `server.started` after binding; wrap startup to signal the event then.
    original_startup = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original_startup(sockets=sockets)
        started.set()

    server.startup = startup  # type: ignore[method-assign]
    thread = threading.Thread(target=serve, name=f"lbconsole-sim-{chosen}", daemon=True)
    thread.start()
    if not started.wait(START_TIMEOUT_S) or not server.started:
        server.should_exit = True
        thread.join(START_TIMEOUT_S)
        raise RuntimeError(f"the simulator could not start on {HOST}:{chosen}")
    return SimHandle(f"http://{HOST}:{chosen}", simulator, server, thread)


@contextmanager
def running_simulator(
    scenario: str = "demo",
    seed: int = 0,
    port: int = 0,
    now: datetime | None = None,
    *,
    history: bool = False,
    state: SimState | None = None,
    real_clock: bool = False,
) -> Iterator[SimHandle]:
    """A simulator serving `scenario` for the duration of a `with` block.

    Args:
        scenario: `demo`, `scale:N` or `empty`.
        seed: seed of the scenario's random generator.
        port: TCP port on 127.0.0.1; 0 picks a free one.
        now: the instant scenario data is anchored at (default 2026-11-23T12:00:00Z).
        history: give the repository weeks of Actions runs of its legacy bots and of the orchestrator.
        state: serve this repository instead of building `scenario` (a saved demo state).
        real_clock: anchor the scenario at the wall clock (`SimClock.real`) instead of `now`.

    Yields:
        The running simulator's handle.
    """
    handle = start(scenario, seed, port, now, history=history, state=state, real_clock=real_clock)
    try:
        yield handle
    finally:
        handle.stop()


def add_history(state: SimState) -> None:
    """Load the demo repository's Actions history into `state` (its legacy bots, then the orchestrator)."""
    from lbconsole.sim.actions.history import demo_history

    ActionsState.of(state).load_history(demo_history(state.seed, state.clock.anchor))


def serve(
    host: str = HOST,
    port: int = 8787,
    scenario: str = "demo",
    seed: int = 0,
    tls: TLS | None = None,
    job_factory: JobFactory | None = None,
) -> None:
    """Serve in the foreground until interrupted (`lbconsole sim`); `job_factory` runs dispatched jobs."""
    simulator = Simulator(build(scenario, seed, real_clock=True))
    if job_factory is not None:
        ActionsState.of(simulator.state).job_factory = job_factory
    uvicorn.run(
        simulator.app(),
        host=host,
        port=port,
        log_level="info",
        lifespan="off",
        ws="none",
        ssl_certfile=tls.certfile if tls else None,
        ssl_keyfile=tls.keyfile if tls else None,
    )


@dataclass(frozen=True)
class TLS:
    """The server certificate and key (PEM files) to serve HTTPS with."""

    certfile: str
    keyfile: str


def run_cli(
    port: int,
    scenario: str,
    seed: int,
    certfile: str | None = None,
    keyfile: str | None = None,
    runner: str = "engine",
) -> int:
    """Entry point for `lbconsole sim`; returns the exit code.

    `runner` is what runs a dispatched orchestrator run: `engine` (the
    in-process runner, the default) or `act` (the generated workflow's YAML, by act).
    """
    try:
        build(scenario, seed)
    except ValueError as exc:
        print(f"lbconsole sim: {exc}")
        return 2
    if (certfile is None) != (keyfile is None):
        print("lbconsole sim: --certfile and --keyfile go together")
        return 2
    for path in (certfile, keyfile):
        if path is not None and not os.path.isfile(path):
            print(f"lbconsole sim: no such file: {path}")
            return 2
    tls = TLS(certfile, keyfile) if certfile and keyfile else None
    act = None
    if runner == "act":
        from lbconsole.sim.actions.act import ActMissing, ActRunner

        try:
            act = ActRunner()
        except ActMissing as exc:
            print(f"lbconsole sim: {exc}")
            return 2
    scheme = "https" if tls else "http"
    print(
        f"lbconsole simulator: {scheme}://{HOST}:{port} (scenario {scenario}, seed {seed}; "
        f"GitHub Enterprise paths under /api/v3 and /api/graphql; dispatched runs by {runner}); Ctrl+C stops it",
        flush=True,
    )
    try:
        serve(HOST, port, scenario, seed, tls, act)
    except KeyboardInterrupt:
        pass
    finally:
        if act is not None:
            act.close()
    return 0
