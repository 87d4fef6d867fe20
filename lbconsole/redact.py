"""Keep tokens out of logs, screens, error messages and the audit log.

Two nets: the shapes of GitHub credentials (`ghp_...`, `github_pat_...`,
`Authorization: Bearer ...`, `https://user:secret@host`), and the exact
values lbconsole has seen (auth registers every token it finds), so even a
token of an unknown shape is caught.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"

MIN_SECRET_LENGTH = 8
"""Shorter registered values are ignored (masking "abc" everywhere helps nobody)."""

PATTERNS: tuple[tuple[str, re.Pattern[str], str, tuple[str, ...]], ...] = (
    # (family, pattern, replacement, literals of which at least one must be in the lowercased text)
    #
    # Every pattern runs in linear time on any line: no unbounded quantifier
    # is followed by something it could give characters back to (the
    # quantifiers are possessive, `*+`, `++`, `{n,}+`, or bounded), so a
    # failed match costs at most a bounded look from each starting point.
    #
    # GitHub tokens: personal (ghp_), OAuth (gho_), user-to-server (ghu_),
    # server-to-server (ghs_), refresh (ghr_), fine-grained PATs; anywhere in
    # a word too (`access_token%3Dghp_...`, `GH_TOKEN_ghp_...`).
    ("github-token", re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}+"), MASK, ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    ("github-pat", re.compile(r"github_pat_[A-Za-z0-9_]{20,}+"), MASK, ("github_pat_",)),
    # Old-style installation tokens.
    ("installation-token", re.compile(r"\bv1\.[0-9a-f]{40}\b"), MASK, ("v1.",)),
    # Authorization header values, whatever the scheme.
    (
        "authorization",
        re.compile(r"(?i)(\bauthorization[\"']?\s*+[:=]\s*+[\"']?(?:(?:bearer|token|basic)\s++)?)[^\s\"',;]++"),
        r"\1" + MASK,
        ("authorization",),
    ),
    ("bearer", re.compile(r"(?i)(\bbearer\s++)[A-Za-z0-9._~+/=-]{8,}+"), r"\1" + MASK, ("bearer",)),
    ("token-scheme", re.compile(r"(?i)(\btoken\s++)[A-Za-z0-9_]{20,}+"), r"\1" + MASK, ("token",)),
    # Credentials in URLs: https://x-access-token:SECRET@github.com/... The
    # match starts at the literal `://` (whatever the scheme): a pattern that
    # started at the scheme, `\b[a-z][a-z0-9+.-]*://`, was quadratic on long
    # dotted or hyphenated lines (every word start scanned to the line's end).
    ("url-credentials", re.compile(r"(://[^/\s:@]++:)[^@\s/]++(@)"), r"\1" + MASK + r"\2", ("@",)),
)
"""The token shapes `redact` masks, by family (the redaction benchmark times each one)."""

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()
"""Registered secrets, longest first (so a secret containing another is masked whole)."""


def _longest_first(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=len, reverse=True))


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact` masks it wherever it appears."""
    global _secrets
    if value and len(value.strip()) >= MIN_SECRET_LENGTH:
        with _lock:
            _secrets = _longest_first((*_secrets, value.strip()))


def forget_secrets() -> None:
    """Forget every registered secret (for tests)."""
    global _secrets
    with _lock:
        _secrets = ()


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """Mask known token shapes and every registered (or extra) secret with `***`.

    Hot path (every log line): each pattern only runs when a literal it
    needs is in the text, and an untouched text is returned as the same object.

    Args:
        text: any text about to be shown, logged or stored.
        extra_secrets: more values to mask, just for this call.

    Returns:
        The text with the secrets replaced.
    """
    values = _secrets
    extra = [value for value in extra_secrets if value and len(value) >= MIN_SECRET_LENGTH]
    if extra:
        values = _longest_first((*values, *extra))
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    lowered = text.lower()
    for _family, pattern, replacement, literals in PATTERNS:
        for literal in literals:
            if literal in lowered:
                text = pattern.sub(replacement, text)
                lowered = text.lower()
                break
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in a record's message, arguments and traceback.

    Attach it to handlers (`handler.addFilter(RedactingFilter())`): a filter on
    a logger does not see records that propagate from its children.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the pieces, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def redact_value(value: Any, extra_secrets: Iterable[str] = ()) -> Any:
    """Redact every string inside a JSON-like value (for the audit log), `extra_secrets` included."""
    extra = tuple(extra_secrets)
    if isinstance(value, str):
        return redact(value, extra)
    if isinstance(value, Mapping):
        return {key: redact_value(item, extra) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [redact_value(item, extra) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value
