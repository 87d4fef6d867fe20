"""Benchmarks of the console (a script, not a test).

Run: `python tests/bench/bench_console.py [--sizes 1000,5000,10000] [--no-baseline]`
for the queue table's shapes, or `python tests/bench/bench_console.py --sim
[--prs 5000] [--log-lines 100000]` for the whole console on the simulator.

The table shapes (`bench_console_shapes.py`, queues built directly): checks
flipped on 50 PRs; 50 closed + 50 opened; the filter typed one key at a
time; a sort. Each prints its median UI-thread CPU time and the longest main-thread stall
(target < 100 ms at 5,000 PRs), for the current table and for the previous
algorithm (the baseline) side by side, each in a fresh process; the current
table's heap is settled after the first show, as the console's is (`tui.heap`).

With `--sim` it prints:
- start to first painted queue (app start, fetch through the real gateway
  from the embedded simulator, analysis, plan, 5,000 rows added, painted);
- main-thread time to apply a refresh in which 50 PRs changed (target < 200 ms):
  the UI-thread handler only (fetching and planning run in a worker thread);
- time to ingest 100,000 log lines (target < 2 s): emitted on the bus from
  a thread, drained into the Log widget in batches, until the last line is in;
- peak RSS of the process (target < 300 MB; the simulator runs in-process too).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lbconsole.core.settings import GithubSettings, RefreshSettings, Settings
from lbconsole.engine.logbus import LogRecord
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.server import running_simulator
from lbconsole.tui.app import LbConsoleApp
from lbconsole.tui.widgets.logs_pane import LogsPane
from lbconsole.tui.widgets.queue_table import QueueTable

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SIZE = (160, 50)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


async def bench(prs: int, log_lines: int) -> dict[str, float]:
    results: dict[str, float] = {}
    with running_simulator(scenario=f"scale:{prs}", seed=0) as sim:
        github = GithubSettings(repo="acme/rocket", api_url=sim.url, write_interval_s=0.0, timeout_s=120)
        settings = Settings(github=github, refresh=RefreshSettings(interval_s=0))
        app = LbConsoleApp(
            settings=settings,
            gateway_factory=lambda: GitHubGateway("acme/rocket", settings=github),
            clock=lambda: NOW,
            log_tz=UTC,
            live_refresh=False,
            log_max_lines=20_000,
        )
        t0 = time.perf_counter()
        GitHubGateway("acme/rocket", settings=github).fetch_queue()
        results["fetch_s"] = time.perf_counter() - t0
        started = time.perf_counter()
        async with app.run_test(headless=True, size=SIZE) as pilot:
            while not app.feed.applied_ms:
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.pause()
            results["first_paint_s"] = time.perf_counter() - started
            table = app.query_one(QueueTable)
            results["rows"] = table.row_count
            results["initial_apply_ms"] = app.feed.applied_ms[0]

            # A refresh in which 50 PRs changed (checks flipped on 50 open PRs).
            open_numbers = sorted(n for n, p in sim.state.pulls.items() if p.state == "open")
            table.move_cursor(row=2500)
            selected = table.selected_row_id
            for number in open_numbers[:: max(1, len(open_numbers) // 50)][:50]:
                sim.state.set_checks(number, "failure", ["ci/test"])
            before = len(app.feed.applied_ms)
            app.refresh_queue(full=True)
            while len(app.feed.applied_ms) == before:
                await app.workers.wait_for_complete()
                await pilot.pause()
            await pilot.pause()
            results["refresh_apply_ms"] = app.feed.applied_ms[-1]
            results["cursor_kept"] = float(table.selected_row_id == selected)

            # 100,000 log lines delivered to the console's subscriber from a worker thread
            # (what the bus hands over), drained on the UI timer, until the last is in the Log.
            pane = app.query_one(LogsPane)
            records = [
                LogRecord(NOW + timedelta(milliseconds=i), "run", "info", f"line {i} of the benchmark", i % 5000)
                for i in range(log_lines)
            ]
            base = pane.received
            t0 = time.perf_counter()

            def deliver() -> None:
                for record in records:
                    pane.receive(record)

            thread = threading.Thread(target=deliver)
            thread.start()
            while pane.received - base < log_lines:  # noqa: ASYNC110 - polls the UI timer
                await asyncio.sleep(0.01)
            thread.join()
            await pilot.pause()
            results["log_ingest_s"] = time.perf_counter() - t0
            results["log_lines_kept"] = len(pane.lines())

            # The same through LogBus.emit (the engine's redaction included), for reference.
            base = pane.received
            t0 = time.perf_counter()

            def emit() -> None:
                for i in range(log_lines):
                    app.bus.emit("run", f"line {i} of the benchmark", pr=i % 5000)

            thread = threading.Thread(target=emit)
            thread.start()
            while pane.received - base < log_lines:  # noqa: ASYNC110 - polls the UI timer
                await asyncio.sleep(0.01)
            thread.join()
            results["bus_ingest_s"] = time.perf_counter() - t0
        results["peak_rss_mb"] = peak_rss_mb()
    return results


def table_main(sizes: list[int], baseline: bool, filter_keys: str) -> int:
    """Print the table shapes, before (baseline) and after, at each size."""
    from tests.bench.bench_console_shapes import shapes_in_process

    spawn = multiprocessing.get_context("spawn")

    def fresh(size: int, legacy: bool) -> dict[str, tuple[float, float]]:
        with spawn.Pool(1) as pool:  # a fresh interpreter: no heap left over from another run
            result: dict[str, tuple[float, float]] = pool.apply(shapes_in_process, (size, legacy, filter_keys))
            return result

    header = f"{'PRs':>6}  {'shape':<34} {'after: median / stall ms':>26}"
    print(header + (f"  {'before: median / stall ms':>27}" if baseline else ""))
    for size in sizes:
        after = fresh(size, legacy=False)
        before = fresh(size, legacy=True) if baseline else {}
        for shape, (median, stall) in after.items():
            line = f"{size:>6}  {shape:<34} {median:>14.1f} / {stall:>8.1f}"
            if shape in before:
                line += f"  {before[shape][0]:>15.1f} / {before[shape][1]:>8.1f}"
            print(line, flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim", action="store_true", help="the whole console on the simulator")
    parser.add_argument("--sizes", default="1000,5000,10000", help="table shapes: PR counts, comma-separated")
    parser.add_argument("--no-baseline", action="store_true", help="table shapes: skip the previous algorithm")
    parser.add_argument("--filter", default="fix", help="table shapes: the filter typed one key at a time")
    parser.add_argument("--prs", type=int, default=5000)
    parser.add_argument("--log-lines", type=int, default=100_000)
    args = parser.parse_args()
    if not args.sim:
        sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
        return table_main(sizes, not args.no_baseline, args.filter)
    r = asyncio.run(bench(args.prs, args.log_lines))
    ok = lambda good: "ok" if good else "OVER TARGET"  # noqa: E731
    print(f"scale:{args.prs} ({int(r['rows'])} table rows incl. category headers)")
    print(
        f"start to first painted queue : {r['first_paint_s']:.2f} s "
        f"(UI thread applying it: {r['initial_apply_ms']:.0f} ms; one GraphQL fetch of the queue "
        f"from the simulator alone: {r['fetch_s']:.2f} s)"
    )
    print(
        f"apply refresh, 50 PRs changed: {r['refresh_apply_ms']:.0f} ms main thread "
        f"[target < 200 ms: {ok(r['refresh_apply_ms'] < 200)}]; cursor kept: {bool(r['cursor_kept'])}"
    )
    print(
        f"ingest {args.log_lines:,} log lines   : {r['log_ingest_s']:.2f} s "
        f"[target < 2 s: {ok(r['log_ingest_s'] < 2)}]; {int(r['log_lines_kept']):,} kept (bounded)"
    )
    print(f"  same through LogBus.emit   : {r['bus_ingest_s']:.2f} s (includes the engine bus's per-line redaction)")
    print(f"peak RSS                     : {r['peak_rss_mb']:.0f} MB [target < 300 MB: {ok(r['peak_rss_mb'] < 300)}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
