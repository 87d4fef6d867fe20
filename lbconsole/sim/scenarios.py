"""Scenarios: the repositories the simulator can be reset to.

`demo` is a hand-written acme/rocket with 40 open pull requests in which
every orchestrator mode has real work and every batch limit binds: ready
PRs (human-approved and trusted-bot dependency bumps), PRs behind the base
branch, conflicting ones, drafts, blocking labels, failing checks, changes
requested, pending mergeability, security PRs (one with a leaked token in a
fixture, one adding a `pull_request_target` workflow, a Dependabot security
update), and PRs that share files so that merging one makes others DIRTY.

`scale:N` generates N PRs with similar proportions from the seed, for
benchmarks (5,000 PRs build in well under a second).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lbconsole.sim.state import (
    CONFLICTING,
    MERGEABLE,
    UNKNOWN,
    SimFile,
    SimPull,
    SimReview,
    SimState,
    fake_sha,
)

MAINTAINERS = ("mlindqvist", "priya-raman", "tkowalczyk")
"""Reviewers who approve or request changes."""

ALL_PASS = {"ci/test": "success", "ci/lint": "success", "build": "success"}


def hunk(
    added: list[str],
    removed: list[str] | None = None,
    *,
    start: int = 12,
    context: tuple[str, ...] = ("", ""),
    header: str = "",
) -> tuple[str, int, int]:
    """One unified-diff hunk; returns (patch, additions, deletions)."""
    removed = removed or []
    before, after = context
    old_len = len(removed) + 2
    new_len = len(added) + 2
    lines = [f"@@ -{start},{old_len} +{start},{new_len} @@{(' ' + header) if header else ''}", f" {before}"]
    lines += [f"-{line}" for line in removed]
    lines += [f"+{line}" for line in added]
    lines.append(f" {after}")
    return "\n".join(lines), len(added), len(removed)


def modified(path: str, added: list[str], removed: list[str] | None = None, **kw: object) -> SimFile:
    """A modified file with one hunk."""
    patch, adds, dels = hunk(added, removed, **kw)  # type: ignore[arg-type]
    return SimFile(path, "modified", patch, adds, dels)


def added_file(path: str, text: str) -> SimFile:
    """A new file; its patch adds every line."""
    lines = text.rstrip("\n").split("\n")
    patch = f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join(f"+{line}" for line in lines)
    return SimFile(path, "added", patch, len(lines), 0, content=text.encode())


def lockfile(package: str, old: str, new: str) -> SimFile:
    """A package-lock.json change bumping `package`."""
    return modified(
        "package-lock.json",
        [
            f'      "version": "{new}",',
            f'      "resolved": "https://registry.npmjs.org/{package}/-/{package}-{new}.tgz",',
        ],
        [
            f'      "version": "{old}",',
            f'      "resolved": "https://registry.npmjs.org/{package}/-/{package}-{old}.tgz",',
        ],
        start=1041,
        context=(f'    "node_modules/{package}": {{', '      "dev": false'),
    )


def package_json(package: str, old: str, new: str) -> SimFile:
    """A package.json change bumping `package`."""
    return modified(
        "package.json",
        [f'    "{package}": "^{new}",'],
        [f'    "{package}": "^{old}",'],
        start=18,
        context=('  "dependencies": {', '    "zod": "^3.23.8"'),
    )


def dependabot_body(package: str, old: str, new: str, ecosystem: str, extra: str = "") -> str:
    """A Dependabot pull request body."""
    return (
        f"Bumps [{package}](https://github.com/{package}/{package}) from {old} to {new}.\n"
        f"{extra}"
        "<details>\n<summary>Release notes</summary>\n\n"
        f'<p><em>Sourced from <a href="https://github.com/{package}/{package}/releases">{package}\'s '
        "releases</a>.</em></p>\n"
        f"<blockquote><h2>{new}</h2><ul><li>Bug fixes and performance improvements</li></ul></blockquote>\n"
        "</details>\n\n"
        f"[![Dependabot compatibility score](https://dependabot-badges.githubapp.com/badges/compatibility_score"
        f"?dependency-name={package}&package-manager={ecosystem}&previous-version={old}&new-version={new})]"
        "(https://docs.github.com/en/github/managing-security-vulnerabilities/about-dependabot-security-"
        "updates#about-compatibility-scores)\n\n"
        "Dependabot will resolve any conflicts with this PR as long as you don't alter it yourself. "
        "You can also trigger a rebase manually by commenting `@dependabot rebase`.\n"
    )


GH_TOKEN_FIXTURE = "ghp_" + "R7tK2mQ9vX4bN8cL1pZ6wY3hJ5sD0fG2aE7u"
AWS_KEY_FIXTURE = "AKIA" + "Z3MHQ4WL7XRT2P6N"
AWS_SECRET_FIXTURE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3vTr8sLp"

FORK_SCAN_WORKFLOW = """\
name: Scan forked PRs
on:
  pull_request_target:
    types: [opened, synchronize]
