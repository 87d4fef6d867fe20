"""Benchmark: merge throughput under strict branch protection, per merge strategy.

A script, not a test:  python tests/bench/bench_throughput.py [--seed N] [--prs N] [--ci-min D]
[--failing P] [--interval-min M]

The simulator's `strict:N` scenario: N ready PRs (approved, checks passing,
no shared files) under "require branches to be up to date"; every new head
gets CI lasting D simulated minutes, and a share P of those CI runs fail.
The orchestrator runs every M simulated minutes (`lbconsole.core.planner`
+ `lbconsole.engine.executor` through the real gateway, over HTTP); every
wait advances the simulator's clock instead of sleeping, so a simulated day
takes seconds. A run's job bills its duration plus `JOB_SETUP_S` (install
and plan), rounded up to the minute.

The `queue` row runs the same PRs in the `queue:N` scenario, the same
repository with a GitHub merge queue on `main` (strategy `auto` picks
`queue` there): each run enqueues up to 5 PRs and waits for none; the
queue runs each PR's merge-group CI (D minutes, the same failure share; a
failed group leaves the queue and those behind it re-test) and merges in
order.

The baseline is one merge per run: the plan as it was before strategies
(every merge planned directly; under strict protection all but the first
are skipped as behind, and the conflict stage updates behind PRs).

For each strategy it prints merges per orchestrator run, the orchestrator
runs and CI runs needed until no mergeable PR is left, the simulated wall
time to the last merge, the runner minutes billed, and the PRs merged without
their CI having passed on the merged head (must be 0); then the ratios to
the baseline. Figures are medians over the seeds given.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lbconsole.core import planner, strategy
from lbconsole.core.settings import GithubSettings, Settings
from lbconsole.engine.executor import execute
from lbconsole.engine.logbus import LogBus
from lbconsole.github.gateway import GitHubGateway
from lbconsole.sim.server import SimHandle, running_simulator

REPO = "acme/rocket"
JOB_SETUP_S = 60.0
"""What an orchestrator job spends before acting: runner start, install, queue fetch and plan."""
MAX_RUNS = 400


@dataclass
class Result:
    runs: int
    merges: int
    ci_runs: int
    wall_min: float
    runner_min: int
    untested: int

    @property
    def per_run(self) -> float:
        return self.merges / self.runs if self.runs else 0.0


def mergeable_left(sim: SimHandle) -> int:
    """Open PRs whose head CI has not failed: what could still be merged."""
    state = sim.state
    return sum(
        1 for p in state.pulls.values() if p.state == "open" and state.rollup(p.head_sha)[0] not in ("FAILURE", "ERROR")
    )


def untested_merges(sim: SimHandle) -> int:
    """Merged PRs whose merged head (or, from the merge queue, merge group) has a check that did not pass."""
    state = sim.state
    bad = 0
    for p in state.pulls.values():
        if p.merged and state.merged_from_queue(p):
            log = state.queue_log.get(p.number, [])
            bad += not (log and log[-1].endswith("after its merge group's checks passed"))
        elif p.merged:
            runs = state.runs_for(p.head_sha)
            if not runs or any(r.conclusion != "success" for r in runs):
                bad += 1
    return bad


def simulate(sim: SimHandle, name: str, args: argparse.Namespace, seed: int) -> Result:
    sim.reset(f"{'queue' if name == 'queue' else 'strict'}:{args.prs}", seed=seed)
    state = sim.state
    state.checks_delay_s = args.ci_min * 60
    state.check_failure_rate = args.failing
    state.update_branch_delay_s = 5.0
    state.mergeability_delay_s = 3.0
    heads_before = len(state.check_runs)
    base = Settings()
    settings = replace(
        base,
        merge=replace(
            base.merge, strategy=name if name in ("pipeline", "train") else "auto", train_budget_s=args.budget_s
        ),
        github=GithubSettings(write_interval_s=0, timeout_s=30),
    )
    gateway = GitHubGateway(REPO, api_url=sim.url, settings=settings.github)
    start = state.now()
    runs = runner_min = 0
    merged = 0
    try:
        while mergeable_left(sim) and runs < MAX_RUNS:
            began = state.now()
            queue = gateway.fetch_queue()
            planned = planner.plan(queue, "auto", settings, state.now())
            execute(planned, gateway, settings=settings, bus=LogBus(), apply=True, sleep=state.clock.advance)
            runs += 1
            job_s = (state.now() - began).total_seconds() + JOB_SETUP_S
            runner_min += math.ceil(job_s / 60)
            state.clock.advance(JOB_SETUP_S)
            merged = sum(1 for p in state.pulls.values() if p.merged)
            elapsed = (state.now() - began).total_seconds()
            state.clock.advance(max(0.0, args.interval_min * 60 - elapsed))
            state.settle()
    finally:
        gateway.close()
    merged_at = [p.merged_at for p in state.pulls.values() if p.merged and p.merged_at is not None]
    merged = len(merged_at)  # the merge queue may merge after the last run ended
    wall = (max(merged_at, default=start) - start).total_seconds() / 60  # up to the last merge
    ci_runs = len(state.check_runs) - heads_before + state.queue_groups_started
    return Result(runs, merged, ci_runs, wall, runner_min, untested_merges(sim))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seed", type=int, action="append", help="seeds (repeatable; default 0)")
    parser.add_argument("--prs", type=int, default=20)
    parser.add_argument("--ci-min", type=float, default=5.0)
    parser.add_argument("--failing", type=float, default=0.10)
    parser.add_argument("--interval-min", type=float, default=10.0)
    parser.add_argument("--budget-s", type=int, default=Settings().merge.train_budget_s, help="merge.train_budget_s")
    args = parser.parse_args(argv)
    seeds = args.seed or [0]
    print(
        f"strict:{args.prs} — {args.prs} ready PRs, CI {args.ci_min:g} simulated min per head, "
        f"{args.failing:.0%} of CI runs failing, an orchestrator run every {args.interval_min:g} min, "
        f"train budget {args.budget_s} s, "
        f"seeds {seeds} (medians)"
    )
    results: dict[str, Result] = {}
    original = strategy.choose
    with running_simulator(scenario=f"strict:{args.prs}") as sim:
        for name in ("baseline", "pipeline", "train", "queue"):
            samples = []
            for seed in seeds:
                if name == "baseline":  # the plan before strategies: every merge planned directly
                    planner.choose = lambda queue, policy: strategy.Strategy(strategy.DIRECT, "baseline")  # type: ignore[assignment]
                try:
                    samples.append(simulate(sim, name, args, seed))
                finally:
                    planner.choose = original
            results[name] = Result(
                *(
                    statistics.median(getattr(r, f) for r in samples)
                    for f in ("runs", "merges", "ci_runs", "wall_min", "runner_min", "untested")
                )
            )
    header = f"{'strategy':<10}{'merges/run':>11}{'runs':>6}{'merged':>8}{'CI runs':>9}{'wall min':>10}"
    header += f"{'runner min':>12}{'untested':>10}"
    print(header)
    for name, r in results.items():
        print(
            f"{name:<10}{r.per_run:>11.2f}{r.runs:>6g}{r.merges:>8g}{r.ci_runs:>9g}{r.wall_min:>10.0f}"
            f"{r.runner_min:>12g}{r.untested:>10g}"
        )
    base = results["baseline"]
    print("ratio to the baseline (merges/run, runs, CI runs, wall time, runner minutes):")
    for name, r in results.items():
        if name == "baseline":
            continue
        print(
            f"  {name:<9} {r.per_run / base.per_run:5.2f}x {r.runs / base.runs:5.2f}x {r.ci_runs / base.ci_runs:5.2f}x "
            f"{r.wall_min / base.wall_min:5.2f}x {r.runner_min / base.runner_min:5.2f}x"
        )
    if any(r.untested for r in results.values()):
        print("FAILED: a PR was merged without its CI passing on the merged head")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
