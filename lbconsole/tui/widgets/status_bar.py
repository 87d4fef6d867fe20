"""The header line: repository, mode, last refresh, rate limit; and the offline banner."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

from lbconsole.core.ports import RateLimit


class StatusBar(Static):
    """`acme/rocket · mode auto · refreshed 22:01:03 · checked 22:01:33 · rate limit 4,980/5,000 · demo`."""

    repo: reactive[str] = reactive("")
    mode: reactive[str] = reactive("")
    refreshed: reactive[datetime | None] = reactive(None)
    """The last full fetch of the queue."""
    checked: reactive[datetime | None] = reactive(None)
    """The last cheap check (a conditional request) that found the queue unchanged since `refreshed`."""
    rate: reactive[RateLimit | None] = reactive(None)
    flags: reactive[str] = reactive("")
    offline: reactive[bool] = reactive(False)
    """GitHub is unreachable (with nothing fetched yet, the header says so instead of "loading…")."""
    waiting: reactive[str] = reactive("")
    """While a rate limit is waited out: e.g. "rate limited (secondary): resuming in 42s"."""

    def __init__(self, *, tz: tzinfo | None = None, **kwargs: object) -> None:
        """The header line.

        Args:
            tz: timezone of the refresh time, as in the log lines (None: the local timezone).
            **kwargs: Static's arguments (id, classes...).
        """
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.tz = tz

    def render(self) -> str:
        parts = [f"[b]{escape(self.repo or 'no repository')}[/b]", f"mode [b]{escape(self.mode)}[/b]"]
        if self.refreshed is None:
            parts.append("[b $error]offline: no queue fetched yet[/]" if self.offline else "loading…")
        else:
            parts.append(f"refreshed {self.refreshed.astimezone(self.tz).strftime('%H:%M:%S')}")
        if self.checked is not None and self.refreshed is not None:
            parts.append(f"checked {self.checked.astimezone(self.tz).strftime('%H:%M:%S')}")
        if self.waiting:
            parts.append(f"[b $warning]{escape(self.waiting)}[/]")
        if self.rate is not None:
            which = "" if self.rate.resource == "core" else f" ({self.rate.resource})"
            parts.append(f"rate limit {self.rate.remaining:,}/{self.rate.limit:,}{which}")
        if self.flags:
            parts.append(escape(self.flags))
        return "  ·  ".join(parts)


class OfflineBanner(Static):
    """Shown while GitHub is unreachable; the cached queue stays visible below it."""

    def show(self, message: str | None, *, cached: bool = True) -> None:
        """Show `message`, or hide the banner when None; `cached`: a queue was fetched before."""
        self.display = message is not None
        if message is not None:
            shown = "showing the last fetched queue" if cached else "no queue fetched yet: nothing to show or run"
            self.update(f"OFFLINE — {escape(message)} — {shown}; retrying on the next refresh")
