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
from collections.abc import Iterable
from typing import Any

MASK = "***"

MIN_SECRET_LENGTH = 8
"""Shorter registered values are ignored (masking "abc" everywhere helps nobody)."""

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # GitHub tokens: personal (ghp_), OAuth (gho_), user-to-server (ghu_),
    # server-to-server (ghs_), refresh (ghr_), fine-grained PATs.
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"), MASK),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), MASK),
    # Old-style installation tokens.
    (re.compile(r"\bv1\.[0-9a-f]{40}\b"), MASK),
    # Authorization header values, whatever the scheme.
    (
        re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:(?:bearer|token|basic)\s+)?)[^\s\"',;]+"),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1" + MASK),
    (re.compile(r"(?i)(\btoken\s+)[A-Za-z0-9_]{20,}"), r"\1" + MASK),
    # Credentials in URLs: https://x-access-token:SECRET@github.com/...
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(@)", re.IGNORECASE), r"\1" + MASK + r"\2"),
)

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact` masks it wherever it appears."""
    if value and len(value.strip()) >= MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value.strip())


def forget_secrets() -> None:
    """Forget every registered secret (for tests)."""
    with _lock:
        _secrets.clear()


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """Mask known token shapes and every registered (or extra) secret with `***`.

    Args:
        text: any text about to be shown, logged or stored.
        extra_secrets: more values to mask, just for this call.

    Returns:
        The text with the secrets replaced.
    """
    with _lock:
        values = set(_secrets)
    values.update(value for value in extra_secrets if value and len(value) >= MIN_SECRET_LENGTH)
    # Longest first, so a secret containing another is masked whole.
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
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


def redact_value(value: Any) -> Any:
    """Redact every string inside a JSON-like value (for the audit log)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [redact_value(item) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value
