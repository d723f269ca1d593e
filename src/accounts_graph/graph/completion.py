"""Completing a subtree whose values are all at hand, in one tight loop.

graphql-core completes each object through half a dozen calls (complete_value,
complete_object_value, collecting its fields, execute_fields, a path and an
execute_field per field) and each list item through three more. When a subtree
holds only attributes, embedded objects and relation values graph/prefetch.py
loaded, nothing in it can await or call a resolver: the completers compiled
here, once per selection and execution, build its response dicts directly: a
loop over the fields per object, a list comprehension per list.

They only ever build what graphql-core would. Anything else (a null the schema
does not allow, a value its scalar or enum refuses, an object of another type, a
relation not prefetched or failed, any exception) raises, and the executor
completes that field again by graphql-core's own path, which reports the error
at its path. A field the compiler does not know how to read (a resolver,
arguments, an abstract type, @defer or @stream) has no completer at all.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLID,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import (
    CollectedFields,
    FieldDetailsList,
    GroupedFieldSet,
)
from strawberry.schema.schema_converter import (
    CustomGraphQLEnumType,
    GraphQLCoreConverter,
)
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

from accounts_graph.graph.field_plans import Embedded, Plain, plan_of
from accounts_graph.graph.relations import Failure, Relation


class Fallback(Exception):
    """A value only graphql-core's own completion may answer for."""


type Complete = Callable[[Any], Any]
type Collect = Callable[[GraphQLObjectType, FieldDetailsList], CollectedFields]


class _Never:
    """The type of no value: `Field.exact` of a field whose values all need
    completing."""


class Field(NamedTuple):
    """How to complete one field of an object.

    `complete` takes the object. A field that is an attribute read with
    `getattr` also names its `attribute`, and `finish` completes the attribute's
    value unless it is of type `exact` (a string for String and ID): the object
    completer reads it inline, one call less per field, which is most of the
    cost of a leaf.
    """

    complete: Complete
    attribute: str | None
    exact: type
    finish: Complete


type Step = tuple[str, FieldDetailsList, Field | None]

_ABSENT = object()


