"""The built-in scanner: secrets on added lines, manifests, the summary comment.

Secret-looking values are assembled at run time so that this file itself
does not trip a secret scanner (lbconsole's own included).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from lbconsole.core.ports import PullFile
from lbconsole.engine.scanner import MARKER, Finding, ScanReport, format_summary, is_manifest, redact, scan

AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
GH_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
KEY_HEADER = "-----BEGIN RSA " + "PRIVATE KEY-----"
KEY_FOOTER = "-----END RSA " + "PRIVATE KEY-----"
PASSWORD = "hunter2sekret"
SECRETS = (AWS_KEY_ID, AWS_SECRET, GH_TOKEN, PASSWORD)
SHA = "0123456789abcdef0123456789abcdef01234567"


def new_file(path: str, lines: list[str]) -> PullFile:
    """A PullFile for a file the PR adds, with GitHub's header-less patch."""
    patch = f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join("+" + line for line in lines)
    return PullFile(path, "added", patch, additions=len(lines), deletions=0)


def located(report: ScanReport) -> set[tuple[str, str, int | None]]:
    return {(f.rule, f.file, f.line) for f in report.findings}


SETTINGS_PATCH = f"""\
@@ -10,7 +10,10 @@ DATABASES = {{
     "default": {{
         "ENGINE": "django.db.backends.postgresql",
-        "PASSWORD": "{PASSWORD}old",
+        "PASSWORD": os.environ["PW"],
     }}
 }}
\x20
+AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"
+AWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"
+
 LANGUAGE_CODE = "en-us"
@@ -40,3 +43,4 @@ STATIC_URL = "/static/"
\x20
 GITHUB_APP_ID = 1234
+gh = Github("{GH_TOKEN}")
 TIME_ZONE = "UTC"
"""


def test_secrets_on_added_lines_with_new_file_line_numbers() -> None:
    report = scan([PullFile("app/settings.py", "modified", SETTINGS_PATCH, additions=5, deletions=1)])

    assert located(report) == {
        ("secret/aws-key", "app/settings.py", 16),
        ("secret/aws-key", "app/settings.py", 17),
        ("secret/github-token", "app/settings.py", 45),
    }
    assert report.scanned_files == 1
    assert report.skipped == ()
    messages = {f.line: f.message for f in report.findings}
    assert messages[16] == "AWS access key ID added (AKIA************MPLE)"
    assert messages[17].startswith("AWS secret access key added")


def test_private_key_block_and_password_assignment() -> None:
    lines = [
        "import os",
        "",
        f'password = "{PASSWORD}"',
        'db_password = os.environ["PW"]',
        "admin_password = get_password()",
        'SIGNING_KEY = """',
        KEY_HEADER,
        "MIIEowIBAAKCAQEAtest+notarealkey+0123456789abcdef",
        KEY_FOOTER,
        '"""',
    ]
    report = scan([new_file("deploy/keys.py", lines)])

    assert located(report) == {
        ("secret/password-assignment", "deploy/keys.py", 3),
        ("secret/private-key", "deploy/keys.py", 7),
    }
    severities = {f.rule: f.severity for f in report.findings}
    assert severities == {"secret/password-assignment": "medium", "secret/private-key": "high"}


def test_removed_lines_are_not_scanned() -> None:
    patch = f"""\
@@ -1,4 +1,3 @@
 [default]
-aws_access_key_id = {AWS_KEY_ID}
-password = {PASSWORD}
+region = eu-west-1
 output = json"""
    report = scan([PullFile("config/aws.ini", "modified", patch, additions=1, deletions=2)])

    assert report.findings == ()
    assert report.scanned_files == 1


def test_prose_docs_and_indirect_passwords_are_not_flagged() -> None:
    docs = new_file(
        "docs/auth.md",
        [
            "# Authentication",
            "",
            "Pass the token in the `Authorization` header; the token expires after an hour.",
            "Set `password` in your config file, never commit the password itself.",
            "Rotate your API key from the settings page.",
        ],
    )
    code = new_file(
        "app/db.py",
        [
            'password = os.environ["PW"]',
            "password = get_password()",
            'password = "${DB_PASSWORD}"',
            "token = request.headers['X-Token']",
        ],
    )
    report = scan([docs, code])

    assert report.findings == ()
    assert report.scanned_files == 2


def test_secret_passed_to_a_call_is_still_found() -> None:
    """detect-secrets' is_indirect_reference would drop these whole lines: it applies to keywords only here."""
    lines = [
        f'client = boto3.client("s3", aws_access_key_id="{AWS_KEY_ID}")',
        f'gh = Github(auth=Token("{GH_TOKEN}"))',
    ]
    report = scan([new_file("scripts/sync.py", lines)])

    assert located(report) == {
        ("secret/aws-key", "scripts/sync.py", 1),
        ("secret/github-token", "scripts/sync.py", 2),
    }


def test_allowlist_pragma_does_not_hide_a_secret() -> None:
    report = scan([new_file("app/x.py", [f'KEY = "{AWS_KEY_ID}"  # pragma: allowlist secret'])])

    assert located(report) == {("secret/aws-key", "app/x.py", 1)}


