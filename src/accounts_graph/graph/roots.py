"""Root fields built from a declaration: every collection's list and get fields
take the same arguments and do the same steps, so they are made in one place."""

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.connection import After, Before, Connection, First, Last, Rql
from accounts_graph.graph.context import Info
from accounts_graph.graph.errors import ErrorCode, FacadeError
from accounts_graph.graph.filters import filter_rql, order_rql
from accounts_graph.graph.prefetch import prefetch, prefetch_page
from accounts_graph.graph.signatures import sign
from accounts_graph.upstream import rql

Scope = Callable[[dict[str, Any]], list[str]]

ID_ARGUMENT = Annotated[
    strawberry.ID, strawberry.argument(description="The platform id.")
]


def list_field(
    kind: Any,
    filter_input: Any,
    order_input: Any,
    *,
    capability: str,
    description: str,
    collection: str | None = None,
    scope_args: dict[str, Any] | None = None,
    scope: Scope | None = None,
) -> Any:
    """Make a root list field: role check, filter → RQL, one upstream request.

    `scope_args` adds required arguments (name → annotation) whose values
    `scope` turns into extra RQL terms, e.g. the account of account users.
    """
    what = f"list {capability}"

    async def resolver(info: Info, **args: Any) -> Connection[Any]:
        await info.context.require(capability, what)
        fixed = scope(args) if scope else []
        filter = args.get("filter")
        try:
            raw = rql.filter_terms(args.get("rql") or "")
        except ValueError as error:
            raise FacadeError(str(error), ErrorCode.BAD_USER_INPUT) from error
        page = await resolve.list_page(
            info,
            kind,
            terms=[*fixed, lambda: filter_rql(filter, filter_input.PATHS), *raw],
            order=order_rql(args.get("order_by")),
            collection=collection,
            first=args.get("first"),
            after=args.get("after"),
            last=args.get("last"),
            before=args.get("before"),
        )
        await prefetch_page(info, kind, [edge.node for edge in page.edges])
        return page

    params = {
        **(scope_args or {}),
        "filter": Annotated[
            filter_input | None,
            strawberry.argument(description="Conditions that all must hold."),
        ],
        "order_by": Annotated[
            list[order_input] | None,
            strawberry.argument(description="Sort keys, most significant first."),
        ],
        "rql": Rql,
        "first": First,
        "after": After,
        "last": Last,
        "before": Before,
    }
    optional = frozenset(params) - frozenset(scope_args or {})
    sign(resolver, params, Connection[kind] | None, optional=optional)
    return strawberry.field(resolver=resolver, description=description)


def get_field(kind: Any, *, capability: str, description: str) -> Any:
    """Make a root field fetching one object by id (null + NOT_FOUND if absent)."""

    async def resolver(info: Info, id: strawberry.ID) -> Any:
        await info.context.require(capability, f"read {kind.RESOURCE.collection}")
        found = await resolve.load_by_id(info, kind, id)
        await prefetch(info, kind, [found])
        return found

    sign(resolver, {"id": ID_ARGUMENT}, kind | None)
    return strawberry.field(resolver=resolver, description=description)
