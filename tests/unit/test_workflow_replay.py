"""GitHub's expressions and trigger rules, offline: what the economy replay and the demo history rely on."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import yaml

from lbconsole.core.cron import cron_times
from lbconsole.core.settings import Settings, WorkflowSettings
from lbconsole.sim.actions.bots import BOTS
from lbconsole.sim.actions.events import generate
from lbconsole.sim.actions.replayed import orchestrate, orchestrator_workflow, replay
from lbconsole.workflow.expressions import ExpressionError, evaluate
from lbconsole.workflow.render import render_workflow
from lbconsole.workflow.replay import Event, filter_match, jobs_for, triggered

AT = datetime(2026, 11, 2, 10, tzinfo=UTC)
CTX = {
    "github": {
        "event_name": "pull_request",
        "actor": "dependabot[bot]",
        "event": {"pull_request": {"title": "Fix CVE-2026-1", "labels": [{"name": "Security"}, {"name": "bug"}]}},
    }
}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("github.actor == 'DEPENDABOT[bot]'", True),
        ("contains(github.event.pull_request.labels.*.name, 'security')", True),
        ("contains(github.event.pull_request.title, 'cve-')", True),
        ("contains(fromJSON('[\"hold\",\"wip\"]'), 'WIP')", True),
        ("github.event_name != 'pull_request' || 'fallback'", "fallback"),
        ("github.missing.deeper && true", None),
        ("!startsWith(github.actor, 'dep') || endsWith(github.actor, '[bot]')", True),
        ("1 < 2 && '2' == 2", True),
        ("format('{0}-{1}', 'a', 1)", "a-1"),
        ("github['event'].pull_request.labels[1].name", "bug"),
        ("${{ github.actor }}", "dependabot[bot]"),
    ],
)
def test_expressions_follow_githubs_rules(text: str, value: object) -> None:
    assert evaluate(text, CTX) == value


@pytest.mark.parametrize("text", ["contains(", "nosuch(1)", "a ==", "'unterminated"])
def test_a_broken_expression_is_an_error(text: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(text, CTX)


@pytest.mark.parametrize(
    ("patterns", "value", "matched"),
    [
        (["main"], "main", True),
        (["releases/*"], "releases/v1", True),
        (["releases/*"], "releases/v1/x", False),
        (["releases/**"], "releases/v1/x", True),
        (["**", "!docs/**"], "docs/a.md", False),
        (["*.md"], "README.md", True),
    ],
)
def test_filters_are_globs_with_negation_in_order(patterns: list[str], value: str, matched: bool) -> None:
    assert filter_match(patterns, value) is matched


def test_triggers_follow_types_branches_paths_and_schedules() -> None:
    wf = {
        "on": {
            "pull_request": {"branches": ["main"]},
            "push": {"branches": ["main"], "paths-ignore": ["docs/**"]},
            "schedule": [{"cron": "*/15 * * * *"}],
        },
        "jobs": {"a": {}},
    }
    assert triggered(wf, Event(AT, "pull_request", "opened", ref="main"))
    assert not triggered(wf, Event(AT, "pull_request", "labeled", ref="main"))  # not a default type
    assert not triggered(wf, Event(AT, "pull_request", "opened", ref="develop"))
    assert triggered(wf, Event(AT, "push", ref="main", paths=("src/a.py", "docs/b.md")))
    assert not triggered(wf, Event(AT, "push", ref="main", paths=("docs/b.md",)))
    assert triggered(wf, Event(AT, "schedule", cron="*/15 * * * *"))
    assert not triggered(wf, Event(AT, "schedule", cron="0 * * * *"))
    assert triggered({"on": {"pull_request_target": {"types": ["labeled"]}}}, Event(AT, "pull_request", "labeled"))
    assert triggered({True: ["push"]}, Event(AT, "push", ref="x"))  # YAML 1.1 reads `on` as true


def test_cron_lines_fire_when_github_would() -> None:
    day = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
    week = datetime(2026, 11, 9, tzinfo=UTC)
    assert len(list(cron_times("17 * * * *", day, week))) == 7 * 24
    assert len(list(cron_times("*/10 * * * *", day, week))) == 7 * 144
    assert [t.isoformat() for t in cron_times("0 6 * * 1", day, week)] == ["2026-11-02T06:00:00+00:00"]


@pytest.mark.parametrize("schedule", [("17 * * * *",), ("17 */3 * * *", "47 9-17 * * 1-5")])
def test_the_orchestrator_data_matches_the_workflow_init_writes(schedule: tuple[str, ...]) -> None:
    settings = replace(Settings(), workflow=WorkflowSettings(schedule=schedule))
    written = yaml.safe_load(render_workflow("1.0.0", settings))
    data = orchestrator_workflow(settings)
    assert [entry["cron"] for entry in written[True]["schedule"]] == list(schedule)
    assert written[True] == data["on"] | {"workflow_dispatch": written[True]["workflow_dispatch"]}
    job = written["jobs"]["orchestrate"]
    assert " ".join(job["if"].split()) == " ".join(data["jobs"]["orchestrate"]["if"].split())
    assert job["runs-on"] == data["jobs"]["orchestrate"]["runs-on"]


def test_the_orchestrators_if_runs_security_and_label_events_and_skips_the_rest() -> None:
    wf = orchestrator_workflow()

    def runs(action: str, title: str = "feat: x", label: str = "", fork: bool = False) -> bool:
        pr = {
            "title": title,
            "body": "",
            "user": {"login": "dev"},
            "labels": [],
            "head": {"repo": {"full_name": "evil/fork" if fork else "acme/rocket"}},
        }
        event = Event(AT, "pull_request", action, ref="main", payload={"pull_request": pr, "label": {"name": label}})
        return dict(jobs_for(wf, event, "acme/rocket"))["orchestrate"]

    assert runs("opened", "fix: security hole")
    assert not runs("opened", "fix: security hole", fork=True)
    assert not runs("opened")
    assert not runs("synchronize")
    assert not runs("ready_for_review")  # it still needs its approval: the batch sees it
    assert runs("ready_for_review", "fix: security hole")
    assert runs("labeled", label="do-not-merge")
    assert not runs("labeled", label="bug")
    assert dict(jobs_for(wf, Event(AT, "schedule", cron="17 * * * *"), "acme/rocket"))["orchestrate"]


def test_a_replayed_week_is_deterministic_and_the_orchestrator_runs_one_at_a_time() -> None:
    def week() -> tuple[int, list[tuple[str, bool, bool]]]:
        activity = generate(random.Random(3), datetime(2026, 11, 2, tzinfo=UTC), 7)
        bots = replay(activity, {b.file: b.workflow for b in BOTS}, "acme/rocket")
        played = orchestrate(
            replay(activity, {"lambda-bot.yml": orchestrator_workflow()}, "acme/rocket"), activity, random.Random(4)
        )
        return len(bots), [(r.created.isoformat(), r.empty, r.cancelled) for r in played]

    first, second = week(), week()
    assert first == second
    assert first[0] > 7 * 300
    activity = generate(random.Random(3), datetime(2026, 11, 2, tzinfo=UTC), 7)
    played = orchestrate(
        replay(activity, {"lambda-bot.yml": orchestrator_workflow()}, "acme/rocket"), activity, random.Random(4)
    )
    running = sorted((r.start, r.end) for r in played if any(ok for _, ok, _, _ in r.jobs))
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(running))
    merged = [n for r in played for n in r.merged]
    assert len(merged) == len(set(merged))
    assert all(len(r.merged) <= 5 for r in played)


def test_render_refuses_a_schedule_the_config_check_would_refuse() -> None:
    settings = replace(Settings(), workflow=WorkflowSettings(schedule=('17 * * * *"\n  evil: x',)))
    with pytest.raises(ValueError, match=r"workflow\.schedule"):
        render_workflow("1.0.0", settings)
