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

Fields are merged as execution merges them: the fields of one parent with the
same response name (alias or name), met directly, through inline fragments or
through spreads, are one field whose selection is theirs together; a field
selected twice costs once. Each merged field is costed once per set of nodes,
parent type and page (the cost scales linearly with the parent's multiplier),
so fragments spreading fragments cannot make the walk exponential; cycles and
unknown fragments are left to validation.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import (
    BooleanValueNode,
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
    SelectionNode,
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


# A selection set, and the fragments its selections came through: a spread of
# one of those inside it is a cycle, which validation refuses and the walk must
# not follow meanwhile.
type _Selection = tuple[SelectionSetNode, frozenset[str]]
# The fields of one parent, merged: response name and the type declaring them
# -> the type, and their nodes in document order with the fragments they came
# through.
type _Fields = dict[
    tuple[str, str], tuple[Composite, list[tuple[FieldNode, frozenset[str]]]]
]


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
        self.costed: dict[tuple[tuple[int, ...], str, int | None, str | None], int] = {}

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
        return self._selections([(selection_set, frozenset())], parent, page, runtime)

    def _selections(
        self,
        selections: list[_Selection],
        parent: Any,
        page: int | None,
        runtime: GraphQLObjectType | None,
    ) -> int:
        fields: _Fields = {}
        # One set for all the merged selections, as execution collects them: a
        # fragment spread by each of k copies of a field is collected once, not
        # k times at every level below.
        spread: set[str] = set()
        for selection_set, through in selections:
            self._collect(selection_set, through, parent, runtime, fields, spread)
        return sum(
            self._field(nodes, kind, page, runtime) for kind, nodes in fields.values()
        )

    def _collect(
        self,
        selection_set: SelectionSetNode,
        through: frozenset[str],
        parent: Any,
        runtime: GraphQLObjectType | None,
        fields: _Fields,
        spread: set[str],
    ) -> None:
        """Gather the fields of `selection_set` into `fields`, each fragment
        once per parent (`spread`), as execution collects them."""
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                if isinstance(parent, Composite):
                    key = (selection.alias or selection.name).value, parent.name
                    found = fields.setdefault(key, (parent, []))
                    found[1].append((selection, through))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if not self._applies(condition, runtime):
                    continue
                kind = self.schema.get_type(condition.name.value) if condition else None
                self._collect(
                    selection.selection_set,
                    through,
                    kind or parent,
                    runtime,
                    fields,
                    spread,
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if (
                    fragment is None
                    or name in spread
                    or name in through
                    or not self._applies(fragment.type_condition, runtime)
                ):
                    continue
                spread.add(name)
                kind = self.schema.get_type(fragment.type_condition.name.value)
                self._collect(
                    fragment.selection_set,
                    through | {name},
                    kind,
                    runtime,
                    fields,
                    spread,
                )

    def _included(self, selection: SelectionNode) -> bool:
        """Whether execution keeps `selection`: `@skip(if: true)` and
        `@include(if: false)` drop it. A condition that is not a boolean yet (a
        variable coercion will refuse) keeps it: the cost never runs low."""
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next(
                (a.value for a in directive.arguments or () if a.name.value == "if"),
                None,
            )
            if isinstance(condition, BooleanValueNode):
                value: Any = condition.value
            elif isinstance(condition, VariableNode):
                value = self.variables.get(condition.name.value)
            else:
                continue
            if isinstance(value, bool) and value == (name == "skip"):
                return False
        return True

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

    def _field(
        self,
        nodes: list[tuple[FieldNode, frozenset[str]]],
        parent: Composite,
        page: int | None,
        runtime: GraphQLObjectType | None,
    ) -> int:
        """Return the cost of one merged field: its nodes share name and
        arguments (validation sees to it), their selections are one."""
        key = (
            tuple(id(node) for node, _ in nodes),
            parent.name,
            page,
            runtime.name if runtime else None,
        )
        if key not in self.costed:
            self.costed[key] = self._merged_field(nodes, parent, page)
        return self.costed[key]

    def _merged_field(
        self,
        nodes: list[tuple[FieldNode, frozenset[str]]],
        parent: Composite,
        page: int | None,
    ) -> int:
        node = nodes[0][0]
        name = node.name.value
        selections = [
            (field.selection_set, through)
            for field, through in nodes
            if field.selection_set is not None
        ]
        if not selections or name.startswith("__"):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        child = get_named_type(definition.type)
        if name == ENTITIES and "representations" in definition.args:
            return self._entities(node, child, selections)
        if any(argument in definition.args for argument in PAGE_ARGUMENTS):
            own_page = self._page(node, definition)
            return 1 + self._selections(selections, child, own_page, None)
        if is_list_type(get_nullable_type(definition.type)):  # type: ignore[arg-type]
            size = DEFAULT_PAGE if page is None else page
            return size + size * self._selections(selections, child, None, None)
        return self._selections(selections, child, None, None)

    def _entities(
        self, node: FieldNode, union: Any, selections: list[_Selection]
    ) -> int:
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
            ):
                each += self._selections(selections, kind, None, kind)
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
            # bool is an int to Python, never to GraphQL; a whole float (100.0,
            # as JSON may carry it) is an Int to GraphQL.
            if isinstance(found, float) and found.is_integer():
                return int(found)
            if isinstance(found, int) and not isinstance(found, bool):
                return found
        return None
