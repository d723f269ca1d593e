"""The ASGI application: `/graphql` (with GraphiQL), public icon routes, health,
metrics."""

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from opentelemetry.trace import TracerProvider
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from accounts_graph.graph.context import Context
from accounts_graph.graph.identity import IdentityCache, TokenVerifier
from accounts_graph.graph.limits import QueryLimits
from accounts_graph.graph.outcomes import with_code
from accounts_graph.graph.schema import build_schema
from accounts_graph.graphiql import assets_route as graphiql_assets_route
from accounts_graph.graphiql import page_response as graphiql_page
from accounts_graph.http_limits import (
    CSRF_REFUSAL,
    BodyLimit,
    is_preflighted,
    kib,
    media_type,
)
from accounts_graph.platform.icons import ICON_TYPES
from accounts_graph.platform.resources import resource_of_id
from accounts_graph.platform.tokens import bearer_of
from accounts_graph.settings import Settings
from accounts_graph.telemetry import Telemetry
from accounts_graph.telemetry.logs import configure_logging
from accounts_graph.telemetry.metrics import Metrics
from accounts_graph.telemetry.middleware import RequestTelemetry
from accounts_graph.telemetry.tracing import INSTRUMENTATION, build_tracer_provider
from accounts_graph.telemetry.upstream import forward_request_context, upstream_call
from accounts_graph.upstream.client import Session, build_http_client, path
from accounts_graph.upstream.retries import DEFAULT_POLICY, Policy

logger = logging.getLogger(__name__)

ICON_COLLECTIONS = ("accounts", "buyers", "licensees", "sellers", "erp-links", "users")
ICON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