permissions: write-all
jobs:
  codeql:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: github/codeql-action/init@v3
        with:
          languages: python, javascript
      - uses: some-org/sarif-annotator@main
      - uses: github/codeql-action/analyze@v3
"""

CI_WORKFLOW = """\
name: CI
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  test:
    name: ci/test
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install -r requirements.txt -r requirements-dev.txt
      - run: pytest -q
  lint:
    name: ci/lint
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pipx run ruff check .
"""

BASE_FILES: dict[str, str] = {
    "README.md": "# rocket\n\nFlight software for the Acme launch vehicle.\n\n## Quickstart\n\n"
    "    pip install -e .\n    rocket status\n",
    "package.json": json.dumps(
        {
            "name": "rocket-mission-control",
            "version": "0.9.0",
            "private": True,
            "dependencies": {"axios": "^1.7.7", "lodash": "^4.17.20", "zod": "^3.23.8"},
            "devDependencies": {"typescript": "^5.6.3"},
        },
        indent=2,
    )
    + "\n",
    "requirements.txt": "requests==2.32.3\nnumpy==1.26.4\npydantic==2.9.2\n",
    "requirements-dev.txt": "pytest==8.3.3\nruff==0.6.9\nhypothesis==6.112.0\n",
    ".github/workflows/ci.yml": CI_WORKFLOW,
    "src/rocket/engine.py": '"""Main engine control."""\n\nMAX_THRUST_KN = 845.0\n',
    "src/rocket/api/routes.py": '"""HTTP routes of mission control."""\n',
}


@dataclass
class Spec:
    """One demo pull request, before it becomes a SimPull."""

    title: str
    author: str
    branch: str
    files: list[SimFile]
    kind: str = "ready"
    """ready, behind, conflict, unknown, draft, failing, changes, pending, unreviewed."""
    labels: list[str] = field(default_factory=list)
    body: str = ""
    age_days: float = 5.0
    idle_days: float | None = None
    """Days since the last update (default: a fraction of the age)."""
    failing: tuple[str, ...] = ("ci/test",)
    review: str | None = "APPROVED"
    """APPROVED, CHANGES_REQUESTED or None (no review)."""
    comments: list[tuple[str, str]] = field(default_factory=list)


def _bot(name: str) -> bool:
    return name.endswith("[bot]")


def demo_specs() -> list[Spec]:
    """The 40 open pull requests of the demo repository, oldest first."""
    lodash_extra = (
        "This is a security update: it fixes "
        "[GHSA-35jh-r3h4-6jhm](https://github.com/advisories/GHSA-35jh-r3h4-6jhm) "
        "(Command Injection in lodash).\n\n"
    )
    return [
        Spec(
            "perf: cache trajectory lookups",
            "tkowalczyk",
            "perf/trajectory-cache",
            [
                modified(
                    "src/rocket/guidance/trajectory.py",
                    ["@functools.lru_cache(maxsize=4096)", "def lookup(altitude_m: float) -> Vector:"],
                    ["def lookup(altitude_m: float) -> Vector:"],
                    header="class TrajectoryTable:",
                )
            ],
            kind="unreviewed",
            review=None,
            age_days=58,
            idle_days=41,
            body="Profiling showed `lookup` at 38% of the guidance loop. Memoise it.",
        ),
        Spec(
            "docs: architecture decision records",
            "priya-raman",
            "docs/adr",
            [
                added_file(
                    "docs/adr/0001-telemetry-transport.md",
                    "# 1. Telemetry transport\n\nStatus: proposed\n\nWe use websockets.\n",
                )
            ],
            kind="draft",
            review=None,
            age_days=52,
            idle_days=36,
            labels=["documentation"],
        ),
        Spec(
            "Add .editorconfig",
            "jlee",
            "editorconfig",
            [added_file(".editorconfig", "root = true\n\n[*]\nindent_style = space\nindent_size = 4\n")],
            kind="unreviewed",
            review=None,
            age_days=47,
            idle_days=33,
        ),
        Spec(
            "feat: guidance computer v2",
            "hiro-t",
            "feat/guidance-v2",
            [
                added_file(
                    "src/rocket/guidance/v2.py",
                    '"""Guidance computer v2: closed-loop PEG."""\n\nclass Peg:\n    pass\n',
                )
            ],
            kind="draft",
            review=None,
            age_days=44,
            labels=["enhancement"],
            body="Early design, not ready for review. Tracking issue #1122.",
        ),
        Spec(
            "chore: migrate to ruff format",
            "gwen-ops",
            "chore/ruff-format",
            [
                modified("pyproject.toml", ["[tool.ruff.format]", 'quote-style = "double"'], ["[tool.black]"]),
                modified("src/rocket/engine.py", ["MAX_THRUST_KN = 845.0"], ["MAX_THRUST_KN=845.0"], start=3),
            ],
            kind="conflict",
            age_days=40,
            idle_days=12,
            comments=[("mlindqvist", "This conflicts with the engine refactor, can you rebase?")],
        ),
        Spec(
            "feat(engine): throttle curves",
            "emeka-o",
            "feat/throttle-curves",
            [
                modified(
                    "src/rocket/engine.py", ["def throttle(t: float) -> float:", "    return curve.at(t)"], start=40
                ),
                added_file("src/rocket/curves.py", '"""Throttle curves."""\n\nLINEAR = [(0, 1.0), (60, 0.7)]\n'),
            ],
            kind="conflict",
            age_days=38,
            labels=["enhancement"],
        ),
        Spec(
            "Bump lodash from 4.17.20 to 4.17.21",
            "dependabot[bot]",
            "dependabot/npm_and_yarn/lodash-4.17.21",
            [package_json("lodash", "4.17.20", "4.17.21"), lockfile("lodash", "4.17.20", "4.17.21")],
            labels=["dependencies", "javascript"],
            review=None,
            age_days=35,
            idle_days=2,
            body=dependabot_body("lodash", "4.17.20", "4.17.21", "npm_and_yarn", lodash_extra),
        ),
        Spec(
            "security: harden session cookies (CVE-2026-1234)",
            "alice-chen",
            "fix/session-cookies",
            [
                modified(
                    "src/rocket/auth/session.py",
                    ['    response.set_cookie("session", token, secure=True, httponly=True, samesite="strict")'],
                    ['    response.set_cookie("session", token)'],
                    start=57,
                    header="def login(",
                ),
                added_file(
                    "tests/fixtures/github_app.json",
                    json.dumps({"app_id": 40213, "installation_token": GH_TOKEN_FIXTURE}, indent=2),
                ),
            ],
            labels=["security"],
            age_days=33,
            idle_days=1,
            body="Fixes CVE-2026-1234: session cookies were sent without `Secure`/`HttpOnly`.\n\n"
            "Adds a fixture for the GitHub App integration test.",
        ),
        Spec(
            "feat: stage separation events",
            "hiro-t",
            "feat/stage-events",
            [
                added_file(
                    "src/rocket/stages.py",
                    '"""Stage separation events."""\n\nEVENTS = ("meco", "stage-sep", "ses-1")\n',
                )
            ],
            kind="behind",
            labels=["enhancement"],
            age_days=31,
        ),
        Spec(
            "fix: handle NaN in altitude sensor",
            "fatima-z",
            "fix/altimeter-nan",
            [
                modified(
                    "src/rocket/sensors/altimeter.py",
                    ["    if math.isnan(raw):", "        return self.last_good"],
                    start=88,
                )
            ],
            kind="behind",
            labels=["bug"],
            age_days=29,
        ),
        Spec(
            "Bump requests from 2.32.3 to 2.32.4",
            "dependabot[bot]",
            "dependabot/pip/requests-2.32.4",
            [
                modified(
                    "requirements.txt",
                    ["requests==2.32.4"],
                    ["requests==2.32.3"],
                    start=1,
                    context=("", "numpy==1.26.4"),
                )
            ],
            kind="behind",
            labels=["dependencies", "python"],
            review=None,
            age_days=27,
            body=dependabot_body("requests", "2.32.3", "2.32.4", "pip"),
        ),
        Spec(
            "docs: update README quickstart",
            "jlee",
            "docs/quickstart",
            [
                modified(
                    "README.md",
                    ["    pipx install rocket", "    rocket status --json"],
                    ["    pip install -e .", "    rocket status"],
                    start=6,
                )
            ],
            kind="behind",
            age_days=26,
        ),
        Spec(
            "feat: mission control dashboard",
            "chloe-dev",
            "feat/mc-dashboard",
            [
                added_file(
                    "web/src/Dashboard.tsx",
                    "export function Dashboard() {\n  return <main>Mission control</main>;\n}\n",
                )
            ],
            kind="ready",
            labels=["enhancement", "wip"],
            age_days=25,
        ),
        Spec(
            "ci: nightly benchmarks",
            "gwen-ops",
            "ci/nightly-bench",
            [
                added_file(
                    ".github/workflows/bench.yml",
                    "name: Bench\non:\n  schedule:\n    - cron: '0 3 * * *'\npermissions:\n"
                    "  contents: read\njobs:\n  bench:\n    runs-on: ubuntu-latest\n    steps:\n"
                    "      - uses: actions/checkout@v4\n      - run: make bench\n",
                )
            ],
            kind="ready",
            labels=["do-not-merge"],
            age_days=24,
        ),
        Spec(
            "feat(telemetry): upload flight logs to S3",
            "bmartinez",
            "feat/s3-upload",
            [
                added_file(
                    "src/rocket/telemetry/uploader.py",
                    '"""Upload flight logs to S3."""\n\nimport boto3\n\n'
                    f'AWS_ACCESS_KEY_ID = "{AWS_KEY_FIXTURE}"\n'
                    f'AWS_SECRET_ACCESS_KEY = "{AWS_SECRET_FIXTURE}"\n\n'
                    "def upload(path: str) -> None:\n"
                    '    boto3.client("s3").upload_file(path, "acme-flight-logs", path)\n',
                ),
                modified("src/rocket/telemetry/config.py", ['UPLOAD_BUCKET = "acme-flight-logs"'], start=9),
            ],
            kind="failing",
            failing=("ci/test",),
            labels=["enhancement"],
            age_days=22,
        ),
        Spec(
            "fix: race in countdown timer",
            "dkowalski",
            "fix/countdown-race",
            [
                modified(
                    "src/rocket/countdown.py",
                    ["        with self._lock:", "            self._remaining -= 1"],
                    ["        self._remaining -= 1"],
                    start=31,
                )
            ],
            kind="failing",
            failing=("ci/test",),
            labels=["bug"],
            age_days=20,
        ),
        Spec(
            "Bump numpy from 1.26.4 to 2.1.3",
            "dependabot[bot]",
            "dependabot/pip/numpy-2.1.3",
            [
                modified(
                    "requirements.txt",
                    ["numpy==2.1.3"],
                    ["numpy==1.26.4"],
                    start=2,
                    context=("requests==2.32.3", "pydantic==2.9.2"),
                )
            ],
            kind="failing",
            failing=("build", "ci/test"),
            labels=["dependencies", "python"],
            review=None,
            age_days=19,
            body=dependabot_body("numpy", "1.26.4", "2.1.3", "pip"),
        ),
        Spec(
            "ci: scan forked PRs with CodeQL",
            "emeka-o",
            "ci/codeql-forks",
            [added_file(".github/workflows/codeql-forks.yml", FORK_SCAN_WORKFLOW)],
            kind="changes",
            review="CHANGES_REQUESTED",
            labels=["security"],
            age_days=18,
            body="Runs CodeQL on PRs from forks so we catch issues before review.",
            comments=[
                (
                    "priya-raman",
                    "`pull_request_target` with a checkout of the head SHA runs untrusted "
                    "code with a write token. Please use `pull_request` instead.",
                )
            ],
        ),
        Spec(
            "feat: config hot reload",
            "ivana-p",
            "feat/hot-reload",
            [modified("src/rocket/config.py", ["    watcher = Watcher(path, on_change=self.reload)"], start=70)],
            kind="changes",
            review="CHANGES_REQUESTED",
            labels=["enhancement"],
            age_days=17,
        ),
        Spec(
            "fix: prevent path traversal in upload handler",
            "alice-chen",
            "fix/upload-traversal",
            [
                modified(
                    "src/rocket/api/uploads.py",
                    [
                        "    target = (UPLOAD_ROOT / name).resolve()",
                        "    if not target.is_relative_to(UPLOAD_ROOT):",
                        "        raise Forbidden()",
                    ],
                    ["    target = UPLOAD_ROOT / name"],
                    start=23,
                )
            ],
            kind="pending",
            labels=["vulnerability"],
            age_days=2,
            idle_days=0.05,
            body="An upload named `../../etc/passwd` escaped the upload root.",
        ),
        Spec(
            "feat: websocket telemetry stream",
            "chloe-dev",
            "feat/ws-telemetry",
            [added_file("src/rocket/api/ws.py", '"""Telemetry over websockets."""\n')],
            kind="unknown",
            labels=["enhancement"],
            age_days=15,
        ),
        Spec(
            "hotfix: guard against empty manifest",
            "fatima-z",
            "hotfix/empty-manifest",
            [modified("src/rocket/manifest.py", ["    if not entries:", "        return Manifest.empty()"], start=14)],
            kind="unknown",
            age_days=0.4,
            idle_days=0.1,
        ),
        Spec(
            "refactor: split engine module",
            "tkowalczyk",
            "refactor/engine-split",
            [
                modified("src/rocket/engine.py", ["from rocket.engine_state import EngineState"], start=1),
                added_file(
                    "src/rocket/engine_state.py", '"""Engine state machine."""\n\nclass EngineState:\n    pass\n'
                ),
            ],
            age_days=14,
        ),
        Spec(
            "fix: off-by-one in telemetry ring buffer",
            "dkowalski",
            "fix/ring-buffer",
            [
                modified(
                    "src/rocket/telemetry/buffer.py",
                    ["        idx = (self._head + 1) % self.size"],
                    ["        idx = (self._head + 1) % (self.size - 1)"],
                    start=42,
                )
            ],
            labels=["bug"],
            age_days=12,
        ),
        Spec(
            "fix(api): return 404 for unknown launch ids",
            "bmartinez",
            "fix/launch-404",
            [
                modified(
                    "src/rocket/api/routes.py",
                    ["    if launch is None:", "        raise NotFound(f'launch {launch_id}')"],
                    start=5,
                )
            ],
            age_days=11,
        ),
        Spec(
            "feat(api): pagination for launches endpoint",
            "ivana-p",
            "feat/launch-pagination",
            [modified("src/rocket/api/routes.py", ["    page = request.query_params.get('page', 1)"], start=5)],
            kind="unreviewed",
            review=None,
            age_days=10,
        ),
        Spec(
            "Bump pytest from 8.3.3 to 8.4.2",
            "dependabot[bot]",
            "dependabot/pip/pytest-8.4.2",
            [
                modified(
                    "requirements-dev.txt", ["pytest==8.4.2"], ["pytest==8.3.3"], start=1, context=("", "ruff==0.6.9")
                )
            ],
            labels=["dependencies", "python"],
            review=None,
            age_days=9,
            body=dependabot_body("pytest", "8.3.3", "8.4.2", "pip"),
        ),
        Spec(
            "chore(deps): update actions/checkout action to v5",
            "renovate[bot]",
            "renovate/actions-checkout-5.x",
            [
                modified(
                    ".github/workflows/ci.yml",
                    ["      - uses: actions/checkout@v5"],
                    ["      - uses: actions/checkout@v4"],
                    start=14,
                )
            ],
            labels=["dependencies"],
            review=None,
            age_days=8,
            body="This PR contains the following updates:\n\n| Package | Type | Update | Change |\n"
            "|---|---|---|---|\n| actions/checkout | action | major | `v4` -> `v5` |\n\n---\n\n"
            "This PR was generated by [Mend Renovate](https://mend.io/renovate/).",
        ),
        Spec(
            "Bump axios from 1.7.7 to 1.8.2",
            "dependabot[bot]",
            "dependabot/npm_and_yarn/axios-1.8.2",
            [package_json("axios", "1.7.7", "1.8.2"), lockfile("axios", "1.7.7", "1.8.2")],
            labels=["dependencies", "javascript"],
            review=None,
            age_days=7,
            body=dependabot_body("axios", "1.7.7", "1.8.2", "npm_and_yarn"),
        ),
        Spec(
            "chore(deps): update dependency typescript to v5.7.2",
            "renovate[bot]",
            "renovate/typescript-5.x",
            [package_json("typescript", "5.6.3", "5.7.2"), lockfile("typescript", "5.6.3", "5.7.2")],
            kind="conflict",
            labels=["dependencies"],
            review=None,
            age_days=7,
            body="This PR contains the following updates: typescript `5.6.3` -> `5.7.2`.",
        ),
        Spec(
            "Bump ruff from 0.6.9 to 0.8.1",
            "dependabot[bot]",
            "dependabot/pip/ruff-0.8.1",
            [
                modified(
                    "requirements-dev.txt",
                    ["ruff==0.8.1"],
                    ["ruff==0.6.9"],
                    start=2,
                    context=("pytest==8.3.3", "hypothesis==6.112.0"),
                )
            ],
            labels=["dependencies", "python"],
            review=None,
            age_days=6,
            body=dependabot_body("ruff", "0.6.9", "0.8.1", "pip"),
        ),
        Spec(
            "feat: add launch window calculator",
            "hiro-t",
            "feat/launch-window",
            [
                added_file(
                    "src/rocket/launch/window.py",
                    '"""Launch windows."""\n\ndef windows(site, target):\n    return []\n',
                ),
                added_file("tests/test_window.py", "def test_empty():\n    assert windows(None, None) == []\n"),
            ],
            labels=["enhancement"],
            age_days=6,
        ),
        Spec(
            "feat(cli): --json output for status",
            "jlee",
            "feat/status-json",
            [modified("src/rocket/cli.py", ['    parser.add_argument("--json", action="store_true")'], start=22)],
            age_days=5,
        ),
        Spec(
            "docs: document the telemetry API",
            "priya-raman",
            "docs/telemetry-api",
            [added_file("docs/telemetry.md", "# Telemetry API\n\n`GET /telemetry/{flight}` streams frames.\n")],
            labels=["documentation"],
            age_days=5,
        ),
        Spec(
            "Fix typos in CONTRIBUTING.md",
            "ivana-p",
            "contributing-typos",
            [
                modified(
                    "CONTRIBUTING.md",
                    ["Please run the test suite before opening a pull request."],
                    ["Please run the tests suite before openning a pull request."],
                    start=8,
                )
            ],
            age_days=4,
        ),
        Spec(
            "Update CODEOWNERS",
            "mlindqvist",
            "codeowners",
            [modified(".github/CODEOWNERS", ["/src/rocket/guidance/ @acme/gnc"], start=3)],
            age_days=4,
        ),
        Spec(
            "Correct thrust unit conversion",
            "emeka-o",
            "bugfix/thrust-units",
            [modified("src/rocket/units.py", ["KN_PER_LBF = 0.00444822"], ["KN_PER_LBF = 0.0044482"], start=5)],
            kind="unreviewed",
            review=None,
            age_days=3,
        ),
        Spec(
            "test: property tests for trajectory solver",
            "tkowalczyk",
            "test/trajectory-props",
            [
                added_file(
                    "tests/test_trajectory_props.py",
                    "from hypothesis import given\n\n@given(...)\ndef test_monotonic(h):\n    pass\n",
                )
            ],
            kind="pending",
            age_days=1.5,
            idle_days=0.02,
        ),
        Spec(
            "feat(ui): dark mode for mission control",
            "chloe-dev",
            "feat/dark-mode",
            [modified("web/src/theme.ts", ["export const dark = { bg: '#0b0e14', fg: '#e6e1cf' };"], start=2)],
            kind="unreviewed",
            review=None,
            labels=["enhancement"],
            age_days=1,
        ),
        Spec(
            "feat: i18n for mission control",
            "bmartinez",
            "feat/i18n",
            [added_file("web/src/i18n/fr.json", '{\n  "launch": "Lancement"\n}\n')],
            kind="unreviewed",
            review=None,
            labels=["enhancement"],
            age_days=0.8,
        ),
    ]


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


def build_demo(seed: int = 0, now: datetime | None = None) -> SimState:
    """The demo repository acme/rocket with 40 open pull requests."""
    state = SimState("acme", "rocket", seed=seed, now=now)
    rng = state.rng
    anchor = state.clock.anchor
    old_base = _base(state, rng)
    specs = sorted(demo_specs(), key=lambda spec: -spec.age_days)  # numbers grow with creation time
    for i, spec in enumerate(specs):
        _build(state, spec, 1201 + i * 2 - (i // 3), anchor, old_base, rng)
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
    state = SimState("acme", "rocket", seed=seed, now=now)
    rng = state.rng
    anchor = state.clock.anchor
    old_base = _base(state, rng)
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


def build(scenario: str, seed: int = 0, now: datetime | None = None) -> SimState:
    """The state for `scenario`: `demo`, `scale:N` or `empty`.

    Raises:
        ValueError: for an unknown scenario name.
    """
    if scenario == "demo":
        return build_demo(seed, now)
    if scenario == "empty":
        state = SimState(seed=seed, now=now)
        _base(state, state.rng)
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
