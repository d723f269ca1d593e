"""Loading the relation levels a query selects before the executor walks them.

A root field that has its objects follows the query's relation fields down from
them, level by level, with the same batched loaders the resolvers use: one
request per relation level, sibling branches concurrently. Each value is kept
for its field's resolver, so the executor then completes the whole tree without
awaiting anything, instead of scheduling a task for every list item that waits
on a batch. What is not loaded here (a field under @skip or @include, a caller
not known yet, a relation reached another way) the resolvers load themselves.
"""

import asyncio
from collections.abc import Coroutine, Sequence
from functools import cache
from typing import Any

from graphql import FieldNode, GraphQLObjectType, get_named_type

from accounts_graph.graph.context import Info
from accounts_graph.graph.relations import Relation, relation_of
from accounts_graph.graph.selection import selected_names, subfields


async def prefetch(info: Info, kind: Any, objects: Sequence[Any]) -> None:
    """Load what the current root field selects under its objects of `kind`."""
    await _level(info, kind, objects, list(info._raw_info.field_nodes))


async def prefetch_page(info: Info, kind: Any, objects: Sequence[Any]) -> None:
    """Load what a connection field selects under its `nodes` and `edges.node`."""
    fragments = info._raw_info.fragments
    page = get_named_type(info._raw_info.return_type)
    assert isinstance(page, GraphQLObjectType)
    fields = subfields(list(info._raw_info.field_nodes), fragments, _names(page))
    nodes = list(fields.get("nodes") or [])
    edges = fields.get("edges")
    if edges:
        edge = get_named_type(page.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        nodes += subfields(edges, fragments, _names(edge)).get("node") or []
    await _level(info, kind, objects, nodes)


def _names(graphql_type: GraphQLObjectType) -> frozenset[str]:
    return frozenset({graphql_type.name, *(i.name for i in graphql_type.interfaces)})


async def _level(
    info: Info, kind: Any, objects: Sequence[Any], field_nodes: list[FieldNode]
) -> None:
    if not objects or not field_nodes:
        return
    relations = _relations(kind, info.schema.config.name_converter)
    fields = subfields(field_nodes, info._raw_info.fragments, _type_names(kind))
    branches: list[Coroutine[Any, Any, None]] = []
    for name, nodes in fields.items():
        relation = relations.get(name)
        if relation is not None and nodes:
            branches.append(_follow(info, relation, objects, nodes))
    if len(branches) == 1:
        await branches[0]
    elif branches:
        await asyncio.gather(*branches)


async def _follow(
    info: Info, relation: Relation, parents: Sequence[Any], nodes: list[FieldNode]
) -> None:
    names = selected_names(nodes, info._raw_info.fragments)
    loaded = await relation.prefetch(info, list(parents), names)
    await _level(info, relation.kind, loaded, nodes)


@cache
def _relations(kind: Any, name_converter: Any) -> dict[str, Relation]:
    """The relation fields of a type by GraphQL name."""
    found = {}
    for field in kind.__strawberry_definition__.fields:
        relation = relation_of(field)
        if relation is not None:
            found[name_converter.get_graphql_name(field)] = relation
    return found


@cache
def _type_names(kind: Any) -> frozenset[str]:
    """The names a fragment on objects of `kind` may use: its own and its
    interfaces'."""
    definition = kind.__strawberry_definition__
    return frozenset({definition.name, *(i.name for i in definition.interfaces)})
