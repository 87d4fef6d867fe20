"""The orchestrator workflow (SPEC 3.3): what it says, that real tools accept it, and init/restore."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from lbconsole import __version__
from lbconsole.cli import main
from lbconsole.cli.parser import build_parser
from lbconsole.core.orchestrator import MODES, mode_of_run_name, run_name
from lbconsole.workflow import GENERATED_MARKER, classify_workflow, render_workflow

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return str(found)


def _load(text: str) -> Any:
    # YAML 1.2 (as GitHub reads it): `on` stays a string key, not True.
    return YAML(typ="safe", pure=True).load(text)


@pytest.fixture(scope="module")
def doc() -> Any:
    return _load(render_workflow(__version__))


def _steps(doc: Any) -> list[dict[str, Any]]:
    return doc["jobs"]["orchestrate"]["steps"]


def _step(doc: Any, step_id: str) -> dict[str, Any]:
    return next(s for s in _steps(doc) if s.get("id") == step_id or s.get("name", "").startswith(step_id))


# --- what the workflow says -----------------------------------------------------------------


def test_triggers_inputs_and_run_name(doc):
    on = doc["on"]
    assert set(on) == {"workflow_dispatch", "schedule", "pull_request"}
    inputs = on["workflow_dispatch"]["inputs"]
    assert inputs["mode"]["type"] == "choice"
    assert tuple(inputs["mode"]["options"]) == MODES
    assert inputs["mode"]["default"] == "auto"
    assert inputs["merge_limit"]["default"] == "5"
    assert inputs["conflict_limit"]["default"] == "3"
    assert inputs["dry_run"] == {**inputs["dry_run"], "type": "boolean", "default": False}
    assert inputs["correlation_id"]["default"] == ""
    # Hourly: minute fixed, every other field "*".
    (cron,) = [entry["cron"] for entry in on["schedule"]]
    minute, *rest = cron.split()
    assert minute.isdigit()
    assert rest == ["*", "*", "*", "*"]
    assert on["pull_request"] == {
        "types": ["opened", "synchronize", "reopened", "labeled", "unlabeled", "ready_for_review"]
    }
    assert "${{ inputs.correlation_id }}" in doc["run-name"]
    assert "inputs.mode" in doc["run-name"]


def test_run_name_is_the_one_dispatch_finds_runs_by(doc):
    assert doc["run-name"] == "lambda-bot ${{ inputs.mode || 'auto' }} ${{ inputs.correlation_id }}"
    for mode in MODES:
        title = doc["run-name"].replace("${{ inputs.mode || 'auto' }}", mode)
        title = title.replace("${{ inputs.correlation_id }}", "4f2c")
        assert title == run_name(mode, "4f2c")
        assert mode_of_run_name(title) == mode


def test_the_template_is_package_data_and_every_placeholder_is_filled():
    from importlib import resources

    assert resources.files("lbconsole.workflow").joinpath("workflow.yml.tmpl").is_file()
    text = render_workflow("1.2.3")
    assert text.startswith(f"# {GENERATED_MARKER} (lbconsole 1.2.3).\n")
    assert re.search(r"@[A-Z_]+@", text) is None


def test_concurrency_never_cancels_and_permissions_are_least(doc):
    assert doc["concurrency"] == {"group": "lambda-bot-${{ github.repository }}", "cancel-in-progress": False}
    assert doc["permissions"] == {}
    job = doc["jobs"]["orchestrate"]
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
        "checks": "read",
        "statuses": "write",
    }
    assert job["runs-on"] == "ubuntu-slim"
    assert 0 < job["timeout-minutes"] < 15  # ubuntu-slim's job limit is 15 minutes


def test_actions_pinned_to_full_shas_and_no_persisted_credentials(doc):
    uses = [s["uses"] for s in _steps(doc) if "uses" in s]
    assert [u.split("@")[0] for u in uses] == [
        "actions/checkout",
        "actions/setup-python",
        "actions/create-github-app-token",
    ]
    for ref in uses:
        assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", ref), ref
    checkout = next(s for s in _steps(doc) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    text = render_workflow(__version__)
    assert "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4" in text
    assert "actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b # v5" in text
    assert "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3 # v3.1.1" in text


def test_a_github_app_token_is_minted_with_the_jobs_permissions_and_used_first(doc):
    app = _step(doc, "app-token")
    assert app["if"] == "vars.LAMBDA_BOT_APP_CLIENT_ID != ''"  # no App configured: the step is skipped
    assert app["with"]["client-id"] == "${{ vars.LAMBDA_BOT_APP_CLIENT_ID }}"
    assert app["with"]["private-key"] == "${{ secrets.LAMBDA_BOT_APP_PRIVATE_KEY }}"
    granted = {k.removeprefix("permission-"): v for k, v in app["with"].items() if k.startswith("permission-")}
    assert granted == doc["jobs"]["orchestrate"]["permissions"]  # the App's token may do no more than the job's
    token = "${{ steps.app-token.outputs.token || secrets.LAMBDA_BOT_TOKEN || secrets.GITHUB_TOKEN }}"
    for step in (_step(doc, "plan"), next(s for s in _steps(doc) if "lbconsole run" in s.get("run", ""))):
        assert step["env"]["GITHUB_TOKEN"] == token
        assert step["env"]["TOKEN_KIND"].startswith("${{ (steps.app-token.outputs.token || secrets.LAMBDA_BOT_TOKEN)")
    names = [s.get("id") or s["name"] for s in _steps(doc)]
    assert names.index("app-token") < names.index("plan")
    assert "GITHUB_TOKEN" not in doc["jobs"]["orchestrate"]["env"]  # no step before the plan holds a token


def test_no_expression_reaches_a_shell_and_inputs_go_through_env(doc):
    job = doc["jobs"]["orchestrate"]
    for step in _steps(doc):
        assert "${{" not in step.get("run", ""), step["name"]
    env = job["env"]
    assert env["MODE"] == "${{ inputs.mode || 'auto' }}"
    assert "inputs.dry_run" in env["DRY_RUN"]
    assert "inputs.merge_limit" in env["MERGE_LIMIT"]
    assert "inputs.conflict_limit" in env["CONFLICT_LIMIT"]


def test_installs_this_version_and_runs_only_when_the_plan_is_not_empty(doc):
    install = next(s for s in _steps(doc) if "pip install" in s.get("run", ""))
    assert install["env"]["PIP_SPEC"] == f"${{{{ vars.LBCONSOLE_PIP_SPEC || 'lbconsole=={__version__}' }}}}"
    assert 'pip install --disable-pip-version-check "$PIP_SPEC"' in install["run"]
    plan = _step(doc, "plan")
    assert "lbconsole plan" in plan["run"]
    run = next(s for s in _steps(doc) if "lbconsole run" in s.get("run", ""))
    assert run["if"] == "steps.plan.outputs.empty != 'true'"
    assert "GITHUB_STEP_SUMMARY" in run["run"]


@pytest.mark.parametrize("bad", ["", "1.0; rm -rf /", "1.0\nx: y", "latest version"])
def test_render_refuses_a_version_that_is_not_one(bad):
    with pytest.raises(ValueError, match="not a version"):
        render_workflow(bad)


# --- the steps' shell scripts, run for real with a fake lbconsole ------------------------------

FAKE_LBCONSOLE = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["FAKE_ARGS"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1] == "plan":
    print(os.environ["FAKE_PLAN"])
else:
    print("merged #12")
    sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""


def _run_step(script: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    fake = bindir / "lbconsole"
    fake.write_text(FAKE_LBCONSOLE)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    # `python` in the step is setup-python's; here, the test's own interpreter.
    (bindir / "python").unlink(missing_ok=True)
    (bindir / "python").symlink_to(sys.executable)
    script_file = tmp_path / "step.sh"
    script_file.write_text(script)
    full_env = {
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "GITHUB_REPOSITORY": "acme/rocket",
        "FAKE_ARGS": str(tmp_path / "args.jsonl"),
        "FAKE_PLAN": "{}",
        **env,
    }
    # How GitHub runs `shell: bash`.
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc, tmp_path


def _calls(tmp_path: Path) -> list[list[str]]:
    return [json.loads(line) for line in (tmp_path / "args.jsonl").read_text().splitlines()]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_plan_step_reports_empty_plan_and_passes_limits_as_arguments(doc, tmp_path):
    plan = {"mode": "auto", "actions": [], "skipped": [{"pr": 7, "reasons": ["draft"]}]}
    proc, _ = _run_step(
        _step(doc, "plan")["run"],
        tmp_path,
        MODE="merge-only",
        MERGE_LIMIT="2",
        CONFLICT_LIMIT="",
        FAKE_PLAN=json.dumps(plan),
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "output").read_text() == "empty=true\n"
    assert "nothing to do" in (tmp_path / "summary").read_text()
    assert _calls(tmp_path) == [
        ["plan", "--repo", "acme/rocket", "--mode", "merge-only", "--json", "--merge-limit", "2"]
    ]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_command_line_accepts_what_the_plan_step_passes(doc, tmp_path):
    proc, _ = _run_step(_step(doc, "plan")["run"], tmp_path, MODE="auto", MERGE_LIMIT="2", CONFLICT_LIMIT="1")
    assert proc.returncode == 0, proc.stderr
    (call,) = _calls(tmp_path)
    args = build_parser().parse_args(call)
    assert (args.command, args.repo, args.mode, args.json) == ("plan", "acme/rocket", "auto", True)
    assert (args.merge_limit, args.conflict_limit) == (2, 1)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_plan_step_reports_a_plan_with_actions_as_not_empty(doc, tmp_path):
    plan = {"mode": "auto", "actions": [{"kind": "merge", "pr": 12}], "skipped": []}
    proc, _ = _run_step(_step(doc, "plan")["run"], tmp_path, MODE="auto", FAKE_PLAN=json.dumps(plan))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "output").read_text() == "empty=false\n"
    assert json.loads((tmp_path / "plan.json").read_text()) == plan


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("dry_run", "exit_code", "expected_args"),
    [
        ("false", "0", ["run", "--plan", "plan.json", "--apply", "--yes"]),
        ("true", "0", ["run", "--plan", "plan.json"]),
        ("false", "1", ["run", "--plan", "plan.json", "--apply", "--yes"]),
    ],
)
def test_run_step_applies_unless_dry_run_and_writes_the_summary(doc, tmp_path, dry_run, exit_code, expected_args):
    script = next(s for s in _steps(doc) if "lbconsole run" in s.get("run", ""))["run"]
    proc, _ = _run_step(script, tmp_path, MODE="auto", DRY_RUN=dry_run, FAKE_EXIT=exit_code)
    assert proc.returncode == int(exit_code)
    assert _calls(tmp_path) == [expected_args]
    summary = (tmp_path / "summary").read_text()
    assert "## ΛBot auto" in summary
    assert "merged #12" in summary


# --- real tools: check-jsonschema and zizmor ---------------------------------------------------

UNSAFE = """\
name: unsafe
on:
  workflow_dispatch:
    inputs:
      mode:
        type: string
