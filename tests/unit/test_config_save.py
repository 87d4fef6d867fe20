"""Writing the config: validated first, atomic, permissions kept; `config set` parsing."""

from __future__ import annotations

import dataclasses
import os
import sys
import tomllib
from pathlib import Path

import pytest

from lbconsole import files as files_module
from lbconsole.config.load import load, validate
from lbconsole.config.save import (
    InvalidConfig,
    format_value,
    get_value,
    resolve_key,
    save,
    set_value,
    settings_to_toml_dict,
)
from lbconsole.core.settings import CategoryRule, Limits, Settings, UiSettings
from lbconsole.errors import ConfigError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "cfg"
    path.mkdir()
    return path


def snapshot(file: Path) -> tuple[bytes, int, int]:
    info = file.stat()
    return file.read_bytes(), info.st_mtime_ns, info.st_ino


def test_settings_to_toml_dict_round_trips_defaults_and_custom_settings() -> None:
    assert validate(settings_to_toml_dict(Settings())) == (Settings(), ())
    custom = dataclasses.replace(
        Settings(),
        limits=Limits(merge=0, conflict=1, scan=2, label=3),
        ui=UiSettings(theme="nord", keymap=(("plan.run", "R"),)),
        categories=(*Settings().categories, CategoryRule(name="infra", paths=("tf/*",), weight=5)),
    )
    document = settings_to_toml_dict(custom)
    assert document["limits"] == {"merge": 0, "conflict": 1, "scan": 2, "label": 3}
    assert document["ui"]["keymap"] == {"plan.run": "R"}
    assert validate(document) == (custom, ())


def test_save_then_load_round_trip(folder: Path) -> None:
    file = folder / "config.toml"
    data = {"limits": {"merge": 8}, "merge": {"trusted_bots": ["a[bot]"]}, "categories": {"infra": {"paths": ["tf/*"]}}}
    saved = save(file, data)
    assert tomllib.loads(file.read_text(encoding="utf-8")) == data
    loaded = load(file)
    assert loaded.problems == ()
    assert loaded.settings == saved
    assert saved.limits.merge == 8
    assert saved.merge.trusted_bots == ("a[bot]",)
    assert [p.name for p in folder.iterdir()] == ["config.toml"]  # no temporary file left


def test_save_creates_missing_directories(tmp_path: Path) -> None:
    file = tmp_path / "a" / "b" / "config.toml"
    save(file, {"audit": {"stale_days": 9}})
    assert load(file).settings.audit.stale_days == 9


@posix_only
def test_save_keeps_file_permissions(folder: Path) -> None:
    file = folder / "config.toml"
    file.write_text("[limits]\nmerge = 1\n", encoding="utf-8")
    os.chmod(file, 0o600)
    save(file, {"limits": {"merge": 2}})
    assert file.stat().st_mode & 0o777 == 0o600
    os.chmod(file, 0o644)
    save(file, {"limits": {"merge": 3}})
    assert file.stat().st_mode & 0o777 == 0o644
    assert load(file).settings.limits.merge == 3


@posix_only
def test_save_through_a_symlink_replaces_the_target_and_keeps_the_link(folder: Path) -> None:
    real = folder / "real.toml"
    real.write_text("[limits]\nmerge = 1\n", encoding="utf-8")
    link = folder / "config.toml"
    link.symlink_to(real)
    save(link, {"limits": {"merge": 4}})
    assert link.is_symlink()
    assert load(real).settings.limits.merge == 4


