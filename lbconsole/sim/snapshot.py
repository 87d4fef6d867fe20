"""The demo's saved repository: headless `--demo` commands share one simulated GitHub between them.

Each `lbconsole --demo ...` command serves the simulator for its own
length. Without a saved state every command would start again from the
scenario, so `--demo dispatch` followed by `--demo runs` would say "no runs
yet". `saved_state` hands a command the repository as the previous one left
it (its pull requests, labels, comments, checks and Actions runs) and saves
it again when the command ends.

The file is a pickle of the state's plain records, in the demo's own state
directory. It is read with an unpickler that only builds the simulator's
records and the standard types they are made of, so a changed or foreign
file is a one-line problem, never code run. An unreadable file is kept
beside (`.bad`) and the command starts from the scenario. Commands take
turns on it (a file lock), so two demo commands never lose each other's
writes. Runs still going when a command ends are given a bounded time to
finish first, as GitHub would finish them without the client.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import filelock

from lbconsole.errors import LbError
from lbconsole.sim.actions import ActionsState
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import SimState

FORMAT = 2
"""Bumped whenever the saved records change shape; an older file is set aside, not misread."""
STATE_NAME = "simulator.pickle"
LOCK_WAIT_S = 60.0
"""How long a demo command waits for another one to release the saved state."""
FINISH_WAIT_S = 30.0
"""How long the runs still going at the end of a command get to finish before the state is saved."""

_ACTIONS_FIELDS = ("workflows", "runs", "_next_run", "_next_job", "_numbers", "legacy_dispatch", "list_delay_s")
_SAFE_MODULES = ("datetime", "random", "collections", "copyreg")
_SAFE_BUILTINS = frozenset({"set", "frozenset", "dict", "list", "tuple", "bytes", "bytearray", "object", "getattr"})


class DemoStateBusy(LbError):
    """Another demo command kept the saved demo state past the wait (exit 5, like a held run lock)."""

    exit_code = 5


@dataclass
class Saved:
    """What the state file holds."""

    format: int
    scenario: str
    seed: int
    origin: datetime
    """The scenario's anchor (history is laid out before it, whatever time the demo has reached)."""
    history: bool
    """Whether the Actions history was loaded."""
    state: SimState
    actions: dict[str, Any]


class _Unpickler(pickle.Unpickler):
    """Builds the simulator's records and standard types only: anything else in the file is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("lbconsole.sim.") or module in _SAFE_MODULES:
            return super().find_class(module, name)
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a demo state")


def state_file(directory: Path) -> Path:
    """Where the demo's repository is saved in `directory` (the demo state directory)."""
    return directory / STATE_NAME


def forget(directory: Path) -> bool:
    """Delete the saved demo state (`lbconsole sim reset`, `--demo-reset`); True when there was one."""
    path = state_file(directory)
    with _turn(path):
        existed = path.exists()
        path.unlink(missing_ok=True)
    return existed


def dumps(saved: Saved) -> bytes:
    """The file's bytes."""
    return pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Saved:
    """A saved demo state from its file's bytes.

    Raises:
        ValueError: the bytes are not a demo state of this format (one line).
    """
    try:
        saved = _Unpickler(io.BytesIO(data)).load()
    except Exception as exc:  # a truncated, foreign or hostile file: whatever pickle raised
        raise ValueError(f"not a demo state file ({type(exc).__name__})") from None
    if not isinstance(saved, Saved):
        raise ValueError("not a demo state")
    if saved.format != FORMAT:
        raise ValueError(f"a demo state of format {saved.format}, this lbconsole reads {FORMAT}")
    return saved