def test_one_finding_per_line_when_a_specific_detector_matches() -> None:
    report = scan([new_file("app/x.py", [f'aws_secret_access_key = "{AWS_SECRET}"'])])

    assert [f.rule for f in report.findings] == ["secret/aws-key"]


def test_messages_and_summary_never_contain_a_secret() -> None:
    lines = [
        f'AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"',
        f'AWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"',
        f'GITHUB_TOKEN = "{GH_TOKEN}"',
        f'password = "{PASSWORD}"',
    ]
    report = scan([new_file("leak.py", lines)])
    summary = format_summary(report, SHA)

    assert len(report.findings) == 4
    for secret in SECRETS:
        assert secret not in summary
        assert all(secret not in f.message for f in report.findings)


def test_redact() -> None:
    assert redact(AWS_KEY_ID) == "AKIA************MPLE"
    assert redact(AWS_SECRET) == "wJal************EKEY"
    assert redact(PASSWORD) == ""  # too short to show anything safely


def test_manifest_changes_are_low_informational_findings() -> None:
    files = [
        PullFile("package.json", "modified", '@@ -5 +5 @@\n-    "left-pad": "1.0.0"\n+    "left-pad": "1.3.0"', 1, 1),
        PullFile("services/api/requirements-dev.txt", "added", "@@ -0,0 +1 @@\n+pytest==8.3.0", 1, 0),
        PullFile("go.sum", "removed", "@@ -1 +0,0 @@\n-golang.org/x/net v0.1.0 h1:abc=", 0, 1),
        PullFile("README.md", "modified", "@@ -1 +1 @@\n-# Rocket\n+# Rocket 2", 1, 1),
    ]
    report = scan(files)

    assert [(f.rule, f.severity, f.file, f.line) for f in report.findings] == [
        ("dependency-manifest", "low", "go.sum", None),
        ("dependency-manifest", "low", "package.json", None),
        ("dependency-manifest", "low", "services/api/requirements-dev.txt", None),
    ]
    assert "(+1 -1)" in report.findings[1].message


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("package-lock.json", True),
        ("web/pnpm-lock.yaml", True),
        ("uv.lock", True),
        ("Pipfile", True),
        ("requirements/prod.txt", True),
        ("build.gradle.kts", True),
        ("Cargo.lock", True),
        ("docs/requirements.md", False),
        ("src/package.py", False),
        ("notes.txt", False),
    ],
)
def test_is_manifest(path: str, expected: bool) -> None:
    assert is_manifest(path) is expected


def test_plain_docs_change_has_no_findings_and_a_no_findings_summary() -> None:
    patch = "@@ -3,2 +3,3 @@ Usage\n Run `rocket launch`.\n+See the FAQ for the token lifetime.\n More text."
    report = scan([PullFile("docs/usage.md", "modified", patch, 1, 0)])
    summary = format_summary(report, SHA)

    assert report.findings == ()
    assert summary.splitlines()[0] == MARKER
    assert f"No findings in the lines added by this pull request (1 file scanned at {SHA})." in summary
    assert "|" not in summary


def test_file_without_patch_is_skipped_or_fetched_when_new() -> None:
    big_modified = PullFile("data/big.json", "modified", None, additions=90000, deletions=3)
    big_added = PullFile("config/prod.env", "added", None, additions=3, deletions=0)
    image = PullFile("assets/logo.png", "added", None, additions=0, deletions=0)
    contents = {
        "config/prod.env": f"REGION=eu\nDEBUG=0\nAWS_KEY={AWS_KEY_ID}\n".encode(),
        "assets/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0",
    }

    without_fetch = scan([big_modified, big_added])
    with_fetch = scan([big_modified, big_added, image], fetch=contents.get)

    assert without_fetch.findings == ()
    assert without_fetch.scanned_files == 0
    assert [s.split(":")[0] for s in without_fetch.skipped] == ["data/big.json", "config/prod.env"]
    assert located(with_fetch) == {("secret/aws-key", "config/prod.env", 3)}
    assert with_fetch.scanned_files == 1
    assert [s.split(":")[0] for s in with_fetch.skipped] == ["data/big.json", "assets/logo.png"]


def test_malformed_patch_is_skipped_not_raised() -> None:
    broken = PullFile("a.py", "modified", "@@ -1,5 +1,5 @@\n+only one line", 1, 0)
    fine = new_file("b.py", [f'KEY = "{AWS_KEY_ID}"'])
    report = scan([broken, fine])

    assert located(report) == {("secret/aws-key", "b.py", 1)}
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith("a.py: unreadable patch")