def test_save_refuses_invalid_data_and_leaves_the_file_untouched(folder: Path) -> None:
    file = folder / "config.toml"
    file.write_text("# mine\n[limits]\nmerge = 1\n", encoding="utf-8")
    before = snapshot(file)
    with pytest.raises(InvalidConfig) as caught:
        save(file, {"limits": {"merge": -1, "scan": "five"}, "ui": {"tehme": "x"}})
    assert [p.key for p in caught.value.problems] == ["limits.merge", "limits.scan", "ui.tehme"]
    assert "limits.merge: must be an integer between 0 and 100, got -1" in str(caught.value)
    assert snapshot(file) == before
    assert [p.name for p in folder.iterdir()] == ["config.toml"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = folder / "config.toml"
    file.write_text("[limits]\nmerge = 1\n", encoding="utf-8")
    before = snapshot(file)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", broken_replace)
    with pytest.raises(ConfigError, match=r"cannot write .*No space left on device"):
        save(file, {"limits": {"merge": 2}})
    assert snapshot(file) == before
    assert [p.name for p in folder.iterdir()] == ["config.toml"]


# --- set_value --------------------------------------------------------------


def test_set_value_creates_the_file_and_keeps_other_keys(folder: Path) -> None:
    file = folder / "config.toml"
    set_value(file, "limits.merge", "7")
    set_value(file, "github.repo", "octo/widgets")
    settings = set_value(file, "merge.require_approval", "no")
    assert tomllib.loads(file.read_text(encoding="utf-8")) == {
        "limits": {"merge": 7},
        "github": {"repo": "octo/widgets"},
        "merge": {"require_approval": False},
    }
    assert settings.limits.merge == 7
    assert settings.merge.require_approval is False


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("merge.blocking_labels", "wip, hold ,blocked", ["wip", "hold", "blocked"]),
        ("merge.blocking_labels", '["a,b", "c"]', ["a,b", "c"]),
        ("merge.blocking_labels", "", []),
        ("github.timeout_s", "2.5", 2.5),
        ("github.write_interval_s", "1", 1.0),
        ("merge.allow_unstable", "TRUE", True),
        ("merge.allow_unstable", "off", False),
        ("ui.keymap.plan.run", "R", "R"),
        ("ui.keymap", '{ "queue.filter" = "ctrl+f" }', {"queue.filter": "ctrl+f"}),
        ("categories.bugfix.labels", "bug,defect", ["bug", "defect"]),
        ("categories.infra.paths", "terraform/*", ["terraform/*"]),
    ],
)
def test_set_value_parses_by_the_keys_type(folder: Path, key: str, raw: str, expected: object) -> None:
    file = folder / "config.toml"
    settings = set_value(file, key, raw)
    value = get_value(settings, key)
    if isinstance(expected, dict):
        assert value == expected
    else:
        assert value == expected
        assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("limits.merge", "-1", "limits.merge: must be an integer between 0 and 100, got -1"),
        ("limits.merge", "five", 'limits.merge: must be an integer between 0 and 100, got "five"'),
        ("limits.merge", "2.5", 'limits.merge: must be an integer between 0 and 100, got "2.5"'),
        ("merge.allow_unstable", "maybe", 'merge.allow_unstable: must be true or false, got "maybe"'),
        ("merge.method", "sqash", "did you mean 'squash'?"),
        ("refresh.interval_s", "2", "refresh.interval_s: must be 0 (live refresh off)"),
        ("categories.bugfix.title_patterns", "[unclosed", "not a valid TOML array"),
        ("categories.bugfix.title_patterns", '["[unclosed"]', "not a valid regular expression"),
        ("categories.bugfix.weight", "heavy", "categories.bugfix.weight: must be an integer"),
        ("limits.mrege", "3", "limits.mrege: unknown key; did you mean 'limits.merge'?"),
        ("categories.bugfix.label_names", "x", "did you mean 'categories.bugfix.labels'?"),
        ("categories.bugfix", "x", "categories.<name>.<key>"),
        ("github.timeout_s", "inf", "must be a number greater than 0"),
    ],
)
def test_set_value_refuses_bad_values_and_leaves_the_file_untouched(
    folder: Path, key: str, raw: str, message: str
) -> None:
    file = folder / "config.toml"
    file.write_text("# my comment\n[limits]\nmerge = 4\n", encoding="utf-8")
    before = snapshot(file)
    with pytest.raises(ConfigError) as caught:
        set_value(file, key, raw)
    assert message in str(caught.value)
    assert snapshot(file) == before
    assert [p.name for p in folder.iterdir()] == ["config.toml"]


