"""Benchmark: a replayed week of a busy repository, the 14 legacy bots against the orchestrator.

A script, not a test:  python tests/bench/bench_economy.py [--seed N] [--sample N] [--no-act]

1. The event stream: a generated week (`lbconsole.sim.actions.events`) of
   pull requests opened, pushed, labelled, reviewed, commented, merged, with
   a daily rhythm and a Monday Dependabot burst; its rates are printed.
2. It is replayed against (a) the demo's 14 legacy bot workflows and (b) the
   orchestrator workflow exactly as `lbconsole workflow init` writes it (the
   rendered file, parsed back), with GitHub's trigger rules
   (`lbconsole.workflow.replay`: event, activity types, branch and path
   filters, schedules, job-level `if:`), on the replay's clock.
3. The runs are priced by the cost model of `lbconsole cost` (each job
   rounded up to the minute, ubuntu-latest $0.006, ubuntu-slim $0.002).
4. Outcomes: every ready PR merged, every security PR scanned, every conflict
   notified, with the latency of each on both sides (p50, p95).
5. The same week with other batch intervals (`[workflow] schedule`) and
   merge limits (`[limits] merge`), side by side: what each trades in cost
   against how late outcomes land.
6. Lower bounds from the event stream alone (`economy_bounds.py`): the fewest
   runs any schedule needs to meet the latency goal, and to merge the week's
   PRs at the merge limit.
7. A sample of events is given to act (`act -n`, a dry run on the host), and
   its decisions on which jobs run are compared with the replay's.

Goals: the orchestrator starts at most 8 runner jobs a day, bills at most 1%
of the baseline's minutes, and no outcome is later than the baseline's by
more than 60 minutes at p95. The figures are printed whatever they are.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from lbconsole import __version__
from lbconsole.core.cost import RunRecord, build_report
from lbconsole.core.ports import JobInfo, RunInfo, StepInfo
from lbconsole.core.settings import CostSettings, Settings, WorkflowSettings
from lbconsole.sim.actions.bots import BOTS
from lbconsole.sim.actions.events import Activity, Profile, generate
from lbconsole.sim.actions.history import ORCHESTRATOR_STEPS
from lbconsole.sim.actions.replayed import Limits, PlayedRun, bot_runs, orchestrate, replay
from lbconsole.workflow.render import render_workflow
from lbconsole.workflow.replay import PR_EVENTS, Event, _triggers, jobs_for, triggered

sys.path.insert(0, str(Path(__file__).parent))
from economy_bounds import allowed_late, capacity_bound, latency_bound  # beside this script

REPO = "acme/rocket"
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
DAYS = 7
BUSY = Profile(prs_per_day=46.0, dependabot_burst=15, pushes_per_pr=3.0, comments_per_pr=2.0)
SEED_BEFORE, SEED_AFTER = 1680, 8
GOAL_JOBS, GOAL_SHARE, GOAL_LATER = 8.0, 1.0, 60.0
SCHEDULES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("hourly (the default)", ("17 * * * *",), 5),
    ("every 2 hours", ("17 */2 * * *",), 5),
    ("every 3 hours", ("17 */3 * * *",), 5),
    ("every 4 hours", ("17 */4 * * *",), 5),
    ("hourly 07-19 weekdays, else every 4 h", ("17 7-19 * * 1-5", "17 */4 * * *"), 5),
    ("every 2 hours, limits.merge 10", ("17 */2 * * *",), 10),
    ("every 3 hours, limits.merge 10", ("17 */3 * * *",), 10),
)
"""The batch intervals replayed: (label, `[workflow] schedule`, `[limits] merge`); the first is what
`workflow init` writes by default. A longer interval needs a larger merge batch to keep up."""
ORCHESTRATOR = "lambda-bot.yml"
ACT = Path(sys.executable).parent / "act"


def load_workflows(directory: Path, settings: Settings | None = None) -> dict[str, dict[str, Any]]:
    """Write the 14 bots and the orchestrator (as `workflow init` renders it for `settings`) as files, and parse them back."""
    directory.mkdir(parents=True, exist_ok=True)
    for bot in BOTS:
        (directory / bot.file).write_text(
            yaml.safe_dump(bot.workflow, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    (directory / ORCHESTRATOR).write_text(render_workflow(__version__, settings or Settings()), encoding="utf-8")
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.yml"))}


def rendered_orchestrator(schedule: tuple[str, ...]) -> dict[str, Any]:
    """The orchestrator exactly as `workflow init` writes it with `[workflow] schedule` set, parsed back."""
    settings = replace(Settings(), workflow=WorkflowSettings(schedule=schedule))
    data: dict[str, Any] = yaml.safe_load(render_workflow(__version__, settings))
    return data


def records(played: Iterable[PlayedRun], names: Mapping[str, str]) -> list[RunRecord]:
    """The replayed runs as the cost model reads GitHub's: runs with their jobs."""
    out = []
    for index, run in enumerate(played):
        jobs = []
        for number, (job, ok, labels, seconds) in enumerate(run.jobs):
            steps: tuple[StepInfo, ...] = ()
            if run.workflow == ORCHESTRATOR and ok:
                steps = tuple(
                    StepInfo(i, name, "completed", "skipped" if run.empty and name == "Run the plan" else "success")
                    for i, name in enumerate(ORCHESTRATOR_STEPS, start=1)
                )
            conclusion = "success" if ok else ("cancelled" if run.cancelled else "skipped")
            end = run.start + timedelta(seconds=seconds)
            jobs.append(JobInfo(index * 10 + number, job, "completed", conclusion, steps, "", run.start, end, labels))
        info = RunInfo(
            index,
            names.get(run.workflow, run.workflow),
            "completed",
            "success",
            run.event.name,
            "",
            created_at=run.created,
            path=f".github/workflows/{run.workflow}",
        )
        out.append(RunRecord(info, tuple(jobs)))
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1), nearest rank; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def baseline_latencies(runs: Sequence[PlayedRun], activity: Activity) -> dict[str, list[float]]:
    """Minutes from each outcome's cause to the legacy bot run that achieved it."""
    by_workflow: dict[str, list[PlayedRun]] = defaultdict(list)
    for run in runs:
        if any(ok for _, ok, _, _ in run.jobs):
            by_workflow[run.workflow].append(run)
    for items in by_workflow.values():
        items.sort(key=lambda r: r.start)

    def first_end(workflows: Sequence[str], after: datetime, pr: int | None = None) -> datetime | None:
        ends = [
            r.end for w in workflows for r in by_workflow[w] if r.start >= after and (pr is None or r.event.pr == pr)
        ]
        return min(ends, default=None)

    out: dict[str, list[float]] = {"merged": [], "scanned": [], "conflict notified": []}
    for pull in activity.pulls:
        if pull.ready_at:
            candidates = [
                first_end(("merge-poller.yml",), pull.ready_at),
                first_end(("merge-on-approval.yml",), pull.ready_at, pull.number),
            ]
            enabled = [r.end for r in by_workflow["automerge.yml"] if r.event.pr == pull.number]
            if enabled:  # auto-merge was enabled on the PR: GitHub merges it once it is ready
                candidates.append(max(pull.ready_at, min(enabled)))
            done = min((c for c in candidates if c), default=None)
            if done:
                out["merged"].append((done - pull.ready_at).total_seconds() / 60)
        if pull.security:
            done = first_end(("security-scan-pr.yml",), pull.opened_at, pull.number)
            if done:
                out["scanned"].append((done - pull.opened_at).total_seconds() / 60)
        for moment in pull.conflicts:
            done = first_end(("conflict-labeler.yml", "conflict-comment.yml"), moment)
            if done:
                out["conflict notified"].append((done - moment).total_seconds() / 60)
    return out