jobs:
  go:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: lbconsole run --mode "${{ inputs.mode }}" --apply
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_generated_workflow_validates_against_the_github_workflow_schema(tmp_path):
    proc = _check_jsonschema(_write(tmp_path, "lambda-bot.yml", render_workflow(__version__)))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_can_fail(tmp_path):
    broken = render_workflow(__version__).replace("runs-on: ubuntu-slim", "runs-on: [ubuntu-slim]\n    bogus-key: 1")
    proc = _check_jsonschema(_write(tmp_path, "broken.yml", broken))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "bogus-key" in proc.stdout + proc.stderr


def _zizmor(path: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [_tool("zizmor"), "--offline", "--persona", "auditor", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.strip(), proc.stderr
    findings: list[dict[str, Any]] = json.loads(proc.stdout)
    return findings


def test_zizmor_finds_nothing_in_the_generated_workflow(tmp_path):
    findings = _zizmor(_write(tmp_path, "lambda-bot.yml", render_workflow(__version__)))
    serious = [f["ident"] for f in findings if f["determinations"]["severity"] in ("Medium", "High")]
    assert serious == []
    # The auditor persona is the noisiest one; it finds nothing at all today.
    assert [f["ident"] for f in findings] == []


def test_zizmor_flags_injection_and_unpinned_actions(tmp_path):
    findings = _zizmor(_write(tmp_path, "unsafe.yml", UNSAFE))
    severities = {f["ident"]: f["determinations"]["severity"] for f in findings}
    assert severities.get("template-injection") == "High"
    assert severities.get("unpinned-uses") in ("Medium", "High")
    assert severities.get("artipacked") in ("Medium", "High")


# --- classify_workflow ---------------------------------------------------------------------------

AUTOMERGE = """\
name: automerge
on:
  pull_request_target:
    types: [labeled, synchronize]
permissions:
  contents: write
  pull-requests: write
jobs:
  automerge:
    runs-on: ubuntu-latest
    steps:
      - uses: pascalgn/automerge-action@7961b8b5eec56cc088c140b56d864285eabd3f67 # v0.16.4
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"""

CONFLICT_LABELER = """\
name: Label merge conflicts
on:
  push:
  pull_request_target:
    types: [synchronize]
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: "eps1lon/actions-label-merge-conflict@v3"
        with:
          dirtyLabel: conflict
          repoToken: ${{ secrets.GITHUB_TOKEN }}
"""

DEPENDABOT_AUTOMERGE = """\
name: Dependabot auto-merge
on: pull_request
permissions:
  contents: write
  pull-requests: write
jobs:
  dependabot:
    runs-on: ubuntu-latest
    if: github.event.pull_request.user.login == 'dependabot[bot]'
    steps:
      - id: metadata
        uses: dependabot/fetch-metadata@v2
      - if: steps.metadata.outputs.update-type == 'version-update:semver-patch'
        run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"""

CI = """\
name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pytest
"""

CODEQL = """\
name: CodeQL
on:
  pull_request:
  schedule:
    - cron: "0 3 * * 1"
permissions:
  security-events: write
jobs:
  analyze:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
      - uses: github/codeql-action/analyze@v3
"""

RELEASE = """\
name: Release
on:
  push:
    tags: ["v*"]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: gh pr merge release-please--branches--main --merge
"""


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (AUTOMERGE, "automerge.yml", "auto-merge bot (uses pascalgn/automerge-action)"),
        (CONFLICT_LABELER, "conflicts.yml", "merge-conflict labeler (uses eps1lon/actions-label-merge-conflict)"),
        (DEPENDABOT_AUTOMERGE, "dependabot.yml", "Dependabot auto-merge bot (runs gh pr merge on PR events)"),
        (
            "on: pull_request_target\njobs:\n  u:\n    steps:\n      - uses: tibdex/auto-update@v2\n",
            "update.yml",
            "PR branch auto-updater (uses tibdex/auto-update)",
        ),
        (
            "on: [pull_request_review]\njobs:\n  m:\n    steps:\n      - uses: actions/github-script@v7\n"
            "        with:\n          script: await github.rest.pulls.merge({owner, repo, pull_number})\n",
            "merge.yml",
            "auto-merge bot (runs pulls.merge on PR events)",
        ),
    ],
)
def test_bot_workflows_are_recognised_with_a_reason(text, name, expected):
    reason = classify_workflow(text, name)
    assert reason is not None
    assert reason.startswith(expected)
    assert "orchestrator" in reason


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (CI, "ci.yml"),
        (CODEQL, "codeql.yml"),
        (RELEASE, "release.yml"),  # merges, but not a bot reacting to PRs
        (render_workflow(__version__), "lambda-bot.yml"),
        (render_workflow(__version__), "renamed-orchestrator.yml"),
        (AUTOMERGE.replace("pascalgn/automerge-action", "pascalgn/automerge-action-docs-only\n# "), "x.yml"),
    ],
)
def test_other_workflows_are_left_alone(text, name):
    assert classify_workflow(text, name) is None


