"""What the operator can look up: the command palette's commands and the help screen's binding table.

Both list what the console can do, so they are kept together and apart
from the app's wiring: `commands` adds the console's own entries to
Textual's palette (ctrl+p), `binding_rows` lists every key binding with the
keymap of the settings applied (the `?` screen).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding, BindingType

from lbconsole.core.settings import MODES
from lbconsole.tui.screens.confirm import ConfirmScreen
from lbconsole.tui.widgets.limits_pane import LimitsPane
from lbconsole.tui.widgets.lists import LIST_BINDINGS
from lbconsole.tui.widgets.logs_pane import LogsPane
from lbconsole.tui.widgets.queue_pane import QueuePane
from lbconsole.tui.widgets.runs_pane import RunsPane

if TYPE_CHECKING:
    from lbconsole.tui.app import LbConsoleApp

BindingRow = tuple[str, str, str, str]
"""(where, keys, action, id) of one binding, as the help screen shows it."""


def binding_rows(app: LbConsoleApp) -> list[BindingRow]:
    """Every binding of the console, where it applies, with the keymap of `app.settings` applied.

    Args:
        app: the console (its bindings, keymap and key display).

    Returns:
        One row per binding, then the palette's own key.
    """
    keymap = dict(app.settings.ui.keymap)
    groups: list[tuple[str, Iterable[BindingType]]] = [
        ("everywhere", app.BINDINGS),
        ("every list", LIST_BINDINGS),
        ("queue", QueuePane.BINDINGS),
        ("logs", LogsPane.BINDINGS),
        ("runs", RunsPane.BINDINGS),
        ("limits", LimitsPane.BINDINGS),
        ("confirmation", ConfirmScreen.BINDINGS),
    ]
    rows = []
    for where, bindings in groups:
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            keys = keymap.get(binding.id or "", binding.key)
            shown = ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            rows.append((where, shown, binding.description or binding.action, binding.id or ""))
    rows.append(("everywhere", "ctrl+p", "Command palette", "(textual)"))
    return rows


def commands(app: LbConsoleApp, tabs: Sequence[str]) -> Iterator[SystemCommand]:
    """The console's entries of the command palette (after Textual's own).

    Args:
        app: the console whose actions the commands run.
        tabs: the tab ids, in the order of their number keys.

    Yields:
        One command per tab, per mode, and per action of the console.
    """
    for index, tab in enumerate(tabs, start=1):
        yield SystemCommand(f"Tab: {tab}", f"show the {tab} tab ({index})", lambda t=tab: app.action_tab(t))
    for mode in MODES:
        yield SystemCommand(f"Mode: {mode}", f"plan the {mode} mode", lambda m=mode: app.set_mode(m))
    yield SystemCommand("Refresh the queue", "fetch the queue from GitHub now", app.action_refresh)
    yield SystemCommand("Run the plan locally", "apply the current plan (asks first)", app.action_run)
    yield SystemCommand(
        "Dispatch the workflow", "run the plan's mode on GitHub Actions (asks first)", app.action_dispatch
    )
    yield SystemCommand(
        "Cancel the run", "stop a local run after the action in flight, or stop following", app.action_cancel_run
    )
    yield SystemCommand("Runs: reload", "list the orchestrator's recent runs", lambda: _reload_runs(app))
    yield SystemCommand(
        "Runs: open the selected run",
        "follow it, or fetch its logs, in the Logs tab",
        app.runs_pane.action_open_run,
    )
    yield SystemCommand("Help: key bindings", "every binding and its id", app.action_help)
    yield SystemCommand(
        "Save limits", "write the Limits tab to the config file", lambda: app.query_one(LimitsPane).action_save()
    )
    yield SystemCommand(
        "Logs: toggle follow", "follow the end of the log", lambda: app.query_one(LogsPane).action_toggle_follow()
    )
    yield SystemCommand("Queue: filter", "narrow the queue", lambda: _filter_queue(app))


def _reload_runs(app: LbConsoleApp) -> None:
    app.action_tab("runs")
    app.runs_pane.reload()


def _filter_queue(app: LbConsoleApp) -> None:
    app.action_tab("queue")
    app.query_one(QueuePane).action_filter()