def orchestrator_latencies(runs: Sequence[PlayedRun], activity: Activity) -> dict[str, list[float]]:
    """Minutes from each outcome's cause to the end of the orchestrator run that achieved it."""
    ready = {p.number: p.ready_at for p in activity.pulls if p.ready_at}
    opened = {p.number: p.opened_at for p in activity.pulls}
    out: dict[str, list[float]] = {"merged": [], "scanned": [], "conflict notified": []}
    for run in runs:
        out["merged"] += [(run.end - ready[n]).total_seconds() / 60 for n in run.merged]
        out["scanned"] += [(run.end - opened[n]).total_seconds() / 60 for n in run.scanned]
        out["conflict notified"] += [(run.end - moment).total_seconds() / 60 for moment, _ in run.notified]
    return out


def _payload(event: Event) -> dict[str, Any]:
    body: dict[str, Any] = {"repository": {"full_name": REPO}, **dict(event.payload)}
    if event.action:
        body["action"] = event.action
    if event.name == "push":
        body.setdefault("ref", f"refs/heads/{event.ref}")
    return body


def act_decisions(event: Event, directory: Path, work: Path) -> dict[str, bool]:
    """Which workflow's job act would run for `event` (a dry run): file -> ran."""
    names = PR_EVENTS if event.name in PR_EVENTS else (event.name,)
    ran: dict[str, bool] = {}
    file = work / "event.json"
    file.write_text(json.dumps(_payload(event)), encoding="utf-8")
    for name in names:
        argv = [
            str(ACT),
            name,
            "-n",
            "--json",
            "-W",
            str(directory),
            "-e",
            str(file),
            "-P",
            "ubuntu-latest=-self-hosted",
            "-P",
            "ubuntu-slim=-self-hosted",
            "--actor",
            event.actor or "octocat",
            "--env",
            f"GITHUB_REPOSITORY={REPO}",
        ]
        proc = subprocess.run(
            argv, cwd=work, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False
        )
        for line in proc.stdout.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if "jobResult" in entry:
                ran[str(entry.get("job", "")).rsplit("/", 1)[0]] = True  # "<workflow name>/<job id>"
    return ran


