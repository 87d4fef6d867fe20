"""`lbconsole serve`: the console served by textual-serve, driven over its websocket as a browser would.

The server runs as a real process on 127.0.0.1; the test loads the page,
opens the websocket the page's JavaScript opens, waits for the console's
output (the demo repository in the header) and sends a key press (`2`, the
Plan tab), which must reach the app and change what it draws.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

DEADLINE_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lbconsole", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    said: list[str] = []
    threading.Thread(target=lambda: said.extend(proc.stderr or ()), daemon=True).start()
    try:
        yield port, said
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[str]) -> None:
    """Terminate a child process, killing it when it does not end within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def page(port: int) -> httpx.Response:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server never answered"
            threading.Event().wait(0.1)  # a poll interval, not a timed assertion


async def screen_until(ws: aiohttp.ClientWebSocketResponse, seen: list[str], text: str) -> None:
    """Read the app's output until `text` appears in it."""
    while text not in "".join(seen):
        message = await asyncio.wait_for(ws.receive(), DEADLINE_S)
        if message.type == aiohttp.WSMsgType.BINARY:
            seen.append(message.data.decode("utf-8", errors="replace"))
        elif message.type == aiohttp.WSMsgType.TEXT:
            seen.append(message.data)
        else:
            pytest.fail(f"the websocket closed before {text!r} appeared: {message!r}")


def test_the_demo_console_renders_in_the_served_page_and_takes_keys(server: tuple[int, list[str]]) -> None:
    port, said = server
    index = page(port)
    assert index.status_code == 200
    assert "lbconsole" in index.text  # the page's title
    assert "/ws" in index.text  # the page opens the console's websocket

    async def drive() -> list[str]:
        seen: list[str] = []
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=120&height=36") as ws:
                await screen_until(ws, seen, "acme/rocket")  # the console's header
                assert "estimated API cost" not in "".join(seen)  # the Queue tab is showing
                await ws.send_str(json.dumps(["stdin", "2"]))  # the Plan tab
                await screen_until(ws, seen, "estimated API cost")
        return seen

    output = "".join(asyncio.run(drive()))
    assert "acme/rocket" in output
    assert "estimated API cost" in output  # only the Plan tab draws it: the key reached the app
    assert any("read-only" in line for line in said)  # served read-only unless --allow-writes


def test_only_loopback_counts_as_private_and_the_console_is_read_only_unless_allowed() -> None:
    from lbconsole.cli.options import GlobalOptions
    from lbconsole.cli.serve import console_command, is_loopback

    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.10")
    assert console_command(GlobalOptions(demo=True), allow_writes=False).endswith(" -m lbconsole demo --read-only")
    assert "--read-only" not in console_command(GlobalOptions(), allow_writes=True)
