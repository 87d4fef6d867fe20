"""Risky workflow changes: the built-in checks, and zizmor on the head version.

zizmor runs for real (offline) where its binary is installed, as it is with
the project's dependencies; the built-in checks are also tested with zizmor
disabled or missing, where they must hold on their own.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lbconsole.core.ports import PullFile
from lbconsole.engine import scan_workflows
from lbconsole.engine.scanner import ScanReport, scan

PINNED = "someone/action@" + "8f4b7f84864484a7bf31766abe9204da3cbe65b3"

CI_BEFORE = """\
name: ci
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: make test
"""

CI_AFTER = f"""\
name: ci
on:
  pull_request:
  pull_request_target:
permissions: write-all
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: someone/action@v1
      - uses: "someone/other-action@main"
      - uses: {PINNED}
      - uses: ./.github/actions/local
      - uses: github/codeql-action/init@v3
      - uses: docker://alpine:3.20
      # - uses: someone/commented-out@v1
      - run: make test  # not pull_request_target
"""

CI_PATCH = f"""\
@@ -1,13 +1,20 @@
 name: ci
 on:
   pull_request:
-permissions:
-  contents: read
+  pull_request_target:
+permissions: write-all
 jobs:
   test:
     runs-on: ubuntu-latest
     steps:
       - uses: actions/checkout@v4
         with:
           persist-credentials: false
-      - run: make test
+      - uses: someone/action@v1
+      - uses: "someone/other-action@main"
+      - uses: {PINNED}
+      - uses: ./.github/actions/local
+      - uses: github/codeql-action/init@v3
+      - uses: docker://alpine:3.20
+      # - uses: someone/commented-out@v1
+      - run: make test  # not pull_request_target
"""

CI = PullFile(".github/workflows/ci.yml", "modified", CI_PATCH, additions=10, deletions=3)

BUILTIN = {
    ("workflow/pull-request-target", 4, "high"),
    ("workflow/write-all", 5, "high"),
    ("workflow/unpinned-action", 13, "medium"),
    ("workflow/unpinned-action", 14, "medium"),
}

needs_zizmor = pytest.mark.skipif(scan_workflows.find_zizmor() is None, reason="zizmor is not installed")


def fetch_from(contents: dict[str, str]) -> Callable[[str], bytes | None]:
    """A `fetch` serving these files' contents at the head SHA."""
    return lambda path: contents[path].encode() if path in contents else None


def rules(report: ScanReport) -> set[tuple[str, int | None, str]]:
    return {(f.rule, f.line, f.severity) for f in report.findings}


def test_patch_really_produces_the_after_file() -> None:
    """Guards the fixtures: the hunk must turn CI_BEFORE into CI_AFTER, or line numbers mean nothing."""
    old, new = [], []
    for line in CI_PATCH.splitlines()[1:]:
        if line[0] in " -":
            old.append(line[1:])
        if line[0] in " +":
            new.append(line[1:])

    assert old == CI_BEFORE.splitlines()
    assert new == CI_AFTER.splitlines()


def test_builtin_checks_without_zizmor() -> None:
    report = scan([CI], fetch=fetch_from({CI.filename: CI_AFTER}), use_zizmor=False)

    assert rules(report) == BUILTIN
    assert report.skipped == ("zizmor: disabled; built-in workflow checks only",)
    messages = {f.line: f.message for f in report.findings}
    assert messages[13] == "third-party action someone/action@v1 is not pinned to a full commit SHA"
    assert messages[14] == "third-party action someone/other-action@main is not pinned to a full commit SHA"


def test_missing_zizmor_is_recorded_and_builtin_checks_still_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_workflows, "find_zizmor", lambda: None)

    report = scan([CI], fetch=fetch_from({CI.filename: CI_AFTER}))

    assert rules(report) == BUILTIN
    assert report.skipped == ("zizmor: not installed; built-in workflow checks only",)


def test_without_fetch_zizmor_is_skipped_and_said_so() -> None:
    report = scan([CI])

    assert rules(report) == BUILTIN
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith("zizmor: workflow contents at the head SHA not available")


@needs_zizmor
def test_zizmor_adds_nothing_that_duplicates_builtin_findings() -> None:
    """zizmor's dangerous-triggers and unpinned-uses land on the same lines as the built-in findings."""
    report = scan([CI], fetch=fetch_from({CI.filename: CI_AFTER}))

    # zizmor's own findings here are dangerous-triggers (line 4), unpinned-uses (13, 14; not 10
    # and 17: actions/ and github/ may pin by tag) and a low self-repository hint (16, below
    # --min-severity medium): all dropped.
    assert rules(report) == BUILTIN
    assert report.skipped == ()