def cross_check(
    activity: Activity, workflows: Mapping[str, dict[str, Any]], directory: Path, sample: int, rng: random.Random
) -> None:
    """Compare the replay's job decisions with act's on a sample of events, and print the agreements."""
    if not ACT.exists():
        print("act is not installed here: cross-check skipped")
        return
    kinds: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in activity.events:
        kinds[(event.name, event.action)].append(event)
    chosen: list[Event] = []
    while len(chosen) < sample and any(kinds.values()):
        for items in kinds.values():
            if items and len(chosen) < sample:
                chosen.append(items.pop(rng.randrange(len(items))))
    chosen.append(Event(START + timedelta(hours=1, minutes=17), "schedule", cron="17 * * * *", actor="github-actions"))
    agreed = pairs = 0
    filtered: Counter[str] = Counter()
    runs_by_workflow: Counter[str] = Counter()
    disagreements = []
    names = {wf.get("name", key): key for key, wf in workflows.items()}
    with tempfile.TemporaryDirectory(prefix="lbconsole-act-") as tmp:
        work = Path(tmp)
        subprocess.run(["git", "init", "-q"], cwd=work, check=False)
        for event in chosen:
            act_ran = {names.get(name, name) for name in act_decisions(event, directory, work)}
            for key, wf in workflows.items():
                triggers = _triggers(wf)
                wanted = PR_EVENTS if event.name in PR_EVENTS else (event.name,)
                if not any(name in triggers for name in wanted):
                    continue  # neither act nor the replay start this workflow
                ours = any(ok for _, ok in jobs_for(wf, event, REPO))
                pairs += 1
                runs_by_workflow[key] += ours
                if ours == (key in act_ran):
                    agreed += 1
                else:
                    disagreements.append(
                        f"{event.name}/{event.action or '-'} -> {key}: replay {ours}, act {key in act_ran}"
                    )
                if not triggered(wf, event) and key in act_ran:
                    filtered[key] += 1
    print(
        f"\nCross-check against act (act -n, {len(chosen)} events sampled across {len(kinds)} kinds, every workflow with the event's trigger):"
    )
    print(f"  job-level decisions (event name + `if:`): {agreed} agreements out of {pairs} (event, workflow) pairs")
    print(
        f"  of them the replay runs the job in {sum(runs_by_workflow.values())}, skips it by `if:` in "
        f"{pairs - sum(runs_by_workflow.values())}; orchestrator job runs: {runs_by_workflow[ORCHESTRATOR]}"
    )
    for line in disagreements[:10]:
        print(f"    differs: {line}")
    if filtered:
        print(
            f"  act ran {sum(filtered.values())} of them that GitHub's activity types / branch / path filters stop "
            "(act does not apply those filters; the replay does)"
        )


