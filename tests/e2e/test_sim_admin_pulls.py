"""Building scenarios over HTTP: new PRs with file contents, closing without merging, reviews, label limits."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lbconsole.sim.server import SimHandle

REPO = "/repos/acme/rocket"
PATCH = "@@ -0,0 +1,2 @@\n+API_KEY = 'not-a-secret'\n+print(API_KEY)"


@pytest.fixture
def client(sim: SimHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url, timeout=10) as c:
        yield c


def test_admin_creates_a_pull_with_files_labels_and_author(client: httpx.Client) -> None:
    made = client.post(
        "/_sim/pulls",
        json={
            "title": "feat: keys",
            "body": "adds a key",
            "author": "mallory",
            "labels": ["security"],
            "files": [{"filename": "src/keys.py", "status": "added", "patch": PATCH}],
        },
    )
    assert made.status_code == 201
    number = made.json()["number"]
    pull = client.get(f"{REPO}/pulls/{number}").json()
    assert (pull["title"], pull["user"]["login"], pull["body"]) == ("feat: keys", "mallory", "adds a key")
    assert [lab["name"] for lab in pull["labels"]] == ["security"]
    files = client.get(f"{REPO}/pulls/{number}/files").json()
    assert (files[0]["filename"], files[0]["additions"], files[0]["patch"]) == ("src/keys.py", 2, PATCH)
    content = client.get(f"{REPO}/contents/src/keys.py", params={"ref": pull["head"]["sha"]}).json()
    assert content["size"] == len("API_KEY = 'not-a-secret'\nprint(API_KEY)\n")


def test_close_without_merging_and_reopen(client: httpx.Client) -> None:
    closed = client.patch(f"{REPO}/pulls/1201", json={"state": "closed"}).json()
    assert (closed["state"], closed["merged"]) == ("closed", False)
    assert 1201 not in [p["number"] for p in client.get(f"{REPO}/pulls", params={"per_page": 100}).json()]
    assert client.post("/_sim/pulls/1201/close", json={"reopen": True}).json()["state"] == "open"
    assert client.post("/_sim/pulls/1201/close").json()["merged"] is False


def test_reviews_drive_the_review_decision(client: httpx.Client) -> None:
    approved = client.post("/_sim/pulls/1201/reviews", json={"user": "alice", "event": "APPROVE"}).json()
    assert approved["review_decision"] == "APPROVED"
    changes = client.post("/_sim/pulls/1201/reviews", json={"user": "bob", "event": "REQUEST_CHANGES"}).json()
    assert (changes["review_decision"], changes["merge_state"]) == ("CHANGES_REQUESTED", "BLOCKED")
    client.post("/_sim/pulls/1201/reviews", json={"user": "bob", "event": "COMMENT"})  # a comment changes nothing
    assert client.get("/_sim/state/pulls/1201").json()["review_decision"] == "CHANGES_REQUESTED"
    rest = client.post(f"{REPO}/pulls/1201/reviews", json={"event": "APPROVE"})  # octocat, over REST
    assert rest.json()["state"] == "APPROVED"
    client.post("/_sim/pulls/1201/reviews", json={"user": "bob", "event": "APPROVE"})
    assert client.get("/_sim/state/pulls/1201").json()["review_decision"] == "APPROVED"


def test_label_names_over_fifty_characters_are_refused(client: httpx.Client) -> None:
    ok = client.post(f"{REPO}/issues/1201/labels", json={"labels": ["x" * 50]})
    assert ok.status_code == 200
    refused = client.post(f"{REPO}/issues/1201/labels", json={"labels": ["x" * 51]})
    assert refused.status_code == 422
    assert "maximum is 50 characters" in refused.json()["message"]
    assert client.post("/_sim/pulls", json={"title": "t", "labels": ["y" * 51]}).status_code == 422
