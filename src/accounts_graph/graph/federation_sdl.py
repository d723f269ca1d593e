"""The schema as two documents: the API clients see, and the subgraph gateways compose.

`/graphql` serves one schema, which is also an Apollo Federation subgraph: the
entities carry `@key`, and `Query` has the gateway's fields `_service` and
`_entities`. Clients and code generators want the API without that plumbing,
as a gateway would present it: `api_sdl` (the committed `schema.graphql`).
Gateways want the subgraph SDL with its `@link` and `@key`: `subgraph_sdl`,
the same text `_service { sdl }` answers.
"""

from graphql import (
    GraphQLNamedType,
    GraphQLObjectType,
    is_introspection_type,
    is_specified_directive,
    is_specified_scalar_type,
)
from graphql.utilities.print_schema import print_directive, print_type
from strawberry.federation import Schema
from strawberry.printer import print_schema

# What Federation adds to a subgraph and a gateway strips from the API it serves.
FEDERATION_FIELDS = frozenset({"_service", "_entities"})
FEDERATION_TYPES = frozenset({"_Any", "_Entity", "_Service", "_FieldSet"})
# Types of the `@link` spec itself (`link__Purpose`, `link__Import`, …).
FEDERATION_PREFIXES = ("link__", "federation__")
FEDERATION_DIRECTIVES = frozenset({"key", "link"})


def is_federation_type(name: str) -> bool:
    """Tell a type Federation adds to the subgraph from one of the API."""
    return name in FEDERATION_TYPES or name.startswith(FEDERATION_PREFIXES)


def subgraph_sdl(schema: Schema) -> str:
    """Return the subgraph SDL, as `_service { sdl }` answers it."""
    return print_schema(schema)


def api_sdl(schema: Schema) -> str:
    """Return the SDL of the API without Federation's types, fields and directives.

    Types print in name order, as Strawberry prints them, each exactly as
    graphql-core prints it: applied directives (`@key`) are not part of that.
    """
    graphql_schema = schema._schema
    types = [
        _without_federation_fields(kind)
        for name, kind in sorted(graphql_schema.type_map.items())
        if not is_federation_type(name)
        and not is_introspection_type(kind)
        and not is_specified_scalar_type(kind)
    ]
    directives = [
        directive
        for directive in graphql_schema.directives
        if not is_specified_directive(directive)
        and directive.name not in FEDERATION_DIRECTIVES
    ]
    parts = [print_directive(directive) for directive in directives]
    parts += [print_type(kind) for kind in types]

    return "\n\n".join(parts)


def _without_federation_fields(kind: GraphQLNamedType) -> GraphQLNamedType:
    if not isinstance(kind, GraphQLObjectType):
        return kind
    if not FEDERATION_FIELDS & kind.fields.keys():
        return kind
    fields = {
        name: field
        for name, field in kind.fields.items()
        if name not in FEDERATION_FIELDS
    }
    return GraphQLObjectType(
        kind.name, fields, kind.interfaces, description=kind.description
    )