def table(rows: list[tuple[str, float, float, int | None, int | None]]) -> None:
    """The side-by-side table; the seed's figures (1,680 runs a day before, 8 after) beside the replay's."""
    print(
        f"\n  {'per day / month':<26}{'legacy bots':>13}{'orchestrator':>14}{'ratio':>9}{'seed before':>13}{'seed after':>12}"
    )
    for label, before, after, seed_before, seed_after in rows:
        ratio = f"{before / after:,.0f}x" if after else "inf"
        seeds = "".join(f"{'-' if v is None else f'{v:,}':>{w}}" for v, w in ((seed_before, 13), (seed_after, 12)))
        print(f"  {label:<26}{before:>13,.1f}{after:>14,.1f}{ratio:>9}{seeds}")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One schedule's replayed figures against the baseline."""

    label: str
    runs: float
    jobs: float
    minutes: float
    share: float
    money: float
    later: dict[str, float]
    """Outcome -> how much later its p95 is than the baseline's, in minutes."""


def replay_schedule(
    label: str,
    schedule: tuple[str, ...],
    activity: Activity,
    base: Any,
    old: Mapping[str, list[float]],
    seed: int,
    names: Mapping[str, str],
    *,
    merge_limit: int,
    detail: bool,
) -> Outcome:
    """Replay the orchestrator with one batch schedule and merge limit; print its full table when `detail`."""
    end = START + timedelta(days=DAYS)
    hits = replay(activity, {ORCHESTRATOR: rendered_orchestrator(schedule)}, REPO)
    limits = Limits(merge=merge_limit, conflict=Settings().limits.conflict)
    played = orchestrate(hits, activity, random.Random(seed + 2), limits)
    orch = build_report(REPO, records(played, names), CostSettings(), start=START, end=end)
    new = orchestrator_latencies(played, activity)
    later = {k: percentile(new[k], 0.95) - percentile(old[k], 0.95) for k in old}
    result = Outcome(
        label,
        orch.total.runs / DAYS,
        orch.total.runner_jobs / DAYS,
        orch.total.minutes / DAYS,
        orch.total.minutes / base.total.minutes * 100,
        orch.total.money / DAYS * 30,
        later,
    )
    if not detail:
        return result
    meaningful = sum(1 for r in played if any(ok for _, ok, _, _ in r.jobs) and not r.empty)
    print(f"\nReplay, orchestrator schedule {label} ({', '.join(schedule)}):")
    table(
        [
            ("runs/day", base.total.runs / DAYS, result.runs, SEED_BEFORE, SEED_AFTER),
            ("runner-starting jobs/day", base.total.runner_jobs / DAYS, result.jobs, None, SEED_AFTER),
            ("billed minutes/day", base.total.minutes / DAYS, result.minutes, None, None),
            ("$/month (30 days)", base.total.money / DAYS * 30, result.money, None, None),
        ]
    )
    print(
        f"  orchestrator runs with a non-empty plan: {meaningful / DAYS:.1f}/day; empty: "
        f"{orch.waste.empty_runs.runs / DAYS:.1f}/day; jobs skipped by `if:` (billed 0): "
        f"{(orch.total.jobs - orch.total.runner_jobs) / DAYS:.1f}/day"
    )
    print(
        f"\n  {'outcome':<20}{'n (base/orch)':>15}{'base p50':>10}{'base p95':>10}{'orch p50':>10}{'orch p95':>10}{'p95 later by':>14}"
    )
    for outcome in old:
        a, b = old[outcome], new[outcome]
        print(
            f"  {outcome:<20}{f'{len(a)}/{len(b)}':>15}{percentile(a, 0.5):>9.1f}m{percentile(a, 0.95):>9.1f}m"
            f"{percentile(b, 0.5):>9.1f}m{percentile(b, 0.95):>9.1f}m{later[outcome]:>13.1f}m"
        )
    worst = max(later.values())
    print("\n  goals:")
    print(
        f"    runner jobs/day <= 8:            {result.jobs:7.1f}  {'met' if result.jobs <= GOAL_JOBS else 'NOT met'}"
    )
    print(
        f"    billed minutes <= 1% of baseline: {result.share:6.2f}%  {'met' if result.share <= GOAL_SHARE else 'NOT met'}"
    )
    print(f"    p95 later by <= 60 min:           {worst:6.1f}m  {'met' if worst <= GOAL_LATER else 'NOT met'}")
    return result


