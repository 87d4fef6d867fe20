"""Read config.toml into `Settings`, reporting every problem at once.

Bad input never crashes and never destroys data: a file that does not parse,
or has any problem, yields the defaults plus the list of problems (the
caller shows a visible warning), and the file itself is only ever read.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lbconsole.config import paths
from lbconsole.config.schema import (
    CATEGORY_FIELDS,
    CATEGORY_NAME,
    RESERVED_CATEGORIES,
    SECTIONS,
    SIGNAL_FIELDS,
    Field,
    did_you_mean,
    plain_keys,
    show,
)
from lbconsole.core.problems import MAX_SHOWN, more, one_line
from lbconsole.core.settings import DEFAULT_CATEGORIES, OTHER, CategoryRule, Settings
from lbconsole.errors import ConfigError
from lbconsole.files import RefusedFile, read_capped
from lbconsole.redact import redact

MAX_CONFIG_BYTES = 1 << 20
"""The largest config file read (1 MiB); a real one is a few KiB."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a configuration."""

    file: Path | None
    """The file it is in (None for values that came from elsewhere)."""
    key: str
    """Dotted key, e.g. `limits.merge`; empty for the file as a whole."""
    message: str
    """What is wrong, e.g. `must be an integer between 0 and 100, got -1`."""

    def __post_init__(self) -> None:
        # Made safe once, here: problems are printed before the token in use is registered for redaction.
        object.__setattr__(self, "key", one_line(redact(self.key), 120))
        object.__setattr__(self, "message", one_line(redact(self.message)))

    def __str__(self) -> str:
        where = self.file.name if self.file is not None else "config"
        return ": ".join(part for part in (where, self.key, self.message) if part)


class Problems:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, file: Path | None = None) -> None:
        self.file = file
        self._items: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        """Record that `key` is wrong."""
        self._items.append(Problem(self.file, key, message))

    @property
    def hidden(self) -> bool:
        """Whether the next problem is past the ones shown (so not worth a "did you mean")."""
        return len(self._items) >= MAX_SHOWN

    def unknown(self, dotted: str, *, section: bool = False) -> None:
        """Record an unknown key or section, naming the nearest valid one (while problems are still shown)."""
        what = "unknown section" if section else "unknown key"
        if self.hidden:
            self.add(dotted, what)
            return
        self.add(dotted, what + (_suggestion(dotted) or _valid_here(dotted, section=section)))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


def _suggestion(dotted: str) -> str:
    parts = dotted.split(".")
    leaf = parts[-1]
    known = plain_keys()
    # The right key in the wrong section (`[github] merge = 5`).
    misplaced = [key for key in known if key.rsplit(".", 1)[1] == leaf and key != dotted]
    if misplaced:
        return f"; did you mean '{misplaced[0]}'?"
    if len(parts) == 2 and parts[0] in SECTIONS:
        near = did_you_mean(leaf, SECTIONS[parts[0]], prefix=f"{parts[0]}.")
        if near:
            return near
    if len(parts) > 1:
        return did_you_mean(dotted, known)
    return did_you_mean(dotted, [*SECTIONS, "categories", *known])


def _valid_here(dotted: str, *, section: bool) -> str:
    if section:
        return f" (sections: {', '.join([*SECTIONS, 'categories'])})"
    table = dotted.rsplit(".", 1)[0]
    if table in SECTIONS:
        return f" (valid keys: {', '.join(SECTIONS[table])})"
    return ""


def validate(data: Mapping[str, Any], file: Path | None = None) -> tuple[Settings, tuple[Problem, ...]]:
    """Check every key of parsed TOML and build the settings it describes.

    Args:
        data: the parsed document (tomllib's dict).
        file: where it came from, for the problem messages.

    Returns:
        (settings, problems): the settings when there is no problem, else
        the defaults together with every problem found.
    """
    problems = Problems(file)
    defaults = Settings()
    changes: dict[str, Any] = {}
    for section, table in data.items():
        if section == "categories":
            changes["categories"] = _categories(table, problems)
            continue
        fields = SECTIONS.get(section)
        if fields is None:
            problems.unknown(section, section=True)
            continue
        if not isinstance(table, Mapping):
            problems.add(section, f"must be a table ([{section}]), got {show(table)}")
            continue
        values = _checked(table, fields, section, problems, problems.unknown)
        changes[section] = dataclasses.replace(getattr(defaults, section), **values)
    if problems:
        return defaults, tuple(problems)
    return dataclasses.replace(defaults, **changes), ()