def test_summary_table_is_sorted_escaped_and_deterministic() -> None:
    findings = (
        Finding("dependency-manifest", "low", "package.json", None, "dependency manifest modified (+1 -1)"),
        Finding("secret/aws-key", "high", "b.py", 9, "AWS access key ID added"),
        Finding("secret/password-assignment", "medium", "a|b.py", 2, "pipe | and `tick`"),
        Finding("secret/github-token", "high", "a.py", 3, "GitHub Token added"),
    )
    report = ScanReport(findings=findings, scanned_files=3, skipped=("x.bin: no patch",))
    shuffled = ScanReport(findings=tuple(reversed(findings)), scanned_files=3, skipped=("x.bin: no patch",))

    summary = format_summary(report, SHA)

    assert summary == format_summary(shuffled, SHA)
    lines = summary.splitlines()
    assert lines[0] == MARKER
    assert (
        f"**4 findings** (2 high, 1 medium, 1 low) in the lines added by this pull request (3 files scanned at {SHA})."
        in lines
    )
    rows = [line for line in lines if line.startswith("| `")]
    assert rows == [
        "| `secret/github-token` | high | `a.py:3` | GitHub Token added |",
        "| `secret/aws-key` | high | `b.py:9` | AWS access key ID added |",
        "| `secret/password-assignment` | medium | `a\\|b.py:2` | pipe \\| and 'tick' |",
        "| `dependency-manifest` | low | `package.json` | dependency manifest modified (+1 -1) |",
    ]
    assert "<details><summary>Not scanned (1)</summary>" in summary
    assert "- x.bin: no patch" in lines


def test_concurrent_scans_agree() -> None:
    """detect-secrets' settings are process-wide: scans in worker threads must not disturb each other."""
    files = [PullFile("app/settings.py", "modified", SETTINGS_PATCH, additions=5, deletions=1)]
    expected = scan(files)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: scan(files), range(8)))

    assert all(r == expected for r in results)


def test_importing_the_scanner_stays_cheap() -> None:
    """detect-secrets (and requests) load on the first scan, not at import: `lbconsole --version` stays fast."""
    code = "import sys, lbconsole.engine.scanner; print(sorted(m for m in ('detect_secrets', 'textual', 'unidiff') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert out.strip() == "[]"


# -- the scanner's own rules (scan_rules), where detect-secrets falls short ------------------


def test_detect_secrets_misses_fine_grained_tokens_and_the_builtin_rule_finds_them() -> None:
    from detect_secrets.plugins.github_token import GitHubTokenDetector

    pat = (
        "github_pat_"
        + "A1b2C3d4E5f6G7h8I9j0K1"
        + "_"
        + "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8Ba7"
        + "Q1w2E3r4T5y6U7i8O9p0"
    )
    assert len(pat) == 11 + 22 + 1 + 59
    assert not list(GitHubTokenDetector().analyze_line(filename="x.py", line=f'T = "{pat}"'))
    report = scan([new_file("x.py", [f'T = "{pat}"'])])
    assert located(report) == {("secret/github-token", "x.py", 1)}
    assert report.findings[0].message == f"GitHub Token added ({pat[:4]}{'*' * 12}{pat[-4:]})"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("DB_PASSWORD=hunter2", 'DB_PASSWORD="hunter2"'),
        ("export DB_PASSWORD=hunter2  # note", 'export DB_PASSWORD="hunter2"  # note'),
        ("ENV DB_PASSWORD hunter2", 'ENV DB_PASSWORD="hunter2"'),
        ("ENV A=1 DB_PASSWORD=hunter2", 'ENV A="1" DB_PASSWORD="hunter2"'),
        ('DB_PASSWORD="hunter2"', 'DB_PASSWORD="hunter2"'),
        ("if [ a = b ]; then", "if [ a = b ]; then"),
    ],
)
def test_unquoted_assignments_are_quoted_for_detect_secrets(line: str, expected: str) -> None:
    from lbconsole.engine.scan_rules import quoted

    assert quoted(line) == expected


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        (".env", ["DB_PASSWORD=hunter2sekret"]),
        ("config/.env.production", ["DB_PASSWORD=hunter2sekret"]),
        (".env.example", ["DB_PASSWORD=hunter2sekret"]),
        ("deploy.sh", ["export DB_PASSWORD=hunter2sekret"]),
        ("deploy.sh", ["DB_PASSWORD=hunter2sekret"]),
        ("Dockerfile", ["ENV DB_PASSWORD=hunter2sekret"]),
        ("Dockerfile", ["ENV DB_PASSWORD hunter2sekret"]),
    ],
)
def test_unquoted_passwords_in_env_shell_and_dockerfiles_are_flagged(path: str, lines: list[str]) -> None:
    assert located(scan([new_file(path, lines)])) == {("secret/password-assignment", path, 1)}


@pytest.mark.parametrize(
    "line",
    [
        "PASSWORD_FIELD = 'password'",
        'password_label = "Password"',
        'password_hint = "Enter your password"',
        "DB_PASSWORD=changeme",
        "API_KEY=your-api-key-here",
        "TOKEN=xxxxxxxx",
    ],
)
def test_names_labels_and_placeholders_are_not_secrets(line: str) -> None:
    path = ".env.example" if "=" in line and " " not in line else "app/forms.py"
    assert scan([new_file(path, [line])]).findings == ()
