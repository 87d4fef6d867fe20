import re
from dataclasses import replace
from fnmatch import fnmatchcase

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lbconsole.core.classify import _path_matches, classify, word_pattern
from lbconsole.core.settings import DEFAULT_CATEGORIES, CategoryRule
from tests.factories import ready_pr


@pytest.mark.parametrize(
    ("changes", "category", "reason"),
    [
        ({"labels": ("security",)}, "security", 'label "security"'),
        ({"title": "Patch CVE-2026-12345 in parser"}, "security", "mentions CVE-2026-12345"),
        ({"body": "Fixes GHSA-35jh-r3h4-6jhm"}, "security", "mentions GHSA-35jh-r3h4-6jhm"),
        ({"title": "Security hardening of login"}, "security", 'title word "security"'),
        ({"title": "fix: crash on empty config"}, "bugfix", 'title prefix "fix:"'),
        ({"title": "fix(api): retry"}, "bugfix", 'title prefix "fix("'),
        ({"title": "Handle nulls", "head_ref": "hotfix/nulls"}, "bugfix", 'branch prefix "hotfix/"'),
        (
            {"title": "Bump lodash from 4.17.20 to 4.17.21"},
            "dependencies",
            'title "Bump lodash from 4.17.20 to 4.17.21"',
        ),
        ({"title": "chore(deps): update x", "head_ref": "x"}, "dependencies", 'title prefix "chore(deps)"'),
        ({"author": "renovate[bot]", "title": "Update y", "head_ref": "y"}, "dependencies", "author renovate[bot]"),
        ({"title": "feat(ui): dark mode"}, "feature", 'title prefix "feat("'),
        ({"title": "docs: typo", "head_ref": "typo"}, "docs", 'title prefix "docs:"'),
        (
            {"title": "Explain setup", "head_ref": "x", "changed_files": ("README.md", "docs/setup.rst")},
            "docs",
            "every changed file matches *.md, *.rst",  # the globs that matched
        ),
        ({"title": "ci: cache pip", "head_ref": "x"}, "maintenance", 'title prefix "ci"'),
        ({"title": "refactor: split module", "head_ref": "x"}, "maintenance", 'title prefix "refactor"'),
    ],
)
def test_category_and_reason(changes, category, reason):
    result = classify(ready_pr(1, **changes), DEFAULT_CATEGORIES)
    assert result.category == category
    assert reason in result.reasons


def test_first_matching_category_wins_and_all_reasons_recorded():
    pr = ready_pr(1, title="fix: CVE-2026-0001 overflow", labels=("bug",))
    result = classify(pr, DEFAULT_CATEGORIES)
    assert result.category == "security"
    assert result.reasons == ("mentions CVE-2026-0001",)


def test_dependabot_security_update_is_security():
    pr = ready_pr(
        2,
        title="Bump lodash from 4.17.20 to 4.17.21",
        author="dependabot[bot]",
        author_is_bot=True,
        head_ref="dependabot/npm_and_yarn/lodash-4.17.21",
        body="Fixes GHSA-35jh-r3h4-6jhm (prototype pollution).",
    )
    result = classify(pr, DEFAULT_CATEGORIES)
    assert result.category == "security"
    assert "dependabot[bot] security update" in result.reasons


def test_prefix_does_not_match_a_longer_word():
    # "testing" is not the `test` prefix, "fixture" is not `fix:`
    pr = ready_pr(1, title="testing fixture loader", head_ref="misc")
    assert classify(pr, DEFAULT_CATEGORIES).category == "other"
    assert classify(pr, DEFAULT_CATEGORIES).reasons == ("no category rule matched",)


def test_docs_paths_need_every_file():
    pr = ready_pr(1, title="Explain", head_ref="x", changed_files=("README.md", "src/a.py"))
    assert classify(pr, DEFAULT_CATEGORIES).category == "other"


def test_rules_are_data():
    rules = (CategoryRule(name="infra", labels=("terraform",), weight=5), *DEFAULT_CATEGORIES)
    pr = replace(ready_pr(1, head_ref="x", title="Move buckets"), labels=("Terraform",))
    assert classify(pr, rules).category == "infra"


GLOBS = ("*.md", "docs/*", "src/[ab]?.py", "*.{x}", "build/**", "[!t]*.rst", "a+b(c)/*", "")
PATH_PARTS = st.sampled_from(
    ["docs", "src", "a+b(c)", "build", "README", "a1", "b", "t", ".md", ".rst", ".py", "/", "{x}"]
)


@given(st.lists(PATH_PARTS, min_size=0, max_size=6).map("".join), st.sets(st.sampled_from(GLOBS), max_size=4))
def test_compiled_globs_match_as_fnmatch_does_glob_by_glob(path, globs):
    globs = tuple(sorted(globs))
    expected = any(fnmatchcase(path, g) or (g.endswith("/*") and path.startswith(g[:-1])) for g in globs)
    assert _path_matches(path, globs) is expected


WORDS = st.sampled_from(["security", "CVE", "a-b", "ß", "x.y"])
TEXT = st.lists(
    st.sampled_from(
        ["security", "SECURITY", "Security", "-", "_", " ", "a", "1", ".", "ſecurity", "cve", "a-b", "ß", "SS", "x.y"]
    ),
    max_size=6,
).map("".join)


@given(WORDS, TEXT)
def test_a_word_matches_where_the_lookbehind_first_form_does(word, text):
    before = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
    assert bool(re.compile(word_pattern(word), re.IGNORECASE).search(text)) == bool(before.search(text))


BODY = st.lists(
    st.sampled_from(
        [
            "CVE-2026-12345",
            "cve-2026-1234",
            "GHSA-35jh-r3h4-6jhm",
            "ghsa-35JH-r3h4-6jhm",
            "ſ",
            "GHſA-35jh-r3h4-6jhm",
            "x",
            " ",
            "-",
            "CVE",
            "GHSA",
            "\n",
            "2026",
            "İ",
        ]
    ),
    max_size=8,
).map("".join)


@given(BODY)
def test_the_id_needles_never_hide_a_match(body):
    # a body without the needle is not searched; that must never lose a CVE or GHSA mention
    security = next(rule for rule in DEFAULT_CATEGORIES if rule.name == "security")
    pr = ready_pr(1, title="Update things", head_ref="misc", body=body, labels=())
    searched = any(re.search(p, body, re.IGNORECASE) for p in security.body_patterns)
    assert (classify(pr, DEFAULT_CATEGORIES).category == "security") is searched