class MethodNotAllowed(HTTPException):
    """An operation the request's HTTP method may not carry (a mutation over GET)."""

    def __init__(self, reason: str) -> None:
        super().__init__(405, reason)


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request context and HTTP rules.

    Mutations travel only by POST; queries by GET too unless configured off.
    Cookie-less "simple" requests a browser would send cross-site without asking
    (GET, multipart uploads) must carry a preflight header (CSRF). One request
    carries one operation: batches are refused.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        settings: Settings,
        graphiql: bool,
        identity_ttl: float,
        policy: Policy = DEFAULT_POLICY,
        verifier: TokenVerifier | None = None,
    ) -> None:
        super().__init__(
            build_schema(query_limits(settings)),
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=settings.graphql_get,
            multipart_uploads_enabled=True,
        )
        self.http = http
        self.settings = settings
        self.policy = policy
        self.identities = IdentityCache(ttl=identity_ttl, verifier=verifier)

    async def render_graphql_ide(self, request: Request) -> Response:
        """Answer a browser with our GraphiQL page: its files come from the package."""
        return graphiql_page()

    def decode_json(self, data: str | bytes) -> object:
        """Decode a request body; only an object is a request."""
        decoded = super().decode_json(data)
        if isinstance(decoded, list):
            raise HTTPException(
                400, "Batches are not accepted: send one operation per request."
            )
        if not isinstance(decoded, dict):
            raise HTTPException(400, "The body must be a JSON object.")
        return decoded

    async def run(
        self, request: Any, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        try:
            return await super().run(request, context, root_value)
        except MethodNotAllowed as refusal:
            return PlainTextResponse(
                refusal.reason, status_code=405, headers={"Allow": "POST"}
            )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # Refused before the multipart body is parsed: a cross-site form could
        # post it. GET requests are judged once their operation type is known.
        if (
            self.settings.csrf_prevention
            and request.method == "POST"
            and not is_preflighted(request.headers)
        ):
            raise HTTPException(400, CSRF_REFUSAL)
        return await super().parse_http_body(request)

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        operations = await super().parse_multipart(request)
        limit = self.settings.max_upload_bytes
        # Starlette keeps the parsed form: this reads no body again.
        form = await request.get_form_data()
        for name, upload in form.files.items():
            if (getattr(upload, "size", 0) or 0) > limit:
                raise HTTPException(
                    413, f"The file '{name}' is larger than {kib(limit)}."
                )
        return operations

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Execute one operation, if its HTTP method may carry it.

        Over GET, nothing is allowed to run until the operation's type is known
        (it is parsed first): a mutation is refused with 405, and a query needs
        queries over GET enabled and, against CSRF, a preflight header.
        """
        method = request_adapter.method
        over_get = method == "GET"
        preflighted = not self.settings.csrf_prevention or is_preflighted(
            request_adapter.headers
        )
        allowed = OperationType.from_http(method)
        if over_get and not (self.settings.graphql_get and preflighted):
            allowed = set()
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            raise _refusal(error.operation_type, method, self.settings) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Errors raised before execution (syntax, variables) skip the schema's
        # extensions; every error still leaves with a documented code.
        if result.errors:
            result.errors = [with_code(error) for error in result.errors]
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> str | bytes:
        """Encode an answer with orjson (several times faster than `json`).

        Its output is UTF-8 rather than `\\u` escapes, the same JSON; a value orjson
        refuses (an integer past 64 bits in a JSON scalar) falls back to `json`.
        """
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return super().encode_json(data)

    async def get_context(self, request: Any, response: Any) -> Context:
        authorization = request.headers.get("authorization")
        token = bearer_of(authorization)
        # A header that is not a bearer token must not quietly make a public call.
        if authorization and token is None:
            token = authorization
        session = Session(self.http, token, self.policy)
        request.state.session = session
        return Context(
            session=session,
            identities=self.identities,
            max_page_size=self.settings.max_page_size,
        )


def _refusal(kind: OperationType, method: str, settings: Settings) -> HTTPException:
    """Say why an operation of `kind` may not travel by `method`."""
    if kind is OperationType.MUTATION or kind is OperationType.SUBSCRIPTION:
        return MethodNotAllowed(
            f"A {kind.value} changes data: send it with POST, never GET."
        )
    if method == "GET" and not settings.graphql_get:
        return MethodNotAllowed("Queries over GET are disabled here: use POST.")
    return HTTPException(400, CSRF_REFUSAL)


def query_limits(settings: Settings) -> QueryLimits:
    """Return the bounds of one operation that `settings` configure."""
    return QueryLimits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_page_size=settings.max_page_size,
        max_cost=settings.max_cost,
        production=settings.production,
    )


def quiet_http_loggers() -> None:
    """Keep httpx and httpcore below INFO: their lines carry full URLs (RQL values
    a caller typed) and, at DEBUG, headers; our own lines replace them."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


async def _icon(request: Request) -> Response:
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


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _metrics(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.render(), media_type=metrics.content_type)


# The upstream is up when it answers a token-less list request as the Accounts
# API does: 401 (or, behind a gateway that lets it through, 200/403). Any other
# answer means a wrong URL or an upstream in trouble.
_READY_STATUSES = (200, 401, 403)


async def _readyz(request: Request) -> Response:
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


def create_app(
    upstream_url: str,
    *,
    settings: Settings | None = None,
    graphiql: bool | None = None,
    policy: Policy = DEFAULT_POLICY,
    verifier: TokenVerifier | None = None,
    identity_ttl: float = 60.0,
    readiness_timeout: float = 2.0,
    transport: httpx.AsyncBaseTransport | None = None,
    metrics: bool = True,
    metrics_dir: Path | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """Build the facade over the Accounts API at `upstream_url`.

    `settings` gives the limits, production mode and the HTTP rules (default:
    `Settings()`); `graphiql` overrides whether GraphiQL is served. `policy`
    sets the timeouts and retries of upstream requests; `verifier`, when given,
    checks user tokens (JWTs) before their claims are used. `metrics` serves
    `/metrics` (shared by the workers that write to `metrics_dir`);
    `tracer_provider` turns tracing on.
    """
    settings = settings or Settings()
    serves_graphiql = settings.serves_graphiql if graphiql is None else graphiql
    quiet_http_loggers()
    http = build_http_client(upstream_url, policy=policy, transport=transport)
    http.event_hooks["request"].append(forward_request_context)
    view = GraphQLView(
        http,
        settings=settings,
        graphiql=serves_graphiql,
        identity_ttl=identity_ttl,
        policy=policy,
        verifier=verifier,
    )
    telemetry = Telemetry(
        metrics=Metrics(metrics_dir) if metrics else None,
        tracer=(
            tracer_provider.get_tracer(INSTRUMENTATION)
            if tracer_provider is not None
            else None
        ),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await http.aclose()
        if verifier is not None:
            await verifier.aclose()
        if telemetry.metrics is not None:
            telemetry.metrics.close(os.getpid())
        # Spans still in the batch processor's queue leave before the process.
        flush = getattr(tracer_provider, "force_flush", None)
        if flush is not None:
            flush()

    routes: list[BaseRoute] = [
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/icons/{collection}/{id}", _icon),
        Route("/healthz", _healthz),
        Route("/readyz", _readyz),
    ]
    if telemetry.metrics is not None:
        routes.append(Route("/metrics", _metrics))
    if serves_graphiql:
        routes.append(graphiql_assets_route())
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.http = http
    app.state.metrics = telemetry.metrics
    app.add_middleware(
        BodyLimit,
        max_body=settings.max_body_bytes,
        # A multipart request carries its operation beside the file.
        max_multipart=settings.max_upload_bytes + settings.max_body_bytes,
    )
    app.state.readiness_timeout = readiness_timeout
    app.add_middleware(RequestTelemetry, telemetry=telemetry)
    return app


def build_app(settings: Settings) -> Starlette:
    """Build the facade as `settings` describe it.

    Raises:
        RuntimeError: no upstream URL is configured.
    """
    if not settings.upstream_url:
        raise RuntimeError("Set ACCOUNTS_GRAPH_UPSTREAM_URL to the Accounts API URL.")
    return create_app(
        settings.upstream_url,
        settings=settings,
        policy=policy_of(settings),
        verifier=verifier_of(settings),
        identity_ttl=settings.identity_ttl,
        readiness_timeout=settings.readiness_timeout,
        metrics=settings.metrics,
        metrics_dir=settings.metrics_dir,
        tracer_provider=build_tracer_provider(settings.traces_exporters),
    )


def tune_gc() -> None:
    """Freeze what is alive now (modules, the schema, the app) out of the GC.

    The cyclic collector's full passes then never walk those long-lived objects
    again; they cost 13 to 17 % of the CPU of a nested query. Call it once the
    app is built, from a server process's entry point.
    """
    gc.collect()
    gc.freeze()


def app_from_env() -> Starlette:
    """Build the facade from `ACCOUNTS_GRAPH_*` variables: each worker's factory.

    `accounts-graph serve --workers N` exports its settings, with the URL of the
    embedded sandbox it runs once, before uvicorn starts the worker processes.

    Raises:
        RuntimeError: no upstream URL is configured.
    """
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    tune_gc()
    return app


def policy_of(settings: Settings) -> Policy:
    """Return the timeouts and retries the settings give upstream requests."""
    return Policy(
        connect_timeout=settings.upstream_connect_timeout,
        read_timeout=settings.upstream_read_timeout,
        total_timeout=settings.upstream_timeout,
        attempts=settings.upstream_attempts,
        backoff=settings.upstream_backoff,
    )


def verifier_of(settings: Settings) -> TokenVerifier | None:
    """Return the JWT verifier the settings configure, if any.

    Raises:
        ValueError: both a key and a JWKS URL are set, or the key is unusable.
    """
    if not settings.jwt_key and not settings.jwks_url:
        return None
    try:
        return TokenVerifier(
            key=settings.jwt_key or None,
            jwks_url=settings.jwks_url or None,
            audience=settings.jwt_audience or None,
            issuer=settings.jwt_issuer or None,
        )
    except ValueError as error:
        raise ValueError(f"ACCOUNTS_GRAPH_JWT_KEY / _JWKS_URL: {error}") from error
