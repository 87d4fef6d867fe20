"""GitHub's GraphQL errors, raised by the resolvers and reported in GitHub's shape.

A resolver raises a `TypedError` subclass; `github_error` turns any
graphql-core error into GitHub's JSON (`type`, `path`, `locations`,
`message`, and GitHub's wording for an undefined field).
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError


class TypedError(GraphQLError):
    """A GraphQL error GitHub reports with a `type`."""

    error_type = "UNPROCESSABLE"


class NotFound(TypedError):
    """GitHub's NOT_FOUND error."""

    error_type = "NOT_FOUND"


class MissingBoundaries(TypedError):
    """Neither `first` nor `last` on a connection."""

    error_type = "MISSING_PAGINATION_BOUNDARIES"


class ExcessivePagination(TypedError):
    """`first`/`last` above 100."""

    error_type = "EXCESSIVE_PAGINATION"


UNDEFINED_FIELD = re.compile(r"Cannot query field '(\w+)' on type '(\w+)'\.")


def github_error(error: GraphQLError) -> dict[str, Any]:
    """One error of an answer in GitHub's shape (its `type` when a resolver raised a `TypedError`)."""
    formatted: dict[str, Any] = {}
    original = error.original_error
    for candidate in (error, original):
        if isinstance(candidate, TypedError):
            formatted["type"] = candidate.error_type
            break
    if error.path is not None:
        formatted["path"] = list(error.path)
    match = UNDEFINED_FIELD.match(error.message)
    message = error.message
    if match:
        field_name, type_name = match.groups()
        message = f"Field '{field_name}' doesn't exist on type '{type_name}'"
        formatted["extensions"] = {"code": "undefinedField", "typeName": type_name, "fieldName": field_name}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    formatted["message"] = message
    return formatted
