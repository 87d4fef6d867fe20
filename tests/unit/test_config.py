"""Config paths and loading: every problem at once, defaults on any problem, file untouched."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import platformdirs
import pytest

from lbconsole.config import paths
from lbconsole.config.load import Problem, apply_overrides, load, validate
from lbconsole.config.schema import CATEGORY_FIELDS, SECTIONS
from lbconsole.core.settings import DEFAULT_CATEGORIES, CategoryRule, Settings
from lbconsole.errors import ConfigError

linux_only = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG rules apply on Linux/BSD")


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    return file


def problems_by_key(file: Path) -> dict[str, str]:
    result = load(file)
    return {problem.key: problem.message for problem in result.problems}


# --- paths ------------------------------------------------------------------


@linux_only
def test_config_file_precedence_explicit_then_env_then_xdg_then_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home")}
    assert paths.config_file(env) == tmp_path / "home" / ".config" / "lbconsole" / "config.toml"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    assert paths.config_file(env) == tmp_path / "xdg" / "lbconsole" / "config.toml"
    env["LBCONSOLE_CONFIG"] = str(tmp_path / "from-env.toml")
    assert paths.config_file(env) == tmp_path / "from-env.toml"
    assert paths.config_file(env, explicit=tmp_path / "cli.toml") == tmp_path / "cli.toml"


@linux_only
def test_state_log_data_and_themes_dirs_follow_xdg(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "st"), "XDG_DATA_HOME": "  "}
    assert paths.state_dir(env) == tmp_path / "st" / "lbconsole"
    assert paths.log_dir(env) == tmp_path / "st" / "lbconsole" / "log"
    # A blank XDG variable falls back to the default, as platformdirs does.
    assert paths.themes_dir(env) == tmp_path / ".local" / "share" / "lbconsole" / "themes"
    resolved = paths.AppPaths.resolve(env, explicit_config="~/x.toml")
    assert resolved.config_file == Path("~/x.toml").expanduser()
    assert resolved.state_dir == tmp_path / "st" / "lbconsole"


@linux_only
def test_paths_from_the_real_environment_agree_with_platformdirs() -> None:
    assert paths.config_dir() == Path(platformdirs.user_config_dir("lbconsole"))
    assert paths.state_dir() == Path(platformdirs.user_state_dir("lbconsole"))
    assert paths.log_dir() == Path(platformdirs.user_log_dir("lbconsole"))
    assert paths.data_dir() == Path(platformdirs.user_data_dir("lbconsole"))


def test_paths_create_nothing(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    env = {"HOME": str(root), "XDG_CONFIG_HOME": str(root / "c"), "XDG_STATE_HOME": str(root / "s")}
    paths.AppPaths.resolve(env)
    load(env=env)
    assert list(root.iterdir()) == []


# --- schema drift guard -----------------------------------------------------


def test_schema_covers_every_settings_field() -> None:
    settings = Settings()
    for section, fields in SECTIONS.items():
        assert set(fields) == {f.name for f in dataclasses.fields(getattr(settings, section))}, section
    assert set(SECTIONS) | {"categories"} == {f.name for f in dataclasses.fields(Settings)}
    assert set(CATEGORY_FIELDS) == {f.name for f in dataclasses.fields(CategoryRule)} - {"name"}


# --- loading ----------------------------------------------------------------


def test_missing_file_gives_defaults_without_problems(tmp_path: Path) -> None:
    result = load(tmp_path / "absent.toml")
    assert result.settings == Settings()
    assert result.problems == ()
    assert result.exists is False
    assert result.ok
    assert result.warning() is None


def test_env_override_is_used_by_load(tmp_path: Path) -> None:
    file = write(tmp_path, "[limits]\nmerge = 9\n", "custom.toml")
    result = load(env={"LBCONSOLE_CONFIG": str(file), "HOME": str(tmp_path)})
    assert result.path == file
    assert result.settings.limits.merge == 9


def test_valid_file_sets_every_section(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
[github]
repo = "octo/widgets"
api_url = "https://ghe.example.com/api/v3/"
workflow = "orchestrator.yaml"
ref = "main"
write_interval_s = 2
timeout_s = 12.5
max_wait_s = 0

[limits]
merge = 0
conflict = 100
scan = 7
label = 1

[merge]
method = "rebase"
require_approval = false
allow_unstable = true
allow_no_checks = true
trusted_bots = ["my-bot[bot]"]
blocking_labels = []

[refresh]
interval_s = 0
full_every_s = 600

[audit]
stale_days = 1

[security]
commands = ["bandit -r src", "pip-audit"]

[ui]
theme = "nord"

[ui.keymap]
"plan.run" = "R"
"queue.filter" = "ctrl+f"
""",
    )
    result = load(file)
    assert result.problems == ()
    s = result.settings
    assert s.github.repo == "octo/widgets"
    assert s.github.api_url == "https://ghe.example.com/api/v3"  # trailing slash dropped
    assert s.github.write_interval_s == 2.0
    assert isinstance(s.github.write_interval_s, float)
    assert s.github.timeout_s == 12.5
    assert (s.limits.merge, s.limits.conflict, s.limits.scan, s.limits.label) == (0, 100, 7, 1)
    assert s.merge.method == "rebase"
    assert s.merge.trusted_bots == ("my-bot[bot]",)
    assert s.merge.blocking_labels == ()
    assert s.refresh.interval_s == 0
    assert s.audit.stale_days == 1
    assert s.security.commands == ("bandit -r src", "pip-audit")
    assert s.ui.theme == "nord"
    assert s.ui.keymap == (("plan.run", "R"), ("queue.filter", "ctrl+f"))


