"""The embedded Accounts API as one Starlette application."""

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from accounts_graph.platform.resources import ACCOUNT_USER, RESOURCES
from accounts_graph.sandbox import (
    account_users,
    accounts,
    api_tokens,
    buyer_actions,
    buyers,
    cloud_tenants,
    erp_links,
    icons,
    invitations,
    licensees,
    memberships,
    openapi,
    sellers,
    user_groups,
    users,
)
from accounts_graph.sandbox.access import AccessLog
from accounts_graph.sandbox.auth import jwks_routes
from accounts_graph.sandbox.bootstrap import bootstrap
from accounts_graph.sandbox.context import PREFIX, Sandbox
from accounts_graph.sandbox.faults import FaultInjection, FaultRecord, Faults
from accounts_graph.sandbox.listing import get_route, list_route
from accounts_graph.sandbox.problems import ApiProblem, problem_response
from accounts_graph.sandbox.store import BUSY_TIMEOUT, Store, StoreBusy

logger = logging.getLogger(__name__)


def _collection_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for resource in RESOURCES:
        if resource is ACCOUNT_USER:
            continue
        base = f"/{resource.collection}"
        routes.append(Route(base, list_route(resource, base)))
        routes.append(Route(base + "/{id}", get_route(resource, base + "/{id}")))
    return routes


def api_routes() -> list[BaseRoute]:
    """Every route under the API prefix, literal collections before `{accountId}`."""
    return [
        *openapi.routes(),
        *_collection_routes(),
        *icons.routes(),
        *accounts.routes(),
        *api_tokens.routes(),
        *buyers.routes(),
        *buyer_actions.routes(),
        *cloud_tenants.routes(),
        *erp_links.routes(),
        *licensees.routes(),
        *sellers.routes(),
        *user_groups.routes(),
        *users.routes(),
        *account_users.routes(),
        *invitations.routes(),
        *memberships.routes(),
    ]


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return problem_response(exc)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = {404: "No such resource.", 405: "Method not allowed here."}.get(
        exc.status_code, str(exc.detail)
    )
    return problem_response(ApiProblem(exc.status_code, detail))


async def _on_busy(request: Request, exc: Exception) -> Response:
    logger.warning("Store busy: %s %s refused with 503", request.method, exc)
    return problem_response(
        ApiProblem(503, "The store is busy with another writer; retry shortly.")
    )


def create_sandbox_app(
    db_path: str | Path,
    scale: int = 1,
    *,
    faults: Faults | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
    access_level: int = logging.DEBUG,
) -> Starlette:
    """Open (seeding on first use) the store at `db_path` and serve it.

    `faults` makes it answer as a struggling upstream would (see `faults.py`);
    `app.state.faults` then records what it injected, and can change them
    while it runs (`app.state.faults.use(...)`). `busy_timeout` is how long a
    write waits for another process's write lock. Each request is logged at
    `access_level` (see `access.py`).
    """
    store = Store(db_path, busy_timeout=busy_timeout)
    bootstrap(store, scale)
    sandbox = Sandbox.open(store)
    app = Starlette(
        routes=[
            *jwks_routes(sandbox.signing_key),
            Mount(PREFIX, routes=api_routes()),
        ],
        exception_handlers={
            ApiProblem: _on_problem,
            HTTPException: _on_http_error,
            StoreBusy: _on_busy,
        },
    )
    # The platform answers unknown paths with 404; a redirect to the slashless
    # path would turn a PUT into a GET at the client.
    app.router.redirect_slashes = False
    app.state.sandbox = sandbox
    if faults is not None:
        app.state.faults = FaultRecord(faults)
        app.add_middleware(FaultInjection, record=app.state.faults)
    # Outermost, so an injected fault is logged as the answer it was.
    app.add_middleware(AccessLog, level=access_level)
    return app
