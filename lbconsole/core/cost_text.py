"""The cost report as text and as `lbconsole.cost/1` JSON: pure functions of a `CostReport`."""

from __future__ import annotations

from typing import Any

from lbconsole.core.cost import ROUNDING_RULE, SHORT_JOB_S, CostReport, Tally
from lbconsole.core.times import iso_z

COST_SCHEMA = "lbconsole.cost/1"


def dollars(amount: float) -> str:
    """`$1,234.56`."""
    return f"${amount:,.2f}"


def tally_dict(report: CostReport, tally: Tally, days: float | None = None) -> dict[str, Any]:
    """A tally as JSON data (dollars after the public-repository rule)."""
    data: dict[str, Any] = {
        "runs": tally.runs,
        "jobs": tally.jobs,
        "runner_jobs": tally.runner_jobs,
        "billed_minutes": tally.minutes,
        "runtime_minutes": round(tally.seconds / 60, 1),
        "money_usd": round(report.money(tally), 2),
    }
    if days is not None:
        data["days"] = round(days, 2)
        data["runs_per_day"] = round(tally.runs / days, 1) if days else 0.0
        data["billed_minutes_per_day"] = round(tally.per_day(days), 1)
    return data


def cost_dict(report: CostReport, *, requests: int = 0, cached: int = 0) -> dict[str, Any]:
    """The report as `lbconsole.cost/1` JSON data.

    Args:
        report: the report.
        requests: API requests made to build it.
        cached: runs read from the disk cache instead of the API.
    """
    settings = report.settings
    projection = report.projection
    return {
        "schema": COST_SCHEMA,
        "repo": report.repo,
        "window": {"start": iso_z(report.start), "end": iso_z(report.end), "days": round(report.days, 2)},
        "rounding": ROUNDING_RULE,
        "rates_usd_per_minute": dict(sorted(report.rates.items())),
        "public": settings.public,
        "included_minutes": settings.included_minutes,
        "requests": requests,
        "cached_runs": cached,
        "in_progress_runs": report.in_progress,
        "estimated_runs": report.total.estimated,
        "total": tally_dict(report, report.total, report.days),
        "by_workflow": [{"workflow": name, **tally_dict(report, t)} for name, t in report.by_workflow.items()],
        "by_event": [{"event": name, **tally_dict(report, t)} for name, t in report.by_event.items()],
        "legacy": tally_dict(report, report.legacy, report.days),
        "orchestrator": tally_dict(report, report.orchestrator, report.days),
        "orchestrator_enabled_at": iso_z(report.enabled_at) if report.enabled_at else None,
        "before": tally_dict(report, report.before, report.days_before),
        "after": tally_dict(report, report.after, report.days_after),
        "waste": {
            "empty_plan_runs": tally_dict(report, report.waste.empty_runs),
            "short_jobs": report.waste.short_jobs,
            "short_job_threshold_s": SHORT_JOB_S,
            "short_jobs_billed_minutes": report.waste.short_minutes,
            "short_jobs_runtime_minutes": round(report.waste.short_seconds / 60, 1),
        },
        "projected_month": {
            "from": iso_z(projection.since),
            "billed_minutes_per_day": round(projection.minutes_per_day, 1),
            "billed_minutes": projection.minutes,
            "billable_minutes": projection.billable_minutes,
            "money_usd": round(projection.money, 2),
        },
        "by_day": [
            {"date": day.isoformat(), "workflow": name, "runs": t.runs, "billed_minutes": t.minutes}
            for name, days in sorted(report.by_day.items())
            for day, t in days.items()
        ],
    }


def _row(label: str, report: CostReport, tally: Tally, width: int) -> str:
    return (
        f"  {label[:width]:<{width}} {tally.runs:>7,} {tally.jobs:>7,} {tally.runner_jobs:>7,} "
        f"{tally.minutes:>9,} {dollars(report.money(tally)):>11}"
    )


