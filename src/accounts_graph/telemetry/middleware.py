"""The telemetry of each HTTP request: its id, the server span, the in-flight
gauge and the one INFO access line."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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

# What the request's handler adds to its access line (the GraphQL operation's
# name and errors), shared with the tasks serving the request.
_annotations: ContextVar[dict[str, object] | None] = ContextVar(
    "accounts_graph_access_annotations", default=None
)


def annotate_request(**fields: object) -> None:
    """Add `fields` to the access line of the request being served, if any."""
    found = _annotations.get()
    if found is not None:
        found.update(fields)


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
        request_id, kept = accept_or_generate(headers.get("x-request-id"))
        token = bind_request_id(request_id)
        try:
            with recording_to(self.telemetry), self._span(scope, headers) as span:
                if "x-request-id" in headers and not kept:
                    logger.debug("malformed X-Request-Id replaced")
                await self._serve(scope, receive, send, span, request_id)
        finally:
            unbind_request_id(token)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, span: Span, request_id: str
    ) -> None:
        tracked = self.telemetry.metrics is not None and (
            scope["path"] not in UNTRACKED_PATHS
        )
        status = 500
        started = time.perf_counter()
        done = False
        annotations: dict[str, object] = {}
        annotating = _annotations.set(annotations)

        def finish() -> None:
            # Before the last byte leaves: once the client has its answer, the
            # request is no longer in flight and its line and span are written.
            nonlocal done
            if done:
                return
            done = True
            if tracked and self.telemetry.metrics is not None:
                self.telemetry.metrics.in_progress.dec()
            _finish_span(span, status)
            _log(scope, request_id, status, started, annotations)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            elif message["type"] == "http.response.body" and not message.get(
                "more_body", False
            ):
                finish()
            await send(message)

        if tracked and self.telemetry.metrics is not None:
            self.telemetry.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            finish()
            _annotations.reset(annotating)

    @contextmanager
    def _span(self, scope: Scope, headers: dict[str, str]) -> Iterator[Span]:
        tracer = self.telemetry.tracer
        if tracer is None:
            yield trace.INVALID_SPAN
            return
        route = _route_of(scope)
        span = tracer.start_span(
            f"{scope['method']} {route}" if route else scope["method"],
            # A caller's `traceparent` makes this request part of its trace.
            context=propagate.extract(headers),
            kind=SpanKind.SERVER,
            attributes={
                "http.request.method": scope["method"],
                **({"http.route": route} if route else {}),
            },
        )
        # Ended by `finish`; an escaping exception's text (it could quote the
        # request) is not recorded.
        with trace.use_span(span, record_exception=False):
            yield span


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
    span.end()


def _log(
    scope: Scope,
    request_id: str,
    status: int,
    started: float,
    annotations: dict[str, object],
) -> None:
    session = scope.get("state", {}).get("session")
    upstream_requests = getattr(session, "requests", 0)
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    # Escaped: a decoded path may hold line breaks or NUL bytes.
    path = scope["path"].encode("unicode_escape").decode("ascii")
    added = "".join(f" {name}={value}" for name, value in annotations.items())
    logger.info(
        "request id=%s %s %s status=%s upstream_requests=%s%s duration_ms=%.1f",
        request_id,
        scope["method"],
        path,
        status,
        upstream_requests,
        added,
        duration_ms,
        extra={
            "method": scope["method"],
            "path": path,
            "status": status,
            "upstream_requests": upstream_requests,
            "duration_ms": duration_ms,
            **annotations,
        },
    )
