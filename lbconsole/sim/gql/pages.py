"""Connections the GraphQL way: `first`/`last`/`after`/`before`, cursors, `pageInfo`, `totalCount`.

GitHub refuses a connection without `first` or `last`, and pages over 100;
a cursor holds the sort key of its item, so pages stay correct when items
before it disappear (a PR merged between two page requests).
"""

from __future__ import annotations

import base64
import bisect
import json
from typing import Any

from graphql import GraphQLError

from lbconsole.sim.gql.errors import ExcessivePagination, MissingBoundaries

MAX_PAGE = 100


def asks_for_items(info: Any) -> bool:
    """Whether the connection field being resolved selects `nodes` or `edges` (True without `info`)."""
    if info is None:
        return True
    for node in info.field_nodes:
        for selection in node.selection_set.selections if node.selection_set else ():
            name = getattr(getattr(selection, "name", None), "value", None)
            if name in ("nodes", "edges") or name is None:  # a fragment may select them
                return True
    return False


def connection_args(name: str, first: int | None, last: int | None, info: Any = None) -> int:
    """The page size GitHub would serve; raises GitHub's errors for missing, excessive or negative bounds.

    Like GitHub, a connection asked only for `totalCount` or `pageInfo` needs no bounds (`info` tells).
    """
    if first is None and last is None:
        if not asks_for_items(info):
            return 0
        raise MissingBoundaries(
            f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
        )
    for arg, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise ExcessivePagination(
                f"Requesting {value} records on the `{name}` connection exceeds the `{arg}` "
                f"limit of {MAX_PAGE} records."
            )
        if value is not None and value < 0:
            raise GraphQLError(f"`{arg}` on the `{name}` connection cannot be less than zero.")
    return first if first is not None else last  # type: ignore[return-value]


def _cursor(key: Any) -> str:
    return base64.b64encode(("cursor:v2:" + json.dumps(key)).encode()).decode()


def _uncursor(cursor: str) -> Any:
    try:
        text = base64.b64decode(cursor.encode()).decode()
        if not text.startswith("cursor:v2:"):
            raise ValueError(text)
        return json.loads(text.removeprefix("cursor:v2:"))
    except ValueError:
        raise GraphQLError(f"`{cursor}` does not appear to be a valid cursor.") from None


def _same(key: Any) -> Any:
    return key


def _negated(key: Any) -> Any:
    """A descending key as an ascending one: [-a, -b] (keys are numbers or lists of numbers)."""
    try:
        return [-part for part in key] if isinstance(key, list) else -key
    except TypeError:
        raise GraphQLError("The cursor does not belong to this connection.") from None


def connection(
    items: list[Any],
    keys: list[Any],
    name: str,
    first: int | None,
    last: int | None,
    after: str | None,
    before: str | None,
    *,
    desc: bool = False,
    info: Any = None,
) -> dict[str, Any]:
    """Cursor pagination of `items` (sorted by `keys`, descending when `desc`) as a Connection.

    A cursor holds the key of its item, so pages stay correct when items
    before it disappear (a PR merged between two page requests).
    """
    count = connection_args(name, first, last, info)
    lo, hi = 0, len(items)

    # `keys` is sorted (descending when `desc`): a cursor is found by bisection, not by a scan.
    ascending = _negated if desc else _same
    if after is not None:
        lo = bisect.bisect_right(keys, ascending(_uncursor(after)), key=ascending)
    if before is not None:
        hi = bisect.bisect_left(keys, ascending(_uncursor(before)), key=ascending)
    hi = max(hi, lo)
    if first is not None:
        start, end = lo, min(hi, lo + count)
    else:
        start, end = max(lo, hi - count), hi
    window = items[start:end]
    return {
        "nodes": window,
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": end < hi if first is not None else end < len(items),
            "hasPreviousPage": start > lo if last is not None else start > 0,
            "startCursor": _cursor(keys[start]) if window else None,
            "endCursor": _cursor(keys[end - 1]) if window else None,
        },
    }


def list_connection(
    items: list[Any],
    name: str,
    first: int | None = None,
    last: int | None = None,
    after: str | None = None,
    before: str | None = None,
    info: Any = None,
    **_: Any,
) -> dict[str, Any]:
    """A connection over `items` in their order (the cursor is the index)."""
    return connection(items, list(range(len(items))), name, first, last, after, before, info=info)
