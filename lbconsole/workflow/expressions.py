"""GitHub Actions expressions, evaluated: what a job-level `if:` decides for an event.

Enough of GitHub's expression language for `if:` conditions: literals
(`'text'` with `''` for a quote, numbers, true, false, null), contexts with
property access (`github.event.pull_request.title`, `a['b']`, the object
filter `labels.*.name`), the operators `!`, `<`, `<=`, `>`, `>=`, `==`, `!=`,
`&&`, `||` and parentheses, and the functions `contains`, `startsWith`,
`endsWith`, `fromJSON`, `toJSON`, `format`, `join`, `success`, `always`,
`failure`, `cancelled`. Comparisons follow GitHub's rules: strings compare
case-insensitively, `==` between different types converts both to numbers,
`&&` and `||` return an operand (not a boolean).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>&&|\|\||==|!=|<=|>=|[!<>()\[\].,*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(ValueError):
    """The expression does not parse, or calls an unknown function."""


@functools.lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read {text[position : position + 20]!r} in {text!r}")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tuple(found)


def truthy(value: Any) -> bool:
    """GitHub's truthiness: false, 0, -0, '', null and NaN are falsy."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not math.isnan(value)
    return True


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        except ValueError:
            return math.nan
    return math.nan


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return "Object" if isinstance(value, dict) else "Array"
    return str(value)


def equal(a: Any, b: Any) -> bool:
    """GitHub's loose `==`: case-insensitive strings, numbers across types."""
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is type(b) and not isinstance(a, str):
        return bool(a == b)
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return a is b
    return _number(a) == _number(b)


def _compare(a: Any, b: Any) -> float:
    if isinstance(a, str) and isinstance(b, str):
        x, y = a.casefold(), b.casefold()
        return (x > y) - (x < y)
    m, n = _number(a), _number(b)
    if math.isnan(m) or math.isnan(n):
        return math.nan
    return (m > n) - (m < n)


def _contains(search: Any, item: Any) -> bool:
    if isinstance(search, list):
        return any(equal(entry, item) for entry in search)
    return _text(item).casefold() in _text(search).casefold()


def _format(template: Any, *args: Any) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        return _text(args[int(match.group(1))])

    return re.sub(r"\{\{|\}\}|\{(\d+)\}", replace, _text(template))


FUNCTIONS: dict[str, Any] = {
    "contains": _contains,
    "startswith": lambda s, v: _text(s).casefold().startswith(_text(v).casefold()),
    "endswith": lambda s, v: _text(s).casefold().endswith(_text(v).casefold()),
    "fromjson": lambda v: json.loads(_text(v)),
    "tojson": lambda v: json.dumps(v, indent=2),
    "format": _format,
    "join": lambda items, sep=",": (
        _text(sep).join(_text(i) for i in items) if isinstance(items, list) else _text(items)
    ),
    "success": lambda: True,
    "always": lambda: True,
    "failure": lambda: False,
    "cancelled": lambda: False,
}


Compiled = Callable[[Mapping[str, Any]], Any]
"""An expression compiled once: contexts -> value."""


