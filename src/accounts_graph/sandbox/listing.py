"""Reading a collection: RQL lists and single objects, the same for every resource."""

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from accounts_graph.platform.resources import Resource
from accounts_graph.sandbox.auth import Caller
from accounts_graph.sandbox.context import (
    JSON,
    Sandbox,
    caller_for,
    etag_of,
    fetch_visible,
    parse,
    sandbox_of,
)
from accounts_graph.sandbox.rql_sql import compile_filter, compile_order
from accounts_graph.sandbox.rql_syntax import query_renamed
from accounts_graph.sandbox.scope import scope_condition
from accounts_graph.sandbox.shaping import omitted_fields, shape

# Extra conditions a route adds to its collection (an account's users, say).
Narrowing = tuple[str, list[object]]


def list_page(
    request: Request,
    sandbox: Sandbox,
    resource: Resource,
    caller: Caller,
    narrowing: Narrowing | None = None,
    *,
    user_view: bool = False,
) -> Response:
    """Answer one RQL list request over `resource` as the caller sees it."""
    query = parse(request, resource)
    if user_view:
        # Members are shown by their user id, so that is what `id` means here.
        query = query_renamed(query, "id", "user.id")
    scope, params = scope_condition(resource, caller)
    conditions = [f"({scope})"]
    if narrowing is not None:
        conditions.append(f"({narrowing[0]})")
        params = [*params, *narrowing[1]]
    if query.filter is not None:
        sql, filter_params = compile_filter(query.filter, resource)
        conditions.append(f"({sql})")
        params = [*params, *filter_params]
    docs, total = sandbox.store.select(
        resource,
        " AND ".join(conditions),
        params,
        compile_order(query.order, resource),
        query.limit,
        query.offset,
    )
    data = shape(
        sandbox.store, resource, docs, caller, query.select, user_view=user_view
    )
    meta = {"offset": query.offset, "limit": query.limit, "total": total}
    omitted = omitted_fields(resource, caller, query.select)
    return JSON({"$meta": {"pagination": meta, "omitted": omitted}, "data": data})


def list_route(resource: Resource, path: str) -> Callable[[Request], Response]:
    """Build the handler of `GET <path>`: the resource's collection."""

    def handler(request: Request) -> Response:
        caller = caller_for(request, "GET", path)
        return list_page(request, sandbox_of(request), resource, caller)

    return handler


def get_route(resource: Resource, path: str) -> Callable[[Request], Response]:
    """Build the handler of `GET <path>/{id}`: one object, with `select`."""

    def handler(request: Request) -> Response:
        caller = caller_for(request, "GET", path)
        sandbox = sandbox_of(request)
        query = parse(request, resource)
        doc = fetch_visible(sandbox, resource, caller, request.path_params["id"])
        shaped = shape(sandbox.store, resource, [doc], caller, query.select)[0]
        # The same tag a write answers, for `If-Match` on the next write.
        return JSON(shaped, headers={"ETag": etag_of(doc)})

    return handler
