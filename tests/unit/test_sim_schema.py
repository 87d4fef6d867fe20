"""The simulator's GraphQL schema is a faithful subset of GitHub's public schema."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    parse,
    print_ast,
    validate,
)

from lbconsole.github.queries import ALL_DOCUMENTS
from lbconsole.sim.gql import schema as sim_schema


@pytest.fixture(scope="module")
def github(github_schema: GraphQLSchema) -> GraphQLSchema:
    return github_schema


def default_of(arg: GraphQLArgument) -> str | None:
    node = arg.ast_node
    return print_ast(node.default_value) if node is not None and node.default_value is not None else None


def own_types(schema: GraphQLSchema) -> dict[str, object]:
    return {name: t for name, t in schema.type_map.items() if not name.startswith("__")}


def test_every_type_field_and_argument_exists_in_github(github: GraphQLSchema) -> None:
    problems = []
    for name, ours in own_types(sim_schema()).items():
        theirs = github.type_map.get(name)
        if theirs is None or type(theirs) is not type(ours):
            problems.append(f"type {name}")
            continue
        if isinstance(ours, GraphQLEnumType):
            assert isinstance(theirs, GraphQLEnumType)
            if set(ours.values) != set(theirs.values):
                problems.append(f"enum {name}: {set(ours.values) ^ set(theirs.values)}")
        if isinstance(ours, GraphQLUnionType):
            assert isinstance(theirs, GraphQLUnionType)
            extra = {t.name for t in ours.types} - {t.name for t in theirs.types}
            if extra:
                problems.append(f"union {name}: {extra}")
        if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(theirs, GraphQLObjectType | GraphQLInterfaceType)
            extra = {i.name for i in ours.interfaces} - {i.name for i in theirs.interfaces}
            if extra:
                problems.append(f"{name} implements {extra}")
        if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in ours.fields.items():
                other = theirs.fields.get(field_name)  # type: ignore[attr-defined]
                if other is None or str(other.type) != str(field.type):
                    problems.append(f"{name}.{field_name}: {field.type} vs {other and other.type}")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    their_arg = other.args.get(arg_name)
                    if their_arg is None or str(their_arg.type) != str(arg.type):
                        problems.append(f"{name}.{field_name}({arg_name})")
                    elif default_of(arg) != default_of(their_arg):
                        problems.append(f"{name}.{field_name}({arg_name}) default")
    assert problems == []


def test_every_document_validates_against_the_subset() -> None:
    for name, document in ALL_DOCUMENTS.items():
        assert validate(sim_schema(), parse(document)) == [], name


def test_schema_file_is_a_subset_not_a_copy() -> None:
    assert len(own_types(sim_schema())) < 150  # GitHub has about 1,700


def test_fast_path_answers_like_graphql_core(monkeypatch: pytest.MonkeyPatch) -> None:
    from lbconsole.github.queries import OPEN_PULLS
    from lbconsole.sim.gql import execution as gql
    from lbconsole.sim.scenarios import build

    state = build("demo")
    limits: dict[str, Any] = {"cost": 1, "remaining": 4999, "reset_at": 1_900_000_000.0, "limit": 5000, "used": 1}
    first = gql.execute(
        state, {"query": OPEN_PULLS, "variables": {"owner": "acme", "name": "rocket", "first": 25}}, **limits
    )
    cursor = first["data"]["repository"]["pullRequests"]["pageInfo"]["endCursor"]
    bodies = [
        {"query": OPEN_PULLS, "variables": {"owner": "acme", "name": "rocket", "first": 25}},
        {"query": OPEN_PULLS, "variables": {"owner": "acme", "name": "rocket", "first": 25, "after": cursor}},
    ]
    fast = [gql.execute(state, body, **limits) for body in bodies]
    monkeypatch.setattr(gql, "_fast_execute", lambda *args: None)
    slow = [gql.execute(state, body, **limits) for body in bodies]
    assert fast == slow
    assert len(fast[1]["data"]["repository"]["pullRequests"]["nodes"]) == 15
