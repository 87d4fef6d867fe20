"""Every GraphQL document lbconsole sends validates against GitHub's public schema."""

from __future__ import annotations

import graphql
import pytest

from lbconsole.core.orchestrator import SCAN_CONTEXT
from lbconsole.github import queries


@pytest.mark.parametrize("name", sorted(queries.ALL_DOCUMENTS))
def test_document_validates_against_githubs_schema(github_schema: graphql.GraphQLSchema, name: str) -> None:
    document = graphql.parse(queries.ALL_DOCUMENTS[name])
    assert graphql.validate(github_schema, document) == []
    operations = [d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    assert [op.name.value for op in operations if op.name] == [name]


def test_the_check_can_fail(github_schema: graphql.GraphQLSchema) -> None:
    bogus = queries.OPEN_PULLS.replace("isDraft", "isDraft bogusField")
    errors = graphql.validate(github_schema, graphql.parse(bogus))
    assert [e.message for e in errors] == ["Cannot query field 'bogusField' on type 'PullRequest'."]


def test_wrong_enum_value_is_refused(github_schema: graphql.GraphQLSchema) -> None:
    bogus = queries.OPEN_PULLS.replace("states: [OPEN]", "states: [OPENED]")
    assert graphql.validate(github_schema, graphql.parse(bogus)) != []


def test_page_size_is_githubs_maximum() -> None:
    assert queries.PAGE_SIZE == 100
    assert 'context(name: "lbconsole/security-scan")' in queries.OPEN_PULLS
    assert SCAN_CONTEXT == "lbconsole/security-scan"
