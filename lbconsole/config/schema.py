"""The shape of config.toml: every valid key, its type and its limits.

One table of checks serves three callers: loading a file, `config set`
(which parses a raw command-line value by the key's kind) and `config get`.
A check returns the converted value, or a message saying what is wrong in
words a user can act on ("must be an integer between 0 and 100, got -1").
"""

from __future__ import annotations

import difflib
import math
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from lbconsole.core.cron import cron_problem
from lbconsole.core.settings import MAX_TRAIN_BUDGET_S, MERGE_METHODS, MERGE_STRATEGIES, OTHER, REPO_PATTERN
from lbconsole.redact import redact

Kind = Literal["int", "float", "bool", "str", "list", "table"]
"""How `config set` parses a raw value for the key."""

Check = Callable[[Any], "tuple[Any, str | None]"]
"""Validates a TOML value: (converted value, None) or (None, what is wrong)."""


@dataclass(frozen=True, slots=True)
class Field:
    """One configurable key."""

    kind: Kind
    """The TOML type expected."""
    check: Check
    """Validation and conversion (lists become tuples)."""


SHOWN_CHARACTERS = 60
"""Longest string echoed in a problem message; longer ones are cut."""

_OPAQUE = re.compile(r"[A-Za-z0-9_\-]{32,}")
"""A long run without spaces or punctuation, e.g. a 40-hex OAuth token or a GHES token of its own shape."""


