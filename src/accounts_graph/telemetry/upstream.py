"""Requests to the Accounts API as telemetry: a latency histogram by endpoint
template, method and status, a client span each, and the request id and trace
context sent along with every request of the shared httpx client."""

import asyncio
import functools
import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import httpx
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, StatusCode

from accounts_graph.telemetry import current_telemetry
from accounts_graph.telemetry.request_id import HEADER, current_request_id

API_PREFIX = "/public/v1/accounts"
# A path segment that is a word (a collection, an action) or a placeholder
# stays; any other (an id, whatever a caller typed) becomes `{id}`, so a label
# never carries an id and their number stays bounded.
_KEPT_SEGMENT = re.compile(r"[a-z][a-z0-9-]*|\{\w+\}")


@dataclass
class UpstreamCall:
    """What the caller tells about a request in flight: its answer's status."""

    status: int | None = None


@functools.lru_cache(maxsize=1024)
def endpoint_template(template: str) -> str:
    """Return the full path template of an upstream endpoint, ids masked."""
    segments = [
        segment if _KEPT_SEGMENT.fullmatch(segment) else "{id}"
        for segment in template.split("?", 1)[0].strip("/").split("/")
        if segment
    ]
    return API_PREFIX + "".join(f"/{segment}" for segment in segments)


@contextmanager
def upstream_call(method: str, template: str) -> Iterator[UpstreamCall]:
    """Time one upstream request and trace it; set `status` on what is yielded.

    `template` is the path under the API prefix with `{placeholders}` for ids.
    """
    call = UpstreamCall()
    telemetry = current_telemetry()
    if telemetry is None:
        yield call
        return
    endpoint = endpoint_template(template)
    span = _start_span(telemetry.tracer, method, endpoint)
    outcome = "error"
    started = time.perf_counter()
    try:
        with _current(span):
            yield call
        outcome = str(call.status)
    except (httpx.TimeoutException, TimeoutError):
        outcome = "timeout"
        raise
    except httpx.TransportError:
        outcome = "unreachable"
        raise
    except asyncio.CancelledError:
        outcome = "cancelled"
        raise
    except Exception as error:
        outcome = type(error).__name__
        raise
    finally:
        _finish_span(span, call.status, outcome)
        span.end()
        if telemetry.metrics is not None:
            telemetry.metrics.upstream.labels(endpoint, method, outcome).observe(
                time.perf_counter() - started
            )


def _current(span: Span) -> AbstractContextManager[Any]:
    if span is trace.INVALID_SPAN:
        return nullcontext()
    # The outcome is recorded, not the exception: its text may hold a URL.
    return trace.use_span(span, record_exception=False)


def _start_span(tracer: trace.Tracer | None, method: str, endpoint: str) -> Span:
    if tracer is None:
        return trace.INVALID_SPAN
    return tracer.start_span(
        f"{method} {endpoint}",
        kind=SpanKind.CLIENT,
        attributes={"http.request.method": method, "url.template": endpoint},
    )


def _finish_span(span: Span, status: int | None, outcome: str) -> None:
    if not span.is_recording():
        return
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    if status is None or status >= 400:
        span.set_attribute("error.type", outcome)
        span.set_status(StatusCode.ERROR)


async def forward_request_context(request: httpx.Request) -> None:
    """Send the request id and the trace context with an upstream request.

    An httpx request hook: it runs inside `upstream_call`, whose span is then
    the current one and becomes the upstream's parent.
    """
    request_id = current_request_id()
    if request_id is not None:
        request.headers[HEADER] = request_id
    span = trace.get_current_span()
    if span.is_recording():
        propagate.inject(request.headers)
        span.set_attribute("server.address", request.url.host)
        if request.url.port is not None:
            span.set_attribute("server.port", request.url.port)
