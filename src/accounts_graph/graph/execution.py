"""The executor, with a short path for fields whose value is already at hand.

graphql-core builds a resolve info (a 14-member tuple) for every field and
Strawberry runs nine layers of wrappers around every resolver, which is most of
the cost of a field when thousands of them are plain attributes or values
graph/prefetch.py loaded. For three kinds of fields this executor skips both:
fields without a resolver (an attribute read through Strawberry's default
resolver), embedded objects (`common.embedded`) and relation fields whose
value was prefetched. The value is then
completed by graphql-core's own `complete_value`, so nullability, lists, enum
and scalar serialization and error locations are exactly the executor's. Every
other field, and every field when a middleware is installed, takes the usual
path.
"""

from collections.abc import Awaitable
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from accounts_graph.graph.context import Context
from accounts_graph.graph.relations import Failure, Relation, relation_of


class _Where(NamedTuple):
    """What value completion reads from a resolve info: the names its errors cite.

    Only fields of leaf and object types take the short path, whose completion
    reads nothing else (abstract types ask the info to resolve the type).
    """

    parent_type: GraphQLObjectType
    field_name: str


class _Plain(NamedTuple):
    """A field without a resolver: an attribute, read as Strawberry would.

    `leaf` is its scalar or enum type when it has one, `required` whether it is
    non-null: such a field is completed in place (`Execution.execute_fields`).
    """

    read: Any
    attribute: str
    leaf: GraphQLLeafType | None
    required: bool


class _Embedded(NamedTuple):
    """A field converting an object embedded in the parent's REST document."""

    convert: Any
    key: str


class _Step(NamedTuple):
    """One field of a selection: where its value goes, and its plain leaf plan."""

    response_name: str
    field_details_list: FieldDetailsList
    leaf: _Plain | None


_ABSENT = object()
# GraphQL field → how to short-cut it (None: the usual path). Kept with the field
# so that an id reused after a schema is gone cannot match.
type _Plan = _Plain | _Embedded | Relation | None
_PLANS: dict[int, tuple[GraphQLField, _Plan]] = {}


def _plan(field_def: GraphQLField) -> _Plan:
    entry = _PLANS.get(id(field_def))
    if entry is not None and entry[0] is field_def:
        return entry[1]
    plan: _Plan = None
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    named = get_named_type(field_def.type)
    if field is not None and not field_def.args and not is_abstract_type(named):
        if field.is_basic_field and not field.extensions:
            required = is_non_null_type(field_def.type)
            of = get_nullable_type(field_def.type)
            leaf = of if is_leaf_type(of) else None
            plan = _Plain(field.default_resolver, field.python_name, leaf, required)
        elif (embedded := _embedded_of(field)) is not None:
            plan = _Embedded(*embedded)
        else:
            plan = relation_of(field)
    _PLANS[id(field_def)] = (field_def, plan)
    return plan


class Execution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context with the short path described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._short = manager is None or not manager.middlewares
        # Per selection (graphql-core collects one per type and field nodes, and
        # keeps it for the whole execution): each field's plain leaf, if any.
        self._steps: dict[int, tuple[GroupedFieldSet, list[_Step]]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Execute the fields of one object, as graphql-core does, but complete a
        plain scalar or enum attribute in place: no path, no call per field.
        Whatever is not plain and valid (a null where one is not allowed, a value
        the type refuses) takes the usual path, which raises the usual error."""
        if not self._short:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        steps = self._steps.get(id(grouped_field_set))
        if steps is None or steps[0] is not grouped_field_set:
            steps = (grouped_field_set, self._steps_of(parent_type, grouped_field_set))
            self._steps[id(grouped_field_set)] = steps
        try:
            for response_name, field_details_list, leaf in steps[1]:
                if leaf is not None:
                    value = _leaf_value(leaf, source_value)
                    if value is not _ABSENT:
                        results[response_name] = value
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if self.is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gathered(results, awaitable_fields)

    def _steps_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list["_Step"]:
        steps = []
        for response_name, field_details_list in grouped_field_set.items():
            name = field_details_list[0].node.name.value
            field_def = self.schema.get_field(parent_type, name)
            plan = _plan(field_def) if field_def is not None else None
            leaf = plan if type(plan) is _Plain and plan.leaf is not None else None
            steps.append(_Step(response_name, field_details_list, leaf))
        return steps

    async def _gathered(
        self, results: dict[str, Any], awaitable_fields: list[str]
    ) -> dict[str, Any]:
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
            return results
        awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
        return results

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        name = field_details_list[0].node.name.value
        field_def = self.schema.get_field(parent_type, name)
        plan = _plan(field_def) if field_def is not None and self._short else None
        if plan is None or field_def is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        if type(plan) is Relation:
            context = self.context_value
            assert isinstance(context, Context)
            value = context.prefetched.get((plan, id(source)), _ABSENT)
            if value is _ABSENT or type(value) is Failure:
                return super().execute_field(
                    parent_type, source, field_details_list, path, position_context
                )
        return_type = field_def.type
        try:
            if type(plan) is _Plain:
                value = plan.read(source, plan.attribute)
            elif type(plan) is _Embedded:
                value = plan.convert(source._raw.get(plan.key))
            completed = self.complete_value(
                return_type,
                field_details_list,
                _Where(parent_type, name),  # type: ignore[arg-type]
                path,
                value,
                position_context,
            )
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._settled(completed, return_type, field_details_list, path)
        return completed

    async def _settled(
        self,
        completed: Awaitable[Any],
        return_type: Any,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None


def _embedded_of(field: Any) -> tuple[Any, str] | None:
    """What `common.embedded` made a field from, if it did."""
    base = getattr(field, "base_resolver", None)
    found = getattr(getattr(base, "wrapped_func", None), "embedded", None)
    return found if isinstance(found, tuple) else None


def _leaf_value(plan: _Plain, source: Any) -> Any:
    """The completed value of a plain leaf field, or _ABSENT for the usual path."""
    try:
        value = plan.read(source, plan.attribute)
        if value is None:
            return _ABSENT if plan.required else None
        assert plan.leaf is not None
        coerced = plan.leaf.coerce_output_value(value)
    except Exception:
        # The usual path reads it again and reports the error where it belongs.
        return _ABSENT
    if coerced is None or coerced is Undefined:
        return _ABSENT
    return coerced
