"""The Logs tab: the consolidated log, fed from the LogBus in batches.

Bus subscribers run on any thread; they only append to a lock-free deque.
A timer on the UI thread drains it and calls `Log.write_lines` once per
batch (one `write_line` per record would freeze the UI at scale). Memory is
bounded twice: the record history (for re-filtering) and the Log widget
both keep at most `max_lines`.
"""

from __future__ import annotations

from collections import deque
from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Log, Select

from lbconsole.engine.logbus import LogRecord, format_line

ALL = "all"
DRAIN_INTERVAL_S = 0.1
MAX_LINES = 20_000


class LogsPane(Vertical):
    """Source filter, follow toggle, search, and the log itself."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_follow", "Follow", id="logs.follow"),
        Binding("slash", "search", "Search", id="logs.search"),
        Binding("escape", "clear_search", "Clear search", show=False, id="logs.clear_search"),
    ]

    def __init__(self, *, max_lines: int = MAX_LINES, tz: tzinfo | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.max_lines = max_lines
        self.tz = tz
        self._pending: deque[LogRecord] = deque()
        self._records: deque[tuple[str, str]] = deque(maxlen=max_lines)
        """(source, formatted line) of every record kept."""
        self._sources: list[str] = []
        self.source = ALL
        self.search = ""
        self.follow = True
        self.received = 0
        self._last_time: object = None
        self._last_clock = ""
        """Records taken from the bus so far (benchmarks and tests read it)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="logs-top"):
            yield Label("Source", id="logs-source-label")
            yield Select([(ALL, ALL)], allow_blank=False, value=ALL, id="logs-source")
            yield Label("follow: on", id="logs-follow")
            yield Input(placeholder="search (Esc clears)", id="logs-search")
        yield Log(max_lines=self.max_lines, auto_scroll=True, id="logs-log")

    def on_mount(self) -> None:
        self.set_interval(DRAIN_INTERVAL_S, self.drain)

    # -- intake (any thread) ----------------------------------------------------

    def receive(self, record: LogRecord) -> None:
        """Bus subscriber: queue `record` for the next drain (thread-safe: deque.append)."""
        self._pending.append(record)

    # -- UI thread ----------------------------------------------------------------

    def drain(self) -> int:
        """Move every pending record into the log in one batch; returns how many."""
        pending = self._pending
        count = len(pending)
        if not count:
            return 0
        batch = [pending.popleft() for _ in range(count)]
        self.received += count
        if count > self.max_lines:
            batch = batch[-self.max_lines :]
        lines: list[str] = []
        new_sources = False
        for record in batch:
            source = record.job or record.source
            line = self.format(record)
            self._records.append((source, line))
            if source not in self._sources:
                self._sources.append(source)
                new_sources = True
            if self._shown(source, line):
                lines.append(line)
        if new_sources:
            self._update_sources()
        if lines:
            self.query_one(Log).write_lines(lines)
        return count

    def format(self, record: LogRecord) -> str:
        """`logbus.format_line(record, tz=self.tz)`, with the clock text cached per timestamp.

        `astimezone` + `strftime` are most of the cost of a line; records arrive
        in bursts sharing a timestamp, so the last one is remembered.
        """
        if record.time != self._last_time:
            self._last_time = record.time
            self._last_clock = record.time.astimezone(self.tz).strftime("%H:%M:%S")
        return format_line(record, clock=self._last_clock)

    def _shown(self, source: str, line: str) -> bool:
        if self.source != ALL and source != self.source:
            return False
        return not self.search or self.search.casefold() in line.casefold()

    def _rewrite(self) -> None:
        log = self.query_one(Log)
        log.clear()
        log.write_lines([line for source, line in self._records if self._shown(source, line)])

    def _update_sources(self) -> None:
        select = self.query_one("#logs-source", Select)
        with select.prevent(Select.Changed):
            # job names come from GitHub: Text prompts, never markup
            select.set_options([(ALL, ALL), *((Text(s), s) for s in sorted(self._sources))])
            select.value = self.source

    def lines(self) -> list[str]:
        """The lines the Log widget currently shows."""
        return list(self.query_one(Log).lines)

    @on(Select.Changed, "#logs-source")
    def _source_changed(self, event: Select.Changed) -> None:
        self.source = str(event.value) if isinstance(event.value, str) else ALL
        self._rewrite()

    @on(Input.Changed, "#logs-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self._rewrite()

    @on(Input.Submitted, "#logs-search")
    def _search_submitted(self) -> None:
        self.query_one(Log).focus()

    def action_search(self) -> None:
        self.query_one("#logs-search", Input).focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#logs-search", Input)
        if box.value:
            box.value = ""
        self.query_one(Log).focus()

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow
        log = self.query_one(Log)
        log.auto_scroll = self.follow
        if self.follow:
            log.scroll_end(animate=False)
        self.query_one("#logs-follow", Label).update(f"follow: {'on' if self.follow else 'off'}")
