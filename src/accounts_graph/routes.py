"""The service's plain HTTP routes: icons passed on from the Accounts API,
liveness, readiness and metrics."""

import logging

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from accounts_graph.http_limits import (
    media_type,
)
from accounts_graph.platform.icons import ICON_TYPES
from accounts_graph.platform.resources import resource_of_id
from accounts_graph.telemetry.metrics import Metrics
from accounts_graph.telemetry.upstream import upstream_call
from accounts_graph.upstream.client import path

logger = logging.getLogger(__name__)

ICON_COLLECTIONS = ("accounts", "buyers", "licensees", "sellers", "erp-links", "users")
ICON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


async def icon(request: Request) -> Response:
    collection = request.path_params["collection"]
    if collection not in ICON_COLLECTIONS:
        return JSONResponse({"error": "No icons for that collection."}, status_code=404)
    http: httpx.AsyncClient = request.app.state.http
    object_id = request.path_params["id"]
    if resource_of_id(object_id) is None:
        return JSONResponse({"error": "No such object."}, status_code=404)
    try:
        with upstream_call("GET", f"/{collection}/{{id}}/icon") as call:
            found = await http.get(
                path("/{collection}/{id}/icon", collection=collection, id=object_id)
            )
            call.status = found.status_code
        # Follow the platform's redirect only to its own origin.
        if found.status_code in (301, 302, 303, 307, 308):
            target = httpx.URL(found.headers.get("location", ""))
            target = http.base_url.join(target) if target.is_relative_url else target
            if target.host != http.base_url.host or target.port != http.base_url.port:
                return JSONResponse({"error": "Icon not available."}, status_code=502)
            found = await http.get(target)
    except httpx.HTTPError:
        return JSONResponse({"error": "Accounts API unavailable."}, status_code=503)
    if found.status_code != 200:
        return JSONResponse({"error": "No icon."}, status_code=404)
    # Only images leave this route: whatever else the upstream might answer
    # (an HTML error page, a file of another kind) is not served from our origin.
    content_type = media_type(found.headers.get("content-type"))
    if content_type not in ICON_TYPES:
        return JSONResponse({"error": "Icon not available."}, status_code=502)
    return Response(found.content, media_type=content_type, headers=ICON_HEADERS)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def metrics(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.render(), media_type=metrics.content_type)


# The upstream is up when it answers a token-less list request as the Accounts
# API does: 401 (or, behind a gateway that lets it through, 200/403). Any other
# answer means a wrong URL or an upstream in trouble.
_READY_STATUSES = (200, 401, 403)


async def readyz(request: Request) -> Response:
    """Report whether the upstream answers: 200, or 503 with the reason."""
    http: httpx.AsyncClient = request.app.state.http
    timeout: float = request.app.state.readiness_timeout
    try:
        answer = await http.get(
            path("/accounts"), params={"limit": "0"}, timeout=timeout
        )
    except httpx.TimeoutException:
        reason = f"the Accounts API did not answer within {timeout:g} s"
    except httpx.HTTPError as error:
        reason = f"the Accounts API is unreachable ({type(error).__name__})"
    else:
        if answer.status_code in _READY_STATUSES:
            return JSONResponse({"status": "ready"})
        reason = f"the Accounts API answered {answer.status_code}"
    logger.warning("Not ready: %s", reason)
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