class Completions:
    """The completers of one execution, compiled once per selection.

    `collect` is the executor's memoized `collect_subfields`, so a selection is
    the same grouped field set here and there; `prefetched` is the context's
    (None: relation fields have no completer).
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        collect: Collect,
        prefetched: dict[tuple[Any, int], Any] | None,
    ) -> None:
        self._schema = schema
        self._collect = collect
        self._prefetched = prefetched
        # Keyed by identity, the selection kept with its entry so that its id
        # cannot be reused while the execution runs.
        self._steps: dict[int, tuple[GroupedFieldSet, list[Step]]] = {}
        self._met: dict[int, GroupedFieldSet] = {}
        self._objects: dict[
            tuple[int, bool], tuple[GroupedFieldSet, Complete | None]
        ] = {}

    def steps(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[Step]:
        """Each field of a selection with its completer (from the parent object).

        The first object of a selection gets none: compiling costs more than
        it saves until the selection repeats, as it does for the items of a
        list, and a query for one object never repeats it.
        """
        entry = self._steps.get(id(grouped_field_set))
        if entry is not None and entry[0] is grouped_field_set:
            return entry[1]
        if self._met.get(id(grouped_field_set)) is not grouped_field_set:
            self._met[id(grouped_field_set)] = grouped_field_set
            return [
                (name, details, None) for name, details in grouped_field_set.items()
            ]
        return self._compiled(parent_type, grouped_field_set)

    def _compiled(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[Step]:
        entry = self._steps.get(id(grouped_field_set))
        if entry is not None and entry[0] is grouped_field_set:
            return entry[1]
        steps = [
            (name, details, self._field(parent_type, details))
            for name, details in grouped_field_set.items()
        ]
        self._steps[id(grouped_field_set)] = (grouped_field_set, steps)
        return steps

    def _field(
        self, parent_type: GraphQLObjectType, details: FieldDetailsList
    ) -> Field | None:
        if any(
            d.defer_usage is not None or d.fragment_variable_values is not None
            for d in details
        ):
            return None
        name = details[0].node.name.value
        if name == "__typename":
            return _whole(_constant(parent_type.name))
        field_def = self._schema.get_field(parent_type, name)
        if field_def is None or any(_streamed(d.node) for d in details):
            return None
        plan = plan_of(field_def)
        if plan is None:
            return None
        value = self._value(field_def.type, details)
        if value is None:
            return None
        if isinstance(plan, Plain):
            complete = _attribute(plan, value)
            if plan.read is not getattr:
                return _whole(complete)
            return Field(complete, plan.attribute, _exact(plan.leaf), value)
        if isinstance(plan, Embedded):
            return _whole(_embedded(plan, value))
        if self._prefetched is None:
            return None
        return _whole(_prefetched(plan, self._prefetched, value))

    def _value(
        self, return_type: GraphQLOutputType, details: FieldDetailsList
    ) -> Complete | None:
        """The completer of a value of `return_type` (what complete_value does)."""
        if is_non_null_type(return_type):
            of = return_type.of_type
            if is_object_type(of):
                # One call less per item of the lists of objects.
                return self._object(of, details, required=True)
            inner = self._value(of, details)
            return None if inner is None else _required(inner)
        if is_list_type(return_type):
            item = self._value(return_type.of_type, details)
            return None if item is None else _list(item)
        if is_leaf_type(return_type):
            return leaf(return_type)
        if is_object_type(return_type):
            return self._object(return_type, details)
        return None

    def _object(
        self,
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        required: bool = False,
    ) -> Complete | None:
        collected = self._collect(object_type, details)
        if collected.new_defer_usages:
            return None
        selection = collected.grouped_field_set
        key = (id(selection), required)
        entry = self._objects.get(key)
        if entry is not None and entry[0] is selection:
            return entry[1]
        fields = [
            (name, field) for name, _, field in self._compiled(object_type, selection)
        ]
        built: Complete | None = None
        if all(field is not None for _, field in fields):
            built = _object(object_type, fields, required)  # type: ignore[arg-type]
        self._objects[key] = (selection, built)
        return built


def _whole(complete: Complete) -> Field:
    """A field completed from its object alone."""
    return Field(complete, None, _Never, complete)


def _exact(leaf_type: GraphQLLeafType | None) -> type:
    """The type of the values that are their own completion in `leaf_type`."""
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return str
    if leaf_type is GraphQLBoolean:
        return bool
    return _Never


def _streamed(node: FieldNode) -> bool:
    return any(d.name.value == "stream" for d in node.directives or ())


def _constant(value: str) -> Complete:
    def complete(source: Any) -> str:
        return value

    return complete


def _attribute(plan: Plain, value: Complete) -> Complete:
    read, attribute, exact = plan.read, plan.attribute, _exact(plan.leaf)

    def complete(source: Any) -> Any:
        found = read(source, attribute)
        return found if type(found) is exact else value(found)

    return complete


def _embedded(plan: Embedded, value: Complete) -> Complete:
    convert, key = plan.convert, plan.key

    def complete(source: Any) -> Any:
        return value(convert(source._raw.get(key)))

    return complete


def _prefetched(
    relation: Relation, prefetched: dict[tuple[Any, int], Any], value: Complete
) -> Complete:
    def complete(source: Any) -> Any:
        found = prefetched.get((relation, id(source)), _ABSENT)
        if found is _ABSENT or type(found) is Failure:
            raise Fallback
        return value(found)

    return complete


def _required(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            raise Fallback
        completed = inner(value)
        if completed is None:
            raise Fallback
        return completed

    return complete


def _list(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if type(value) is not list:
            raise Fallback
        return [item(each) for each in value]

    return complete


def _object(
    object_type: GraphQLObjectType, fields: list[tuple[str, Field]], required: bool
) -> Complete | None:
    """An object's completer, checking its type as its `is_type_of` would; a
    `required` one refuses null."""
    steps = tuple(
        (name, field.attribute, field.exact, field.finish) for name, field in fields
    )
    checks = object_type.is_type_of is not None
    origin: Any = None
    if checks:
        definition = (object_type.extensions or {}).get(
            GraphQLCoreConverter.DEFINITION_BACKREF
        )
        if definition is None or definition.is_type_of is not None:
            # Not Strawberry's own check: only graphql-core may call it.
            return None
        # Strawberry's check accepts an instance of the class that is not cast
        # to another type; anything else is left to the check itself.
        origin = definition.origin

    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if required:
                raise Fallback
            return None
        if checks:
            if type(value) is not origin or getattr(value, TYPE_CAST_ATTRIBUTE, None):
                raise Fallback
        elif isinstance(value, Exception):
            raise Fallback
        completed = {}
        for name, attribute, exact, finish in steps:
            if attribute is None:
                completed[name] = finish(value)
            else:
                found = getattr(value, attribute)
                completed[name] = found if type(found) is exact else finish(found)
        return completed

    return complete


def leaf(leaf_type: GraphQLLeafType) -> Complete:
    """The completer of a scalar or enum value (complete_leaf_value)."""
    coerce = leaf_type.coerce_output_value

    def coerced(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise Fallback
        result = coerce(value)
        if result is None or result is Undefined:
            raise Fallback
        return result

    exact = _exact(leaf_type)
    if exact is not _Never:

        def identity(value: Any) -> Any:
            return value if type(value) is exact else coerced(value)

        return identity
    if type(leaf_type) is CustomGraphQLEnumType:
        names = _enum_names(leaf_type)
        wrapped = leaf_type.wrapped_cls

        def enum(value: Any) -> Any:
            return names[value] if type(value) is wrapped else coerced(value)

        return enum
    return coerced


def _enum_names(enum_type: CustomGraphQLEnumType) -> dict[Any, str]:
    """Each member's GraphQL name, as Strawberry's enum type serializes it: the
    first value equal to the member's (a member without one raises KeyError)."""
    names: dict[Any, str] = {}
    member: Any
    for member in enum_type.wrapped_cls:
        for name, value in enum_type.values.items():
            if member.value == value.value:
                names[member] = name
                break
    return names
