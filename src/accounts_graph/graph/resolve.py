"""The steps resolvers share: load one, load a reference, load children, list a page.

Each type module supplies a `from_rest` constructor and the set of its GraphQL
fields that a reference already carries; these helpers decide whether a request
is needed at all and route it through the request's loaders.
"""

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Protocol, Self, TypeVar

from strawberry.utils.await_maybe import await_maybe

from accounts_graph.graph.connection import Connection, build_connection, window
from accounts_graph.graph.context import Context, Info
from accounts_graph.graph.errors import from_upstream, not_found
from accounts_graph.graph.filters import MatchesNothing
from accounts_graph.graph.selection import selected_names
from accounts_graph.platform.capabilities import capability
from accounts_graph.platform.resources import Resource
from accounts_graph.upstream import rql
from accounts_graph.upstream.errors import UpstreamError

Raw = dict[str, Any]


class FromRest(Protocol):
    RESOURCE: ClassVar[Resource]
    # GraphQL fields a reference to this type carries, so no request is needed.
    FROM_REFERENCE: ClassVar[frozenset[str]]

    @classmethod
    def from_rest(cls, data: Raw) -> Self: ...


T = TypeVar("T", bound=FromRest)
# A value, or an awaitable of it when it is not at hand yet.
type Maybe[V] = V | Awaitable[V]


async def upstream[R](call: Awaitable[R]) -> R:
    """Await an upstream call, turning its failure into a GraphQL error."""
    try:
        return await call
    except UpstreamError as error:
        raise from_upstream(error) from error


def selection(info: Info) -> frozenset[str]:
    """Return the field names selected under the current field.

    Cached per set of merged field nodes, not per first node: a fragment's field
    merged with other fields at one place and alone at another starts both sets.
    """
    nodes = info._raw_info.field_nodes
    key = tuple(map(id, nodes))
    cache = info.context.selections
    names = cache.get(key)
    if names is None:
        names = selected_names(list(nodes), info._raw_info.fragments)
        cache[key] = names
    return names


_COUNT_ONLY = frozenset({"totalCount", "__typename"})

_LABELS = {"erp_link": "ERP link", "api_token": "API token"}

# The root field whose capability lets a caller read a resource's own collection.
READS = {
    "account": "account",
    "account_user": "accountUser",
    "api_token": "apiToken",
    "buyer": "buyer",
    "cloud_tenant": "cloudTenant",
    "erp_link": "erpLink",
    "licensee": "licensee",
    "module": "module",
    "seller": "seller",
    "user": "user",
    "user_group": "userGroup",
}


def reference_suffices(
    context: Context, kind: type[FromRest], names: frozenset[str], refs: list[Raw]
) -> bool | None:
    """Tell whether references must be answered from their embedded fields.

    They must when they carry everything the query asks for (`names`): the
    fields every reference to the type embeds, plus any field of the resource
    this kind of reference happens to embed (an account user's `user` carries
    its email). And also when the caller may not read the target's collection:
    a nested read follows its parent's rule (a client reads its groups' modules,
    not the module catalogue). None when that depends on a caller not known yet.
    """
    extra = names - kind.FROM_REFERENCE
    if not extra:
        return True
    fields = kind.RESOURCE.by_name
    if all(name in fields for name in extra) and all(
        name in ref for ref in refs for name in extra
    ):
        return True
    identity = context.known_identity
    if identity is None:
        return None
    return not capability(READS[kind.RESOURCE.name]).allows(identity.role)


def kind_name(resource: Resource) -> str:
    return _LABELS.get(resource.name, resource.name.replace("_", " ").capitalize())


async def load_by_id(info: Info, kind: type[T], object_id: str) -> T:
    """Load one object by id.

    Raises:
        FacadeError: NOT_FOUND when it does not exist or is outside the caller's
            reach; the field is then null and the rest of the answer intact.
    """
    loader = info.context.by_id(info, kind.RESOURCE)
    data = await upstream(loader.load(object_id))
    if data is None:
        raise not_found(kind_name(kind.RESOURCE), object_id)
    return kind.from_rest(data)


# The resolvers below answer without awaiting when they can: graphql-core then
# completes the field at once instead of scheduling it, which costs more than the
# field itself when thousands of fields are served from data already at hand.


