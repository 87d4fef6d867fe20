"""Scenario builders: the repositories the simulator can be reset to.

`demo` builds the hand-written demo repository (`demo.py`), `scale:N`
generates N pull requests with similar proportions from the seed, for
benchmarks (5,000 PRs build in well under a second), `strict:N` has N
ready pull requests under strict branch protection with 5-minute CI (the
merge strategies' scenario; `queue:N` is the same with a merge queue on
the default branch), and `empty` has a base branch and nothing
else. Every scenario draws from the state's seeded generator in a fixed order, so a seed always gives the same SHAs.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from lbconsole.sim.scenarios.demo import BASE_FILES, DEMO_REPO, demo_specs
from lbconsole.sim.scenarios.specs import Spec, modified
from lbconsole.sim.state import CONFLICTING, MERGEABLE, UNKNOWN, SimPull, SimReview, SimState, fake_sha, wall_now

MAINTAINERS = ("mlindqvist", "priya-raman", "tkowalczyk")
"""Reviewers who approve or request changes."""

ALL_PASS = {"ci/test": "success", "ci/lint": "success", "build": "success"}


def _bot(name: str) -> bool:
    return name.endswith("[bot]")


def _build(state: SimState, spec: Spec, number: int, now: datetime, old_base: str, rng: random.Random) -> None:
    created = now - timedelta(days=spec.age_days)
    idle = spec.idle_days if spec.idle_days is not None else spec.age_days * 0.3
    updated = max(created, now - timedelta(days=idle))
    head = fake_sha(rng)
    kind = spec.kind
    pull = SimPull(
        number=number,
        title=spec.title,
        author=spec.author,
        author_is_bot=_bot(spec.author),
        head_sha=head,
        base_sha=old_base if kind == "behind" else state.base_sha,
        created_at=created,
        updated_at=updated,
        body=spec.body,
        labels=list(spec.labels),
        draft=kind == "draft",
        head_ref=spec.branch,
        files=spec.files,
        mergeable={"conflict": CONFLICTING, "unknown": UNKNOWN}.get(kind, MERGEABLE),
        review_decision=spec.review,
        commits=1 + int(rng.random() * 4),
    )
    if kind == "failing":
        checks = {name: ("failure" if name in spec.failing else "success") for name in ALL_PASS}
    elif kind == "pending":
        checks = {"ci/test": "pending", "ci/lint": "success", "build": "pending"}
    else:
        checks = dict(ALL_PASS)
    state.add_pull(pull, checks)
    if spec.review is not None:
        reviewer = MAINTAINERS[number % len(MAINTAINERS)]
        if reviewer == spec.author:
            reviewer = MAINTAINERS[(number + 1) % len(MAINTAINERS)]
        body = "LGTM" if spec.review == "APPROVED" else "A few things to address before this can land."
        pull.reviews.append(SimReview(state.next_id(), reviewer, spec.review, body, head, updated - timedelta(hours=1)))
    for user, text in spec.comments:
        comment = state.add_comment(number, text, user)
        comment.created_at = comment.updated_at = updated - timedelta(minutes=30)
    pull.updated_at = updated


def _base(state: SimState, rng: random.Random) -> str:
    """Give the base branch some history; returns an older base SHA (for BEHIND PRs)."""
    old = fake_sha(rng)
    state.base_history = [fake_sha(rng), old, state.base_sha]
    state.base_files = {path: text.encode() for path, text in BASE_FILES.items()}
    return old


def _repository(seed: int, now: datetime | None) -> tuple[SimState, str]:
    """The demo repository with its base branch and nothing else; returns it and an older base SHA."""
    owner, name = DEMO_REPO.split("/")
    state = SimState(owner, name, seed=seed, now=now)
    return state, _base(state, state.rng)


def build_demo(seed: int = 0, now: datetime | None = None) -> SimState:
    """The demo repository acme/rocket with 40 open pull requests."""
    state, old_base = _repository(seed, now)
    specs = sorted(demo_specs(), key=lambda spec: -spec.age_days)  # numbers grow with creation time
    for i, spec in enumerate(specs):
        _build(state, spec, 1201 + i * 2 - (i // 3), state.clock.anchor, old_base, state.rng)
    state.version = 0
    return state


SCALE_KINDS: tuple[tuple[str, float], ...] = (
    ("ready", 0.30),
    ("behind", 0.10),
    ("conflict", 0.08),
    ("unknown", 0.05),
    ("draft", 0.05),
    ("blocked", 0.05),
    ("failing", 0.08),
    ("changes", 0.05),
    ("pending", 0.04),
    ("unreviewed", 0.20),
)

SCALE_TEMPLATES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # (title, branch prefix, label, authors)
    ("Bump {pkg} from 1.{a}.0 to 1.{b}.0", "dependabot/pip/", "dependencies", ("dependabot[bot]",)),
    ("chore(deps): update dependency {pkg} to v{b}", "renovate/", "dependencies", ("renovate[bot]",)),
    ("fix: {area} crashes on empty input", "fix/", "bug", ("dkowalski", "fatima-z", "bmartinez")),
    ("feat({area}): support {pkg} profiles", "feat/", "enhancement", ("hiro-t", "chloe-dev", "ivana-p")),
    ("feat: {area} dashboard widgets", "feature/", "", ("chloe-dev", "jlee")),
    ("docs: explain {area} configuration", "docs/", "documentation", ("priya-raman", "jlee")),
    ("refactor: simplify {area} internals", "refactor/", "", ("tkowalczyk", "gwen-ops")),
    ("security: validate {area} input (CVE-2026-{cve})", "fix/", "security", ("alice-chen",)),
)
SCALE_WEIGHTS = (0.12, 0.06, 0.15, 0.18, 0.12, 0.08, 0.09, 0.05)
AREAS = ("telemetry", "guidance", "engine", "api", "cli", "auth", "uploads", "countdown", "sensors", "ui")
PACKAGES = ("requests", "numpy", "pydantic", "httpx", "rich", "orjson", "attrs", "boto3", "click", "yarl")


def build_scale(n: int, seed: int = 0, now: datetime | None = None) -> SimState:
    """`n` generated pull requests with the demo's proportions (fast: no per-PR I/O)."""
    state, old_base = _repository(seed, now)
    rng = state.rng
    anchor = state.clock.anchor
    kinds = [k for k, _ in SCALE_KINDS]
    kind_weights = [w for _, w in SCALE_KINDS]
    hot_paths = [f"src/rocket/{area}/__init__.py" for area in AREAS]
    for number in range(1, n + 1):
        kind = rng.choices(kinds, kind_weights)[0]
        title_t, prefix, label, authors = rng.choices(SCALE_TEMPLATES, SCALE_WEIGHTS)[0]
        area, pkg = rng.choice(AREAS), rng.choice(PACKAGES)
        title = title_t.format(
            area=area, pkg=pkg, a=rng.randint(0, 9), b=rng.randint(10, 20), cve=rng.randint(1000, 9999)
        )
        author = rng.choice(authors)
        bot = _bot(author)
        if kind == "blocked":
            labels = [label, rng.choice(("wip", "do-not-merge"))] if label else ["wip"]
        else:
            labels = [label] if label else []
        if bot:
            path = "requirements.txt"
            files = [modified(path, [f"{pkg}==1.{number % 20}.0"], [f"{pkg}==1.0.0"], start=1)]
        elif label == "documentation":
            files = [modified(f"docs/{area}.md", [f"The {area} section, revised (#{number})."], start=3)]
        else:
            path = rng.choice(hot_paths) if rng.random() < 0.3 else f"src/rocket/{area}/m{number}.py"
            added = [f"def handler_{number}(event):", "    return event"]
            if rng.random() < 0.02:
                added.append(f'TOKEN = "ghp_{fake_sha(rng)[:36]}"')
            files = [modified(path, added, start=rng.randint(1, 200))]
        age = rng.uniform(0.1, 90.0)
        spec = Spec(
            title,
            author,
            f"{prefix}{area}-{number}",
            files,
            kind=kind,
            labels=labels,
            age_days=age,
            idle_days=rng.uniform(0, age),
            review=("CHANGES_REQUESTED" if kind == "changes" else None if bot or kind == "unreviewed" else "APPROVED"),
            failing=("ci/test",) if rng.random() < 0.7 else ("ci/lint", "build"),
        )
        _build(state, spec, number, anchor, old_base, rng)
    state.version = 0
    return state


