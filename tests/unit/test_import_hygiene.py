"""The core stays pure and the headless packages never pull in the console."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return set(out.split())


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("package", ["core", "config", "engine", "github", "workflow"])
def test_headless_packages_never_import_textual(package):
    import importlib
    import pkgutil

    pkg = importlib.import_module(f"lbconsole.{package}")
    names = [f"lbconsole.{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)]
    assert names, f"no modules found in lbconsole.{package}"
    loaded = _top(_modules_after("\n".join(f"import {n}" for n in names)))
    assert "textual" not in loaded
    if package in ("core", "config"):  # httpx itself imports rich, so only the I/O-free packages are held to it
        assert "rich" not in loaded


def test_core_imports_no_io_library():
    loaded = _top(_modules_after("import lbconsole.core.planner, lbconsole.core.plan, lbconsole.output"))
    assert not loaded & {"textual", "rich", "httpx", "githubkit", "starlette", "uvicorn", "keyring"}


def test_version_imports_neither_textual_nor_githubkit():
    code = "import sys\nfrom lbconsole.cli import main\nassert main(['--version']) == 0"
    loaded = _top(_modules_after(code))
    assert "textual" not in loaded
    assert "githubkit" not in loaded
    assert "lbconsole" in loaded  # the probe really ran the command
