"""The run's signal handler: the first Ctrl+C cancels; SIGTERM or a second Ctrl+C stops the action in flight."""

from __future__ import annotations

import signal
import threading

import pytest

from lbconsole.core.ports import MergeResult
from lbconsole.engine.executor import execute
from lbconsole.engine.interrupt import Interrupt, Interrupted
from lbconsole.engine.logbus import LogBus
from tests.unit.fake_gateway import FakeGateway, pulls
from tests.unit.test_executor import FAST, label, merge, plan_of


def test_the_first_sigint_only_cancels_even_inside_an_action() -> None:
    stop = Interrupt()
    with stop.armed():
        stop(signal.SIGINT)  # does not raise: the action in flight finishes
    assert stop.cancel.is_set()
    assert stop.exit_code == 130
    assert stop.stopping == "interrupted by SIGINT"


def test_a_second_sigint_or_a_sigterm_raises_only_inside_an_action() -> None:
    stop = Interrupt()
    stop(signal.SIGINT)
    with pytest.raises(Interrupted) as caught, stop.armed():
        stop(signal.SIGINT)
    assert caught.value.signum == signal.SIGINT
    term = Interrupt()
    term(signal.SIGTERM)  # between actions: nothing to stop, no action starts any more
    assert term.cancel.is_set()
    assert term.exit_code == 143


def test_an_interrupted_action_is_decided_by_a_re_read_and_the_rest_cancelled() -> None:
    gw = FakeGateway(*pulls(1, 2, 3))
    stop = Interrupt()
    real_merge = gw.merge

    def merge_then_sigterm(number: int, sha: str, method: str) -> MergeResult:
        result = real_merge(number, sha, method)
        stop(signal.SIGTERM)  # as if it arrived just after GitHub merged, before the answer was read
        return result

    gw.merge = merge_then_sigterm  # type: ignore[method-assign]
    report = execute(
        plan_of(label(1, "a"), merge(2), label(3, "c")), gw, settings=FAST, bus=LogBus(), apply=True, interrupt=stop
    )

    assert [o.outcome for o in report.outcomes] == ["done", "done", "cancelled"]
    assert report.outcomes[1].message.endswith("(interrupted by SIGTERM; a re-read shows it done)")
    assert gw.pulls[2].merged
    assert gw.pulls[3].labels == []
    assert report.exit_code == 143
    assert report.aborted == "interrupted by SIGTERM"


def test_the_handler_is_installed_only_in_the_main_thread() -> None:
    seen: list[object] = []

    def elsewhere() -> None:
        with Interrupt().installed():
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert seen == [before]
    with Interrupt().installed() as stop:
        assert signal.getsignal(signal.SIGTERM) is stop
    assert signal.getsignal(signal.SIGTERM) == before
