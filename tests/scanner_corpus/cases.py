"""A corpus of pull-request diffs for the built-in scanner, with what each one should (not) flag.

Each case is one pull request as GitHub's "list pull request files" gives it:
files with header-less unified-diff hunks (`@@ -a,b +c,d @@` and context).
Every fake secret is generated here from a seeded random source, so no
real-looking token sits verbatim in the repository (and scanners, ours
included, do not trip over this file).

`tally.measure()` scans every case and counts true positives, false
positives and false negatives per family (a token prefix, a file kind for
passwords, a workflow rule). tests/unit/test_scanner_corpus.py asserts on
it; tests/bench/bench_scanner_corpus.py prints the table.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lbconsole.core.ports import PullFile

_ALNUM = string.ascii_letters + string.digits


def fake(prefix: str, length: int, seed: str, alphabet: str = _ALNUM) -> str:
    """`prefix` + `length` random characters, the same on every run."""
    rng = random.Random(seed)
    return prefix + "".join(rng.choice(alphabet) for _ in range(length))


GHP = fake("ghp_", 36, "ghp")
GHO = fake("gho_", 36, "gho")
GHU = fake("ghu_", 36, "ghu")
GHS = fake("ghs_", 36, "ghs")
GHR = fake("ghr_", 36, "ghr")
PAT = fake("github_pat_", 22, "pat1") + fake("_", 59, "pat2")
AKIA = fake("AKIA", 16, "akia", string.ascii_uppercase + string.digits)
AWS_SECRET = fake("", 40, "aws-secret", _ALNUM + "/+")
PASSWORDS = [
    fake("", 6, f"pw{i}", string.ascii_lowercase) + fake("", 3, f"pd{i}", string.digits) + "!" for i in range(20)
]
KEY_BODY = [fake("", 64, f"key{i}", _ALNUM + "+/") for i in range(3)]
SHA1 = fake("", 40, "sha-a", "0123456789abcdef")
SHA2 = fake("", 40, "sha-b", "0123456789abcdef")


def private_key(kind: str) -> list[str]:
    """A PEM block of `kind` ("RSA ", "OPENSSH ", "EC " or "") with a random body."""
    return ["-----BEGIN " + kind + "PRIVATE KEY-----", *KEY_BODY, "-----END " + kind + "PRIVATE KEY-----"]


@dataclass(frozen=True)
class Case:
    """One pull request and the findings it must give: (rule, file, text of the flagged added line)."""

    name: str
    files: tuple[PullFile, ...]
    expect: tuple[tuple[str, str, str], ...] = ()
    allow: frozenset[str] = frozenset()
    """Rules (zizmor's) that may also appear on this case without counting as false positives."""
    contents: dict[str, bytes] = field(default_factory=dict)
    """File contents at the head, for zizmor (added files)."""

    @property
    def clean(self) -> bool:
        return not self.expect


def added(path: str, lines: Sequence[str]) -> PullFile:
    """A file the PR adds."""
    return PullFile(path, "added", f"@@ -0,0 +1,{len(lines)} @@\n" + "\n".join("+" + x for x in lines), len(lines), 0)


def modified(path: str, start: int, body: Sequence[str], heading: str = "") -> PullFile:
    """A changed file: one hunk from old line `start`, `body` lines starting with ' ', '+' or '-'."""
    old = sum(1 for x in body if x[0] in " -")
    new = sum(1 for x in body if x[0] in " +")
    header = f"@@ -{start},{old} +{start},{new} @@" + (f" {heading}" if heading else "")
    plus = sum(1 for x in body if x[0] == "+")
    return PullFile(path, "modified", "\n".join([header, *body]), plus, old - (new - plus))


def removed(path: str, lines: Sequence[str]) -> PullFile:
    return PullFile(path, "removed", f"@@ -1,{len(lines)} +0,0 @@\n" + "\n".join("-" + x for x in lines), 0, len(lines))


def case(name: str, *files: PullFile, expect: Iterable[tuple[str, str, str]] = (), allow: Iterable[str] = ()) -> Case:
    contents = {f.filename: _new_text(f).encode() for f in files if f.status == "added" and f.patch}
    return Case(name, tuple(files), tuple(expect), frozenset(allow), contents)


def _new_text(f: PullFile) -> str:
    return "\n".join(x[1:] for x in (f.patch or "").splitlines()[1:] if x.startswith("+")) + "\n"


GH = "secret/github-token"
PW = "secret/password-assignment"
AWS = "secret/aws-key"
KEY = "secret/private-key"
WF_PRT, WF_ALL, WF_PIN = "workflow/pull-request-target", "workflow/write-all", "workflow/unpinned-action"
MANIFEST = "dependency-manifest"


def secret_cases() -> list[Case]:
    p = PASSWORDS
    return [
        # -- GitHub tokens, every family ------------------------------------------------
        case(
            "ghp in a python client",
            modified(
                "scripts/release.py",
                12,
                [
                    " import github",
                    " ",
                    "-gh = github.Github(os.environ['GH_TOKEN'])",
                    f'+gh = github.Github("{GHP}")',
                    " repo = gh.get_repo('acme/rocket')",
                ],
                "def main():",
            ),
            expect=[(GH, "scripts/release.py", GHP)],
        ),
        case(
            "ghp in a CI env block",
            modified(
                ".circleci/config.yml",
                20,
                ["     environment:", f"+      GITHUB_TOKEN: {GHP}", "       NODE_ENV: test"],
            ),
            expect=[(GH, ".circleci/config.yml", GHP)],
        ),
        case(
            "ghp in a README example",
            modified("README.md", 40, [" ## Publishing", "+Run `GH_TOKEN=" + GHP + " make publish`.", " "]),
            expect=[(GH, "README.md", GHP)],
        ),
        case(
            "gho in a json settings file",
            added(
                "config/oauth.json",
                ["{", '  "client": "rocket-cli",', f'  "access_token": "{GHO}",', '  "scope": "repo"', "}"],
            ),
            expect=[(GH, "config/oauth.json", GHO)],
        ),
        case(
            "gho in a js fixture",
            added("test/fixtures/session.js", ["module.exports = {", f"  auth: '{GHO}',", "  login: 'octocat',", "};"]),
            expect=[(GH, "test/fixtures/session.js", GHO)],
        ),
        case(
            "ghu in a shell script",
            added(
                "bin/sync-labels.sh",
                [
                    "#!/usr/bin/env bash",
                    "set -euo pipefail",
                    f'curl -H "Authorization: token {GHU}" \\',
                    "  https://api.github.com/repos/acme/rocket/labels",
                ],
            ),
            expect=[(GH, "bin/sync-labels.sh", GHU)],
        ),
        case(
            "ghu in a toml config",
            added("deploy/app.toml", ["[github]", f'user_token = "{GHU}"']),
            expect=[(GH, "deploy/app.toml", GHU)],
        ),
        case(
            "ghs in a Dockerfile",
            modified("Dockerfile", 3, [" FROM python:3.11-slim", f"+ENV GH_APP_TOKEN={GHS}", " WORKDIR /app"]),
            expect=[(GH, "Dockerfile", GHS)],
        ),
        case(
            "ghs in a k8s manifest",
            added("k8s/bot.yaml", ["apiVersion: v1", "kind: ConfigMap", "data:", f"  token: {GHS}"]),
            expect=[(GH, "k8s/bot.yaml", GHS)],
        ),
        case(
            "ghr in a .env", added(".env", ["APP_ENV=dev", f"GITHUB_REFRESH_TOKEN={GHR}"]), expect=[(GH, ".env", GHR)]
        ),
        case(
            "ghr in a go test",
            added("internal/auth/refresh_test.go", ["package auth", "", f'const refresh = "{GHR}"']),
            expect=[(GH, "internal/auth/refresh_test.go", GHR)],
        ),
        case(
            "fine-grained PAT in python",
            added(
                "tools/mirror.py",
                [
                    "import requests",
                    f'TOKEN = "{PAT}"',
                    "requests.get(URL, headers={'Authorization': f'Bearer {TOKEN}'})",
                ],
            ),
            expect=[(GH, "tools/mirror.py", PAT)],
        ),
        case(
            "fine-grained PAT in .env.production",
            added("config/.env.production", ["LOG_LEVEL=info", f"GH_PAT={PAT}"]),
            expect=[(GH, "config/.env.production", PAT)],
        ),
        case(
            "fine-grained PAT in a workflow env",
            added(
                ".github/workflows/mirror.yml",
                [
                    "name: mirror",
                    "on:",
                    "  schedule:",
                    "    - cron: '0 3 * * *'",
                    "permissions:",
                    "  contents: read",
                    "jobs:",
                    "  mirror:",
                    "    runs-on: ubuntu-latest",
                    "    env:",
                    f"      GH_TOKEN: {PAT}",
                    "    steps:",
                    "      - run: ./mirror.sh",
                ],
            ),
            expect=[(GH, ".github/workflows/mirror.yml", PAT)],
            allow={"zizmor/secrets-outside-env"},
        ),
        # -- AWS ------------------------------------------------------------------------
        case(
            "aws key id in python",
            added("etl/s3.py", ["import boto3", f's3 = boto3.client("s3", aws_access_key_id="{AKIA}")']),
            expect=[(AWS, "etl/s3.py", AKIA)],
        ),
        case(
            "aws secret unquoted in .env",
            added(".env", [f"AWS_ACCESS_KEY_ID={AKIA}", f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}"]),
            expect=[(AWS, ".env", AKIA), (AWS, ".env", AWS_SECRET)],
        ),
        case(
            "aws credentials ini",
            added(
                "deploy/credentials",
                ["[default]", f"aws_access_key_id = {AKIA}", f"aws_secret_access_key = {AWS_SECRET}"],
            ),
            expect=[(AWS, "deploy/credentials", AKIA), (AWS, "deploy/credentials", AWS_SECRET)],
        ),
        case(
            "aws key in terraform",
            modified(
                "infra/main.tf",
                1,
                [' provider "aws" {', '   region     = "eu-west-1"', f'+  access_key = "{AKIA}"', " }"],
            ),
            expect=[(AWS, "infra/main.tf", AKIA)],
        ),
        # -- private keys ---------------------------------------------------------------
        case(
            "RSA key file",
            added("deploy/id_rsa.pem", private_key("RSA ")),
            expect=[(KEY, "deploy/id_rsa.pem", "-----BEGIN RSA")],
        ),
        case(
            "OpenSSH key in yaml",
            added("ansible/vars/deploy.yml", ["deploy_key: |", *("  " + x for x in private_key("OPENSSH "))]),
            expect=[(KEY, "ansible/vars/deploy.yml", "-----BEGIN OPENSSH")],
        ),
        case(
            "PKCS8 key in json",
            added(
                "service-account.json",
                [
                    "{",
                    '  "type": "service_account",',
                    '  "private_key": "' + private_key("")[0] + "\\n" + KEY_BODY[0] + '\\n",',
                    "}",
                ],
            ),
            expect=[(KEY, "service-account.json", "-----BEGIN PRIVATE")],
        ),
        # -- passwords in every file kind -------------------------------------------------
        case(
            "password in .env", added(".env", ["DB_HOST=localhost", f"DB_PASSWORD={p[0]}"]), expect=[(PW, ".env", p[0])]
        ),
        case(
            "password in .env.example that is real",
            added(".env.example", ["DB_USER=rocket", f"DB_PASSWORD={p[1]}"]),
            expect=[(PW, ".env.example", p[1])],
        ),
        case(
            "password in .env.production with a comment",
            added(".env.production", [f"SMTP_PASSWORD={p[2]}  # rotate in May"]),
            expect=[(PW, ".env.production", p[2])],
        ),
        case(
            "exported password in a shell script",
            added("scripts/backup.sh", ["#!/bin/sh", f"export PGPASSWORD={p[3]}", "pg_dump rocket > backup.sql"]),
            expect=[(PW, "scripts/backup.sh", p[3])],
        ),
        case(
            "password without export in a shell script",
            added(
                "scripts/seed.bash",
                ["#!/usr/bin/env bash", f"ADMIN_PASSWORD={p[4]}", 'curl -u "admin:$ADMIN_PASSWORD" localhost'],
            ),
            expect=[(PW, "scripts/seed.bash", p[4])],
        ),
        case(
            "Dockerfile ENV with =",
            modified(
                "Dockerfile",
                5,
                [" RUN pip install -r requirements.txt", f"+ENV DB_PASSWORD={p[5]}", ' CMD ["gunicorn", "app:app"]'],
            ),
            expect=[(PW, "Dockerfile", p[5])],
        ),
        case(
            "Dockerfile ENV with a space",
            modified("docker/Dockerfile.worker", 2, [" FROM node:20", f"+ENV REDIS_PASSWORD {p[6]}", " COPY . ."]),
            expect=[(PW, "docker/Dockerfile.worker", p[6])],
        ),
        case(
            "docker-compose password",
            modified(
                "docker-compose.yml",
                8,
                ["     environment:", "       POSTGRES_USER: rocket", f"+      POSTGRES_PASSWORD: {p[7]}"],
            ),
            expect=[(PW, "docker-compose.yml", p[7])],
        ),
        case(
            "password in json config",
            added("config/db.json", ["{", f'  "password": "{p[8]}",', '  "port": 5432', "}"]),
            expect=[(PW, "config/db.json", p[8])],
        ),
        case(
            "password in python settings",
            modified(
                "app/settings.py",
                30,
                [" DATABASES = {", '     "default": {', f'+        "PASSWORD": "{p[9]}",', "     }"],
            ),
            expect=[(PW, "app/settings.py", p[9])],
        ),
        case(
            "password in js",
            added("src/db.js", [f'const dbPassword = "{p[10]}";', "export default connect(dbPassword);"]),
            expect=[(PW, "src/db.js", p[10])],
        ),
        case(
            "password in properties",
            added(
                "src/main/resources/application.properties",
                ["spring.datasource.username=rocket", f"spring.datasource.password={p[11]}"],
            ),
            expect=[(PW, "src/main/resources/application.properties", p[11])],
        ),
        case(
            "password in a yaml helm values file",
            modified("charts/rocket/values.yaml", 14, [" redis:", f"+  password: {p[12]}", "   port: 6379"]),
            expect=[(PW, "charts/rocket/values.yaml", p[12])],
        ),
        case(
            "basic auth in a database URL",
            added(".env.staging", ["DATABASE_URL=postgres://rocket:" + p[13] + "@db:5432/rocket"]),
            expect=[("secret/basic-auth", ".env.staging", p[13])],
        ),
        case("password in .envrc", added(".envrc", [f"export VAULT_PASSWORD={p[14]}"]), expect=[(PW, ".envrc", p[14])]),
        case(
            "Dockerfile ARG default",
            modified("Dockerfile", 1, [" FROM alpine:3.20", f"+ARG DEPLOY_PASSWORD={p[15]}"]),
            expect=[(PW, "Dockerfile", p[15])],
        ),
        case(
            "a letters-only password that contains the word secret",
            added(".env.local", ["DB_PASSWORD=supersecret"]),
            expect=[(PW, ".env.local", "supersecret")],
        ),
        case(
            "a weak default password named password",
            added("app/config.py", ['DB_PASSWORD = "' + "pass" + 'word"']),
            expect=[(PW, "app/config.py", "DB_PASSWORD")],
        ),
    ]


CHECKOUT_PIN = f"actions/checkout@{SHA1}"


def workflow_cases() -> list[Case]:
    prt = [
        "name: label PRs",
        "on:",
        "  pull_request_target:",
        "    types: [opened]",
        "permissions:",
        "  pull-requests: write",
        "jobs:",
        "  label:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        f"      - uses: actions/labeler@{SHA2}",
    ]
    write_all = [
        "name: release",
        "on:",
        "  push:",
        "    tags: ['v*']",
        "permissions: write-all",
        "jobs:",
        "  release:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        f"      - uses: {CHECKOUT_PIN}",
        "        with:",
        "          persist-credentials: false",
        "      - run: make release",
    ]
    unpinned = modified(
        ".github/workflows/ci.yml",
        9,
        [
            "     steps:",
            f"       - uses: {CHECKOUT_PIN}",
            "+      - uses: codecov/codecov-action@v4",
            "       - run: make test",
        ],
    )
    return [
        case(
            "pull_request_target trigger",
            added(".github/workflows/label.yml", prt),
            expect=[(WF_PRT, ".github/workflows/label.yml", "pull_request_target:")],
            allow={"zizmor/dangerous-triggers"},
        ),
        case(
            "permissions write-all",
            added(".github/workflows/release.yml", write_all),
            expect=[(WF_ALL, ".github/workflows/release.yml", "permissions: write-all")],
            allow={"zizmor/excessive-permissions"},
        ),
        case(
            "unpinned third-party action",
            unpinned,
            expect=[(WF_PIN, ".github/workflows/ci.yml", "codecov/codecov-action@v4")],
        ),
        case(
            "docs: fix typo, with a token and a risky workflow",
            modified("docs/install.md", 3, [" Install with pip:", "-pip install rockt", "+pip install rocket"]),
            added(
                ".github/workflows/docs.yml",
                [
                    "name: docs",
                    "on: pull_request_target",
                    "permissions: write-all",
                    "jobs:",
                    "  docs:",
                    "    runs-on: ubuntu-latest",
                    "    env:",
                    f"      PAT: {PAT}",
                    "    steps:",
                    "      - run: echo hi",
                ],
            ),
            expect=[
                (WF_PRT, ".github/workflows/docs.yml", "on: pull_request_target"),
                (WF_ALL, ".github/workflows/docs.yml", "permissions: write-all"),
                (GH, ".github/workflows/docs.yml", PAT),
            ],
            allow={"zizmor/dangerous-triggers", "zizmor/excessive-permissions", "zizmor/secrets-outside-env"},
        ),
    ]


def manifest_cases() -> list[Case]:
    return [
        case(
            "package.json bump",
            modified(
                "package.json",
                12,
                ['   "dependencies": {', '-    "axios": "1.6.0",', '+    "axios": "1.7.4",', '     "react": "18.3.1"'],
            ),
            expect=[(MANIFEST, "package.json", "")],
        ),
        case(
            "requirements pin",
            modified("requirements.txt", 3, [" flask==3.0.3", "-requests==2.31.0", "+requests==2.32.3"]),
            expect=[(MANIFEST, "requirements.txt", "")],
        ),
        case(
            "go.mod require",
            modified("go.mod", 5, [" require (", "-\tgolang.org/x/net v0.23.0", "+\tgolang.org/x/net v0.33.0", " )"]),
            expect=[(MANIFEST, "go.mod", "")],
        ),
    ]


def clean_cases() -> list[Case]:
    ci = [
        "name: CI",
        "on: [push, pull_request]",
        "permissions:",
        "  contents: read",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        "          python-version: '3.11'",
        "      - run: make test",
    ]
    return [
        case(
            "PASSWORD_FIELD constant",
            added("app/forms.py", ["PASSWORD_FIELD = 'password'", "USERNAME_FIELD = 'email'"]),
        ),
        case(
            "password label",
            modified("app/ui/strings.py", 8, [' username_label = "Username"', '+password_label = "Password"']),
        ),
        case(
            "password prompt and hint",
            added("cli/prompts.py", ['password_prompt = "Enter your password: "', 'pwd_hint = "new-password"']),
        ),
        case(
            "HTML form field names",
            added(
                "templates/login.html",
                [
                    '<form method="post">',
                    '  <input type="password" name="password" autocomplete="current-password">',
                    "</form>",
                ],
            ),
        ),
        case(
            "JS form schema",
            added(
                "src/forms/login.js",
                ["export const fields = [", "  { name: 'password', type: 'password', label: 'Password' },", "];"],
            ),
        ),
        case(
            "Django form field", added("accounts/forms.py", ["password = forms.CharField(widget=forms.PasswordInput)"])
        ),
        case(
            "password read from the environment",
            added(
                "app/db.py",
                [
                    'password = os.environ["DB_PASSWORD"]',
                    'token = os.getenv("GITHUB_TOKEN")',
                    "secret = load_secret('db')",
                ],
            ),
        ),
        case("go reads the environment", added("cmd/server/main.go", ['password := os.Getenv("DB_PASSWORD")'])),
        case(
            "shell takes the password from vault",
            added(
                "scripts/db.sh",
                [
                    "#!/bin/sh",
                    'export DB_PASSWORD="$(vault kv get -field=password secret/db)"',
                    "ADMIN_PASSWORD=${ADMIN_PASSWORD:-}",
                    "PGPASSWORD=$DB_PASSWORD psql -h db",
                ],
            ),
        ),
        case(
            "Dockerfile build arg without a value",
            modified("Dockerfile", 2, [" FROM python:3.11", "+ARG DB_PASSWORD", "+ENV DB_PASSWORD=${DB_PASSWORD}"]),
        ),
        case(
            ".env.example placeholders",
            added(
                ".env.example",
                [
                    "DB_PASSWORD=changeme",
                    "API_KEY=your-api-key-here",
                    "SECRET_KEY=",
                    "SMTP_PASSWORD=<smtp password>",
                    "TOKEN=xxxxxxxx",
                ],
            ),
        ),
        case(
            "workflow passes secrets by reference",
            added(
                ".github/workflows/deploy.yml",
                [
                    "name: deploy",
                    "on:",
                    "  workflow_dispatch:",
                    "permissions:",
                    "  contents: read",
                    "jobs:",
                    "  deploy:",
                    "    runs-on: ubuntu-latest",
                    "    environment: production",
                    "    steps:",
                    "      - run: ./deploy.sh",
                    "        env:",
                    "          DB_PASSWORD: ${{ secrets.DB_PASSWORD }}",
                ],
            ),
        ),
        case(
            "docs that talk about tokens",
            modified(
                "docs/auth.md",
                1,
                [
                    " # Authentication",
                    "+Classic tokens start with `ghp_`, fine-grained ones with `github_pat_`.",
                    "+Set `GITHUB_TOKEN` in your shell; never commit the token itself.",
                    "+Example: `ghp_xxxxxxxxxxxx`.",
                ],
            ),
        ),
        case("ordinary CI workflow (artipacked is a note, not a finding)", added(".github/workflows/ci.yml", ci)),
        case(
            "third-party action pinned to a SHA",
            modified(
                ".github/workflows/ci.yml",
                9,
                [
                    "     steps:",
                    f"       - uses: {CHECKOUT_PIN}",
                    f"+      - uses: codecov/codecov-action@{SHA2}  # v4.6.0",
                ],
            ),
        ),
        case(
            "pull_request_target only mentioned in a condition",
            modified(
                ".github/workflows/ci.yml",
                20,
                ["   test:", "+    if: github.event_name != 'pull_request_target'", "     runs-on: ubuntu-latest"],
            ),
        ),
        case(
            "a PR that removes a token",
            removed("scripts/old_release.py", [f'gh = Github("{GHP}")', "gh.get_repo('x')"]),
        ),
        case(
            "a secret replaced by a lookup",
            modified(
                "app/settings.py",
                30,
                [
                    '     "default": {',
                    f'-        "PASSWORD": "{PASSWORDS[18]}",',
                    '+        "PASSWORD": os.environ["DB_PASSWORD"],',
                    "     }",
                ],
            ),
        ),
        case(
            "UUIDs and commit SHAs",
            added("config/ids.py", ['api_key_id = "123e4567-e89b-12d3-a456-426614174000"', f'RELEASE_SHA = "{SHA1}"']),
        ),
        case(
            "templated secrets in helm",
            added(
                "charts/rocket/templates/secret.yaml",
                [
                    "apiVersion: v1",
                    "kind: Secret",
                    "stringData:",
                    "  password: {{ .Values.db.password }}",
                    "  token: ${APP_TOKEN}",
                ],
            ),
        ),
        case(
            "k8s secret reference",
            added(
                "k8s/deploy.yaml",
                [
                    "env:",
                    "  - name: DB_PASSWORD",
                    "    valueFrom:",
                    "      secretKeyRef:",
                    "        name: db-secret",
                    "          key: password",
                ],
            ),
        ),
        case(
            "test asserting a wrong password",
            added(
                "tests/test_login.py",
                [
                    "def test_wrong_password(client):",
                    '    assert not user.check_password("wrong")',
                    '    resp = client.post("/login", data={"password": form_password})',
                ],
            ),
        ),
        case("checksums file", added("dist/SHA256SUMS", [f"{SHA1}{SHA2[:24]}  rocket-1.2.0.tar.gz"])),
        case(
            "templated URL and jinja passwords",
            added(
                "deploy/group_vars/all.yml",
                ["db_url: postgres://app:${DB_PASSWORD}@db/app", 'db_password: "{{ vault_db_password }}"'],
            ),
        ),
        case(
            "type hints and prompts",
            added(
                "app/auth.py",
                [
                    'def login(username: str, password: str = "") -> bool:',
                    '    secret_name = "prod/db/password"',
                    "    return check(username, password)",
                ],
            ),
        ),
        case(
            "shell reads a password", added("scripts/login.sh", ['read -rsp "Password: " PASSWORD', "export PASSWORD"])
        ),
        case(
            "docs .env sample with placeholders",
            added(
                "docs/configuration.md",
                ["```sh", "DB_PASSWORD=<your database password>", "GITHUB_TOKEN=your-token", "```"],
            ),
        ),
    ]


def cases() -> list[Case]:
    """Every case of the corpus."""
    return [*secret_cases(), *workflow_cases(), *manifest_cases(), *clean_cases()]
