"""Relation fields made from a declaration: the object's children, the object a
reference points at, the objects a list of references points at.

A field answers from what graph/prefetch.py loaded for it ahead of execution,
and otherwise loads by itself, batched per level; either way it answers without
awaiting when the value is at hand.

Target types are named by module and class, resolved on first use, since the
resource modules refer to each other.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Annotated, Any, Literal

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.context import Info
from accounts_graph.graph.errors import FacadeError, from_upstream, not_found
from accounts_graph.upstream.errors import UpstreamError

_MODULE = "accounts_graph.graph."


@cache
def _kind(module: str, name: str) -> Any:
    return getattr(import_module(_MODULE + module), name)


def _lazy(module: str, name: str) -> Any:
    return Annotated[name, strawberry.lazy(_MODULE + module)]


def _list_of(module: str, name: str) -> Any:
    item = _lazy(module, name)
    return list[item] | None  # type: ignore[valid-type]


class Failure:
    """A prefetched field that failed: its resolver raises a fresh error."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], FacadeError]) -> None:
        self.make = make


_ABSENT = object()


@dataclass(frozen=True, eq=False)
class Relation:
    """How a relation field finds its objects.

    `field` is, for children, the target's reference back to the parent; for a
    reference or references, the parent's stored field.
    """

    shape: Literal["children", "reference", "references"]
    module: str
    name: str
    field: str
    capability: str = ""
    what: str = ""

    @property
    def kind(self) -> Any:
        return _kind(self.module, self.name)

    def resolve(self, info: Info, parent: Any) -> Any:
        """The field's value, or an awaitable of it."""
        found = info.context.prefetched.get((self, id(parent)), _ABSENT)
        if found is not _ABSENT:
            if type(found) is Failure:
                raise found.make()
            return found
        if self.shape == "children":
            rule = (self.capability, self.what)
            return resolve.children_of(info, self.kind, self.field, parent.id, rule)
        if self.shape == "reference":
            return resolve.reference_of(info, self.kind, parent._raw.get(self.field))
        return resolve.references_of(info, self.kind, parent._raw.get(self.field))

    async def prefetch(
        self, info: Info, parents: list[Any], names: frozenset[str]
    ) -> list[Any]:
        """Load the field for every parent at once, keep each value for its
        resolver, and return the objects loaded (the next level's parents).

        `names` are the fields selected under this one. Nothing is kept when
        the caller is not known yet: the resolvers then decide by themselves.
        """
        context = info.context
        if context.known_identity is None:
            return []
        if self.shape == "children":
            try:
                if not context.allows_now(self.capability, self.what):
                    return []
            except FacadeError:
                # Each resolver raises the refusal at its own path.
                return []
            return await self._children(info, parents)
        return await self._references(info, parents, names)

    async def _children(self, info: Info, parents: list[Any]) -> list[Any]:
        kind, kept = self.kind, info.context.prefetched
        loader = info.context.by_parent(info, kind.RESOURCE, self.field)
        pending = [(parent, loader.load(parent.id)) for parent in parents]
        loaded: list[Any] = []
        for parent, items in pending:
            try:
                # One batch answers them all: only the first await waits.
                objects = [kind.from_rest(item) for item in await items]
            except UpstreamError as error:
                kept[self, id(parent)] = _failure(error)
                continue
            kept[self, id(parent)] = objects
            loaded += objects
        return loaded

    async def _references(
        self, info: Info, parents: list[Any], names: frozenset[str]
    ) -> list[Any]:
        kind, context = self.kind, info.context
        kept, single = context.prefetched, self.shape == "reference"
        loaded: list[Any] = []
        to_load: list[tuple[Any, list[str]]] = []
        for parent in parents:
            refs = _refs(parent._raw.get(self.field), single)
            if refs is None:
                kept[self, id(parent)] = None if single else []
            elif resolve.reference_suffices(context, kind, names, refs):
                objects = [kind.from_rest(ref) for ref in refs]
                kept[self, id(parent)] = objects[0] if single else objects
                loaded += objects
            else:
                to_load.append((parent, [ref["id"] for ref in refs]))
        if not to_load:
            return loaded
        loader = context.by_id(info, kind.RESOURCE)
        pending = [(p, ids, [loader.load(i) for i in ids]) for p, ids in to_load]
        for parent, ids, futures in pending:
            try:
                found = [await future for future in futures]
            except UpstreamError as error:
                _settle(futures)
                kept[self, id(parent)] = _failure(error)
                continue
            objects = [kind.from_rest(data) for data in found if data is not None]
            if single and not objects:
                kept[self, id(parent)] = _missing(kind, ids[0])
                continue
            kept[self, id(parent)] = objects[0] if single else objects
            loaded += objects
        return loaded


def _refs(value: Any, single: bool) -> list[dict[str, Any]] | None:
    """The valid references of a stored field; None when a single one is absent."""
    if single:
        return [value] if isinstance(value, dict) and "id" in value else None
    if not isinstance(value, list):
        return None
    return [ref for ref in value if isinstance(ref, dict) and "id" in ref]


def _settle(futures: list[Any]) -> None:
    """Mark failed futures as seen: the error is kept and raised once, above."""
    for future in futures:
        if future.done() and not future.cancelled():
            future.exception()


def _failure(error: UpstreamError) -> Failure:
    return Failure(lambda: from_upstream(error))


def _missing(kind: Any, object_id: str) -> Failure:
    label = resolve.kind_name(kind.RESOURCE)
    return Failure(lambda: not_found(label, object_id))


def _field(relation: Relation, returns: Any, description: str) -> Any:
    def resolver(self: Any, info: Info) -> Any:
        return relation.resolve(info, self)

    resolver.__annotations__ = {"info": Info, "return": returns}
    resolver.relation = relation  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolver, description=description)


def relation_of(field: Any) -> Relation | None:
    """The relation a Strawberry field was made from, if any."""
    base = getattr(field, "base_resolver", None)
    return getattr(getattr(base, "wrapped_func", None), "relation", None)


def children(
    module: str,
    name: str,
    via: str,
    *,
    capability: str,
    what: str,
    description: str,
) -> Any:
    """The objects whose `via` reference points at this one, batched per level.

    The caller must hold `capability` (the target's list), checked before any
    request.
    """
    relation = Relation("children", module, name, via, capability, what)
    return _field(relation, _list_of(module, name), description)


def reference(module: str, name: str, field: str, *, description: str) -> Any:
    """The object the stored reference `field` points at."""
    relation = Relation("reference", module, name, field)
    return _field(relation, _lazy(module, name) | None, description)


def references(module: str, name: str, field: str, *, description: str) -> Any:
    """The objects a stored list of references `field` points at, batched."""
    relation = Relation("references", module, name, field)
    return _field(relation, _list_of(module, name), description)
