"""The ASGI application: `/graphql` (with GraphiQL), public icon routes, health,
metrics."""

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from opentelemetry.trace import TracerProvider
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from accounts_graph import routes
from accounts_graph.endpoint import GraphQLView
from accounts_graph.graph.identity import TokenVerifier
from accounts_graph.graphiql import assets_route as graphiql_assets_route
from accounts_graph.http_limits import (
    BodyLimit,
)
from accounts_graph.settings import Settings
from accounts_graph.telemetry import Telemetry
from accounts_graph.telemetry.logs import configure_logging
from accounts_graph.telemetry.metrics import Metrics
from accounts_graph.telemetry.middleware import RequestTelemetry
from accounts_graph.telemetry.tracing import INSTRUMENTATION, build_tracer_provider
from accounts_graph.telemetry.upstream import forward_request_context
from accounts_graph.upstream.client import build_http_client
from accounts_graph.upstream.retries import Policy

logger = logging.getLogger(__name__)


def quiet_http_loggers() -> None:
    """Keep httpx and httpcore below INFO: their lines carry full URLs (RQL values
    a caller typed) and, at DEBUG, headers; our own lines replace them."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


def create_app(
    upstream_url: str,
    *,
    settings: Settings | None = None,
    graphiql: bool | None = None,
    policy: Policy | None = None,
    verifier: TokenVerifier | None = None,
    identity_ttl: float | None = None,
    readiness_timeout: float | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    metrics: bool | None = None,
    metrics_dir: Path | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """Build the facade over the Accounts API at `upstream_url`.

    `settings` (default: `Settings()`) gives everything the other arguments
    leave out: `graphiql`, `policy` (the timeouts and retries of upstream
    requests), `identity_ttl`, `readiness_timeout`, `metrics` (serve `/metrics`)
    and `metrics_dir` (where workers share them) override it, mostly for tests.
    `verifier`, when given, checks user tokens (JWTs) before their claims are
    used; `tracer_provider` turns tracing on.
    """
    settings = settings or Settings()
    serves_graphiql = settings.serves_graphiql if graphiql is None else graphiql
    policy = policy or policy_of(settings)
    metrics = settings.metrics if metrics is None else metrics
    metrics_dir = metrics_dir or settings.metrics_dir
    quiet_http_loggers()
    http = build_http_client(upstream_url, policy=policy, transport=transport)
    http.event_hooks["request"].append(forward_request_context)
    view = GraphQLView(
        http,
        settings=settings,
        graphiql=serves_graphiql,
        identity_ttl=settings.identity_ttl if identity_ttl is None else identity_ttl,
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

    served: list[BaseRoute] = [
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/icons/{collection}/{id}", routes.icon),
        Route("/healthz", routes.healthz),
        Route("/readyz", routes.readyz),
    ]
    if telemetry.metrics is not None:
        served.append(Route("/metrics", routes.metrics))
    if serves_graphiql:
        served.append(graphiql_assets_route())
    app = Starlette(routes=served, lifespan=lifespan)
    app.state.http = http
    app.state.metrics = telemetry.metrics
    app.add_middleware(
        BodyLimit,
        max_body=settings.max_body_bytes,
        # A multipart request carries its operation beside the file.
        max_multipart=settings.max_upload_bytes + settings.max_body_bytes,
    )
    app.state.readiness_timeout = (
        settings.readiness_timeout if readiness_timeout is None else readiness_timeout
    )
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
        verifier=verifier_of(settings),
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
