"""GraphQL and REST shapes -> core models (lbconsole.github.translate)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from lbconsole.core.models import ChecksState, Mergeable, MergeState, ReviewDecision, ScanState
from lbconsole.errors import GatewayError
from lbconsole.github import translate

HEAD = "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a"


def dependabot_node() -> dict[str, Any]:
    """A PR node as GitHub's GraphQL API returns it for `queries.OPEN_PULLS`."""
    return {
        "number": 412,
        "title": "Bump requests from 2.31.0 to 2.32.3",
        "body": "Bumps [requests](https://github.com/psf/requests) from 2.31.0 to 2.32.3.",
        "url": "https://github.com/acme/rocket/pull/412",
        "author": {"__typename": "Bot", "login": "dependabot"},
        "labels": {"nodes": [{"name": "dependencies"}, {"name": "python"}]},
        "isDraft": False,
        "headRefName": "dependabot/pip/requests-2.32.3",
        "headRefOid": HEAD,
        "baseRefName": "main",
        "createdAt": "2026-11-02T08:15:00Z",
        "updatedAt": "2026-11-20T17:45:12Z",
        "additions": 1,
        "deletions": 1,
        "files": {"totalCount": 1, "nodes": [{"path": "requirements.txt"}]},
        "mergeable": "MERGEABLE",
        "mergeStateStatus": "UNSTABLE",
        "reviewDecision": None,
        "commits": {
            "nodes": [
                {
                    "commit": {
                        "oid": HEAD,
                        "status": {"context": {"state": "SUCCESS"}},
                        "statusCheckRollup": {
                            "state": "FAILURE",
                            "contexts": {
                                "nodes": [
                                    {
                                        "__typename": "CheckRun",
                                        "name": "test (3.11)",
                                        "status": "COMPLETED",
                                        "conclusion": "FAILURE",
                                    },
                                    {
                                        "__typename": "CheckRun",
                                        "name": "lint",
                                        "status": "COMPLETED",
                                        "conclusion": "SUCCESS",
                                    },
                                    {
                                        "__typename": "CheckRun",
                                        "name": "docs",
                                        "status": "COMPLETED",
                                        "conclusion": "TIMED_OUT",
                                    },
                                    {
                                        "__typename": "CheckRun",
                                        "name": "build",
                                        "status": "IN_PROGRESS",
                                        "conclusion": None,
                                    },
                                    {"__typename": "StatusContext", "context": "ci/circleci", "state": "ERROR"},
                                    {
                                        "__typename": "StatusContext",
                                        "context": "lbconsole/security-scan",
                                        "state": "SUCCESS",
                                    },
                                ]
                            },
                        },
                    }
                }
            ]
        },
    }


def test_a_realistic_bot_pr() -> None:
    pull = translate.pull_from_node(dependabot_node())
    assert pull.number == 412
    assert pull.author == "dependabot[bot]"
    assert pull.author_is_bot is True
    assert pull.labels == ("dependencies", "python")
    assert pull.head_ref == "dependabot/pip/requests-2.32.3"
    assert pull.head_sha == HEAD
    assert pull.created_at == datetime(2026, 11, 2, 8, 15, tzinfo=UTC)
    assert pull.updated_at == datetime(2026, 11, 20, 17, 45, 12, tzinfo=UTC)
    assert pull.changed_files == ("requirements.txt",)
    assert pull.mergeable is Mergeable.MERGEABLE
    assert pull.merge_state is MergeState.UNSTABLE
    assert pull.review_decision is ReviewDecision.NONE
    assert pull.checks is ChecksState.FAILURE
    assert pull.failing_checks == ("test (3.11)", "docs", "ci/circleci")
    assert pull.security_scanned is True
    assert pull.url == "https://github.com/acme/rocket/pull/412"
    assert pull.body.startswith("Bumps [requests]")


def test_a_human_pr_with_passing_checks_and_approval() -> None:
    node = dependabot_node()
    node.update(
        author={"__typename": "User", "login": "octocat"},
        reviewDecision="APPROVED",
        mergeStateStatus="CLEAN",
        isDraft=True,
    )
    commit = node["commits"]["nodes"][0]["commit"]
    commit["statusCheckRollup"] = {
        "state": "SUCCESS",
        "contexts": {
            "nodes": [{"__typename": "CheckRun", "name": "ci", "status": "COMPLETED", "conclusion": "SUCCESS"}]
        },
    }
    commit["status"] = None
    pull = translate.pull_from_node(node)
    assert (pull.author, pull.author_is_bot) == ("octocat", False)
    assert pull.review_decision is ReviewDecision.APPROVED
    assert pull.checks is ChecksState.SUCCESS
    assert pull.failing_checks == ()
    assert pull.draft is True
    assert pull.security_scanned is False


def test_bot_login_already_in_rest_form_is_kept() -> None:
    assert translate.bot_login("renovate[bot]") == "renovate[bot]"
    assert translate.bot_login("renovate") == "renovate[bot]"


def test_deleted_author_is_ghost() -> None:
    node = dependabot_node()
    node["author"] = None
    pull = translate.pull_from_node(node)
    assert (pull.author, pull.author_is_bot) == ("ghost", False)


def test_no_checks_at_all() -> None:
    node = dependabot_node()
    node["commits"]["nodes"][0]["commit"].update(statusCheckRollup=None, status=None)
    pull = translate.pull_from_node(node)
    assert pull.checks is ChecksState.NONE
    assert pull.failing_checks == ()


