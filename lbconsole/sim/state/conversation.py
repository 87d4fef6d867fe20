"""Labels and issue comments of a simulated repository's pull requests."""

from __future__ import annotations

from lbconsole.sim.state.base import RepositoryBase
from lbconsole.sim.state.model import SimComment, SimError, SimLabel

LABEL_NAME_MAX = 50
"""GitHub refuses a label name longer than this."""


def check_label_names(names: list[str]) -> None:
    """SimError 422 with GitHub's wording for a label name over 50 characters."""
    for name in names:
        if len(name) > LABEL_NAME_MAX:
            raise SimError(422, f"Validation Failed: name is too long (maximum is {LABEL_NAME_MAX} characters)")


class Conversation(RepositoryBase):
    """Adding and removing labels; writing, editing and listing issue comments."""

    def add_labels(self, number: int, names: list[str]) -> list[SimLabel]:
        """Add labels (creating missing ones, ignoring ones present); returns the PR's labels."""
        check_label_names(names)
        with self.lock:
            p = self.pull(number)
            have = {n.casefold() for n in p.labels}
            changed = False
            for name in names:
                label = self.label(name)
                if label.name.casefold() not in have:
                    p.labels.append(label.name)
                    have.add(label.name.casefold())
                    changed = True
            if changed:
                self.touch(p)
            return [self.label(n) for n in p.labels]

    def remove_label(self, number: int, name: str) -> list[SimLabel]:
        """Remove one label; SimError 404 "Label does not exist" when absent."""
        with self.lock:
            p = self.pull(number)
            for existing in p.labels:
                if existing.casefold() == name.casefold():
                    p.labels.remove(existing)
                    self.touch(p)
                    return [self.label(n) for n in p.labels]
            raise SimError(404, "Label does not exist")

    def add_comment(self, number: int, body: str, user: str | None = None) -> SimComment:
        """A new issue comment on PR `number`."""
        with self.lock:
            p = self.pull(number)
            now = self.now()
            comment = SimComment(self.next_id(), number, body, user or self.viewer, now, now)
            self.comments[comment.id] = comment
            self.touch(p)
            return comment

    def edit_comment(self, comment_id: int, body: str) -> SimComment:
        """Replace an issue comment's body."""
        with self.lock:
            comment = self.comments.get(comment_id)
            if comment is None:
                raise SimError(404, "Not Found")
            comment.body = body
            comment.updated_at = self.now()
            self.touch(self.pulls.get(comment.issue))
            return comment

    def comments_on(self, number: int) -> list[SimComment]:
        """Issue comments of PR `number`, oldest first."""
        with self.lock:
            self.pull(number)
            return sorted((c for c in self.comments.values() if c.issue == number), key=lambda c: c.id)
