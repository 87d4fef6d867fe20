"""`lbconsole serve` in a real browser: Debian's headless Chromium loads the page, the console renders, keys reach it.

Chromium is driven over the DevTools protocol (its own websocket): the page
is opened on the served URL, the test waits until the console behind it has
fetched the demo queue (its lines reach the demo's log file, tagged
`console`), presses `m` in the page (the console logs the new mode), and
takes a screenshot, whose path the test prints. Skipped where Chromium is
not installed (`.ci/run` installs it, as root, with apt-get).
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_serve import DEADLINE_S, page, server, stop  # noqa: F401  (the fixture)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
aiohttp = pytest.importorskip("aiohttp")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
    "--remote-debugging-port=0",
)


def console_log() -> str:
    from lbconsole.config import paths
    from lbconsole.engine.logfile import log_path

    path = log_path(paths.demo_log_dir())
    return path.read_text(encoding="utf-8") if path.exists() else ""


def wait_for(what: str, ready) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + DEADLINE_S
    while not ready():
        assert time.monotonic() < deadline, f"no {what} within {DEADLINE_S} s"
        time.sleep(0.2)  # a poll interval, not a timed assertion


def test_chromium_shows_the_served_console_and_its_keys_reach_the_app(server, tmp_path: Path) -> None:  # noqa: F811
    port, _ = server
    assert page(port).status_code == 200
    url = f"http://127.0.0.1:{port}/"
    browser = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        devtools = ""
        assert browser.stderr is not None
        for line in browser.stderr:
            if match := re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line):
                devtools = f"http://127.0.0.1:{match[1]}"
                break
        assert devtools, "Chromium printed no DevTools address"
        wait_for("queue in the served console", lambda: "queue of acme/rocket" in console_log())

        targets = httpx.get(f"{devtools}/json/list", timeout=10).json()
        target = next(t for t in targets if t.get("type") == "page" and t.get("url", "").startswith(url))
        shot = tmp_path / "served-console.png"

        async def drive() -> None:
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    ids = iter(range(1, 1000))

                    async def call(method: str, **params: object) -> dict:
                        n = next(ids)
                        await ws.send_str(json.dumps({"id": n, "method": method, "params": params}))
                        while True:
                            reply = json.loads((await asyncio.wait_for(ws.receive(), DEADLINE_S)).data)
                            if reply.get("id") == n:
                                return reply.get("result", {})

                    for kind in ("mousePressed", "mouseReleased"):  # focus the page's terminal
                        await call("Input.dispatchMouseEvent", type=kind, x=640, y=400, button="left", clickCount=1)
                    before = (await call("Page.captureScreenshot", format="png"))["data"]
                    for kind in ("keyDown", "keyUp"):  # `m` (its text on the key down): the console's next mode
                        params = {"type": kind, "key": "m", "code": "KeyM", "windowsVirtualKeyCode": 77}
                        await call("Input.dispatchKeyEvent", **params, **({"text": "m"} if kind == "keyDown" else {}))
                    await asyncio.to_thread(wait_for, "mode change", lambda: "mode security-only" in console_log())
                    assert "mode merge-only" not in console_log()  # one key press, one mode change
                    deadline = time.monotonic() + DEADLINE_S
                    while (data := (await call("Page.captureScreenshot", format="png"))["data"]) == before:
                        assert time.monotonic() < deadline, "the page never redrew after the key press"
                        await asyncio.sleep(0.2)  # a poll interval, not a timed assertion
                    shot.write_bytes(base64.b64decode(data))  # the console in security-only mode

        asyncio.run(drive())
    finally:
        stop(browser)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a drawn console, not a blank page
    print(f"screenshot of the served console in Chromium: {shot} ({shot.stat().st_size:,} bytes)")
