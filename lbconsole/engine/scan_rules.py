"""The scanner's own small rules, where detect-secrets' plugins and filters fall short.

Each closes one measured gap (a corpus of real-looking diffs, see
tests/unit/test_scanner_corpus.py) and is kept as small as the gap:

- **Fine-grained GitHub tokens.** detect-secrets' `GitHubTokenDetector`
  knows `ghp_ gho_ ghu_ ghs_ ghr_` (+ 36 characters) but not
  `github_pat_` + 22 + `_` + 59 characters: `FINE_GRAINED_PAT`.
- **AWS secret keys without quotes** (`aws_secret_access_key = ...` in a
  credentials file): `AWS_SECRET_UNQUOTED`. **URL passwords with
  sub-delimiters** (`postgres://app:pa!ss@db`), which `BasicAuthDetector`
  skips: `URL_PASSWORD`.
- **Unquoted assignments.** detect-secrets picks its keyword patterns by
  file extension, and `.env`, `.env.production`, `deploy.sh` or `Dockerfile`
  get the quotes-required ones, so `DB_PASSWORD=hunter2`,
  `export DB_PASSWORD=hunter2`, `ENV DB_PASSWORD=hunter2` and
  `ENV DB_PASSWORD hunter2` were never seen. For those files `quoted()`
  rewrites each unquoted `NAME=value` (and Dockerfile's `ENV NAME value`)
  as `NAME="value"` before detect-secrets' own detectors look at the line,
  so its keyword and AWS rules (and filters: `$VAR`, `${VAR}`, templates)
  apply unchanged.
- **Names that only mention a password.** `PASSWORD_FIELD = 'password'`,
  `password_label = "Password"`, `hint = "Enter your password"`: a value
  without a digit assigned to a name or label, or itself a label phrase,
  is not a secret (`mentions_secret`).
- **Placeholders.** `.env.example` files and docs write `changeme`,
  `your-api-key`, `xxxx` or `example` where the secret goes (`placeholder`).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

FINE_GRAINED_PAT = re.compile(r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}")
"""A fine-grained personal access token (what `GitHubTokenDetector` misses)."""
AWS_SECRET_UNQUOTED = re.compile(
    r"(?i)aws_?secret_?(?:access_?)?key\w{0,20}+['\"]?\s{0,5}+[:=]\s{0,5}+([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
"""An AWS secret access key assigned without quotes (`AWSKeyDetector` wants them), e.g. in ~/.aws/credentials."""
URL_PASSWORD = re.compile(r"://[^/\s:@]{1,256}+:([^/\s@]{1,256}+)@")
"""A password in a URL; `BasicAuthDetector` skips any with `!$&'()*+,;=`, which real ones contain unencoded."""

BUILTIN: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (FINE_GRAINED_PAT, 0, "GitHub Token"),
    (AWS_SECRET_UNQUOTED, 1, "AWS Access Key"),
    (URL_PASSWORD, 1, "Basic Auth Credentials"),
)
"""(pattern, group of the secret, detect-secrets' secret type it reports as), run on every added line."""

_SHELL_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".ksh", ".envrc"})
_SHELL_NAMES = frozenset({".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".envrc"})

_PAIR = re.compile(r"""(?<![\w$.-])([A-Za-z_][A-Za-z0-9_]*+)=([^\s'"`#;|&<>()]++)""")
"""An unquoted `NAME=value` (shell, dotenv, Dockerfile `ENV`/`ARG`)."""
_DOCKER_SPACE_FORM = re.compile(r"""^(\s*(?:ENV|ARG)\s++)([A-Za-z_][A-Za-z0-9_]*+)\s++([^\s'"=][^\s'"]*+)\s*+$""", re.I)
"""Dockerfile's legacy `ENV NAME value` form (one pair, value up to the end of the line)."""

_KEYWORDS = ("password", "passwd", "pwd", "pass", "secret", "token", "credential", "apikey", "authkey", "privatekey")
_LABEL_WORDS = frozenset(
    {
        "field", "label", "name", "input", "placeholder", "hint", "prompt", "column", "param", "attr",
        "selector", "id", "message", "msg", "text", "title", "error", "pattern", "regex", "header",
        "type", "kind", "env", "var", "variable", "setting", "option", "policy", "length", "min", "max",
        "rule", "validator", "strength", "widget", "form", "path", "file", "url", "route", "i18n",
    }
)  # fmt: skip
"""Words in a variable's name that make it the name or label of a secret, not the secret (`PASSWORD_FIELD`)."""
_PHRASE_WORDS = frozenset(
    {
        *_KEYWORDS, *_LABEL_WORDS, "new", "old", "current", "confirm", "confirmation", "repeat", "again",
        "reset", "forgot", "your", "enter", "the", "a", "of", "for", "and", "or", "to", "please", "show",
        "hide", "hidden", "required", "invalid", "incorrect", "wrong", "must", "be", "is", "at", "least",
        "characters", "verify", "change", "update", "api", "key", "access", "client", "user", "account",
    }
)  # fmt: skip
"""Words of a label phrase such as "Enter your password" or `new-password`."""
_PLACEHOLDERS = frozenset(
    {
        "changeme", "changeit", "example", "placeholder", "replaceme", "redacted", "dummy",
        "none", "null", "nil", "undefined", "todo", "tbd", "notset", "unset", "empty",
    }
)  # fmt: skip
_PLACEHOLDER_SHAPES = re.compile(r"x{3,}|\*{3,}|\.{3,}|#{3,}|(?:your|insert|enter|put)[a-z]*(?:[-_ ][a-z]+)*|<[^>]*>")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def env_style(path: str) -> bool:
    """Files of `NAME=value` lines where values are rarely quoted: dotenv files, shell scripts, Dockerfiles."""
    p = PurePosixPath(path)
    name = p.name.casefold()
    if name == ".env" or name.startswith(".env.") or name.endswith(".env") or ".env." in name:
        return True
    if p.suffix.casefold() in _SHELL_SUFFIXES or name in _SHELL_NAMES:
        return True
    return name in ("dockerfile", "containerfile") or name.startswith("dockerfile.") or name.endswith(".dockerfile")


def quoted(line: str) -> str:
    """`line` with every unquoted `NAME=value` written `NAME="value"` (Dockerfile `ENV NAME value` too).

    Only for `env_style` files. Values that are already quoted, and lines
    without an assignment, come back unchanged.
    """
    if match := _DOCKER_SPACE_FORM.match(line):
        return f'{match[1]}{match[2]}="{match[3]}"'
    if "=" not in line:
        return line
    return _PAIR.sub(r'\1="\2"', line)


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalpha())


def _words(text: str) -> list[str]:
    """`passwordLabel`, `PASSWORD_FIELD`, "Enter your password:" -> their lower-case words."""
    return [word.casefold() for word in _WORD.findall(text)]


def mentions_secret(value: str, line: str) -> bool:
    """A keyword assignment whose value names or labels the secret instead of being one.

    True when the value has no digit and either the variable it is assigned
    to is a name or a label (`PASSWORD_FIELD = 'password'`,
    `password_label = "Password"`), or the value is a phrase of label words
    (`"Enter your password"`, `new-password`). `DB_PASSWORD = "password"`
    stays flagged: a one-word value assigned to the secret itself may be it.

    Args:
        value: what detect-secrets' keyword rule matched.
        line: the line it is on.
    """
    if not value or any(c.isdigit() for c in value):
        return False
    before = line[: max(line.find(value), 0)]
    names = [n for n in _IDENTIFIER.findall(before) if any(k in n.casefold() for k in _KEYWORDS)]
    if names and not _LABEL_WORDS.isdisjoint(_words(names[-1])):
        return True
    words = _words(value)
    return len(words) >= 2 and all(word in _PHRASE_WORDS for word in words)


def placeholder(value: str) -> bool:
    """A stand-in where the secret will go: `changeme`, `your-api-key`, `xxxx`, `***`, `<password>`, `example`."""
    text = value.strip().strip("'\"`").casefold()
    if _letters(text) in _PLACEHOLDERS:
        return True
    return _PLACEHOLDER_SHAPES.fullmatch(text) is not None
