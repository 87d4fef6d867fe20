"""Opening, closing and reviewing pull requests: what scenarios built over HTTP need.

`open_pull` makes a PR from a title, body, author, labels and files with
their patch text (the scanner and economy scenarios need file contents);
`set_open` closes a PR without merging it (or reopens it); `add_review`
records a review and derives GitHub's `reviewDecision` from each
reviewer's latest one.
"""

from __future__ import annotations

from typing import Any

from lbconsole.sim.state.conversation import check_label_names
from lbconsole.sim.state.dynamics import PullDynamics
from lbconsole.sim.state.model import SimError, SimFile, SimPull, SimReview

REVIEW_EVENTS = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}


def _file(raw: dict[str, Any]) -> SimFile:
    patch = raw.get("patch")
    lines = (patch or "").splitlines()
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    content = raw.get("content")
    return SimFile(
        filename=str(raw["filename"]),
        status=str(raw.get("status", "modified")),
        patch=patch,
        additions=int(raw.get("additions", added)),
        deletions=int(raw.get("deletions", removed)),
        content=content.encode() if isinstance(content, str) else None,
    )


class PullLifecycle(PullDynamics):
    """New PRs, closing without merging, reviews."""

    def open_pull(self, body: dict[str, Any]) -> SimPull:
        """A new open PR from `title`, `body`, `author`, `labels`, `files` (`filename`, `status`, `patch`, `content`).

        Raises:
            SimError: 422 without a title, or with a label name over 50 characters.
        """
        title = body.get("title")
        if not isinstance(title, str) or not title:
            raise SimError(422, "Validation Failed: title is missing")
        labels = [str(n) for n in body.get("labels") or ()]
        check_label_names(labels)
        with self.lock:
            number = max(self.pulls, default=0) + 1
            now = self.now()
            author = str(body.get("author") or self.viewer)
            pull = SimPull(
                number=number,
                title=title,
                author=author,
                author_is_bot=author.endswith("[bot]"),
                head_sha=self.new_sha(),
                base_sha=self.base_sha,
                created_at=now,
                updated_at=now,
                body=str(body.get("body") or ""),
                labels=[],
                draft=bool(body.get("draft")),
                head_ref=str(body.get("head") or f"{author.removesuffix('[bot]')}/pr-{number}"),
                files=[_file(f) for f in body.get("files") or ()],
            )
            self.pulls[number] = pull
            for name in labels:
                pull.labels.append(self.label(name).name)
            self.start_checks(pull.head_sha, str(body.get("checks", "success")))
            self.touch(pull)
            return pull

    def set_open(self, number: int, open_: bool) -> SimPull:
        """Close a PR without merging it, or reopen a closed, unmerged one (`PATCH .../pulls/{n}` `state`)."""
        with self.lock:
            pull = self.pull(number)
            if pull.merged:
                raise SimError(422, "Validation Failed: state cannot be changed. The pull request is merged.")
            if open_ == (pull.state == "open"):
                return pull
            pull.state = "open" if open_ else "closed"
            pull.closed_at = None if open_ else self.now()
            self.touch(pull)
            return pull

    def add_review(self, number: int, user: str, event: str, body: str = "") -> SimReview:
        """Submit a review (`APPROVE`, `REQUEST_CHANGES`, `COMMENT`) and derive the PR's `reviewDecision`.

        Each reviewer's latest approving or change-requesting review counts, as on GitHub.
        """
        state = REVIEW_EVENTS.get(event)
        if state is None:
            raise SimError(422, "Invalid request.\n\nevent must be one of APPROVE, REQUEST_CHANGES, COMMENT")
        with self.lock:
            pull = self.pull(number)
            if pull.state != "open":
                raise SimError(422, "Unprocessable Entity: the pull request is closed")
            review = SimReview(self.next_id(), user, state, body, pull.head_sha, self.now())
            pull.reviews.append(review)
            latest: dict[str, str] = {}
            for r in pull.reviews:
                if r.state != "COMMENTED":
                    latest[r.user] = r.state
            if "CHANGES_REQUESTED" in latest.values():
                pull.review_decision = "CHANGES_REQUESTED"
            elif "APPROVED" in latest.values():
                pull.review_decision = "APPROVED"
            self.touch(pull)
            return review