def test_set_value_refuses_to_rewrite_a_file_that_does_not_parse(folder: Path) -> None:
    file = folder / "config.toml"
    file.write_text("[limits\nmerge = 4\n", encoding="utf-8")
    before = snapshot(file)
    with pytest.raises(InvalidConfig, match="invalid TOML"):
        set_value(file, "limits.merge", "5")
    assert snapshot(file) == before


def test_set_value_refuses_when_a_table_is_not_a_table(folder: Path) -> None:
    file = folder / "config.toml"
    file.write_text("limits = 5\n", encoding="utf-8")
    before = snapshot(file)
    with pytest.raises(ConfigError, match=r"\[limits\] is not a table"):
        set_value(file, "limits.merge", "5")
    assert snapshot(file) == before


def test_set_value_can_fix_the_broken_key_but_reports_other_problems(folder: Path) -> None:
    file = folder / "config.toml"
    file.write_text("[limits]\nmerge = -1\n", encoding="utf-8")
    assert set_value(file, "limits.merge", "3").limits.merge == 3
    file.write_text("[limits]\nmerge = -1\n", encoding="utf-8")
    with pytest.raises(InvalidConfig, match=r"limits\.merge: must be an integer") as caught:
        set_value(file, "limits.scan", "3")
    assert [p.key for p in caught.value.problems] == ["limits.merge"]


def test_resolve_key_handles_dotted_binding_ids() -> None:
    where, field = resolve_key("ui.keymap.plan.run")
    assert where == ("ui", "keymap", "plan.run")
    assert field.kind == "str"


def test_get_and_format_values() -> None:
    settings = Settings()
    assert format_value(get_value(settings, "limits.merge")) == "5"
    assert format_value(get_value(settings, "merge.require_approval")) == "true"
    assert format_value(get_value(settings, "merge.trusted_bots")) == '["dependabot[bot]", "renovate[bot]"]'
    assert format_value(get_value(settings, "github.workflow")) == "lambda-bot.yml"
    assert format_value(get_value(settings, "limits")) == "merge = 5\nconflict = 3\nscan = 10\nlabel = 50"
    assert get_value(settings, "categories.security.weight") == 100
    with pytest.raises(ConfigError, match=r"did you mean 'limits\.merge'"):
        get_value(settings, "limits.merg")


COMMENTED = """\
# Team settings: reviewed in PR #42.
[limits]
merge = 3  # CI is slow on Fridays
conflict = 2

# the bots we trust
[merge]
trusted_bots = ["dependabot[bot]"]   # no renovate here
"""


def test_set_value_keeps_comments_order_and_layout(folder: Path) -> None:
    path = folder / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")

    set_value(path, "limits.merge", "5")
    set_value(path, "ui.theme", "lbconsole-light")

    text = path.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED.replace("merge = 3  # CI", "merge = 5  # CI").rstrip("\n"))
    assert "# the bots we trust" in text
    assert '\n[ui]\ntheme = "lbconsole-light"\n' in text
    assert tomllib.loads(text)["limits"] == {"merge": 5, "conflict": 2}


def test_the_limits_editor_keeps_the_users_comments(folder: Path) -> None:
    from lbconsole.tui.config_io import save_limits

    path = folder / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    edited = dataclasses.replace(Settings(), limits=Limits(merge=4, conflict=1))

    save_limits(path, edited)

    text = path.read_text(encoding="utf-8")
    assert "# Team settings: reviewed in PR #42." in text
    assert "merge = 4  # CI is slow on Fridays" in text
    assert 'trusted_bots = ["dependabot[bot]"]   # no renovate here' in text
    assert tomllib.loads(text)["limits"]["conflict"] == 1
