"""Reading a saved plan (`lbconsole plan --json > FILE`, then `lbconsole run --plan FILE`).

The file comes from a workflow artifact or a person's editor, so it is read
like any untrusted input: a regular file only, at most `MAX_PLAN_BYTES`,
JSON nested too deeply is a problem (not a RecursionError), and the
document is then checked field by field (`core.plan.from_dict`) and
against the configured limits (`core.plan.check_limits`). Every problem is
one line; the error carries them all.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from lbconsole.core.plan import Plan, PlanFormatError, check_limits, from_dict
from lbconsole.core.problems import capped
from lbconsole.core.settings import Limits
from lbconsole.errors import UsageError
from lbconsole.files import RefusedFile, read_capped

MAX_PLAN_BYTES = 16 << 20
"""The largest plan file read: a full-audit plan of 3,000 PRs with its report is a few MiB."""


class PlanFileError(UsageError):
    """A plan file that cannot be run; `problems` has every reason, one line each."""

    def __init__(self, path: str | os.PathLike[str], problems: list[str] | tuple[str, ...]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        lines = capped(self.problems)
        if len(lines) == 1:
            message = f"plan file {self.path}: {lines[0]}"
        else:
            message = f"plan file {self.path} has {len(self.problems):,} problems:\n" + "\n".join(
                f"  {line}" for line in lines
            )
        super().__init__(message)


def read_plan(path: str | os.PathLike[str], limits: Limits | None = None) -> Plan:
    """Read, check and return a saved plan.

    Args:
        path: the plan file.
        limits: the limits in force (configuration plus command-line
            overrides); the plan may not ask for more. None checks only the
            plan's own limits.

    Returns:
        The plan, exactly as it was saved.

    Raises:
        PlanFileError: the file cannot be read, is not a valid plan, or asks
            for more than the limits allow (every problem listed).
    """
    try:
        raw = read_capped(path, MAX_PLAN_BYTES)
    except RefusedFile as exc:
        raise PlanFileError(path, [exc.reason]) from None
    except OSError as exc:
        raise PlanFileError(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(path, [f"is not UTF-8 text: {exc.reason} at byte {exc.start}"]) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise PlanFileError(path, ["is not a plan: JSON nested too deeply"]) from None
    except json.JSONDecodeError as exc:
        raise PlanFileError(path, [f"is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]) from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise PlanFileError(path, [f"is not JSON: {exc}"]) from None
    try:
        plan = from_dict(data)
    except PlanFormatError as exc:
        raise PlanFileError(path, exc.problems) from None
    except RecursionError:  # from_dict itself does not recurse; belt and braces for a deep `body`
        raise PlanFileError(path, ["is not a plan: nested too deeply"]) from None
    if limits is not None and (problems := check_limits(plan, limits)):
        raise PlanFileError(path, problems)
    return plan