@pytest.mark.parametrize(
    ("state", "scanned"), [("SUCCESS", True), ("FAILURE", True), ("PENDING", False), ("ERROR", False)]
)
def test_security_scanned_means_a_finished_scan(state: str, scanned: bool) -> None:
    node = dependabot_node()
    node["commits"]["nodes"][0]["commit"]["status"] = {"context": {"state": state}}
    assert translate.pull_from_node(node).security_scanned is scanned


@pytest.mark.parametrize(
    ("state", "scan"),
    [
        ("SUCCESS", ScanState.SUCCESS),
        ("FAILURE", ScanState.FAILURE),
        ("PENDING", ScanState.PENDING),
        ("EXPECTED", ScanState.PENDING),
        ("ERROR", ScanState.ERROR),
        ("SOMETHING_NEW", ScanState.ERROR),
    ],
)
def test_the_scan_state_is_read_for_the_gate(state: str, scan: ScanState) -> None:
    node = dependabot_node()
    node["commits"]["nodes"][0]["commit"]["status"] = {"context": {"state": state}}
    assert translate.pull_from_node(node).scan is scan


def test_no_scan_status_is_none() -> None:
    node = dependabot_node()
    node["commits"]["nodes"][0]["commit"]["status"] = {"context": None}
    assert translate.pull_from_node(node).scan is ScanState.NONE
    assert translate.scan_state_of(None) is ScanState.NONE
    assert translate.scan_state_of("success") is ScanState.SUCCESS  # REST spells it in lower case


def test_scan_status_on_an_older_commit_does_not_count() -> None:
    node = dependabot_node()
    node["commits"]["nodes"][0]["commit"]["oid"] = "0" * 40
    assert translate.pull_from_node(node).security_scanned is False
    assert translate.pull_from_node(node).scan is ScanState.NONE


def test_unknown_enum_values_take_the_cautious_side() -> None:
    node = dependabot_node()
    node.update(mergeable="SOMETHING_NEW", mergeStateStatus="QUEUED", reviewDecision="NEW_DECISION")
    node["commits"]["nodes"][0]["commit"]["statusCheckRollup"]["state"] = "WAITING"
    pull = translate.pull_from_node(node)
    assert pull.mergeable is Mergeable.UNKNOWN
    assert pull.merge_state is MergeState.UNKNOWN
    assert pull.review_decision is ReviewDecision.REVIEW_REQUIRED
    assert pull.checks is ChecksState.PENDING


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda n: n.pop("headRefOid"), "pull request #412: field headRefOid is missing"),
        (lambda n: n.update(title=None), "pull request #412: field title is missing"),
        (lambda n: n.update(createdAt="yesterday"), "pull request #412: field createdAt is not a timestamp"),
        (lambda n: n.update(additions="many"), "pull request #412: field additions has the wrong type"),
        (lambda n: n.update(labels={"nodes": [{"name": 5}]}), r"field labels.nodes\[0\].name has the wrong type"),
        (lambda n: n.update(author={"__typename": "User"}), "pull request #412: field author.login is missing"),
        (lambda n: n.update(files=[1, 2]), "pull request #412: field files has the wrong type"),
    ],
)
def test_bad_fields_name_the_pr_and_the_field(mutate: Any, message: str) -> None:
    node = dependabot_node()
    mutate(node)
    with pytest.raises(GatewayError, match=message):
        translate.pull_from_node(node)


def test_a_node_without_a_number() -> None:
    with pytest.raises(GatewayError, match="a pull request: field number is missing"):
        translate.pull_from_node({"title": "x"})
    with pytest.raises(GatewayError, match="is not an object"):
        translate.pull_from_node(None)


def test_truncation_notes() -> None:
    node = copy.deepcopy(dependabot_node())
    node["files"] = {"totalCount": 250, "nodes": [{"path": f"f{i}"} for i in range(100)]}
    assert translate.truncation_notes(node) == ["#412: only 100 of 250 changed files were fetched"]
    assert translate.truncation_notes(dependabot_node()) == []


def test_rest_shapes() -> None:
    snapshot = translate.snapshot_from_rest(
        {
            "number": 7,
            "state": "closed",
            "merged": True,
            "mergeable_state": "unknown",
            "draft": False,
            "head": {"sha": HEAD},
            "labels": [{"name": "bug"}],
            "user": {"login": "octocat"},
        },
        7,
    )
    assert (snapshot.state, snapshot.merged, snapshot.head_sha, snapshot.labels) == ("closed", True, HEAD, ("bug",))
    with pytest.raises(GatewayError, match="pull request #7: field head is missing"):
        translate.snapshot_from_rest({"number": 7, "state": "open"}, 7)
    comment = translate.comment_from_rest({"id": 3, "body": "<!-- lbconsole:scan -->", "user": None})
    assert (comment.id, comment.author) == (3, "ghost")
    entry = translate.file_from_rest({"filename": "logo.png", "status": "added", "additions": 0}, 7)
    assert entry.patch is None
    assert translate.content_bytes({"type": "file", "encoding": "base64", "content": "aGlo\naQ==\n"}, "x") == b"hihi"
    assert translate.content_bytes([{"type": "file"}], "docs") is None


def test_the_scan_state_from_a_combined_status_takes_the_latest_of_the_context() -> None:
    body = {
        "state": "failure",
        "statuses": [
            {"id": 3, "context": "ci/test", "state": "failure"},
            {"id": 7, "context": "lbconsole/security-scan", "state": "success"},
            {"id": 5, "context": "lbconsole/security-scan", "state": "failure"},
        ],
    }
    assert translate.scan_state_from_rest(body, "lbconsole/security-scan") is ScanState.SUCCESS
    assert translate.scan_state_from_rest({"statuses": []}, "lbconsole/security-scan") is ScanState.NONE
    with pytest.raises(GatewayError):
        translate.scan_state_from_rest([], "lbconsole/security-scan")