# --- the commands ---------------------------------------------------------------------------------


def _cli(*argv: str) -> int:
    return main(list(argv))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for name, text in {
        "automerge.yml": AUTOMERGE,
        "conflicts.yaml": CONFLICT_LABELER,
        "ci.yml": CI,
        "codeql.yml": CODEQL,
    }.items():
        (workflows / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_init_writes_the_workflow_and_refuses_to_overwrite_without_force(repo, capsys):
    target = repo / ".github/workflows/lambda-bot.yml"
    assert _cli("workflow", "init", "--repo-root", str(repo)) == 0
    assert target.read_text(encoding="utf-8") == render_workflow(__version__)

    target.write_text("# mine\n", encoding="utf-8")
    capsys.readouterr()
    assert _cli("workflow", "init", "--repo-root", str(repo)) == 2
    err = capsys.readouterr().err
    assert "already exists" in err
    assert "--force" in err
    assert target.read_text(encoding="utf-8") == "# mine\n"

    assert _cli("workflow", "init", "--force", "--repo-root", str(repo)) == 0
    assert target.read_text(encoding="utf-8") == render_workflow(__version__)


def test_refused_init_disables_nothing(repo):
    (repo / ".github/workflows/lambda-bot.yml").write_text("# mine\n", encoding="utf-8")
    assert _cli("workflow", "init", "--disable-redundant", "--repo-root", str(repo)) == 2
    assert (repo / ".github/workflows/automerge.yml").is_file()
    assert not (repo / ".github/workflows/disabled").exists()


def test_disable_redundant_then_restore(repo, capsys):
    workflows = repo / ".github" / "workflows"
    assert _cli("workflow", "init", "--disable-redundant", "--repo-root", str(repo)) == 0
    out = capsys.readouterr().out

    top = sorted(p.name for p in workflows.iterdir() if p.is_file())
    assert top == ["ci.yml", "codeql.yml", "lambda-bot.yml"]
    disabled = workflows / "disabled"
    assert sorted(p.name for p in disabled.iterdir()) == [".lbconsole-moved.json", "automerge.yml", "conflicts.yaml"]
    assert (disabled / "automerge.yml").read_text(encoding="utf-8") == AUTOMERGE
    assert "disabled automerge.yml" in out
    assert "pascalgn/automerge-action" in out
    assert "eps1lon/actions-label-merge-conflict" in out
    manifest = json.loads((disabled / ".lbconsole-moved.json").read_text(encoding="utf-8"))
    assert manifest["schema"] == "lbconsole.workflow-moved/1"
    assert [m["name"] for m in manifest["moved"]] == ["automerge.yml", "conflicts.yaml"]

    # A file someone else put in disabled/ is not lbconsole's to restore.
    (disabled / "old.yml").write_text(CI, encoding="utf-8")

    assert _cli("workflow", "restore", "--repo-root", str(repo)) == 0
    out = capsys.readouterr().out
    assert "restored .github/workflows/automerge.yml" in out
    assert (workflows / "automerge.yml").read_text(encoding="utf-8") == AUTOMERGE
    assert (workflows / "conflicts.yaml").read_text(encoding="utf-8") == CONFLICT_LABELER
    assert sorted(p.name for p in disabled.iterdir()) == ["old.yml"]

    assert _cli("workflow", "restore", "--repo-root", str(repo)) == 0
    assert "nothing to restore" in capsys.readouterr().out


def test_restore_never_overwrites(repo, capsys):
    workflows = repo / ".github" / "workflows"
    assert _cli("workflow", "init", "--disable-redundant", "--repo-root", str(repo)) == 0
    (workflows / "automerge.yml").write_text("# a new one\n", encoding="utf-8")
    capsys.readouterr()

    assert _cli("workflow", "restore", "--repo-root", str(repo)) == 1
    err = capsys.readouterr().err
    assert "not restored automerge.yml" in err
    assert "not overwritten" in err
    assert (workflows / "automerge.yml").read_text(encoding="utf-8") == "# a new one\n"
    assert (workflows / "disabled" / "automerge.yml").read_text(encoding="utf-8") == AUTOMERGE
    assert (workflows / "conflicts.yaml").read_text(encoding="utf-8") == CONFLICT_LABELER
    manifest = json.loads((workflows / "disabled" / ".lbconsole-moved.json").read_text(encoding="utf-8"))
    assert [m["name"] for m in manifest["moved"]] == ["automerge.yml"]

    # Once the way is clear, a second restore finishes the job.
    (workflows / "automerge.yml").unlink()
    assert _cli("workflow", "restore", "--repo-root", str(repo)) == 0
    assert (workflows / "automerge.yml").read_text(encoding="utf-8") == AUTOMERGE
    assert not (workflows / "disabled").exists()


def test_disable_never_overwrites_a_file_already_disabled(repo, capsys):
    disabled = repo / ".github/workflows/disabled"
    disabled.mkdir()
    (disabled / "automerge.yml").write_text("# older\n", encoding="utf-8")
    assert _cli("workflow", "init", "--disable-redundant", "--repo-root", str(repo)) == 0
    assert "left automerge.yml in place" in capsys.readouterr().err
    assert (repo / ".github/workflows/automerge.yml").read_text(encoding="utf-8") == AUTOMERGE
    assert (disabled / "automerge.yml").read_text(encoding="utf-8") == "# older\n"
    assert (disabled / "conflicts.yaml").is_file()


def test_show_prints_the_workflow(capsys):
    assert _cli("workflow", "show") == 0
    assert capsys.readouterr().out == render_workflow(__version__)


def test_workflow_without_a_sub_command_is_a_usage_error(capsys):
    assert _cli("workflow") == 2
    assert "init" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_repo_root_defaults_to_the_git_top_level(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    sub = tmp_path / "src" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert _cli("workflow", "init") == 0
    assert (tmp_path / ".github/workflows/lambda-bot.yml").is_file()
    assert not (sub / ".github").exists()


def test_repo_root_falls_back_to_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert _cli("workflow", "init") == 0
    assert (tmp_path / ".github/workflows/lambda-bot.yml").is_file()


def test_repo_root_given_before_the_sub_command_is_kept(tmp_path):
    assert _cli("workflow", "--repo-root", str(tmp_path), "init") == 0
    assert (tmp_path / ".github/workflows/lambda-bot.yml").is_file()
