"""Write config.toml: validated first, then atomically (temp file + rename).

Edits of an existing file (`config set`, the console's Limits editor) go
through `update`, which changes only the keys it is given in a tomlkit
document of the file, so the user's comments, order and layout survive;
new documents are written with tomli-w.

A write either lands completely or not at all: the new text goes to a
temporary file in the same directory, is fsynced, gets the old file's
permissions and replaces the old file with `os.replace`. Anything invalid
is refused before a byte is written.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w
import tomlkit
import tomlkit.exceptions

from lbconsole.config.load import Problem, capped, presence, read_text, validate
from lbconsole.config.schema import CATEGORY_FIELDS, SECTIONS, Field, did_you_mean, plain_keys, string
from lbconsole.core.settings import Settings
from lbconsole.errors import ConfigError
from lbconsole.files import atomic_write

_KEYMAP_ENTRY = Field("str", string(expect="must be keys", allow_empty=False))


class InvalidConfig(ConfigError):
    """A configuration was refused; `problems` lists everything wrong with it."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def settings_to_toml_dict(settings: Settings) -> dict[str, Any]:
    """Every setting as a TOML-ready dict (what `config show` prints).

    Validating the result gives back `settings` unchanged.
    """
    document: dict[str, Any] = {}
    for section, fields in SECTIONS.items():
        values = getattr(settings, section)
        document[section] = {key: _plain(getattr(values, key)) for key in fields}
    document["ui"]["keymap"] = dict(settings.ui.keymap)
    document["cost"]["rates"] = dict(settings.cost.rates)
    document["categories"] = {
        rule.name: {key: _plain(getattr(rule, key)) for key in CATEGORY_FIELDS} for rule in settings.categories
    }
    return document


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text of `data` (tomli-w)."""
    return tomli_w.dumps(data)


def _refuse(problems: tuple[Problem, ...], path: Path) -> InvalidConfig:
    lines = "\n".join(str(problem) for problem in capped(problems, path))
    return InvalidConfig(f"{lines}\n{path} was not changed", problems)


def save(path: Path | str, data: Mapping[str, Any]) -> Settings:
    """Validate `data` and write it to `path` as TOML, atomically.

    Args:
        path: the config file.
        data: the document (sections of plain TOML values).

    Returns:
        The settings `data` describes.

    Raises:
        InvalidConfig: `data` has problems (all listed); nothing was written.
        ConfigError: the file could not be written; the old one is intact.
    """
    return _write(Path(path), data, lambda: dumps(data))


def _write(file: Path, data: Mapping[str, Any], text: Callable[[], str]) -> Settings:
    """Validate `data`, then write `text()` (its TOML) to `file` atomically: `save`'s and `update`'s last step."""
    settings, problems = validate(data, file)
    if problems:
        raise _refuse(problems, file)
    try:
        atomic_write(file, text())
    except OSError as error:
        raise ConfigError(f"cannot write {file}: {error.strerror or error}") from error
    return settings


def update(path: Path | str, changes: Sequence[tuple[tuple[str, ...], Any]]) -> Settings:
    """Set each (key path, value) of `changes` in the TOML file at `path`, keeping everything else.

    The file (created when missing) is edited as a tomlkit document: its
    comments, key order and formatting stay as they are; only the changed
    values (and any table they need) are new. The whole result is
    validated before anything is written, then written atomically.

    Raises:
        InvalidConfig: the result has problems (all listed), or the file
            cannot be read or parsed; nothing was written.
        ConfigError: a key path runs through a value that is not a table,
            or the file could not be written; the old one is intact.
    """
    file = Path(path)
    exists, problem = presence(file)
    text = ""
    if exists:
        read, problem = read_text(file) if problem is None else (None, problem)
        if read is None:
            assert problem is not None
            raise InvalidConfig(f"{problem}\nfix it by hand first; {file} was not changed", (problem,))
        text = read
    try:
        document = tomlkit.parse(text)
    except (tomlkit.exceptions.TOMLKitError, RecursionError) as error:
        problem = Problem(file, "", f"invalid TOML: {error}")
        raise InvalidConfig(f"{problem}\nfix it by hand first; {file} was not changed", (problem,)) from None
    for where, value in changes:
        table: Any = document
        for depth, name in enumerate(where[:-1]):
            if name not in table:
                table[name] = tomlkit.table()
            table = table[name]
            if not isinstance(table, dict):
                dotted = ".".join(where[: depth + 1])
                raise ConfigError(f"[{dotted}] is not a table in {file}; {file} was not changed")
        table[where[-1]] = _plain(value)
    return _write(file, document.unwrap(), lambda: tomlkit.dumps(document))


def resolve_key(dotted: str) -> tuple[tuple[str, ...], Field]:
    """Where a dotted key lives in the document, and its field.

    `ui.keymap.<binding id>` may contain dots (`ui.keymap.plan.run`);
    categories take `categories.<name>.<key>`.

    Returns:
        (the table path followed by the key, the field).

    Raises:
        ConfigError: unknown key (with the nearest valid one).
    """
    parts = tuple(dotted.split("."))
    if parts[0] == "categories":
        if len(parts) == 3 and parts[2] in CATEGORY_FIELDS:
            return parts, CATEGORY_FIELDS[parts[2]]
        if len(parts) == 3:
            hint = did_you_mean(parts[2], CATEGORY_FIELDS)
            hint = hint.replace("'", f"'categories.{parts[1]}.", 1) if hint else ""
            raise ConfigError(f"{dotted}: unknown key{hint} (valid keys: {', '.join(CATEGORY_FIELDS)})")
        raise ConfigError(f"{dotted}: category keys look like categories.<name>.<key>, e.g. categories.bugfix.labels")
    if parts[:2] == ("ui", "keymap") and len(parts) > 2:
        return ("ui", "keymap", ".".join(parts[2:])), _KEYMAP_ENTRY
    if len(parts) == 2 and parts[1] in SECTIONS.get(parts[0], {}):
        return parts, SECTIONS[parts[0]][parts[1]]
    hint = did_you_mean(dotted, plain_keys())
    raise ConfigError(f"{dotted}: unknown key{hint}")


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def parse_raw(field: Field, raw: str) -> Any:
    """Turn a command-line string into a TOML value for `field`.

    Integers and numbers are parsed when they look like numbers (otherwise the
    string is kept so validation says what is wrong); booleans accept
    true/false, yes/no, on/off, 1/0; lists take `a, b, c` or a TOML array
    literal `["a", "b"]` (an empty string is an empty list); tables take a
    TOML inline table.

    Raises:
        ConfigError: a TOML array or table literal that does not parse.
    """
    text = raw.strip()
    if field.kind == "int":
        try:
            return int(text)
        except ValueError:
            return raw
    if field.kind == "float":
        try:
            return float(text)
        except ValueError:
            return raw
    if field.kind == "bool":
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else raw
    if field.kind == "list" and not text.startswith("["):
        return [item.strip() for item in text.split(",") if item.strip()]
    if field.kind in ("list", "table"):
        try:
            return tomllib.loads(f"value = {text}")["value"]
        except tomllib.TOMLDecodeError as error:
            what = "array" if field.kind == "list" else "inline table"
            raise ConfigError(f"not a valid TOML {what}: {error}") from error
    return raw


def set_value(path: Path | str, dotted_key: str, raw_value: str) -> Settings:
    """Set one key in the config file (`lbconsole config set KEY VALUE`).

    The rest of the file stays as it is, comments and layout included
    (`update`). The whole result is validated before writing.

    Args:
        path: the config file (created when missing).
        dotted_key: e.g. `limits.merge`, `categories.bugfix.labels`, `ui.keymap.plan.run`.
        raw_value: the value as typed, parsed by the key's type.

    Returns:
        The new settings.

    Raises:
        ConfigError: unknown key, unreadable file, or a value (or an existing
            problem in the file) that validation refuses; the file is untouched.
    """
    where, field = resolve_key(dotted_key)
    return update(path, [(where, parse_raw(field, raw_value))])


def edit_list(path: Path | str, dotted_key: str, raw_value: str, *, add: bool) -> Settings:
    """Add items to (or remove them from) a list key (`config add` / `config remove KEY VALUE`).

    The list starts from the value in force (the default when the file does
    not set it), so `config add merge.trusted_bots foo[bot]` keeps the
    default bots. Items already there are not added twice; removing one
    that is not there is an error.

    Raises:
        ConfigError: unknown key, a key that is not a list, an item to remove
            that is not there, or what `update` refuses; the file is untouched.
    """
    from lbconsole.config.load import load

    where, field = resolve_key(dotted_key)
    if field.kind != "list":
        raise ConfigError(f"{dotted_key} is not a list; use `config set {dotted_key} VALUE`")
    items = [str(item) for item in parse_raw(field, raw_value)]
    result = load(path)
    if result.problems:
        raise _refuse(tuple(result.problems), Path(path))
    current = [str(item) for item in get_value(result.settings, dotted_key)]
    if add:
        new = current + [item for item in items if item not in current]
    else:
        missing = [item for item in items if item not in current]
        if missing:
            shown = ", ".join(current) or "nothing"
            raise ConfigError(f"{dotted_key} has no {', '.join(missing)} (it has {shown}); {path} was not changed")
        new = [item for item in current if item not in items]
    return update(path, [(where, new)])


def _lookup(node: Any, parts: list[str]) -> Any:
    if not parts:
        return node
    if not isinstance(node, dict):
        raise KeyError
    # Longest match first: binding ids contain dots (`ui.keymap.plan.run`).
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in node:
            return _lookup(node[name], parts[end:])
    raise KeyError


def get_value(settings: Settings, dotted_key: str) -> Any:
    """The effective value of a key or table (`lbconsole config get KEY`).

    Raises:
        ConfigError: unknown key (with the nearest valid one).
    """
    document = settings_to_toml_dict(settings)
    try:
        return _lookup(document, dotted_key.split(".")) if dotted_key else document
    except KeyError:
        known = [*plain_keys(), *(f"categories.{n}.{k}" for n in document["categories"] for k in CATEGORY_FIELDS)]
        raise ConfigError(f"{dotted_key}: unknown key{did_you_mean(dotted_key, known)}") from None


def format_value(value: Any) -> str:
    """A value as `config get` prints it: strings bare, the rest as TOML."""
    if isinstance(value, dict):
        return dumps(value).rstrip("\n")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
    return str(value)
