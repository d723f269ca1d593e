"""The telemetry of each HTTP request: its id, the server span, the in-flight
gauge and the one INFO access line."""

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, StatusCode
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts_graph.telemetry import Telemetry, recording_to
from accounts_graph.telemetry.request_id import (
    accept_or_generate,
    bind_request_id,
    unbind_request_id,
)

logger = logging.getLogger("accounts_graph.access")

# Scrapes and probes come every few seconds: counting them as requests in
# flight would only show the scraper itself.
UNTRACKED_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})


class RequestTelemetry:
    """Give each request an id (echoed in `X-Request-Id`), a span when tracing,
    a place in the in-flight gauge, and one INFO line: id, method, path, status,
    upstream requests, duration.

    Never the query string, headers or body in the line: they can hold tokens.
    """

    def __init__(self, app: ASGIApp, telemetry: Telemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope.get("headers") or []
        }
        received = headers.get("x-request-id")
        request_id, kept = accept_or_generate(received)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        token = bind_request_id(request_id)
        try:
            with recording_to(self.telemetry), self._span(scope, headers) as span:
                if received is not None and not kept:
                    logger.debug("malformed X-Request-Id replaced")
                try:
                    with self._in_flight(scope["path"]):
                        await self.app(scope, receive, send_with_id)
                finally:
                    _finish_span(span, status)
                    _log(scope, request_id, status, started)
        finally:
            unbind_request_id(token)

    @contextmanager
    def _span(self, scope: Scope, headers: dict[str, str]) -> Iterator[Span]:
        tracer = self.telemetry.tracer
        if tracer is None:
            yield trace.INVALID_SPAN
            return
        route = _route_of(scope)
        with tracer.start_as_current_span(
            f"{scope['method']} {route}" if route else scope["method"],
            # A caller's `traceparent` makes this request part of its trace.
            context=propagate.extract(headers),
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": scope["method"],
                **({"http.route": route} if route else {}),
            },
        ) as span:
            yield span

    def _in_flight(self, path: str) -> AbstractContextManager[Any]:
        metrics = self.telemetry.metrics
        if metrics is None or path in UNTRACKED_PATHS:
            return nullcontext()
        return metrics.in_progress.track_inprogress()


def _route_of(scope: Scope) -> str | None:
    """Return the template of the route that will serve the request."""
    for route in getattr(scope.get("app"), "routes", ()):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.path)
    return None


def _finish_span(span: Span, status: int) -> None:
    if not span.is_recording():
        return
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(StatusCode.ERROR)


def _log(scope: Scope, request_id: str, status: int, started: float) -> None:
    session = scope.get("state", {}).get("session")
    upstream_requests = getattr(session, "requests", 0)
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    # Escaped: a decoded path may hold line breaks or NUL bytes.
    path = scope["path"].encode("unicode_escape").decode("ascii")
    logger.info(
        "request id=%s %s %s status=%s upstream_requests=%s duration_ms=%.1f",
        request_id,
        scope["method"],
        path,
        status,
        upstream_requests,
        duration_ms,
        extra={
            "method": scope["method"],
            "path": path,
            "status": status,
            "upstream_requests": upstream_requests,
            "duration_ms": duration_ms,
        },
    )