def _checked(
    table: Mapping[str, Any],
    fields: Mapping[str, Field],
    prefix: str,
    problems: Problems,
    unknown: Callable[[str], None],
) -> dict[str, Any]:
    """The converted values of one table; a wrong value is a problem, an unknown key goes to `unknown` (dotted)."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        field = fields.get(key)
        if field is None:
            unknown(f"{prefix}.{key}")
            continue
        converted, wrong = field.check(value)
        if wrong is not None:
            problems.add(f"{prefix}.{key}", wrong)
        else:
            values[key] = converted
    return values


def _categories(table: Any, problems: Problems) -> tuple[CategoryRule, ...]:
    """Merge `[categories.<name>]` tables over the default rules.

    A table named like a default category replaces the fields it gives; a
    new name adds a category after the defaults (before the implicit `other`).
    """
    rules = list(DEFAULT_CATEGORIES)
    if not isinstance(table, Mapping):
        problems.add("categories", f"must be a table of [categories.<name>] tables, got {show(table)}")
        return tuple(rules)
    index = {rule.name: position for position, rule in enumerate(rules)}
    by_folded = {rule.name.lower(): rule.name for rule in rules}
    for name, body in table.items():
        key = f"categories.{name}"
        if name in RESERVED_CATEGORIES:
            problems.add(key, f"'{OTHER}' is where PRs that no rule matches go; it cannot have a rule")
            continue
        if not CATEGORY_NAME.fullmatch(name):
            problems.add(key, "a category name is letters, digits, '-' and '_' (at most 40 characters)")
            continue
        if name not in index and name.lower() in by_folded:
            problems.add(key, f"differs from the category '{by_folded[name.lower()]}' only in case")
            continue
        if not isinstance(body, Mapping):
            problems.add(key, f"must be a table ([categories.{name}]), got {show(body)}")
            continue

        def unknown_field(dotted: str, key: str = key) -> None:
            if problems.hidden:
                problems.add(dotted, "unknown key")
                return
            near = did_you_mean(dotted[len(key) + 1 :], CATEGORY_FIELDS, prefix=f"{key}.")
            hint = near or f" (valid keys: {', '.join(CATEGORY_FIELDS)})"
            problems.add(dotted, "unknown key" + hint)

        values = _checked(body, CATEGORY_FIELDS, key, problems, unknown_field)
        if name in index:
            rules[index[name]] = dataclasses.replace(rules[index[name]], **values)
        elif not any(signal in body for signal in SIGNAL_FIELDS):
            hint = did_you_mean(name, index) or f" (give at least one of: {', '.join(SIGNAL_FIELDS)})"
            problems.add(key, "a new category without any signal would never match" + hint)
        else:
            index[name] = len(rules)
            rules.append(CategoryRule(name=name, **values))
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading the config file produced."""

    settings: Settings
    """The settings to run on: the file's, or the defaults when it has problems."""
    problems: tuple[Problem, ...]
    """The problems to show (empty when the file is fine or absent): at most `MAX_SHOWN`,
    then one that says how many more there are (`problem_count` has the total)."""
    path: Path
    """The file that was (or would have been) read."""
    exists: bool
    """Whether the file exists (a symlink loop does, and is a problem)."""
    problem_count: int = -1
    """How many problems the file has in all; -1 (the default) means `len(problems)`."""

    def __post_init__(self) -> None:
        if self.problem_count < 0:
            object.__setattr__(self, "problem_count", len(self.problems))

    @property
    def ok(self) -> bool:
        """No problem: the settings are the file's (or the defaults, with no file)."""
        return not self.problems

    def warning(self) -> str | None:
        """The one-line warning to show when running on defaults because of problems."""
        if not self.problems:
            return None
        count = self.problem_count
        return (
            f"{self.path} has {count:,} problem{'s' if count != 1 else ''}; running on the defaults "
            "(see `lbconsole config validate`)"
        )


