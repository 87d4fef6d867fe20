"""Secret detection on added lines, with detect-secrets' analysers in-process.

detect-secrets' plugins (the detectors) and heuristic filters are used as a
library; the line loop is ours. Its own loop (`scan_diff`) applies every
line filter to every plugin, and `is_indirect_reference` then drops whole
lines such as `gh = Github("ghp_...")` or `boto3.client(..., aws_access_key_id="AKIA...")`
before any detector sees them; that filter exists for keyword false
positives (`password = get_password()`), so here it applies to
`KeywordDetector` only. The loop is also ~10x faster than `scan_diff`.

Choices, and why:
- Plugins: the token and key detectors with distinctive formats, plus
  `KeywordDetector` for `password = "..."` assignments. The high-entropy
  string plugins are left out (they flag lock-file hashes and pinned action
  SHAs), so is `IPPublicDetector` (addresses are not credentials).
- Our own rules (`scan_rules`) only where the library falls short:
  fine-grained `github_pat_` tokens, unquoted AWS secret keys, URL
  passwords with sub-delimiters; unquoted `NAME=value` lines of dotenv
  files, shell scripts and Dockerfiles, quoted before the library's
  detectors see them; keyword values that only name the secret or hold a
  placeholder.
- Filters: the library's default heuristics, except `is_line_allowlisted`:
  a `pragma: allowlist secret` comment is written by the same author as the
  secret, so it must not hide it from review (zizmor likewise runs with
  `--no-ignores`). Lock and swagger files are skipped for keywords only.
- Plugins read the process-wide detect-secrets settings (e.g. whether to
  verify a secret over the network), so the scan runs inside
  `transient_settings` with no verification filter (nothing networked is
  ever enabled), under a lock: the console scans in thread workers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

from lbconsole.engine import scan_rules
from lbconsole.engine.scan_model import Finding, Severity, redact
from lbconsole.engine.scan_patch import AddedLine

PLUGINS: tuple[str, ...] = (
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "JwtTokenDetector",
    "KeywordDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "StripeDetector",
    "TwilioKeyDetector",
)
"""detect-secrets plugin class names in use."""

_RULES: dict[str, tuple[str, Severity]] = {
    "AWS Access Key": ("secret/aws-key", "high"),
    "GitHub Token": ("secret/github-token", "high"),
    "Private Key": ("secret/private-key", "high"),
    "Secret Keyword": ("secret/password-assignment", "medium"),
    "Basic Auth Credentials": ("secret/basic-auth", "high"),
    "JSON Web Token": ("secret/jwt", "medium"),
}
"""detect-secrets secret type -> (rule, severity); others get a slug and `high`."""

_NO_HINT = frozenset({"Private Key", "Secret Keyword", "Basic Auth Credentials"})
"""Types whose matched value says nothing useful (or too much) as a hint."""

_AWS_KEY_ID_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "A3T")

_lock = threading.Lock()


def find_secrets(files: Sequence[tuple[str, Sequence[AddedLine]]]) -> Iterator[tuple[str, Finding | str]]:
    """Scan each file's added lines for secrets.

    Args:
        files: (path, added lines with their new line numbers), from `scan_patch`.

    Yields:
        (path, Finding) for each secret, or (path, reason) when a file could not
        be scanned. Lines flagged by a specific detector lose the generic
        `secret/password-assignment` finding.
    """
    from detect_secrets.filters import heuristic
    from detect_secrets.plugins.keyword import KeywordDetector
    from detect_secrets.settings import get_plugins, transient_settings

    secret_filters = (
        heuristic.is_sequential_string,
        heuristic.is_potential_uuid,
        heuristic.is_templated_secret,
        heuristic.is_prefixed_with_dollar_sign,
        heuristic.is_not_alphanumeric_string,
    )
    with _lock, transient_settings({"plugins_used": [{"name": name} for name in PLUGINS]}):
        plugins = list(get_plugins())
        for path, added in files:
            if heuristic.is_non_text_file(path):
                continue
            skip_keywords = heuristic.is_lock_file(path) or heuristic.is_swagger_file(path)
            env_style = scan_rules.env_style(path)
            found: list[Finding] = []
            try:
                for number, raw in added:
                    line = raw.rstrip()
                    probe = scan_rules.quoted(line) if env_style else line
                    indirect: bool | None = None
                    for plugin in plugins:
                        is_keyword = isinstance(plugin, KeywordDetector)
                        if is_keyword and skip_keywords:
                            continue
                        for secret in plugin.analyze_line(filename=path, line=probe, line_number=number):
                            value = secret.secret_value or ""
                            if any(f(value) for f in secret_filters):
                                continue
                            if heuristic.is_likely_id_string(value, probe, plugin):
                                continue
                            if is_keyword:
                                if scan_rules.placeholder(value) or scan_rules.mentions_secret(value, probe):
                                    continue
                                if indirect is None:
                                    indirect = heuristic.is_indirect_reference(probe)
                                if indirect:
                                    continue
                            found.append(_finding(path, secret.type, number, value))
                    for pattern, group, secret_type in scan_rules.BUILTIN:
                        for match in pattern.finditer(line):
                            value = match.group(group)
                            if not any(f(value) for f in secret_filters):
                                found.append(_finding(path, secret_type, number, value))
            except Exception as exc:  # a third-party analyser must not stop the scan
                yield path, f"{path}: secret scan failed ({type(exc).__name__})"
                continue
            for finding in _dedupe(found):
                yield path, finding


def _finding(path: str, secret_type: str, line: int, value: str) -> Finding:
    rule, severity = _RULES.get(secret_type, (_slug(secret_type), "high"))
    if secret_type == "AWS Access Key":
        label = "AWS access key ID" if value.startswith(_AWS_KEY_ID_PREFIXES) else "AWS secret access key"
    elif secret_type == "Secret Keyword":
        label = "hard-coded password or secret assignment"
    else:
        label = secret_type
    hint = "" if secret_type in _NO_HINT else redact(value)
    message = f"{label} added" + (f" ({hint})" if hint else "")
    return Finding(rule=rule, severity=severity, file=path, line=line, message=message)


def _dedupe(found: list[Finding]) -> list[Finding]:
    specific = {f.line for f in found if f.rule != "secret/password-assignment"}
    seen: set[tuple[str, int | None, str]] = set()
    out: list[Finding] = []
    for f in found:
        key = (f.rule, f.line, f.message)
        if key in seen or (f.rule == "secret/password-assignment" and f.line in specific):
            continue
        seen.add(key)
        out.append(f)
    return out


def _slug(secret_type: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in secret_type).split()
    return "secret/" + "-".join(words)