def test_category_table_merges_over_default_and_new_names_are_appended(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
[categories.bugfix]
labels = ["defect"]
weight = 70

[categories.infra]
paths = ["terraform/*"]
label = "infra"
weight = 25
""",
    )
    settings = load(file).settings
    names = [rule.name for rule in settings.categories]
    assert names == [*(rule.name for rule in DEFAULT_CATEGORIES), "infra"]
    bugfix = settings.rule("bugfix")
    default_bugfix = next(rule for rule in DEFAULT_CATEGORIES if rule.name == "bugfix")
    assert bugfix is not None
    assert bugfix.labels == ("defect",)
    assert bugfix.weight == 70
    assert bugfix.title_prefixes == default_bugfix.title_prefixes  # not given: kept
    assert settings.rule("infra") == CategoryRule(name="infra", paths=("terraform/*",), label="infra", weight=25)


def test_every_problem_is_reported_at_once_and_defaults_are_used(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
[github]
repo = "not-a-repo"
timeout_s = 0

[limits]
merge = -1
conflict = "five"
mrege = 3

[merge]
method = "sqash"
require_approval = "yes"

[refresh]
interval_s = 3

[audit]
stale_days = 0

[categories.security]
title_patterns = ["[unclosed"]

[colours]
x = 1
""",
    )
    result = load(file)
    assert {problem.key for problem in result.problems} == {
        "github.repo",
        "github.timeout_s",
        "limits.merge",
        "limits.conflict",
        "limits.mrege",
        "merge.method",
        "merge.require_approval",
        "refresh.interval_s",
        "audit.stale_days",
        "categories.security.title_patterns",
        "colours",
    }
    assert result.settings == Settings()
    assert all(problem.file == file for problem in result.problems)
    warning = result.warning()
    assert warning is not None
    assert "11 problems" in warning


@pytest.mark.parametrize(
    ("value", "shown"),
    [("-1", "-1"), ('"five"', '"five"'), ("101", "101"), ("true", "true"), ("5.0", "5.0"), ("[5]", "[5]")],
)
def test_limits_must_be_integers_0_to_100(tmp_path: Path, value: str, shown: str) -> None:
    file = write(tmp_path, f"[limits]\nmerge = {value}\n")
    result = load(file)
    assert [str(problem) for problem in result.problems] == [
        f"config.toml: limits.merge: must be an integer between 0 and 100, got {shown}"
    ]
    assert result.settings.limits.merge == Settings().limits.merge


def test_typo_gets_did_you_mean(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """
[limits]
mrege = 3

[limit]
merge = 2

[github]
merge = 5

[categories.bugfix]
title_prefix = ["x"]

[categories.securty]
weight = 5
""",
    )
    found = problems_by_key(file)
    assert found["limits.mrege"] == "unknown key; did you mean 'limits.merge'?"
    assert found["limit"] == "unknown section; did you mean 'limits'?"
    assert found["github.merge"] == "unknown key; did you mean 'limits.merge'?"
    assert found["categories.bugfix.title_prefix"] == ("unknown key; did you mean 'categories.bugfix.title_prefixes'?")
    assert found["categories.securty"].endswith("did you mean 'security'?")


def test_unknown_key_without_near_match_lists_valid_keys(tmp_path: Path) -> None:
    found = problems_by_key(write(tmp_path, "[audit]\nzzz = 1\n"))
    assert found["audit.zzz"] == "unknown key (valid keys: stale_days)"