def looks_secret(text: str) -> bool:
    """Whether a config string looks like a credential, so a message must not echo it.

    True for a known token shape or a registered secret (`redact` would mask
    it), and for a long opaque run of letters and digits: the token in use
    may not be registered yet when config problems are printed.
    """
    if redact(text) != text:
        return True
    if _OPAQUE.fullmatch(text) is None:
        return False
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def show(value: Any, depth: int = 0) -> str:
    """Render a value the way it would be written in TOML, for messages.

    Never echoes a secret: a string that looks like a token (the classic
    mistake is a token pasted as another key's value) is shown only by its
    length; long strings are cut, nested arrays are shown three levels deep.

    Args:
        value: any value tomllib can produce.
        depth: nesting level (internal).

    Returns:
        e.g. `-1`, `"five"`, `true`, `["a", 1]`, `a table`, `a 40-character value that looks like a token`.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if looks_secret(value):
            return f"a {len(value)}-character value that looks like a token (not shown)"
        cut = value if len(value) <= SHOWN_CHARACTERS else value[: SHOWN_CHARACTERS - 1] + "…"
        escaped = cut.replace("\\", "\\\\").replace('"', '\\"')
        suffix = f" ({len(value):,} characters)" if len(value) > SHOWN_CHARACTERS else ""
        return f'"{escaped}"{suffix}'
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        if depth >= 2:
            return "[...]"
        inner = ", ".join(show(item, depth + 1) for item in value[:5])
        return f"[{inner}{', ...' if len(value) > 5 else ''}]"
    return str(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def int_range(low: int, high: int, *, zero_means: str = "") -> Check:
    """An integer in low..high (or 0, when `zero_means` names what 0 does)."""
    if zero_means:
        expect = f"must be 0 ({zero_means}) or an integer between {low} and {high}"
    else:
        expect = f"must be an integer between {low} and {high}"

    def check(value: Any) -> tuple[Any, str | None]:
        if _is_int(value) and (low <= value <= high or (zero_means and value == 0)):
            return value, None
        return None, f"{expect}, got {show(value)}"

    return check


def number_range(low: float, high: float, *, low_open: bool = False) -> Check:
    """A finite number (integer or float) in low..high; `low_open` excludes low."""
    expect = f"must be a number {'greater than' if low_open else 'between'} {low:g}"
    expect += f" and at most {high:g}" if low_open else f" and {high:g}"

    def check(value: Any) -> tuple[Any, str | None]:
        if _is_number(value) and (low < value if low_open else low <= value) and value <= high:
            return float(value), None
        return None, f"{expect} (seconds), got {show(value)}"

    return check


def boolean(value: Any) -> tuple[Any, str | None]:
    """true or false (TOML booleans only, not "yes" or 1)."""
    if isinstance(value, bool):
        return value, None
    return None, f"must be true or false, got {show(value)}"


def choice(options: Iterable[str]) -> Check:
    """One of a fixed set of strings (with a did-you-mean for near misses)."""
    allowed = tuple(options)

    def check(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and value in allowed:
            return value, None
        message = f"must be one of {', '.join(allowed)}, got {show(value)}"
        if isinstance(value, str):
            message += did_you_mean(value.lower(), allowed)
        return None, message

    return check


def string(
    *,
    pattern: str | None = None,
    expect: str = "must be a string",
    allow_empty: bool = True,
    max_len: int = 1000,
    normalize: Callable[[str], str] | None = None,
) -> Check:
    """A string, optionally matching `pattern` (described by `expect`)."""
    compiled = re.compile(pattern) if pattern else None

    def check(value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, str):
            return None, f"{expect}, got {show(value)}"
        if value == "":
            return (value, None) if allow_empty else (None, f"{expect}, got an empty string")
        if len(value) > max_len or (compiled and not compiled.fullmatch(value)):
            return None, f"{expect}, got {show(value)}"
        return (normalize(value) if normalize else value), None

    return check


def string_list(item: Callable[[str], str | None] | None = None, *, what: str = "strings") -> Check:
    """A list of strings; `item` returns what is wrong with one item, if anything."""

    def check(value: Any) -> tuple[Any, str | None]:
        if not isinstance(value, list):
            return None, f"must be a list of {what}, got {show(value)}"
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or entry == "":
                return None, f"must be a list of {what}, item {index + 1} is {show(entry)}"
            if item is not None and (wrong := item(entry)) is not None:
                return None, f"item {index + 1} ({show(entry)}) {wrong}"
        return tuple(value), None

    return check


def _regex_problem(text: str) -> str | None:
    try:
        re.compile(text)
    except re.error as error:
        return f"is not a valid regular expression: {error}"
    return None


def _command_problem(text: str) -> str | None:
    try:
        words = shlex.split(text)
    except ValueError as error:
        return f"is not a valid command line: {error}"
    return None if words else "is an empty command"


def _schedule(value: Any) -> tuple[Any, str | None]:
    lines, problem = string_list(cron_problem, what="cron lines")(value)
    if problem is None and not lines:
        return None, "must list at least one cron line: the batch is what merges PRs between events"
    return lines, problem


def _keymap(value: Any) -> tuple[Any, str | None]:
    expect = 'must be a table of binding id = "keys" (e.g. "plan.run" = "R")'
    if not isinstance(value, Mapping):
        return None, f"{expect}, got {show(value)}"
    pairs: list[tuple[str, str]] = []
    for binding, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            return None, f'{expect}; "{binding}" is {show(keys)}'
        pairs.append((binding, keys.strip()))
    return tuple(pairs), None


def _has_valid_port(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return True


def _api_url(value: Any) -> tuple[Any, str | None]:
    expect = 'must be an http(s) URL such as "https://api.github.com" or "https://HOST/api/v3"'
    if isinstance(value, str) and _has_valid_port(value):
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.hostname and not parts.query and not parts.fragment:
            return value.rstrip("/"), None
    return None, f"{expect}, got {show(value)}"


RATE_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""What a runner label in `[cost.rates]` may look like."""

MAX_RATE = 10.0
"""The highest price per minute accepted (GitHub's largest runners cost well under a dollar)."""


def _rates(value: Any) -> tuple[Any, str | None]:
    expect = "must be a table of runner label = dollars per minute (e.g. ubuntu-latest = 0.006)"
    if not isinstance(value, Mapping):
        return None, f"{expect}, got {show(value)}"
    pairs: list[tuple[str, float]] = []
    for label, rate in value.items():
        if not RATE_LABEL.fullmatch(label):
            return None, f"{expect}; {show(label)} is not a runner label"
        if not _is_number(rate) or not 0 <= rate <= MAX_RATE:
            return None, f'{expect}; "{label}" must be a number between 0 and {MAX_RATE:g}, got {show(rate)}'
        pairs.append((label, float(rate)))
    return tuple(pairs), None


