"""Which fields the executor may complete without a resolve info or Strawberry's
resolver wrappers, and how it reads their values.

Three kinds qualify, all without arguments and of a leaf or object type:
fields without a resolver (an attribute, read as Strawberry's default resolver
reads it), embedded objects (`common.embedded`) and relation fields
(graph/relations.py), whose value graph/prefetch.py may have loaded.
"""

from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from accounts_graph.graph.relations import Relation, relation_of


class Plain(NamedTuple):
    """A field without a resolver: an attribute, read as Strawberry would.

    `leaf` is its scalar or enum type when it has one, `required` whether it is
    non-null.
    """

    read: Any
    attribute: str
    leaf: GraphQLLeafType | None
    required: bool


class Embedded(NamedTuple):
    """A field converting an object embedded in the parent's REST document."""

    convert: Any
    key: str


type FieldPlan = Plain | Embedded | Relation | None

# GraphQL field → its plan (None: the usual path). Kept with the field so that
# an id reused after a schema is gone cannot match.
_PLANS: dict[int, tuple[GraphQLField, FieldPlan]] = {}


def plan_of(field_def: GraphQLField) -> FieldPlan:
    """How to read the field's value without its resolver; None if it may not."""
    entry = _PLANS.get(id(field_def))
    if entry is not None and entry[0] is field_def:
        return entry[1]
    plan: FieldPlan = None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    named = get_named_type(field_def.type)
    if field is not None and not field_def.args and not is_abstract_type(named):
        if field.is_basic_field and not field.extensions:
            required = is_non_null_type(field_def.type)
            of = get_nullable_type(field_def.type)
            leaf = of if is_leaf_type(of) else None
            plan = Plain(field.default_resolver, field.python_name, leaf, required)
        elif (embedded := _embedded_of(field)) is not None:
            plan = Embedded(*embedded)
        else:
            plan = relation_of(field)
    _PLANS[id(field_def)] = (field_def, plan)
    return plan


def _embedded_of(field: Any) -> tuple[Any, str] | None:
    """What `common.embedded` made a field from, if it did."""
    base = getattr(field, "base_resolver", None)
    found = getattr(getattr(base, "wrapped_func", None), "embedded", None)
    return found if isinstance(found, tuple) else None
