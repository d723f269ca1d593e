"""The executor, with a short path for fields whose value is already at hand.

graphql-core builds a resolve info (a 14-member tuple) for every field and
Strawberry runs nine layers of wrappers around every resolver, which is most of
the cost of a field when thousands of them are plain attributes or values
graph/prefetch.py loaded. For the fields graph/field_plans.py names (attributes,
embedded objects, relation fields whose value was prefetched) this executor
skips both: graph/completion.py completes their whole subtree in one loop, and
when it meets anything it does not answer for, the field is completed again by
graphql-core's own `complete_value`, so nullability, lists, enum and scalar
serialization and error paths and locations are exactly the executor's. Every
other field, and every field when a middleware is installed, takes the usual
path.
"""

from collections.abc import Awaitable
from typing import Any, NamedTuple

from graphql import GraphQLObjectType, Undefined
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from accounts_graph.graph.completion import Completions
from accounts_graph.graph.context import Context
from accounts_graph.graph.field_plans import Embedded, Plain, plan_of
from accounts_graph.graph.relations import Failure, Relation

_ABSENT = object()


class _Where(NamedTuple):
    """What value completion reads from a resolve info: the names its errors cite.

    Only fields of leaf and object types take the short path, whose completion
    reads nothing else (abstract types ask the info to resolve the type).
    """

    parent_type: GraphQLObjectType
    field_name: str


class Execution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context with the short path described above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._short = manager is None or not manager.middlewares
        context = self.context_value
        prefetched = context.prefetched if isinstance(context, Context) else None
        self._completions = Completions(self.schema, self.collect_subfields, prefetched)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Execute the fields of one object, as graphql-core does, but complete a
        field whose subtree is at hand in place: no path, no call per field.
        Whatever the completer does not answer for takes the usual path, which
        raises the usual error."""
        if not self._short:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        # Deferred fragments are delivered by graphql-core alone.
        fast_ok = position_context is None
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        steps = self._completions.steps(parent_type, grouped_field_set)
        try:
            for response_name, field_details_list, field in steps:
                if field is not None and fast_ok:
                    try:
                        results[response_name] = field.complete(source_value)
                        continue
                    except Exception:
                        # The usual path below meets it again and reports it.
                        pass
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
        """Resolve one field: a short-path field by reading its value and
        completing it with graphql-core's `complete_value`, others as usual."""
        name = field_details_list[0].node.name.value
        field_def = self.schema.get_field(parent_type, name)
        plan = plan_of(field_def) if field_def is not None and self._short else None
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
            if type(plan) is Plain:
                value = plan.read(source, plan.attribute)
            elif type(plan) is Embedded:
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
