"""`lbconsole config path|show|get|set|validate` through the real command line."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from lbconsole.cli import main
from lbconsole.config.save import settings_to_toml_dict
from lbconsole.core.settings import Settings


@pytest.fixture
def file(tmp_path: Path) -> Path:
    return tmp_path / "cfg" / "config.toml"


def test_path_defaults_to_the_user_config_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "path"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(Path(os.environ["XDG_CONFIG_HOME"]) / "lbconsole" / "config.toml")
    assert "does not exist yet" in err


def test_path_honours_config_option_and_env(
    file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LBCONSOLE_CONFIG", str(file.with_name("env.toml")))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(file.with_name("env.toml"))
    assert main(["--config", str(file), "config", "path", "--all"]) == 0
    out = capsys.readouterr().out
    assert f"config: {file}" in out
    assert "themes: " in out


def test_validate_prints_every_problem_one_per_line_and_exits_2(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file.parent.mkdir()
    file.write_text("[limits]\nmerge = -1\nmrege = 2\n[merge]\nmethod = 'fast'\n", encoding="utf-8")
    before = file.read_bytes()
    assert main(["--config", str(file), "config", "validate"]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "config.toml: limits.merge: must be an integer between 0 and 100, got -1",
        "config.toml: limits.mrege: unknown key; did you mean 'limits.merge'?",
        'config.toml: merge.method: must be one of squash, merge, rebase, got "fast"',
    ]
    assert "3 problems" in err
    assert file.read_bytes() == before


def test_validate_ok_and_missing(
    file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LBCONSOLE_CONFIG", str(file))  # the default file, not one named with --config
    assert main(["config", "validate"]) == 0
    assert "no such file; lbconsole runs on the defaults" in capsys.readouterr().out
    file.parent.mkdir()
    file.write_text("[limits]\nmerge = 2\n", encoding="utf-8")
    assert main(["--config", str(file), "config", "validate"]) == 0
    assert capsys.readouterr().out.strip() == f"{file}: OK"


def test_set_then_get_then_show(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(file), "config", "set", "limits.merge", "9"]) == 0
    assert main(["--config", str(file), "config", "set", "merge.blocking_labels", "wip, hold"]) == 0
    capsys.readouterr()
    assert main(["--config", str(file), "config", "get", "limits.merge"]) == 0
    assert capsys.readouterr().out == "9\n"
    assert main(["--config", str(file), "config", "get", "merge.blocking_labels"]) == 0
    assert capsys.readouterr().out == '["wip", "hold"]\n'
    assert main(["--config", str(file), "config", "show"]) == 0
    shown = tomllib.loads(capsys.readouterr().out)
    assert shown["limits"]["merge"] == 9
    expected = settings_to_toml_dict(Settings())
    expected["limits"]["merge"] = 9
    expected["merge"]["blocking_labels"] = ["wip", "hold"]
    assert shown == expected


def test_set_refuses_a_bad_value_with_the_problem_and_exit_2(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file.parent.mkdir()
    file.write_text("# keep me\n[limits]\nmerge = 4\n", encoding="utf-8")
    before = file.read_bytes()
    assert main(["--config", str(file), "config", "set", "limits.merge", "five"]) == 2
    err = capsys.readouterr().err
    assert 'limits.merge: must be an integer between 0 and 100, got "five"' in err
    assert "was not changed" in err
    assert file.read_bytes() == before


def test_get_unknown_key_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "get", "limits.mrege"]) == 2
    assert "did you mean 'limits.merge'?" in capsys.readouterr().err


def test_show_on_an_invalid_file_warns_and_shows_defaults(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file.parent.mkdir()
    file.write_text("[limits\n", encoding="utf-8")
    assert main(["--config", str(file), "config", "show"]) == 0
    out, err = capsys.readouterr()
    assert tomllib.loads(out) == settings_to_toml_dict(Settings())
    assert "running on the defaults" in err


def test_config_without_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["config"])
    assert caught.value.code == 2


def test_global_options_are_accepted_before_and_after_each_sub_command(
    file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file.parent.mkdir()
    file.write_text("[limits]\nmerge = 7\n", encoding="utf-8")
    for argv in (
        ["--config", str(file), "config", "get", "limits.merge"],
        ["config", "--config", str(file), "get", "limits.merge"],
        ["config", "get", "--config", str(file), "limits.merge"],
        ["config", "get", "limits.merge", "--config", str(file)],
    ):
        assert main(argv) == 0, argv
        assert capsys.readouterr().out == "7\n", argv


def test_a_global_option_given_after_the_sub_command_wins(
    file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file.parent.mkdir()
    file.write_text("[limits]\nmerge = 7\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("[limits]\nmerge = 8\n", encoding="utf-8")
    assert main(["--config", str(other), "config", "show", "--config", str(file)]) == 0
    assert tomllib.loads(capsys.readouterr().out)["limits"]["merge"] == 7
    assert main(["--config", str(other), "config", "--config", str(file), "show"]) == 0
    assert tomllib.loads(capsys.readouterr().out)["limits"]["merge"] == 7
    assert main(["config", "--config", str(other), "show", "--config", str(file)]) == 0
    assert tomllib.loads(capsys.readouterr().out)["limits"]["merge"] == 7
    assert main(["--config", str(file), "config", "show"]) == 0
    assert tomllib.loads(capsys.readouterr().out)["limits"]["merge"] == 7


def test_a_missing_config_file_named_with_config_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.toml"

    assert main(["--config", str(missing), "--demo", "plan", "--mode", "auto"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"lbconsole: error: config file {missing} does not exist (--config); `lbconsole config set` creates one"
    )
    assert main(["--config", str(missing), "config", "validate"]) == 2
    assert "no such file (--config)" in capsys.readouterr().out
    assert main(["--config", str(missing), "config", "set", "limits.merge", "3"]) == 0  # which creates it
    assert main(["--config", str(missing), "--demo", "plan", "--mode", "auto"]) == 0


def test_config_add_and_remove_edit_a_list_from_the_value_in_force(
    file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(file), "config", "add", "merge.trusted_bots", "mergify[bot]"]) == 0
    assert capsys.readouterr().out.startswith(
        'merge.trusted_bots = ["dependabot[bot]", "renovate[bot]", "mergify[bot]"]'  # the defaults are kept
    )
    assert main(["--config", str(file), "config", "add", "merge.trusted_bots", "mergify[bot]"]) == 0  # no twice
    assert main(["--config", str(file), "config", "remove", "merge.trusted_bots", "renovate[bot]"]) == 0
    saved = tomllib.loads(file.read_text(encoding="utf-8"))
    assert saved["merge"]["trusted_bots"] == ["dependabot[bot]", "mergify[bot]"]
    capsys.readouterr()

    assert main(["--config", str(file), "config", "remove", "merge.trusted_bots", "nobody[bot]"]) == 2
    assert "merge.trusted_bots has no nobody[bot] (it has dependabot[bot], mergify[bot])" in capsys.readouterr().err
    assert main(["--config", str(file), "config", "add", "limits.merge", "3"]) == 2
    assert "limits.merge is not a list; use `config set limits.merge VALUE`" in capsys.readouterr().err


def test_an_unknown_theme_is_refused_with_the_valid_names(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(file), "config", "set", "ui.theme", "nonexistent"]) == 2
    err = capsys.readouterr().err
    assert "ui.theme: unknown theme 'nonexistent' (themes: " in err
    for name in ("lbconsole-dark", "lbconsole-light", "textual-dark"):
        assert name in err
    assert not file.exists()
    assert main(["--config", str(file), "config", "set", "ui.theme", "lbconsole-light"]) == 0
    file.write_text('[ui]\ntheme = "nonexistent"\n', encoding="utf-8")  # written by hand
    capsys.readouterr()
    assert main(["--config", str(file), "config", "validate"]) == 2
    assert "ui.theme: unknown theme 'nonexistent'" in capsys.readouterr().out


def test_demo_with_another_repository_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--repo", "foo/bar", "queue"]) == 2
    assert capsys.readouterr().err.strip() == (
        "lbconsole: error: --demo serves the simulator's acme/rocket, not foo/bar: drop --repo or --demo"
    )
    assert main(["--demo", "--repo", "acme/rocket", "queue", "--json"]) == 0


def test_set_on_a_list_says_which_values_it_dropped(file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    defaults = list(Settings().merge.trusted_bots)
    assert main(["--config", str(file), "config", "set", "merge.trusted_bots", "foo[bot]"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith('merge.trusted_bots = ["foo[bot]"]')
    assert err.startswith("note: merge.trusted_bots no longer has [")
    assert err.count("\n") == 1
    assert "config add merge.trusted_bots VALUE" in err
    assert all(bot in err for bot in defaults)

    assert main(["--config", str(file), "config", "set", "merge.trusted_bots", "foo[bot], bar[bot]"]) == 0
    assert capsys.readouterr().err == ""  # nothing dropped: nothing to say


def test_the_batch_schedule_is_set_checked_and_written_into_the_workflow(
    file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file.parent.mkdir()
    file.write_text('# my schedule\n[workflow]\nschedule = ["17 * * * *"]\n', encoding="utf-8")
    before = file.read_bytes()
    assert main(["--config", str(file), "config", "set", "workflow.schedule", '["*/2 * * * *"]']) == 2
    err = capsys.readouterr().err
    assert "fires more often than every 5 minutes" in err
    assert file.read_bytes() == before
    assert main(["--config", str(file), "config", "set", "workflow.schedule", '["17 */3 * * *"]']) == 0
    assert file.read_text(encoding="utf-8").startswith("# my schedule\n")
    assert main(["--config", str(file), "workflow", "init", "--repo-root", str(tmp_path)]) == 0
    written = (tmp_path / ".github" / "workflows" / "lambda-bot.yml").read_text(encoding="utf-8")
    assert '    - cron: "17 */3 * * *"\n' in written
    assert '"17 * * * *"' not in written