STRICT_CI_S = 300.0
"""How long CI runs on every new head in the `strict:N` scenario (5 simulated minutes)."""


def build_strict(n: int, seed: int = 0, now: datetime | None = None) -> SimState:
    """`n` ready pull requests (approved, checks passing, up to date, no shared files) under strict protection.

    Every new head (a branch update) gets CI running `STRICT_CI_S`: the
    merge-strategy scenario, where each merge leaves every other PR behind.
    """
    state, old_base = _repository(seed, now)
    anchor = state.clock.anchor
    for number in range(1, n + 1):
        area = AREAS[number % len(AREAS)]
        spec = Spec(
            f"fix: {area} edge case {number}",
            ("dkowalski", "fatima-z", "bmartinez", "hiro-t")[number % 4],
            f"fix/{area}-{number}",
            [modified(f"src/rocket/{area}/fix_{number}.py", [f"def fix_{number}(event):", "    return event"])],
            age_days=1.0 + number / 10,
        )
        _build(state, spec, number, anchor, old_base, state.rng)
    state.protection.strict = True
    state.checks_delay_s = STRICT_CI_S
    state.version = 0
    return state


def build(scenario: str, seed: int = 0, now: datetime | None = None, *, real_clock: bool = False) -> SimState:
    """The state for `scenario`: `demo`, `scale:N` or `empty`.

    Args:
        scenario: the scenario's name.
        seed: seed of the state's random generator (SHAs, generated PRs).
        now: the instant the scenario is anchored at (default `DEFAULT_NOW`).
        real_clock: anchor it at the wall clock instead, and keep the clock on it (`SimClock.real`).

    Returns:
        A fresh state.

    Raises:
        ValueError: for an unknown scenario name.
    """
    if real_clock:
        state = _scenario(scenario, seed, wall_now())
        state.clock.real = True
        return state
    return _scenario(scenario, seed, now)


def _scenario(scenario: str, seed: int, now: datetime | None) -> SimState:
    if scenario == "demo":
        return build_demo(seed, now)
    if scenario == "empty":
        return _repository(seed, now)[0]
    if scenario.startswith(("strict:", "queue:")):
        kind, count = scenario.split(":", 1)
        if not count.isdigit():
            raise ValueError(f"bad scenario {scenario!r}: expected {kind}:N")
        state = build_strict(int(count), seed, now)
        state.protection.merge_queue = kind == "queue"  # the same PRs, with a merge queue on main
        return state
    if scenario.startswith("scale:"):
        try:
            n = int(scenario.split(":", 1)[1])
        except ValueError:
            raise ValueError(f"bad scenario {scenario!r}: expected scale:N") from None
        if n < 0:
            raise ValueError(f"bad scenario {scenario!r}: N must be >= 0")
        return build_scale(n, seed, now)
    raise ValueError(f"unknown scenario {scenario!r} (known: demo, scale:N, empty)")