SECTIONS: dict[str, dict[str, Field]] = {
    "github": {
        "repo": Field(
            "str",
            string(
                pattern=REPO_PATTERN,
                expect='must be "owner/name" (or empty: detect it from the git remote)',
            ),
        ),
        "api_url": Field("str", _api_url),
        "workflow": Field(
            "str",
            string(
                pattern=r"\d+|[^/\\\s]+\.ya?ml",
                expect='must be a workflow file name such as "lambda-bot.yml", or a numeric id',
                allow_empty=False,
            ),
        ),
        "ref": Field(
            "str",
            string(pattern=r"\S+", expect="must be a git ref without spaces (or empty: the default branch)"),
        ),
        "write_interval_s": Field("float", number_range(0, 60)),
        "timeout_s": Field("float", number_range(0, 600, low_open=True)),
        "max_wait_s": Field("float", number_range(0, 3600)),
    },
    "limits": {
        "merge": Field("int", int_range(0, 100)),
        "conflict": Field("int", int_range(0, 100)),
        "scan": Field("int", int_range(0, 100)),
        "label": Field("int", int_range(0, 100)),
    },
    "merge": {
        "method": Field("str", choice(MERGE_METHODS)),
        "require_approval": Field("bool", boolean),
        "allow_unstable": Field("bool", boolean),
        "allow_no_checks": Field("bool", boolean),
        "trusted_bots": Field("list", string_list(what="logins")),
        "blocking_labels": Field("list", string_list(what="label names")),
        "strategy": Field("str", choice(MERGE_STRATEGIES)),
        "train_budget_s": Field("int", int_range(0, MAX_TRAIN_BUDGET_S)),
    },
    "refresh": {
        "interval_s": Field("int", int_range(5, 86400, zero_means="live refresh off")),
        "full_every_s": Field("int", int_range(5, 86400, zero_means="no periodic full refresh")),
    },
    "audit": {
        "stale_days": Field("int", int_range(1, 3650)),
    },
    "security": {
        "commands": Field("list", string_list(_command_problem, what="command lines")),
    },
    "ui": {
        "theme": Field("str", string(expect="must be a theme name", allow_empty=False, max_len=200)),
        "keymap": Field("table", _keymap),
    },
    "workflow": {
        "runs_on": Field(
            "str",
            string(
                pattern=r"[A-Za-z0-9][A-Za-z0-9._-]*",
                expect='must be a runner label such as "ubuntu-slim" or "ubuntu-latest"',
                allow_empty=False,
                max_len=100,
            ),
        ),
        "schedule": Field("list", _schedule),
    },
    "cost": {
        "rates": Field("table", _rates),
        "public": Field("bool", boolean),
        "included_minutes": Field("int", int_range(0, 10_000_000)),
    },
}
"""Plain sections: section -> key -> field. `categories` is separate."""

CATEGORY_FIELDS: dict[str, Field] = {
    "labels": Field("list", string_list(what="label names")),
    "title_prefixes": Field("list", string_list(what="prefixes")),
    "title_words": Field("list", string_list(what="words")),
    "title_patterns": Field("list", string_list(_regex_problem, what="regular expressions")),
    "body_patterns": Field("list", string_list(_regex_problem, what="regular expressions")),
    "branch_prefixes": Field("list", string_list(what="prefixes")),
    "authors": Field("list", string_list(what="logins")),
    "paths": Field("list", string_list(what="globs")),
    "weight": Field("int", int_range(-1000, 1000)),
    "label": Field(
        "str",
        string(pattern=r"[^,]{1,50}", expect="must be a label name of at most 50 characters (or empty)"),
    ),
}
"""Keys of a `[categories.<name>]` table."""

SIGNAL_FIELDS: tuple[str, ...] = tuple(name for name in CATEGORY_FIELDS if name not in ("weight", "label"))
"""Category keys that make a rule match; a new category needs at least one."""

CATEGORY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
"""What a category name may look like (it is shown in tables and JSON)."""

RESERVED_CATEGORIES: frozenset[str] = frozenset({OTHER})
"""Names that cannot have a rule (`other` is what matches when nothing else does)."""


def plain_keys() -> list[str]:
    """Every dotted key of the plain sections, e.g. `limits.merge`."""
    return [f"{section}.{key}" for section, fields in SECTIONS.items() for key in fields]


def did_you_mean(word: str, candidates: Iterable[str], *, prefix: str = "") -> str:
    """`; did you mean 'x'?` for the nearest candidate, or "" when none is near.

    Args:
        word: what was typed.
        candidates: the valid words.
        prefix: put before the suggestion (`limits.` when `word` is the last part of a dotted key).
    """
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{prefix}{matches[0]}'?" if matches else ""