class _Parser:
    """Compiles an expression into nested closures (parsed once, evaluated per event)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r} in {self.text!r}")
        self.at += 1
        return token

    def parse(self) -> Compiled:
        value = self.or_()
        if self.at != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return value

    def or_(self) -> Compiled:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            left, right = value, self.and_()

            def either(c: Mapping[str, Any], left: Compiled = left, right: Compiled = right) -> Any:
                first = left(c)
                return first if truthy(first) else right(c)

            value = either
        return value

    def and_(self) -> Compiled:
        value = self.equality()
        while self.peek() == "&&":
            self.take()
            left, right = value, self.equality()

            def both(c: Mapping[str, Any], left: Compiled = left, right: Compiled = right) -> Any:
                first = left(c)
                return right(c) if truthy(first) else first

            value = both
        return value

    def equality(self) -> Compiled:
        value = self.comparison()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            left, right = value, self.comparison()

            def same(c: Mapping[str, Any], left: Compiled = left, right: Compiled = right, op: str = op) -> Any:
                return equal(left(c), right(c)) == (op == "==")

            value = same
        return value

    def comparison(self) -> Compiled:
        value = self.unary()
        while self.peek() in ("<", "<=", ">", ">="):
            op = self.take()[1]
            left, right = value, self.unary()

            def compare(c: Mapping[str, Any], left: Compiled = left, right: Compiled = right, op: str = op) -> Any:
                order = _compare(left(c), right(c))
                if math.isnan(order):
                    return False
                return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]

            value = compare
        return value

    def unary(self) -> Compiled:
        if self.peek() == "!":
            self.take()
            inner = self.unary()
            return lambda c: not truthy(inner(c))
        return self.postfix(self.primary())

    def primary(self) -> Compiled:
        kind, text = self.take()
        if kind == "string":
            literal = text[1:-1].replace("''", "'")
            return lambda c: literal
        if kind == "number":
            number = float(text)
            return lambda c: number
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        lowered = text.lower()
        if lowered in ("true", "false", "null"):
            constant = None if lowered == "null" else lowered == "true"
            return lambda c: constant
        if self.peek() == "(":
            return self.call(lowered)
        return lambda c: c.get(text, c.get(lowered))

    def call(self, name: str) -> Compiled:
        function = FUNCTIONS.get(name)
        if function is None:
            raise ExpressionError(f"unknown function {name!r} in {self.text!r}")
        self.take("(")
        args: list[Compiled] = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() == ",":
                self.take()
        self.take(")")
        if name == "fromjson" and len(args) == 1:
            try:  # a literal's JSON is read once
                constant = function(args[0]({}))
                return lambda c: constant
            except ValueError:
                pass
        return lambda c: function(*(arg(c) for arg in args))

    def postfix(self, value: Compiled) -> Compiled:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                name = self.take()[1]
                key: Compiled | None = None if name == "*" else (lambda c, name=name: name)
            else:
                key = None if self.peek() == "*" else self.or_()
                if key is None:
                    self.take()
                self.take("]")
            value = _access(value, key)
        return value


def _access(base: Compiled, key: Compiled | None) -> Compiled:
    """`base.key` / `base[key]`, or the object filter `base.*` when `key` is None."""
    if key is None:
        return lambda c: _star(base(c))
    return lambda c: _member(base(c), _text(key(c)))


def _star(value: Any) -> Any:
    if isinstance(value, list):
        return _Filtered(value)
    if isinstance(value, dict):
        return _Filtered(list(value.values()))
    return _Filtered([])


class _Filtered(list[Any]):
    """The result of `.*`: a property access applies to every element."""


def _member(value: Any, name: str) -> Any:
    if isinstance(value, _Filtered):
        return _Filtered(found for item in value if (found := _member(item, name)) is not None)
    if isinstance(value, Mapping):
        if name in value:
            return value[name]
        lowered = name.casefold()
        return next((v for k, v in value.items() if str(k).casefold() == lowered), None)
    if isinstance(value, list):
        try:
            return value[int(name)]
        except (ValueError, IndexError):
            return None
    return None


def evaluate(text: str, contexts: Mapping[str, Any]) -> Any:
    """The value of a GitHub expression (with or without its `${{ }}`).

    Args:
        text: the expression.
        contexts: `github`, `inputs`, `vars`... as plain data.

    Raises:
        ExpressionError: it does not parse, or calls an unknown function.
    """
    return compile_expression(text)(contexts)


@functools.lru_cache(maxsize=256)
def compile_expression(text: str) -> Compiled:
    """An expression parsed once into a function of the contexts.

    Raises:
        ExpressionError: it does not parse, or calls an unknown function.
    """
    stripped = text.strip()
    if stripped.startswith("${{") and stripped.endswith("}}"):
        stripped = stripped[3:-2]
    return _Parser(stripped).parse()


def condition(text: str | None, contexts: Mapping[str, Any]) -> bool:
    """Whether a job's `if:` lets it run (no `if:` runs; `success()` is implied and true here)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return True
    if isinstance(text, bool):
        return text
    return truthy(evaluate(str(text), contexts))