def sweep(results: Sequence[Outcome]) -> None:
    """What the batch interval trades: cost against how late outcomes land."""
    print(
        "\nThe batch interval trades cost for latency (`[workflow] schedule`, `[limits] merge`;"
        " p95 later than the baseline's):"
    )
    print(
        f"  {'schedule':<40}{'runs/day':>9}{'jobs/day':>9}{'min/day':>9}{'% base':>8}{'$/month':>9}"
        f"{'merged':>9}{'scanned':>9}{'conflict':>9}"
    )
    for r in results:
        late = "".join(f"{r.later[k]:>8.0f}m" for k in ("merged", "scanned", "conflict notified"))
        print(f"  {r.label:<40}{r.runs:>9.1f}{r.jobs:>9.1f}{r.minutes:>9.1f}{r.share:>7.2f}%{r.money:>9.2f}{late}")


def bounds(activity: Activity, old: Mapping[str, list[float]]) -> None:
    """The fewest runs any schedule needs for the latency goal and for the merges, from the events alone."""
    windows = {k: timedelta(minutes=percentile(old[k], 0.95) + GOAL_LATER) for k in old}
    everything = {
        "merged": [p.ready_at for p in activity.pulls if p.ready_at],
        "scanned": [p.opened_at for p in activity.pulls if p.security],
        "conflict notified": [m for p in activity.pulls for m in p.conflicts],
    }
    # only outcomes whose window closes inside the week: a run after it would not count in the week's jobs
    causes = {k: [t for t in v if t + windows[k] <= activity.end] for k, v in everything.items()}
    latency = latency_bound(causes, windows) / DAYS
    merges = len(causes["merged"])
    capacity = capacity_bound(merges, Settings().limits.merge) / DAYS
    print(
        "\nWhat any schedule needs (lower bounds from the event stream alone, generous: a run takes no time;"
        " outcomes whose window closes inside the week):"
    )
    print(
        f"  latency: every outcome within the baseline's p95 + 60 min, the slowest "
        f"{sum(allowed_late(len(v)) for v in causes.values())} allowed late: at least {latency:.1f} runs/day"
    )
    print(
        f"  capacity: {merges} PRs became ready in time, at most {Settings().limits.merge} merges a run (limits.merge): "
        f"at least {capacity:.1f} runs/day"
    )
    others = {k: v for k, v in causes.items() if k != "merged"}
    unmerged = latency_bound(others, windows) / DAYS
    print(
        f"  without the merges (were GitHub's auto-merge to make them, no runner): scans and conflict notices "
        f"alone need at least {unmerged:.1f} runs/day"
    )
    need = max(latency, capacity)
    verdict = (
        "so no batch schedule meets both the 8 jobs/day goal and the latency goal while the orchestrator's own"
        " job makes every merge"
        if need > GOAL_JOBS
        else "so a schedule meeting both goals may exist"
    )
    print(f"  => at least {need:.1f} runner jobs/day against the goal's {GOAL_JOBS:.0f}: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=40, help="events given to act for the cross-check")
    parser.add_argument("--no-act", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    activity = generate(rng, START, DAYS, BUSY)
    counts = Counter((e.name, e.action) for e in activity.events)
    print(
        f"Event stream: {DAYS} days from {START.date()}, seed {args.seed}: {len(activity.events):,} events, "
        f"{len(activity.pulls):,} PRs ({sum(p.security for p in activity.pulls)} security, "
        f"{sum(p.author == 'dependabot[bot]' for p in activity.pulls)} Dependabot)"
    )
    for (name, action), n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {name + ('/' + action if action else ''):<32}{n / DAYS:>8.1f}/day")

    with tempfile.TemporaryDirectory(prefix="lbconsole-economy-") as tmp:
        directory = Path(tmp) / ".github" / "workflows"
        workflows = load_workflows(directory)
        bots = {k: w for k, w in workflows.items() if k != ORCHESTRATOR}
        names = {k: str(w.get("name", k)) for k, w in workflows.items()}
        legacy = bot_runs(replay(activity, bots, REPO), {b.file: b.seconds for b in BOTS}, random.Random(args.seed + 1))
        end = START + timedelta(days=DAYS)
        base = build_report(REPO, records(legacy, names), CostSettings(), start=START, end=end)
        old = baseline_latencies(legacy, activity)
        results = [
            replay_schedule(
                label, schedule, activity, base, old, args.seed, names, merge_limit=merge, detail=index == 0
            )
            for index, (label, schedule, merge) in enumerate(SCHEDULES)
        ]
        sweep(results)
        bounds(activity, old)
        if not args.no_act:
            cross_check(activity, workflows, directory, args.sample, random.Random(args.seed + 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
