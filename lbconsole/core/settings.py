"""Settings as frozen dataclasses: the defaults of the orchestrator design.

The config package turns TOML into these (validating every key); the core
only reads them. Every field documents itself with a docstring under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lbconsole.core.orchestrator import MODES, WORKFLOW_FILE

__all__ = ["MODES"]  # re-exported: settings validate modes


MERGE_METHODS: tuple[str, ...] = ("squash", "merge", "rebase")
MERGE_STRATEGIES: tuple[str, ...] = ("auto", "queue", "train", "pipeline")
"""How a batch merges under "require branches to be up to date" (`lbconsole.core.strategy`)."""
MAX_TRAIN_BUDGET_S = 21_000
"""The longest a merge train may wait: under GitHub's 6-hour job limit, with room for the rest of the run."""

REPO_PATTERN = r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>(?!\.{1,2}$)(?![^/]*\.git$)[A-Za-z0-9._-]{1,100})"
"""`owner/name` as GitHub allows it (no `.git` suffix, not `.` or `..`); matched whole."""


@dataclass(frozen=True, slots=True)
class GithubSettings:
    """Where the repository lives and how hard lbconsole may write to it."""

    repo: str = ""
    """`owner/name`; empty means: detect it from the git remote."""
    api_url: str = "https://api.github.com"
    """REST root; GitHub Enterprise uses `https://HOST/api/v3`."""
    workflow: str = WORKFLOW_FILE
    """File name (or id) of the orchestrator workflow to dispatch."""
    ref: str = ""
    """Git ref to dispatch on; empty means the default branch."""
    write_interval_s: float = 1.0
    """Pause between mutating requests (GitHub's secondary rate limits)."""
    timeout_s: float = 30.0
    """Timeout of every HTTP request, in seconds."""
    max_wait_s: float = 60.0
    """Longest rate-limit wait before giving up with a RateLimited error."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Batch limits per run (integers 0..100)."""

    merge: int = 5
    """Merges per run."""
    conflict: int = 3
    """Branch updates plus conflict notifications per run."""
    scan: int = 10
    """Security scans per run."""
    label: int = 50
    """Labels added per run."""


@dataclass(frozen=True, slots=True)
class MergePolicy:
    """When a PR counts as ready, and how it is merged."""

    method: str = "squash"
    """One of squash, merge, rebase."""
    require_approval: bool = True
    """Require an APPROVED review even when branch protection does not."""
    allow_unstable: bool = False
    """Treat merge state UNSTABLE (non-required checks failing) as mergeable."""
    allow_no_checks: bool = False
    """Treat a head commit without any checks as passing."""
    trusted_bots: tuple[str, ...] = ("dependabot[bot]", "renovate[bot]")
    """Bots whose dependency and security PRs need no approval."""
    blocking_labels: tuple[str, ...] = ("do-not-merge", "wip", "hold", "blocked")
    """Labels that keep a PR out of any merge batch."""
    strategy: str = "auto"
    """`queue` (enqueue the batch in the base branch's GitHub merge queue), or under strict protection
    `train` (update, wait for CI, merge, one PR after another in one run), `pipeline` (merge one,
    update the next so their CI runs before the next run); `auto`: queue when there is one, else train."""
    train_budget_s: int = 540
    """The longest a merge train waits for branch updates and checks in one run (seconds); the default
    keeps the job (budget + 5 minutes) under ubuntu-slim's 15-minute job limit."""


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """Signals that put a PR in a category; the first matching category wins."""

    name: str
    labels: tuple[str, ...] = ()
    """Label names (case-insensitive)."""
    title_prefixes: tuple[str, ...] = ()
    """Title prefixes, e.g. `fix:`; `fix(` matches any scope `fix(...)`."""
    title_words: tuple[str, ...] = ()
    """Whole words anywhere in the title (case-insensitive)."""
    title_patterns: tuple[str, ...] = ()
    """Regular expressions searched in the title."""
    body_patterns: tuple[str, ...] = ()
    """Regular expressions searched in the title and the body."""
    branch_prefixes: tuple[str, ...] = ()
    """Head branch prefixes, e.g. `fix/`."""
    authors: tuple[str, ...] = ()
    """Author logins, e.g. `dependabot[bot]`."""
    paths: tuple[str, ...] = ()
    """Globs; matches when EVERY changed file matches one of them."""
    weight: int = 0
    """Priority weight of the category."""
    label: str = ""
    """Label that marks the category on GitHub (full-audit adds it); empty: none."""


DOCS_PATHS: tuple[str, ...] = (
    *(f"*.{ext}" for ext in ("md", "markdown", "mdown", "mkd", "mkdn", "mdx", "rst", "rest")),
    "docs/*",
)
"""Markdown and reStructuredText files, and anything under docs/: a PR changing only these is docs."""

CVE_PATTERN = r"\bCVE-\d{4}-\d{4,}\b"
GHSA_PATTERN = r"\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b"