@pytest.mark.parametrize(
    ("toml", "key", "fragment"),
    [
        ("[refresh]\ninterval_s = 4", "refresh.interval_s", "must be 0 (live refresh off) or an integer between 5"),
        ("[merge]\nmethod = 'fast-forward'", "merge.method", "must be one of squash, merge, rebase"),
        ("[merge]\ntrusted_bots = 'dependabot[bot]'", "merge.trusted_bots", "must be a list of logins"),
        ("[merge]\nblocking_labels = ['wip', 3]", "merge.blocking_labels", "item 2 is 3"),
        ("[github]\napi_url = 'ftp://example.com'", "github.api_url", "must be an http(s) URL"),
        ("[github]\nworkflow = ''", "github.workflow", "got an empty string"),
        ("[github]\nwrite_interval_s = nan", "github.write_interval_s", "must be a number"),
        ("[categories.docs]\nbody_patterns = ['(']", "categories.docs.body_patterns", "not a valid regular expression"),
        ("[categories.other]\nlabels = ['x']", "categories.other", "cannot have a rule"),
        ("[categories.Security]\nlabels = ['x']", "categories.Security", "only in case"),
        ("[categories]\nbugfix = 1", "categories.bugfix", "must be a table"),
        ("[security]\ncommands = ['scan \"unclosed']", "security.commands", "not a valid command line"),
        ("[ui.keymap]\n'plan.run' = ''", "ui.keymap", '"plan.run" is ""'),
        ("limits = 5", "limits", "must be a table ([limits]), got 5"),
    ],
)
def test_specific_problems(tmp_path: Path, toml: str, key: str, fragment: str) -> None:
    found = problems_by_key(write(tmp_path, toml + "\n"))
    assert key in found, found
    assert fragment in found[key]


def test_boundaries_are_accepted(tmp_path: Path) -> None:
    file = write(tmp_path, "[refresh]\ninterval_s = 5\nfull_every_s = 0\n[audit]\nstale_days = 3650\n")
    result = load(file)
    assert result.problems == ()
    assert result.settings.refresh.interval_s == 5


@pytest.mark.parametrize(
    "content",
    [
        b"[limits]\nmerge = \n",  # invalid TOML
        b"[limits]\nmerge = -1\nscan = 'five'\n",  # valid TOML, invalid values
        b"\xff\xfe[limits]\n",  # not UTF-8
    ],
)
def test_invalid_file_gives_defaults_and_is_never_touched(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    file = folder / "config.toml"
    file.write_bytes(content)
    os.chmod(file, 0o640)
    before = file.stat()
    result = load(file)
    assert result.settings == Settings()
    assert result.problems
    assert result.exists
    after = file.stat()
    assert file.read_bytes() == content
    assert (after.st_mtime_ns, after.st_mode, after.st_ino) == (before.st_mtime_ns, before.st_mode, before.st_ino)
    assert sorted(p.name for p in folder.iterdir()) == ["config.toml"]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    file = write(tmp_path, "[limits]\nmerge = 3\nscan = \n")
    [problem] = load(file).problems
    assert problem.key == ""
    assert str(problem).startswith("config.toml: invalid TOML: ")
    assert "line 3" in problem.message


def test_a_directory_instead_of_a_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    [problem] = load(tmp_path / "config.toml").problems
    assert "cannot be read" in problem.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    file = tmp_path / "config.toml"
    file.write_bytes("\ufeff[limits]\nmerge = 4\n".encode())
    assert load(file).settings.limits.merge == 4


def test_problem_str_format() -> None:
    problem = Problem(Path("/x/config.toml"), "limits.merge", "must be an integer between 0 and 100, got -1")
    assert str(problem) == "config.toml: limits.merge: must be an integer between 0 and 100, got -1"


def test_validate_without_file() -> None:
    settings, problems = validate({"limits": {"merge": 2}})
    assert problems == ()
    assert settings.limits.merge == 2
    _, problems = validate({"limits": {"merge": 200}})
    assert str(problems[0]).startswith("config: limits.merge: ")


def test_apply_overrides() -> None:
    settings = apply_overrides(Settings(), repo="octo/app", api_url="http://127.0.0.1:8765/")
    assert settings.github.repo == "octo/app"
    assert settings.github.api_url == "http://127.0.0.1:8765"
    assert apply_overrides(settings) is settings
    with pytest.raises(ConfigError, match=r'^--repo: must be "owner/name"'):
        apply_overrides(Settings(), repo="octo")


@pytest.mark.parametrize("repo", ["acme/rocket.git", "a" * 40 + "/x", "acme/..", "acme/rocket/x"])
def test_the_config_refuses_repositories_the_cli_would_refuse(repo):
    from lbconsole.cli.context import validate_repo
    from lbconsole.config.schema import SECTIONS
    from lbconsole.errors import UsageError

    _, problem = SECTIONS["github"]["repo"].check(repo)
    assert problem is not None
    with pytest.raises(UsageError):
        validate_repo(repo)
