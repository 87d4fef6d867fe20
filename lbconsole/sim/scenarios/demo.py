"""The demo repository's data: its base branch and its 40 open pull requests.

A hand-written acme/rocket in which every orchestrator mode has real work
and every batch limit binds: ready PRs (human-approved and trusted-bot
dependency bumps), PRs behind the base branch, conflicting ones, drafts,
blocking labels, failing checks, changes requested, pending mergeability,
security PRs (one with a leaked token in a fixture, one adding a
`pull_request_target` workflow, a Dependabot security update), and PRs that
share files so that merging one makes others DIRTY.

Only data: the builders (`lbconsole.sim.scenarios.builders`) turn it into a
`SimState`, and the snapshots render it, so any change here shows there.
"""

from __future__ import annotations

import json

from lbconsole.sim.scenarios.specs import Spec, added_file, dependabot_body, lockfile, modified, package_json

DEMO_REPO = "acme/rocket"
"""The demo repository's `owner/name` (every scenario simulates it)."""

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