def capped(problems: tuple[Problem, ...], file: Path | None) -> tuple[Problem, ...]:
    """At most `MAX_SHOWN` problems, then one saying how many more there are."""
    if len(problems) <= MAX_SHOWN:
        return problems
    return (*problems[:MAX_SHOWN], Problem(file, "", more(len(problems) - MAX_SHOWN)))


def read_document(path: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse a TOML file without ever writing to it.

    Only a regular file of at most `MAX_CONFIG_BYTES` is read (a FIFO does
    not hang, /dev/zero is not read at all); nesting too deep for the parser
    is a problem like any other.

    Returns:
        (document, None), or (None, the problem) when it cannot be read or parsed.
    """
    text, problem = read_text(path)
    if text is None:
        return None, problem
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        return None, Problem(path, "", f"invalid TOML: {error}")
    except RecursionError:
        return None, Problem(path, "", "invalid TOML: tables or arrays nested too deeply")


def read_text(path: Path) -> tuple[str | None, Problem | None]:
    """The file's text: a regular file of at most `MAX_CONFIG_BYTES`, UTF-8; or (None, the problem)."""
    try:
        raw = read_capped(path, MAX_CONFIG_BYTES)
    except RefusedFile as refused:
        return None, Problem(path, "", f"cannot be read: {refused.reason}")
    except OSError as error:
        return None, Problem(path, "", f"cannot be read: {error.strerror or error}")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return None, Problem(path, "", f"is not UTF-8 text: {error.reason} at byte {error.start}")


def presence(file: Path) -> tuple[bool, Problem | None]:
    """Whether `file` is there to be read; a symlink loop is there, and a problem."""
    try:
        os.stat(file)
    except (FileNotFoundError, NotADirectoryError):
        return False, None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return True, Problem(file, "", "cannot be read: is a symlink loop (too many levels of symbolic links)")
        return True, Problem(file, "", f"cannot be read: {error.strerror or error}")
    return True, None


def load(path: Path | str | None = None, *, env: Mapping[str, str] = os.environ) -> LoadResult:
    """Load the configuration file.

    Args:
        path: an explicit file (`--config`); None resolves `LBCONSOLE_CONFIG`
            or the platform's config directory from `env`.
        env: the environment used to resolve the default path.

    Returns:
        The settings with every problem. A missing file gives the defaults and
        no problem; an invalid one (a symlink loop included) gives the defaults
        and its problems, at most `MAX_SHOWN` of them plus a count of the rest.
    """
    file = paths.config_file(env, explicit=path)
    exists, problem = presence(file)
    if not exists:
        return LoadResult(Settings(), (), file, exists=False)
    document = None
    if problem is None:
        document, problem = read_document(file)
    if document is None:
        assert problem is not None
        return LoadResult(Settings(), (problem,), file, exists=True)
    settings, problems = validate(document, file)
    return LoadResult(settings, capped(problems, file), file, exists=True, problem_count=len(problems))


def apply_overrides(settings: Settings, *, repo: str | None = None, api_url: str | None = None) -> Settings:
    """Apply command-line overrides (`--repo`, `--api-url`), validated like the file.

    Raises:
        ConfigError: when an override is malformed.
    """
    values: dict[str, Any] = {}
    for option, key, value in (("--repo", "repo", repo), ("--api-url", "api_url", api_url)):
        if value is None:
            continue
        converted, wrong = SECTIONS["github"][key].check(value)
        if wrong is not None:
            raise ConfigError(f"{option}: {wrong}")
        values[key] = converted
    if not values:
        return settings
    return dataclasses.replace(settings, github=dataclasses.replace(settings.github, **values))
