"""`lbconsole demo`: the command line starts the simulator and hands the console its URL and clock.

The console itself is replaced by a probe that looks at what it was given,
while the simulator is still running: a real gateway over a real socket.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lbconsole.cli import main
from lbconsole.config import paths


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `run_console` received, and what its gateway and clock said while the simulator ran."""
    seen: dict[str, Any] = {}

    def probe(**kwargs: Any) -> int:
        seen.update(kwargs)
        seen["queue"] = kwargs["gateway_factory"]().fetch_queue()
        seen["now"] = kwargs["clock"]() if kwargs.get("clock") else None
        return 0

    monkeypatch.setattr("lbconsole.tui.run_console", probe)
    return seen


@pytest.mark.parametrize("argv", [["demo", "--read-only"], ["--read-only", "demo"], ["--demo", "--read-only"]])
def test_the_demo_console_runs_on_the_simulator(console: dict[str, Any], argv: list[str]) -> None:
    assert main(argv) == 0
    github = console["settings"].github
    assert (github.repo, github.write_interval_s) == ("acme/rocket", 0.0)
    assert github.api_url.startswith("http://127.0.0.1:")
    assert console["demo"] is True
    assert console["read_only"] is True
    assert console["queue"].repo == "acme/rocket"
    assert len(console["queue"].pulls) == 40
    # One clock: the simulator's reads the wall's, and the scenario's dates are relative to it.
    assert abs(console["now"] - datetime.now(UTC)) < timedelta(seconds=10)
    oldest = next(pull for pull in console["queue"].pulls if pull.number == 1211)
    assert (console["now"] - oldest.created_at).days == 35
    assert console["config_path"] == paths.demo_config_file()  # never the user's own config
    assert console["config_template"] == paths.config_file()  # its first save starts from the user's


def test_the_demo_reads_back_what_it_saved_and_leaves_the_user_config_alone(
    console: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lbconsole.core.settings import Settings
    from lbconsole.tui.config_io import save_limits

    user = paths.config_file()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('# mine\n[ui]\ntheme = "gruvbox"\n[limits]\nmerge = 4\n')
    assert main(["demo"]) == 0
    assert console["settings"].limits.merge == 4  # no demo config yet: the user's is read
    edited = console["settings"]
    edited = Settings(ui=edited.ui, limits=type(edited.limits)(merge=9, conflict=edited.limits.conflict))
    save_limits(console["config_path"], edited, template=console["config_template"])  # what ctrl+s does

    assert user.read_text() == '# mine\n[ui]\ntheme = "gruvbox"\n[limits]\nmerge = 4\n'
    demo_text = paths.demo_config_file().read_text()
    assert demo_text.startswith("# mine\n")  # started from the user's file, comments and theme kept
    assert 'theme = "gruvbox"' in demo_text

    assert main(["demo"]) == 0
    assert console["settings"].limits.merge == 9  # the next demo reads its own config
    assert console["settings"].ui.theme == "gruvbox"
    assert console["config_template"] is None


def test_the_demo_saves_limits_only_to_an_explicit_config(console: dict[str, Any], tmp_path) -> None:
    config = tmp_path / "demo.toml"
    config.write_text("[limits]\nmerge = 2\n")
    assert main(["demo", "--config", str(config)]) == 0
    assert console["config_path"] == config
    assert console["settings"].limits.merge == 2
    assert console["read_only"] is False


def test_the_demo_shows_config_problems_in_the_console_not_on_stderr(
    console: dict[str, Any], tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[limits]\nmerge = -1\n")
    assert main(["demo", "--config", str(config)]) == 0
    assert any("limits.merge" in warning for warning in console["warnings"])
    assert capsys.readouterr().err == ""


def test_the_demos_runs_keep_their_audit_and_log_apart_from_the_real_ones(capsys) -> None:
    from lbconsole.config import paths
    from lbconsole.engine.logfile import log_path

    assert main(["--demo", "run", "--mode", "merge-only", "--apply", "--yes"]) == 0
    demo = paths.demo_state_dir()
    assert (demo / "audit.jsonl").is_file()
    assert not (paths.state_dir() / "audit.jsonl").exists()  # the real audit log has no simulated record
    assert not log_path(paths.log_dir()).exists()
    capsys.readouterr()
    assert main(["--demo", "logs", "--source", "merge"]) == 0
    assert " merge #" in capsys.readouterr().out
