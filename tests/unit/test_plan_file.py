"""Saved plans are checked before they run: schema, mode, kinds, types, limits, and the file itself."""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from lbconsole.core import plan as plan_json
from lbconsole.core.planner import plan
from lbconsole.core.settings import Limits, Settings
from lbconsole.errors import UsageError
from lbconsole.planfile import MAX_PLAN_BYTES, PlanFileError, read_plan
from tests.factories import NOW, queue, ready_pr


def saved(mode: str = "merge-only") -> dict[str, Any]:
    return plan_json.to_dict(plan(queue(ready_pr(1), ready_pr(2)), mode, Settings(), NOW))


def problems_of(data: Any) -> tuple[str, ...]:
    with pytest.raises(plan_json.PlanFormatError) as caught:
        plan_json.from_dict(data)
    return caught.value.problems


def test_a_saved_plan_reads_back_exactly() -> None:
    data = saved("full-audit")
    assert plan_json.to_dict(plan_json.from_dict(data)) == data


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(mode="yolo"), 'mode: unknown mode "yolo"'),
        (
            lambda d: d["actions"][0].update(pr=True),
            "actions[0].pr: must be a positive integer (a PR number), got true",
        ),
        (lambda d: d["actions"][0].update(pr=0), "actions[0].pr: must be a positive integer (a PR number), got 0"),
        (lambda d: d["actions"][0].update(pr="1"), 'actions[0].pr: must be a positive integer (a PR number), got "1"'),
        (lambda d: d["actions"][0].pop("pr"), "actions[0].pr: is missing"),
        (
            lambda d: d["actions"][0].update(head_sha="abc"),
            "actions[0].head_sha: must be a commit SHA (40 lower-case hex digits)",
        ),
        (lambda d: d["actions"][0].update(head_sha=1), "actions[0].head_sha: must be a string, got 1"),
        (lambda d: d["actions"][0].update(kind="explode"), 'actions[0].kind: unknown action kind "explode"'),
        (lambda d: d["actions"].append(dict(d["actions"][1])), "actions[4]: repeats actions[1]"),
        (lambda d: d["actions"].append(5), "actions[4]: must be an object, got 5"),
        (lambda d: d.update(actions={}), "actions: must be a list, got an object"),
        (lambda d: d["limits"].update(merge=500), "limits.merge: must be an integer between 0 and 100, got 500"),
        (lambda d: d["limits"].update(merge=True), "limits.merge: must be an integer between 0 and 100, got true"),
        (lambda d: d["limits"].update(merges=5), "limits.merges: unknown limit"),
        (lambda d: d.update(repo="not a repo"), "repo: must be owner/name"),
        (lambda d: d.update(generated_at="yesterday"), "generated_at: must be a UTC time"),
        (lambda d: d["skipped"].append({"pr": -3}), "skipped[0].pr: must be a positive integer"),
        (lambda d: d["summary"].update(merge=9), "summary: does not match the actions"),
        (lambda d: d["actions"][0].update(held_by="draft"), "actions[0].held_by: must be a list of strings"),
    ],
)
def test_every_wrong_field_is_named(change: Any, problem: str) -> None:
    data = saved()
    change(data)
    found = problems_of(data)
    assert any(p.startswith(problem) for p in found), found


def test_labels_are_names_of_at_most_fifty_characters() -> None:
    data = saved("full-audit")
    label = next(a for a in data["actions"] if a["kind"] == "label")
    label["label"] = "x" * 51
    assert any("at most 50 characters" in p for p in problems_of(data))
    label["label"] = 7
    assert any("must be a string, got 7" in p for p in problems_of(data))
    label.pop("label")
    assert any(p.endswith(".label: is missing") for p in problems_of(data))


def test_every_problem_is_reported_not_only_the_first() -> None:
    data = saved()
    data["mode"] = "yolo"
    data["actions"][0]["pr"] = True
    data["actions"][1]["head_sha"] = "xyz"
    assert len(problems_of(data)) == 3


def test_a_long_string_in_the_wrong_place_is_not_echoed() -> None:
    token = "ghp_" + "Z" * 36
    data = saved()
    data["mode"] = token
    message = "\n".join(problems_of(data))
    assert token not in message
    assert "a 40-character string" in message


def test_a_plan_never_does_more_than_its_own_limits() -> None:
    data = saved("full-audit")
    template = next(a for a in data["actions"] if a["kind"] == "label")
    data["actions"] = [dict(template, pr=n, head_sha=f"{n:040x}") for n in range(1, 5031)]
    data["summary"] = dict.fromkeys(data["summary"], 0) | {"label": 5030}
    found = problems_of(data)
    assert found == ("label: 5,030 actions, more than limits.label allows (50)",)


def test_the_configured_limits_bind_a_saved_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(saved()), encoding="utf-8")
    assert len(read_plan(path, Limits()).actions) == 4  # two gate scans, two merges
    with pytest.raises(PlanFileError) as caught:
        read_plan(path, Limits(merge=1))
    assert str(caught.value) == f"plan file {path}: merge: 2 actions, more than limits.merge allows (1)"
    assert caught.value.exit_code == 2
    assert isinstance(caught.value, UsageError)


def test_problems_are_capped_one_line_each(tmp_path: Path) -> None:
    data = saved()
    data["actions"] = [{"kind": "merge", "pr": True, "head_sha": "x\ny"} for _ in range(100)]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PlanFileError) as caught:
        read_plan(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"plan file {path} has 200 problems:"
    assert len(lines) == 22
    assert lines[-1] == "  … and 180 more problems"


# -- the file itself ----------------------------------------------------------------------


def refused(path: Path | str) -> str:
    with pytest.raises(PlanFileError) as caught:
        read_plan(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_deeply_nested_json_is_one_line_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    assert refused(path).endswith("is not a plan: JSON nested too deeply")


def test_not_json_and_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{oops", encoding="utf-8")
    assert "is not JSON: Expecting property name enclosed in double quotes (line 1, column 2)" in refused(path)
    path.write_bytes(b"\xff\xfe{}")
    assert "is not UTF-8 text" in refused(path)


def test_a_file_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_PLAN_BYTES + 1)
    assert refused(path).endswith("is larger than 16 MiB, the most lbconsole reads")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
def test_special_files_and_symlink_loops_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert refused(fifo).endswith("is not a regular file (a FIFO)")  # and it does not hang
    assert refused("/dev/zero").endswith("is not a regular file (a character device)")
    assert refused(tmp_path).endswith("is not a regular file (a directory)")
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert refused(tmp_path / "a").endswith("is a symlink loop (too many levels of symbolic links)")
    assert refused(tmp_path / "missing.json").endswith("cannot be read: No such file or directory")


def test_the_demo_plan_round_trips_through_a_file(tmp_path: Path) -> None:
    data = saved("auto")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(copy.deepcopy(data)), encoding="utf-8")
    assert plan_json.to_dict(read_plan(path, Settings().limits)) == data
