"""The schema documents itself: every type, field, argument and input field."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from accounts_graph.graph.federation_sdl import FEDERATION_FIELDS, is_federation_type
from accounts_graph.graph.schema import schema


def _missing_descriptions() -> list[str]:
    missing = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__") or name in ("String", "Boolean", "Int", "Float", "ID"):
            continue
        # Federation's own plumbing, which gateways strip from the API.
        if is_federation_type(name):
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if field_name in FEDERATION_FIELDS:
                    continue
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, value in field.args.items()
                    if not value.description
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [
                f"{name}.{field_name}"
                for field_name, field in kind.fields.items()
                if not field.description
            ]
    return missing


def test_every_type_field_and_argument_has_a_description() -> None:
    assert _missing_descriptions() == []


def test_enums_are_upper_snake_over_the_rest_values() -> None:
    status = schema._schema.type_map["BuyerStatus"]
    assert isinstance(status, GraphQLEnumType)

    assert set(status.values) == {
        "ENABLED",
        "ACTIVE",
        "DISABLED",
        "DELETED",
        "UNASSIGNED",
        "CONFLICT",
        "MISMATCH",
    }


def test_every_resource_implements_node() -> None:
    node = schema._schema.type_map["Node"]

    implementations = schema._schema.get_implementations(node)  # type: ignore[arg-type]

    assert {t.name for t in implementations.objects} == {
        "Account",
        "AccountUser",
        "ApiToken",
        "Buyer",
        "CloudTenant",
        "ErpLink",
        "Licensee",
        "Module",
        "Seller",
        "User",
        "UserGroup",
    }
