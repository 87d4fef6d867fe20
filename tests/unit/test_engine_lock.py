"""The run lock: one local `run --apply` per repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lbconsole.engine.lock import RunLock, RunLocked, lock_name
from lbconsole.errors import LbError


def test_lock_name_is_derived_from_the_repository() -> None:
    assert lock_name("acme/rocket") == "acme__rocket.lock"
    assert lock_name("Acme/Rocket") == "acme__rocket.lock"
    odd = lock_name("evil/../../x")
    assert "/" not in odd
    assert "\\" not in odd
    assert Path("locks", odd).parent == Path("locks")


def test_a_second_holder_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    first = RunLock(tmp_path, "acme/rocket")
    with first:
        holder = json.loads(first.holder_path.read_text(encoding="utf-8"))
        assert holder["pid"] == os.getpid()
        with pytest.raises(RunLocked) as caught:
            RunLock(tmp_path, "acme/rocket").acquire()
        assert isinstance(caught.value, LbError)
        assert caught.value.exit_code == 5  # its own code: not a failed action (1), not a usage error (2)
        assert str(caught.value) == (
            "another lbconsole run is already applying a plan to acme/rocket "
            f"(pid {os.getpid()}, running; lock: {first.path}); wait for it to finish"
        )
        assert "remove" not in str(caught.value)  # never advise deleting a lock whose holder is alive
        with RunLock(tmp_path, "acme/other"):  # another repository is independent
            pass
    assert not first.holder_path.exists()
    with RunLock(tmp_path, "acme/rocket") as again:  # free again after release
        assert again.held


def test_another_process_is_refused_while_held(tmp_path: Path) -> None:
    code = (
        "import sys; from lbconsole.engine.lock import RunLock, RunLocked\n"
        "try:\n"
        "    RunLock(sys.argv[1], 'acme/rocket').acquire()\n"
        "except RunLocked as e:\n"
        "    print(e); sys.exit(7)\n"
    )
    with RunLock(tmp_path, "acme/rocket"):
        held = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False)
    free = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False)

    assert held.returncode == 7, held.stderr
    assert f"pid {os.getpid()}" in held.stdout
    assert free.returncode == 0, free.stdout + free.stderr


def test_a_holder_on_another_host_is_named_and_its_lock_never_called_removable(tmp_path: Path) -> None:
    first = RunLock(tmp_path, "acme/rocket")
    with first:
        first.holder_path.write_text(json.dumps({"pid": 4242, "host": "ci-runner-7"}), encoding="utf-8")
        with pytest.raises(RunLocked) as caught:
            RunLock(tmp_path, "acme/rocket").acquire()
    assert "(pid 4242 on ci-runner-7; lock: " in caught.value.message
    assert caught.value.message.endswith("wait for it to finish")


def test_release_is_harmless_when_not_held(tmp_path: Path) -> None:
    lock = RunLock(tmp_path, "acme/rocket")
    lock.release()
    assert not lock.held
