"""Typed `filter` and `orderBy` inputs, compiled to RQL.

Each resource declares which of its REST paths may be filtered and sorted; the
factories below turn that declaration into GraphQL input types, so a new
filterable field is one line in the resource's module.
"""

from datetime import UTC, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry

from accounts_graph.upstream import rql

E = TypeVar("E")


class MatchesNothing(Exception):
    """A filter that no object can match, known before asking (`in: []`)."""


def _in_term(path: str, values: list[Any]) -> str:
    if not values:
        raise MatchesNothing(path)
    return rql.in_(path, values)


def _out_term(path: str, values: list[Any]) -> str | None:
    # Excluding nothing keeps everything: no term at all.
    return rql.out(path, values) if values else None


def _value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return (
            moment.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
    return value


@strawberry.input(description="Conditions on an id.")
class IdFilter:
    eq: strawberry.ID | None = strawberry.field(default=None, description="Equals.")
    in_: list[strawberry.ID] | None = strawberry.field(
        default=None,
        name="in",
        description="Is one of these; an empty list matches nothing.",
    )
    not_in: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Is none of these."
    )


@strawberry.input(description="Conditions on a text.")
class StringFilter:
    eq: str | None = strawberry.field(default=None, description="Equals exactly.")
    ne: str | None = strawberry.field(default=None, description="Differs.")
    in_: list[str] | None = strawberry.field(
        default=None, name="in", description="Is one of these."
    )
    contains: str | None = strawberry.field(
        default=None, description="Contains this text, ignoring case."
    )
    starts_with: str | None = strawberry.field(
        default=None, description="Starts with this text, ignoring case."
    )
    is_null: bool | None = strawberry.field(
        default=None, description="true: is unset; false: is set."
    )


@strawberry.input(description="Conditions on a moment in time.")
class DateTimeFilter:
    gt: datetime | None = strawberry.field(default=None, description="After.")
    ge: datetime | None = strawberry.field(default=None, description="At or after.")
    lt: datetime | None = strawberry.field(default=None, description="Before.")
    le: datetime | None = strawberry.field(default=None, description="At or before.")


@strawberry.input(description="Conditions on a yes/no value.")
class BooleanFilter:
    eq: bool | None = strawberry.field(default=None, description="Equals.")


@strawberry.input(description="Conditions on an enumerated value.")
class EnumFilter(Generic[E]):
    eq: E | None = strawberry.field(default=None, description="Equals.")
    in_: list[E] | None = strawberry.field(
        default=None, name="in", description="Is one of these."
    )
    not_in: list[E] | None = strawberry.field(
        default=None, description="Is none of these."
    )


def _terms(condition: Any, path: str) -> list[str]:
    terms: list[str | None] = []
    for name, value in vars(condition).items():
        if value is None:
            continue
        if name == "in_":
            terms.append(_in_term(path, [_value(v) for v in value]))
        elif name == "not_in":
            terms.append(_out_term(path, [_value(v) for v in value]))
        elif name == "contains":
            terms.append(rql.term("ilike", path, f"*{rql.like_pattern(value)}*"))
        elif name == "starts_with":
            terms.append(rql.term("ilike", path, f"{rql.like_pattern(value)}*"))
        elif name == "is_null":
            terms.append(f"{'eq' if value else 'ne'}({path},null())")
        else:
            terms.append(rql.term(name, path, _value(value)))
    return [t for t in terms if t]


def filter_rql(filter: Any, paths: dict[str, str]) -> str:
    """Compile a filter input to one RQL term (empty when it has no condition).

    Raises:
        MatchesNothing: a condition no object can meet.
    """
    if filter is None:
        return ""
    terms: list[str] = []
    for name, path in paths.items():
        condition = getattr(filter, name, None)
        if condition is not None:
            terms += _terms(condition, path)
    return rql.and_(*terms)


def filter_input(name: str, fields: dict[str, tuple[Any, str]]) -> Any:
    """Create `<Name>Filter`: each field is (condition type, REST path)."""
    namespace: dict[str, Any] = {"__annotations__": {}}
    for attr, (kind, path) in fields.items():
        namespace["__annotations__"][attr] = kind | None
        namespace[attr] = strawberry.field(
            default=None, description=f"Conditions on `{path}`."
        )
    cls = type(name, (), namespace)
    cls.PATHS = {attr: path for attr, (_, path) in fields.items()}  # type: ignore[attr-defined]
    return strawberry.input(
        cls, description="Conditions that all must hold (compiled to RQL)."
    )


@strawberry.enum(description="Sort direction.")
class Direction(Enum):
    ASC = "asc"
    DESC = "desc"


def order_input(name: str, fields: dict[str, str]) -> tuple[Any, Any]:
    """Create `<Name>OrderField` (member → REST path) and `<Name>Order`."""
    members: Any = Enum(f"{name}OrderField", fields)  # type: ignore[misc]
    field_enum: Any = strawberry.enum(members, description="A field to sort by.")
    namespace = {
        "__annotations__": {"field": field_enum, "direction": Direction},
        "field": strawberry.field(description="What to sort by."),
        "direction": strawberry.field(default=Direction.ASC, description="Which way."),
    }
    order = type(f"{name}Order", (), namespace)
    return field_enum, strawberry.input(order, description="One sort key.")


def order_rql(order_by: list[Any] | None) -> str:
    """Compile sort keys to the `order` parameter, ending with the id.

    Cursors are positions, so every page must come from the same total order:
    objects equal on every key (created in the same millisecond, say) are put
    in id order, or the upstream may hand them out differently on each page.
    """
    keys = [
        ("-" if key.direction is Direction.DESC else "") + key.field.value
        for key in order_by or []
    ]
    if not any(key.lstrip("-") == "id" for key in keys):
        keys.append("id")
    return ",".join(keys)
