"""Fixtures for the console's Pilot tests: a fake gateway and an app factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

import pytest

from lbconsole.tui.app import LbConsoleApp
from tests.demo_queue import fake_settings, frozen_clock
from tests.pilot.fakes import FakeGateway

SIZE = (120, 36)


@pytest.fixture
def gateway() -> FakeGateway:
    """The fake demo repository."""
    return FakeGateway()


@pytest.fixture
def make_app(gateway: FakeGateway, tmp_path) -> Callable[..., LbConsoleApp]:
    """Build a console on the fake gateway: frozen clock, UTC log times, no live refresh."""

    def make(**kwargs: Any) -> LbConsoleApp:
        options: dict[str, Any] = {
            "settings": fake_settings(),
            "gateway_factory": lambda: gateway,
            "clock": frozen_clock,
            "log_tz": UTC,
            "live_refresh": False,
        }
        options.update(kwargs)
        return LbConsoleApp(**options)

    return make


async def settle(app: LbConsoleApp, pilot: Any) -> None:
    """Wait for every worker, then for the messages they posted."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