@contextmanager
def saved_state(
    directory: Path,
    scenario: str,
    seed: int,
    *,
    history: bool = False,
    fresh: bool = False,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
) -> Iterator[SimState]:
    """The demo's repository as the previous demo command left it, saved again when the block ends.

    Args:
        directory: the demo state directory.
        scenario: the scenario a fresh state is built from (and that a saved one must match).
        seed: the scenario's seed (a saved state of another seed is not used).
        history: the command reads Actions history (loaded once, then kept).
        fresh: start from the scenario, forgetting the saved state (`--demo-reset`).
        say: where one-line notices go (a set-aside file, a wait).

    Yields:
        The live state: serve it, and call `finish_runs` before the server stops.

    Raises:
        DemoStateBusy: another demo command holds the state past `LOCK_WAIT_S`.
    """
    path = state_file(directory)
    with _turn(path, say):
        saved = None if fresh else _read(path, scenario, seed, say)
        if saved is None:
            state = build(scenario, seed, real_clock=True)
            saved = Saved(FORMAT, scenario, seed, state.clock.anchor, False, state, {})
        else:
            _restore_actions(saved)
        if history and not saved.history:
            _add_history(saved)
        try:
            yield saved.state
        finally:
            saved.actions = _actions_of(saved.state)
            try:
                _write(path, dumps(saved))
            except OSError as exc:
                say(f"lbconsole: could not save the demo state to {path} ({exc.strerror}); the next one starts over")


@contextmanager
def _turn(path: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the state file's lock: at once when free, else after a notice, for at most `LOCK_WAIT_S`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(path) + ".lock")
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        if say is not None:
            say(f"lbconsole: waiting for another --demo command to finish with {path}")
        try:
            lock.acquire(timeout=LOCK_WAIT_S)
        except filelock.Timeout:
            raise DemoStateBusy(
                f"another --demo command has held the demo state ({path}) for over {LOCK_WAIT_S:.0f} s;"
                " wait for it to finish"
            ) from None
    try:
        yield
    finally:
        lock.release()


def _read(path: Path, scenario: str, seed: int, say: Callable[[str], None]) -> Saved | None:
    """The saved state when it is there, readable and of this scenario and seed; else None (a bad file set aside)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        say(f"lbconsole: cannot read the demo state {path} ({exc.strerror}); starting from the scenario")
        return None
    try:
        saved = loads(data)
    except ValueError as exc:
        kept = path.with_name(path.name + ".bad")
        os.replace(path, kept)
        say(f"lbconsole: the demo state {path} is unusable ({exc}); kept as {kept}, starting from the scenario")
        return None
    if (saved.scenario, saved.seed) != (scenario, seed):
        say(
            f"lbconsole: the saved demo state is of seed {saved.seed}, not {seed}; starting from the scenario"
            " (the saved one is replaced)"
        )
        return None
    return saved


def _write(path: Path, data: bytes) -> None:
    """Replace the state file atomically (a crash leaves the previous one)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _add_history(saved: Saved) -> None:
    from lbconsole.sim.actions.history import demo_history

    ActionsState.of(saved.state).load_history(demo_history(saved.seed, saved.origin))
    saved.history = True


def finish_runs(state: SimState) -> None:
    """Give the runs still going a bounded time to finish; one that does not is saved cancelled.

    A saved run cannot go on in the next command (its job talked to this
    command's server), so what has not finished by then is ended here.
    Runs that nothing steps (`auto_run` off) are ended at once.
    """
    actions = ActionsState.existing(state)
    if actions is None:
        return
    deadline = time.monotonic() + (FINISH_WAIT_S if actions.auto_run else 0.0)
    with actions.lock:
        going = [run.id for run in actions.runs.values() if run.status != "completed"]
    for run_id in going:
        if actions.wait(run_id, max(deadline - time.monotonic(), 0.0)):
            continue
        with actions.lock:
            run = actions.runs[run_id]
            run.abandoned = True
            run.status, run.conclusion = "completed", "cancelled"
            for job in run.jobs:
                if job.status != "completed":
                    job.status, job.conclusion = "completed", "cancelled"
                    job.log.append("The demo simulator stopped before this job finished: the run is cancelled.")


def _actions_of(state: SimState) -> dict[str, Any]:
    """The Actions state's records (no worker, no locks; runs without their tokens or step work)."""
    actions = ActionsState.existing(state)
    if actions is None:
        return {}
    with actions.lock:
        for run in actions.runs.values():
            run.token = None
            for job in run.jobs:
                for step in job.steps:
                    step.work = None
        return {name: getattr(actions, name) for name in _ACTIONS_FIELDS}


def _restore_actions(saved: Saved) -> None:
    if not saved.actions:
        return
    actions = ActionsState.of(saved.state)
    with actions.lock:
        for name in _ACTIONS_FIELDS:
            if name in saved.actions:
                setattr(actions, name, saved.actions[name])
