"""Redaction: token shapes, registered secrets, log records."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from lbconsole.redact import RedactingFilter, forget_secrets, redact, redact_value, register_secret

CLASSIC = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
FINE_GRAINED = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize(
    "token",
    [
        CLASSIC,
        FINE_GRAINED,
        "gho_" + "x" * 36,
        "ghu_" + "Y1" * 18,
        "ghs_" + "z9" * 18,
        "ghr_" + "Q" * 76,
        "v1." + "0123456789abcdef" * 2 + "01234567",
    ],
)
def test_github_token_shapes_are_masked(token: str) -> None:
    assert redact(f"using {token} now") == "using *** now"
    assert token not in redact(f"x={token}&y=1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-ghi_jkl", "Authorization: Bearer ***"),
        ("authorization: token 0123456789abcdef0123", "authorization: token ***"),
        ('{"Authorization": "Basic dXNlcjpwYXNz"}', '{"Authorization": "Basic ***"}'),
        ("header Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "header Bearer ***"),
        ("token 0123456789abcdef0123456789abcdef01234567", "token ***"),
        (
            "https://x-access-token:s3cr3tValue@github.com/o/r.git",
            "https://x-access-token:***@github.com/o/r.git",
        ),
    ],
)
def test_authorization_values_and_url_credentials_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the token expired, run lbconsole auth login",
        "merged #12 (sha 0123456789abcdef0123456789abcdef01234567)",
        "bearer of bad news",
        "https://github.com/octo/widgets/pull/7",
        "ghp_short",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_registered_secret_of_any_shape_is_masked() -> None:
    odd = "my-enterprise-token-0001"
    assert redact(f"x {odd} y") == f"x {odd} y"
    register_secret(odd)
    assert redact(f"x {odd} y {odd}") == "x *** y ***"


def test_short_registered_values_are_ignored_and_extra_secrets_apply_once() -> None:
    register_secret("abc")
    assert redact("abc abc") == "abc abc"
    assert redact("pw=hunter2hunter2", extra_secrets=("hunter2hunter2",)) == "pw=***"
    assert redact("pw=hunter2hunter2") == "pw=hunter2hunter2"


def test_longer_secret_containing_a_shorter_one_is_masked_whole() -> None:
    register_secret("secretvalue")
    register_secret("secretvalue-and-more")
    assert redact("[secretvalue-and-more]") == "[***]"


def test_redact_value_walks_json_like_data() -> None:
    data = {"a": [CLASSIC, 1, {"b": f"Bearer {CLASSIC}"}], "c": (CLASSIC,), "n": None}
    assert redact_value(data) == {"a": ["***", 1, {"b": "Bearer ***"}], "c": ("***",), "n": None}


def _logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_log_records_are_redacted_in_message_and_args() -> None:
    logger, stream = _logger("lbconsole.test.redact.args")
    register_secret("plain-secret-value")
    logger.info("token %s for %s", CLASSIC, "octo")
    logger.warning(f"header Authorization: Bearer {FINE_GRAINED}")
    logger.error("dict %(t)s", {"t": "plain-secret-value"})
    lines = stream.getvalue().splitlines()
    assert lines == ["token *** for octo", "header Authorization: Bearer ***", "dict ***"]


def test_log_tracebacks_are_redacted() -> None:
    logger, stream = _logger("lbconsole.test.redact.exc")
    try:
        raise RuntimeError(f"GitHub said no to {CLASSIC}")
    except RuntimeError:
        logger.exception("request failed")
    output = stream.getvalue()
    assert "request failed" in output
    assert "RuntimeError: GitHub said no to ***" in output
    assert CLASSIC not in output


def test_a_record_with_bad_arguments_is_still_logged_redacted() -> None:
    logger, stream = _logger("lbconsole.test.redact.bad")
    logger.info("two %s %s", CLASSIC)  # one argument missing
    output = stream.getvalue()
    assert "two" in output
    assert CLASSIC not in output


# -- linear time on any line ---------------------------------------------------------------

KIB64 = 64 * 1024


def _fill(unit: str, tail: str = "") -> str:
    return (unit * (KIB64 // len(unit) + 1))[: KIB64 - len(tail)] + tail


ADVERSARIAL_CLEAN = [
    _fill("a."),
    _fill("a-", "@"),
    _fill("a.b-c+", "@example.com"),
    _fill("x://u:", "no at sign"),
    _fill("://a:"),
    "authorization:" + " " * (KIB64 - 14),
    _fill("authorization "),
    "bearer" + " " * (KIB64 - 6),
    _fill("token abc "),
    _fill("ghp_" + "a" * 19 + "."),
    _fill("github_pa"),
    _fill("v1." + "0" * 39 + " "),
]


@pytest.mark.parametrize("line", ADVERSARIAL_CLEAN, ids=lambda line: repr(line[:12]))
def test_64_kib_adversarial_lines_without_secrets_are_untouched_quickly(line: str) -> None:
    import time

    start = time.perf_counter()
    assert redact(line) is line or redact(line) == line
    # Linear: a few ms here; the old URL pattern took 15-25 s on the first line.
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("junk", "secret", "masked"),
    [
        ("a.", "https://x-access-token:s3cretValue@github.com/o/r", "https://x-access-token:***@github.com/o/r"),
        ("a-b.", "git+ssh://bot:p4ss@host/x", "git+ssh://bot:***@host/x"),
        ("gh", CLASSIC, "***"),
        ("github_pa", FINE_GRAINED, "***"),
        ("authorization ", "Authorization: Bearer abc.def", "Authorization: Bearer ***"),
        ("bearer ", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "Bearer ***"),
    ],
)
def test_a_secret_at_the_end_of_a_64_kib_adversarial_line_is_still_masked(junk: str, secret: str, masked: str) -> None:
    import time

    line = _fill(junk, " " + secret)
    start = time.perf_counter()
    out = redact(line)
    assert time.perf_counter() - start < 0.5
    assert out.endswith(" " + masked)
    assert secret not in out
    assert len(out) == len(line) - len(secret) + len(masked)


@pytest.mark.parametrize("prefix", ["access_token%3D", "GH_TOKEN_", "x"])
def test_a_token_glued_to_a_word_is_masked(prefix: str) -> None:
    assert redact(f"{prefix}{CLASSIC}&x=1") == f"{prefix}***&x=1"
