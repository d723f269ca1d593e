"""What an operation may cost before it runs: the objects its lists may return.

Every list item counts one, multiplied down the tree: a connection's page is its
`first` or `last` (literal, variable or the default page), a relation list without
a page argument is assumed to be one default page long, and a connection counts
one more for its count request. `accounts(first: 100) { nodes { users { groups } } }`
may return 100 accounts, 2,000 account users and 40,000 groups: 42,101. Scalars and
single objects are free; introspection is not counted.

A gateway's `_entities(representations: [...])` returns one object per
representation, so each counts one, times what the fragments of its
`__typename` select: 50 `Account` references selecting `users { groups }` cost
50 + 50 x (20 + 400). Each call's count of representations is kept too: the
limits bound it on its own.

Fragments are costed once per type condition and page (the cost scales linearly
with the parent's multiplier), so fragments spreading fragments cannot make the
walk exponential; cycles and unknown fragments are left to validation.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
    value_from_ast_untyped,
)

from accounts_graph.graph.connection import DEFAULT_PAGE
from accounts_graph.graph.errors import ErrorCode

PAGE_ARGUMENTS = ("first", "last")
ENTITIES = "_entities"


@dataclass
class Cost:
    """An operation's cost, and the arguments out of bounds found on the way
    (page sizes, representations)."""

    total: int = 0
    out_of_bounds: list[GraphQLError] = field(default_factory=list)
    # Each `_entities` call and its number of representations.
    entities: list[tuple[FieldNode, int]] = field(default_factory=list)


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
    max_page: int,
) -> Cost:
    """Cost one (valid) operation with the request's variables."""
    root = schema.get_root_type(operation.operation)
    walk = _Walk(schema, fragments, _variable_values(operation, variables), max_page)
    if root is None:
        return walk.cost
    walk.cost.total = walk.selection_set(operation.selection_set, root, None)
    return walk.cost


def _variable_values(
    operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Return the variables' values, their defaults filled in where absent."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        default = definition.default_value
        if default is not None:
            values[definition.variable.name.value] = value_from_ast_untyped(default)
    values.update(variables or {})
    return values


Composite = GraphQLObjectType | GraphQLInterfaceType


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        max_page: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page = max_page
        self.cost = Cost()
        self.costed: dict[tuple[str, int | None, str | None], int] = {}
        self.in_progress: set[str] = set()

    def selection_set(
        self,
        selection_set: SelectionSetNode,
        parent: Any,
        page: int | None,
        runtime: GraphQLObjectType | None = None,
    ) -> int:
        """Return the cost of one parent's selection; `page` sizes its lists.

        With `runtime`, the object's own type, fragments of other types are free;
        without it, every fragment counts, as an object might match each.
        """
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if not self._applies(condition, runtime):
                    continue
                kind = self.schema.get_type(condition.name.value) if condition else None
                total += self.selection_set(
                    selection.selection_set, kind or parent, page, runtime
                )
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, page, runtime)
        return total

    def _applies(
        self, condition: NamedTypeNode | None, runtime: GraphQLObjectType | None
    ) -> bool:
        if condition is None or runtime is None:
            return True
        kind = self.schema.get_type(condition.name.value)
        if kind is runtime:
            return True
        return is_abstract_type(kind) and self.schema.is_sub_type(
            cast(GraphQLAbstractType, kind), runtime
        )

    def _fragment(
        self, name: str, page: int | None, runtime: GraphQLObjectType | None
    ) -> int:
        key = (name, page, runtime.name if runtime else None)
        if key in self.costed:
            return self.costed[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return 0
        if not self._applies(fragment.type_condition, runtime):
            return 0
        self.in_progress.add(name)
        kind = self.schema.get_type(fragment.type_condition.name.value)
        cost = self.selection_set(fragment.selection_set, kind, page, runtime)
        self.in_progress.discard(name)
        self.costed[key] = cost
        return cost

    def _field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        name = node.name.value
        if node.selection_set is None or name.startswith("__"):
            return 0
        if not isinstance(parent, Composite):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        child = get_named_type(definition.type)
        if name == ENTITIES and "representations" in definition.args:
            return self._entities(node, child)
        if any(argument in definition.args for argument in PAGE_ARGUMENTS):
            own_page = self._page(node, definition)
            return 1 + self.selection_set(node.selection_set, child, own_page)
        if is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            size = DEFAULT_PAGE if page is None else page
            return size + size * self.selection_set(node.selection_set, child, None)
        return self.selection_set(node.selection_set, child, None)

    def _entities(self, node: FieldNode, union: Any) -> int:
        """Return the cost of `_entities`: per representation, one object and
        what the fragments of its `__typename` select."""
        representations = self._representations(node)
        self.cost.entities.append((node, len(representations)))
        typenames = Counter(
            typename
            if isinstance(item, dict)
            and isinstance(typename := item.get("__typename"), str)
            else None
            for item in representations
        )
        total = 0
        for typename, count in typenames.items():
            kind = self.schema.get_type(typename) if typename else None
            each = 1
            # A representation of no entity type is refused alone, unloaded.
            if (
                isinstance(kind, GraphQLObjectType)
                and is_abstract_type(union)
                and self.schema.is_sub_type(union, kind)
                and node.selection_set
            ):
                each += self.selection_set(node.selection_set, kind, None, kind)
            total += count * each
        return total

    def _representations(self, node: FieldNode) -> list[Any]:
        """Return the representations as sent, from the document or variables
        (a single one is a list of one to GraphQL)."""
        for argument in node.arguments or ():
            if argument.name.value == "representations":
                value = value_from_ast_untyped(argument.value, dict(self.variables))
                if value is None:
                    return []
                return value if isinstance(value, list) else [value]
        return []

    def _page(self, node: FieldNode, definition: GraphQLField) -> int:
        """Return the page a connection asks for; refuse sizes out of bounds."""
        sizes = {
            argument.name.value: self._int(argument.value)
            for argument in node.arguments or ()
            if argument.name.value in PAGE_ARGUMENTS
        }
        for name, size in sizes.items():
            if size is not None and not 0 <= size <= self.max_page:
                self.cost.out_of_bounds.append(
                    GraphQLError(
                        f"'{name}' must be between 0 and {self.max_page}.",
                        nodes=[node],
                        extensions={
                            "code": ErrorCode.BAD_USER_INPUT.value,
                            "maxPageSize": self.max_page,
                        },
                    )
                )
        given = [size for size in sizes.values() if size is not None]
        return min(max(0, *given), self.max_page) if given else DEFAULT_PAGE

    def _int(self, value: ValueNode) -> int | None:
        """Return an argument's integer value; None when absent, null or not one
        (variable coercion refuses those later, with its own error)."""
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            found = self.variables.get(value.name.value)
            # bool is an int to Python, never to GraphQL.
            if isinstance(found, int) and not isinstance(found, bool):
                return found
        return None