def reference_of(info: Info, kind: type[T], ref: Any) -> Maybe[T | None]:
    """Resolve a reference: from its embedded fields when they suffice."""
    if not isinstance(ref, dict) or "id" not in ref:
        return None
    served = reference_suffices(info.context, kind, selection(info), [ref])
    if served:
        return kind.from_rest(ref)
    if served is None:
        return _reference_later(info, kind, ref)
    return load_by_id(info, kind, ref["id"])


async def _reference_later(info: Info, kind: type[T], ref: Raw) -> T | None:
    await info.context.identity()
    return await await_maybe(reference_of(info, kind, ref))


def references_of(info: Info, kind: type[T], refs: Any) -> Maybe[list[T]]:
    """Resolve a list of references, batched; vanished targets are left out."""
    if not isinstance(refs, list):
        return []
    valid = [ref for ref in refs if isinstance(ref, dict) and "id" in ref]
    served = reference_suffices(info.context, kind, selection(info), valid)
    if served:
        return [kind.from_rest(ref) for ref in valid]
    if served is None:
        return _references_later(info, kind, valid)
    loader = info.context.by_id(info, kind.RESOURCE)
    return _converted_found(kind, loader.load_many([ref["id"] for ref in valid]))


async def _references_later(info: Info, kind: type[T], refs: list[Raw]) -> list[T]:
    await info.context.identity()
    return await await_maybe(references_of(info, kind, refs))


async def _converted_found(
    kind: type[T], found: Awaitable[list[Raw | None]]
) -> list[T]:
    return [kind.from_rest(data) for data in await upstream(found) if data is not None]


async def load_reference(info: Info, kind: type[T], ref: Any) -> T | None:
    """`reference_of`, always awaitable: for resolvers that await other things."""
    return await await_maybe(reference_of(info, kind, ref))


async def load_references(info: Info, kind: type[T], refs: Any) -> list[T]:
    """`references_of`, always awaitable: for resolvers that await other things."""
    return await await_maybe(references_of(info, kind, refs))


def children_of(
    info: Info, kind: type[T], via: str, parent_id: str, rule: tuple[str, str]
) -> Maybe[list[T]]:
    """Load the objects whose `via` reference points at `parent_id`, batched.

    `rule` is the capability the caller must hold and what it allows, checked
    before any request.
    """
    if not info.context.allows_now(*rule):
        return _children_later(info, kind, via, parent_id, rule)
    loader = info.context.by_parent(info, kind.RESOURCE, via)
    items = loader.load(parent_id)
    if items.done() and items.exception() is None:
        return [kind.from_rest(item) for item in items.result()]
    return _converted(kind, items)


async def _children_later(
    info: Info, kind: type[T], via: str, parent_id: str, rule: tuple[str, str]
) -> list[T]:
    await info.context.require(*rule)
    return await await_maybe(children_of(info, kind, via, parent_id, rule))


async def _converted(kind: type[T], items: Awaitable[list[Raw]]) -> list[T]:
    return [kind.from_rest(item) for item in await upstream(items)]


async def list_page(
    info: Info,
    kind: type[T],
    *,
    terms: list[str | Callable[[], str]],
    order: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    collection: str | None = None,
) -> Connection[T]:
    """Answer a root list field with one upstream list request.

    `terms` are RQL terms ANDed; a callable term may raise `MatchesNothing`, in
    which case the answer is an empty page without any request.
    """
    slice_ = window(first, after, last, before, info.context.max_page_size)
    try:
        filter = rql.and_(*(t() if callable(t) else t for t in terms))
    except MatchesNothing:
        return build_connection([], 0, 0)
    session = info.context.session
    # The platform filters and sorts on `audit.*` only when audit is selected.
    audited = ("audit",) if "audit." in f"{filter}&{order}" else ()
    select = info.context.select_for(info, kind.RESOURCE, *audited)
    path = collection or kind.RESOURCE.collection
    offset, limit = slice_.offset, slice_.limit
    count_select = rql.Projection(add=audited)
    if selection(info) <= _COUNT_ONLY:
        # Only the count is asked for: the platform answers it for `limit=0`.
        counted = await upstream(
            session.fetch_page(path, filter=filter, select=count_select, limit=0)
        )
        return build_connection([], offset, counted.total)
    if slice_.from_end:
        counted = await upstream(
            session.fetch_page(path, filter=filter, select=count_select, limit=0)
        )
        offset = max(0, counted.total - slice_.limit)
    page = await upstream(
        session.fetch_page(
            path, filter=filter, select=select, order=order, limit=limit, offset=offset
        )
    )
    items = [kind.from_rest(item) for item in page.data]
    return build_connection(items, offset, page.total)
