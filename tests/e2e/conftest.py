"""A simulator per test module, reset to the demo before each test that asks for `sim`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lbconsole.sim.server import SimHandle, running_simulator


@pytest.fixture(scope="module")
def server() -> Iterator[SimHandle]:
    """One simulator on 127.0.0.1 for the whole module."""
    with running_simulator() as sim:
        yield sim


@pytest.fixture
def sim(server: SimHandle) -> SimHandle:
    """The module's simulator, reset to the demo scenario."""
    server.reset("demo")
    return server