INJECTION_BEFORE = """\
name: greet
on: issues
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.issue.title }}"
"""

INJECTION_PATCH = """\
@@ -5,3 +5,5 @@ jobs:
     runs-on: ubuntu-latest
     steps:
       - run: echo "${{ github.event.issue.title }}"
+      - run: echo "${{ github.event.issue.body }}"  # zizmor: ignore[template-injection]
+      - run: echo done
"""


@needs_zizmor
def test_zizmor_findings_only_on_added_lines_and_ignore_comments_do_not_hide_them() -> None:
    after = INJECTION_BEFORE + (
        '      - run: echo "${{ github.event.issue.body }}"  # zizmor: ignore[template-injection]\n'
        "      - run: echo done\n"
    )
    f = PullFile(".github/workflows/greet.yml", "modified", INJECTION_PATCH, additions=2, deletions=0)

    report = scan([f], fetch=fetch_from({f.filename: after}))

    # Line 7 has the same injection, but the PR did not add it.
    assert rules(report) == {("zizmor/template-injection", 8, "high")}
    assert "(zizmor, confidence" in report.findings[0].message
    assert report.skipped == ()


@needs_zizmor
def test_zizmor_cannot_parse_the_workflow() -> None:
    broken = "on: [push\njobs:\n  x: {\n"
    f = PullFile(".github/workflows/broken.yml", "added", "@@ -0,0 +1,1 @@\n+permissions: write-all", 1, 0)

    report = scan([f], fetch=fetch_from({f.filename: broken}))

    assert rules(report) == {("workflow/write-all", 1, "high")}
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith(".github/workflows/broken.yml: zizmor could not audit it")


@needs_zizmor
def test_workflow_content_missing_at_head() -> None:
    report = scan([CI], fetch=fetch_from({}))

    assert rules(report) == BUILTIN
    assert report.skipped == (".github/workflows/ci.yml: zizmor: content not available at the head SHA",)


def test_workflow_words_outside_workflows_are_not_flagged() -> None:
    doc = PullFile(
        "docs/ci.md",
        "modified",
        "@@ -1 +1,3 @@\n # CI\n+Avoid `pull_request_target` and `permissions: write-all`.\n+uses: someone/action@v1",
        additions=2,
        deletions=0,
    )
    report = scan([doc], use_zizmor=False)

    assert report.findings == ()
    assert report.skipped == ()


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("on: pull_request_target", True),
        ("on: [push, pull_request_target]", True),
        ("  pull_request_target:", True),
        ("  - pull_request_target", True),
        ("  pull_request_target:  # for labels", True),
        ("    if: github.event_name == 'pull_request_target'", False),
        ("      - run: echo pull_request_target", False),
        ("# on: pull_request_target", False),
    ],
)
def test_pull_request_target_is_the_trigger_not_a_mention(line: str, flagged: bool) -> None:
    f = PullFile(".github/workflows/x.yml", "added", f"@@ -0,0 +1 @@\n+{line}", additions=1, deletions=0)

    report = scan([f], use_zizmor=False)

    assert rules(report) == ({("workflow/pull-request-target", 1, "high")} if flagged else set())


def test_removed_workflow_lines_are_not_flagged() -> None:
    patch = "@@ -1,4 +1,3 @@\n on:\n-  pull_request_target:\n+  pull_request:\n-permissions: write-all\n jobs:"
    f = PullFile(".github/workflows/ci.yaml", "modified", patch, additions=1, deletions=2)

    report = scan([f], use_zizmor=False)

    assert report.findings == ()


def test_composite_action_uses_are_checked() -> None:
    patch = "@@ -0,0 +1,5 @@\n+runs:\n+  using: composite\n+  steps:\n+    - uses: someone/setup@v2\n+    - uses: someone/no-ref"
    f = PullFile("actions/setup/action.yml", "added", patch, additions=5, deletions=0)

    report = scan([f], use_zizmor=False)

    assert rules(report) == {("workflow/unpinned-action", 4, "medium"), ("workflow/unpinned-action", 5, "medium")}
    assert report.findings[1].message == "third-party action someone/no-ref has no ref; pin it to a full commit SHA"
