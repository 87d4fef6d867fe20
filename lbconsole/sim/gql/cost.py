"""The rate-limit cost of a GraphQL query, by GitHub's documented formula.

GitHub adds up the requests needed to fulfil each connection, assuming
every one reaches its `first`/`last` limit: a connection costs one request
per node of the connections above it. The sum is divided by 100 and
rounded to the nearest whole number, with a minimum of 1. lbconsole's
`OpenPulls` (pull requests, each with labels, files, commits and their
check contexts) costs about 4, not the 1 a request-count would say.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)


def _limit(node: FieldNode, variables: dict[str, Any]) -> int | None:
    for arg in node.arguments or ():
        if arg.name.value in ("first", "last"):
            value = arg.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = variables.get(value.name.value)
                return int(given) if isinstance(given, int) else None
    return None


def query_cost(document: DocumentNode, variables: dict[str, Any], operation_name: str | None = None) -> int:
    """Points a query costs (GitHub's formula); mutations cost 1.

    Args:
        document: the parsed request.
        variables: the request's variables (a `first: $n` counts as `$n`).
        operation_name: which operation runs, when the document has several.

    Returns:
        The cost, at least 1.
    """
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return 1
    total = 0

    def walk(selection_set: SelectionSetNode | None, parents: int, seen: frozenset[str]) -> None:
        nonlocal total
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                limit = _limit(selection, variables)
                if limit is None:
                    walk(selection.selection_set, parents, seen)
                else:
                    total += parents
                    walk(selection.selection_set, parents * max(limit, 1), seen)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, parents, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    walk(fragments[name].selection_set, parents, seen | {name})

    walk(operations[0].selection_set, 1, frozenset())
    return max(1, int(total / 100 + 0.5))
