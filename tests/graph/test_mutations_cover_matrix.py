"""Every capability that changes something is one root mutation, named after it."""

from graphql import GraphQLObjectType

from accounts_graph.graph.schema import schema
from accounts_graph.platform.capabilities import CAPABILITIES


def _mutation_fields() -> set[str]:
    mutation = schema._schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)
    return set(mutation.fields)


def test_mutation_fields_are_exactly_the_changing_capabilities() -> None:
    changing = {
        row.graphql
        for row in CAPABILITIES
        if row.method != "GET" and "." not in row.graphql
    }

    assert _mutation_fields() == changing


def test_every_mutation_returns_a_payload_with_errors() -> None:
    mutation = schema._schema.mutation_type
    assert isinstance(mutation, GraphQLObjectType)

    for name, field in mutation.fields.items():
        payload = field.type
        assert isinstance(payload, GraphQLObjectType), name
        assert payload.name == name[0].upper() + name[1:] + "Payload"
        assert "errors" in payload.fields, name