def _table(title: str, rows: dict[str, Tally], report: CostReport, limit: int = 20) -> list[str]:
    width = max([len(title), *(min(len(name), 34) for name in rows)])
    lines = [f"  {title:<{width}} {'runs':>7} {'jobs':>7} {'runner':>7} {'minutes':>9} {'money':>11}"]
    lines += [_row(name, report, tally, width) for name, tally in list(rows.items())[:limit]]
    if len(rows) > limit:
        lines.append(f"  ... and {len(rows) - limit} more")
    return lines


def _side(label: str, report: CostReport, tally: Tally, days: float) -> str:
    per_day = f"{tally.runs / days:,.1f} runs/day, {tally.per_day(days):,.1f} min/day" if days > 0 else "no days"
    return (
        f"  {label:<13} {tally.runs:>7,} runs  {tally.minutes:>8,} min  {dollars(report.money(tally)):>10}"
        f"  ({per_day} over {days:.1f} d)"
    )


def cost_text(report: CostReport, *, requests: int = 0, cached: int = 0) -> str:
    """The report as the text `lbconsole cost` prints."""
    settings = report.settings
    rates = ", ".join(f"{label} ${rate:g}" for label, rate in sorted(report.rates.items()))
    lines = [
        f"Actions cost of {report.repo}, {iso_z(report.start)} .. {iso_z(report.end)} ({report.days:.1f} days)",
        f"Rounding: {ROUNDING_RULE}.",
        f"Rates per minute: {rates}.",
    ]
    if settings.public:
        lines.append("Public repository: standard runners are free (minutes are still counted).")
    if settings.included_minutes:
        lines.append(f"Included minutes: {settings.included_minutes:,} a month (taken off the projected month).")
    lines += ["", *_table("workflow", report.by_workflow, report), "", *_table("event", report.by_event, report)]
    lines += ["", *_table("total", {"total": report.total}, report)[1:]]
    lines += ["", "Legacy bots (every workflow but the orchestrator) against the orchestrator:"]
    lines.append(_side("legacy bots", report, report.legacy, report.days))
    lines.append(_side("orchestrator", report, report.orchestrator, report.days))
    if report.enabled_at is not None:
        lines += ["", f"Before and after the orchestrator's first run ({iso_z(report.enabled_at)}):"]
        lines.append(_side("before", report, report.before, report.days_before))
        lines.append(_side("after", report, report.after, report.days_after))
        if report.days_before > 0 and report.days_after > 0 and report.after.minutes:
            ratio = report.before.per_day(report.days_before) / report.after.per_day(report.days_after)
            lines.append(f"  billed minutes per day fell {ratio:,.1f}x")
    else:
        lines += ["", "The orchestrator did not run in this window."]
    waste = report.waste
    lines += [
        "",
        "Waste:",
        f"  orchestrator runs with an empty plan (among the runs read): {waste.empty_runs.runs:,} "
        f"({waste.empty_runs.minutes:,} min, {dollars(report.money(waste.empty_runs))})",
        f"  jobs shorter than {SHORT_JOB_S:g} s billed a whole minute: {waste.short_jobs:,} "
        f"({waste.short_minutes:,} min billed for {waste.short_seconds / 60:,.1f} min of runtime)",
    ]
    projection = report.projection
    lines += [
        "",
        f"Projected month ({projection.minutes_per_day:,.1f} min/day since {iso_z(projection.since)}, "
        f"x{30}): {projection.minutes:,} min, {projection.billable_minutes:,} billable, {dollars(projection.money)}",
    ]
    if report.total.estimated:
        lines.append(
            f"{report.total.estimated:,} run(s) not read in full (the request budget ran out): each is priced like "
            "its workflow's median run; the next call reads more of them (completed runs are cached)."
        )
    if report.in_progress:
        lines.append(f"{report.in_progress} run(s) still in progress: their minutes so far are counted.")
    lines.append(f"API requests: {requests:,} ({cached:,} completed runs read from the cache).")
    return "\n".join(lines)
