"""Reading the query: which fields a selection asks for, and which REST fields
the whole operation reads per resource (what `select` adds and drops)."""

from collections import OrderedDict, defaultdict
from collections.abc import Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    Visitor,
    get_named_type,
    visit,
)
from graphql.utilities import TypeInfoVisitor

from accounts_graph.platform.resources import Resource


def selected_names(
    field_nodes: list[FieldNode], fragments: dict[str, FragmentDefinitionNode]
) -> frozenset[str]:
    """Return the names selected under these field nodes, fragments flattened."""
    names: set[str] = set()
    for node in field_nodes:
        _collect(node.selection_set, fragments, names, set())
    return frozenset(names)


def _collect(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    names: set[str],
    seen: set[str],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, names, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            seen.add(name)
            _collect(fragments[name].selection_set, fragments, names, seen)


def subfields(
    field_nodes: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    type_names: frozenset[str],
) -> dict[str, list[FieldNode] | None]:
    """Map each field name selected under these nodes to its nodes, for objects
    of a type known by `type_names` (its name and its interfaces' names).

    Fragments count when their type condition is one of `type_names`. A field
    that a directive (@skip, @include) governs anywhere maps to None: whether it
    runs is for the executor to say.
    """
    fields: dict[str, list[FieldNode] | None] = {}
    for node in field_nodes:
        _subfields(node.selection_set, fragments, type_names, fields, False, set())
    return fields


def _subfields(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    type_names: frozenset[str],
    fields: dict[str, list[FieldNode] | None],
    governed: bool,
    seen: set[str],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        under = governed or bool(selection.directives)
        if isinstance(selection, FieldNode):
            name = selection.name.value
            nodes = fields.setdefault(name, [])
            if under:
                fields[name] = None
            elif nodes is not None:
                nodes.append(selection)
            continue
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            seen.add(name)
            fragment: InlineFragmentNode | FragmentDefinitionNode = fragments[name]
        else:
            assert isinstance(selection, InlineFragmentNode)
            fragment = selection
        condition = fragment.type_condition
        if condition is None or condition.name.value in type_names:
            _subfields(
                fragment.selection_set, fragments, type_names, fields, under, seen
            )


class _NeedsVisitor(Visitor):
    def __init__(self, type_info: TypeInfo, resources: dict[str, Resource]) -> None:
        super().__init__()
        self.type_info = type_info
        self.resources = resources
        self.needs: dict[str, set[str]] = defaultdict(set)

    def enter_field(self, node: FieldNode, *_: object) -> None:
        parent = self.type_info.get_parent_type()
        if parent is None:
            return
        resource = self.resources.get(get_named_type(parent).name)
        if resource is None:
            return
        # A GraphQL field of a resource's type reads the REST field of its name;
        # the others (`iconUrl`, relations through other collections) read core
        # fields or none.
        field = resource.by_name.get(node.name.value)
        if field is not None:
            self.needs[resource.name].add(field.name)


def fields_read(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    resources: dict[str, Resource],
) -> dict[str, set[str]]:
    """Map resource name → the REST fields the operation's selections read.

    `resources` maps GraphQL type names to the resource they present.
    """
    type_info = TypeInfo(schema)
    visitor = _NeedsVisitor(type_info, resources)
    visit(operation, TypeInfoVisitor(type_info, visitor))
    for fragment in fragments.values():
        type_info = TypeInfo(schema)
        visitor.type_info = type_info
        visit(fragment, TypeInfoVisitor(type_info, visitor))
    return visitor.needs


# Operations by query text and name: clients repeat a handful of them.
_NEEDS_CACHE_SIZE = 256
_needs_cache: OrderedDict[tuple[str, str | None], Mapping[str, frozenset[str]]] = (
    OrderedDict()
)


def cached_fields_read(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    resources: dict[str, Resource],
) -> Mapping[str, frozenset[str]]:
    """Return `fields_read`, remembered by the operation's text and name.

    The text decides the whole document, fragments included, so the answer
    is the same for every request that sends it; an operation parsed without
    its source text is walked each time.
    """
    if operation.loc is None:
        return _frozen(fields_read(schema, operation, fragments, resources))
    name = operation.name.value if operation.name else None
    key = (operation.loc.source.body, name)
    found = _needs_cache.get(key)
    if found is not None:
        _needs_cache.move_to_end(key)
        return found
    found = _frozen(fields_read(schema, operation, fragments, resources))
    _needs_cache[key] = found
    if len(_needs_cache) > _NEEDS_CACHE_SIZE:
        _needs_cache.popitem(last=False)
    return found


def _frozen(needs: dict[str, set[str]]) -> Mapping[str, frozenset[str]]:
    return {name: frozenset(fields) for name, fields in needs.items()}