DEFAULT_CATEGORIES: tuple[CategoryRule, ...] = (
    CategoryRule(
        name="security",
        labels=("security", "vulnerability", "cve"),
        title_words=("security", "vulnerability"),
        title_patterns=(r"\[security\]",),
        body_patterns=(CVE_PATTERN, GHSA_PATTERN),
        weight=100,
        label="security",
    ),
    CategoryRule(
        name="bugfix",
        labels=("bug", "fix", "bugfix", "hotfix", "regression"),
        title_prefixes=("fix:", "fix(", "hotfix:"),
        branch_prefixes=("fix/", "bugfix/", "hotfix/"),
        weight=60,
        label="bug",
    ),
    CategoryRule(
        name="dependencies",
        labels=("dependencies", "deps"),
        authors=("dependabot[bot]", "renovate[bot]"),
        branch_prefixes=("dependabot/", "renovate/"),
        title_prefixes=("chore(deps)", "build(deps)"),
        title_patterns=(r"^Bump \S+ from \S+ to \S+",),
        weight=40,
        label="dependencies",
    ),
    CategoryRule(
        name="feature",
        labels=("enhancement", "feature"),
        title_prefixes=("feat:", "feat("),
        branch_prefixes=("feat/", "feature/"),
        weight=30,
        label="enhancement",
    ),
    CategoryRule(
        name="docs",
        labels=("documentation", "docs"),
        title_prefixes=("docs:",),
        paths=DOCS_PATHS,
        weight=10,
        label="documentation",
    ),
    CategoryRule(
        name="maintenance",
        labels=("chore", "ci", "refactor"),
        title_prefixes=("chore", "ci", "refactor", "test", "build", "perf", "style"),
        weight=20,
        label="chore",
    ),
)
"""The default categories of SPEC 1.2, in match order; `other` is implicit."""

OTHER = "other"
"""The category of a PR that no rule matched (weight 0)."""


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    """Live refresh of the console's queue."""

    interval_s: int = 30
    """Seconds between cheap change checks; 0 turns live refresh off, minimum 5."""
    full_every_s: int = 300
    """Seconds between full refreshes (checks and mergeability change silently)."""


@dataclass(frozen=True, slots=True)
class AuditSettings:
    """The full-audit mode."""

    stale_days: int = 30
    """A PR not updated for this many days gets the `stale` label."""


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """The security scan."""

    commands: tuple[str, ...] = ()
    """Extra scan commands run as subprocesses (output streamed to the log)."""


@dataclass(frozen=True, slots=True)
class WorkflowSettings:
    """The orchestrator workflow `lbconsole workflow init` writes."""

    runs_on: str = "ubuntu-slim"
    """The runner label of its job (ubuntu-slim: 1 vCPU, a third of ubuntu-latest's price, 15-minute limit)."""
    schedule: tuple[str, ...] = ("17 * * * *",)
    """The batch's cron lines (UTC, mode auto). Each scheduled run starts a runner and bills at least a
    minute, empty plan or not; a longer interval costs less and lets a ready PR wait longer."""


DEFAULT_RATES: tuple[tuple[str, float], ...] = (
    ("ubuntu-latest", 0.006),
    ("linux", 0.006),
    ("ubuntu-slim", 0.002),
    ("windows", 0.010),
    ("macos", 0.062),
)
"""GitHub's per-minute prices of its standard runners from 2026-01-01, in US dollars."""


@dataclass(frozen=True, slots=True)
class CostSettings:
    """How `lbconsole cost` and the Cost tab price Actions minutes."""

    rates: tuple[tuple[str, float], ...] = DEFAULT_RATES
    """Runner label -> US dollars per billed minute. A job's label is looked up as is, then by its
    family (`ubuntu-24.04` -> `linux`, `windows-2025` -> `windows`, `macos-15` -> `macos`);
    `self-hosted` runners cost nothing; any other label is priced as `linux`."""
    public: bool = False
    """The repository is public: GitHub's standard runners are free (minutes are still counted)."""
    included_minutes: int = 0
    """Minutes a month the plan includes (Free 2,000, Pro and Team 3,000, Enterprise Cloud 50,000),
    taken off the projected month before it is priced."""

    def rate_table(self) -> dict[str, float]:
        """The rates as a dict, the defaults under the configured ones."""
        return {**dict(DEFAULT_RATES), **dict(self.rates)}


@dataclass(frozen=True, slots=True)
class UiSettings:
    """The console."""

    theme: str = "lbconsole-dark"
    """Theme name: a built-in Textual theme or one from a themes folder."""
    keymap: tuple[tuple[str, str], ...] = ()
    """Binding id -> keys, e.g. (("plan.run", "R"),)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable, with the defaults of the orchestrator design."""

    github: GithubSettings = field(default_factory=GithubSettings)
    limits: Limits = field(default_factory=Limits)
    merge: MergePolicy = field(default_factory=MergePolicy)
    categories: tuple[CategoryRule, ...] = DEFAULT_CATEGORIES
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    ui: UiSettings = field(default_factory=UiSettings)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)
    cost: CostSettings = field(default_factory=CostSettings)

    def weight_of(self, category: str) -> int:
        """Priority weight of `category` (0 for `other` or unknown)."""
        for rule in self.categories:
            if rule.name == category:
                return rule.weight
        return 0

    def category_order(self) -> tuple[str, ...]:
        """Category names in match order, `other` last: the order groups are shown in."""
        return (*(rule.name for rule in self.categories if rule.name != OTHER), OTHER)

    def rule(self, category: str) -> CategoryRule | None:
        """The rule named `category`, if any."""
        return next((rule for rule in self.categories if rule.name == category), None)
