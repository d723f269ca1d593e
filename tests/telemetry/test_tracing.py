"""Traces of a nested query with the OpenTelemetry in-memory exporter: the span
tree (request → operation → loader batches → upstream requests) and the
`traceparent` each upstream request carried, read on the sandbox's side."""

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode

from accounts_graph.app import create_app
from accounts_graph.upstream.retries import Policy
from tests.conftest import auth
from tests.servers import running
from tests.telemetry.conftest import Received, Recorder

NESTED = """
query Nested {
  accounts(first: 3, orderBy: [{field: NAME}]) {
    nodes {
      id
      users { id user { id name } }
      buyers { id erpLinks { id seller { id name externalId status } } }
    }
  }
}
"""
CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def traced(
    recorded_sandbox_url: str, exporter: InMemorySpanExporter
) -> Iterator[httpx.Client]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(recorded_sandbox_url, tracer_provider=provider)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _query(
    client: httpx.Client, query: str, token: str, **headers: str
) -> dict[str, Any]:
    response = client.post(
        "/graphql", json={"query": query}, headers={**auth(token), **headers}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _traceparent(received: Received) -> tuple[str, str]:
    version, trace_id, parent_id, flags = received.headers["traceparent"].split("-")
    assert version == "00" and flags in ("01", "03")
    return trace_id, parent_id


def _hex(span: ReadableSpan) -> tuple[str, str]:
    return format(span.context.trace_id, "032x"), format(span.context.span_id, "016x")


def _parent_of(span: ReadableSpan, spans: list[ReadableSpan]) -> ReadableSpan | None:
    if span.parent is None:
        return None
    return next((s for s in spans if s.context.span_id == span.parent.span_id), None)


def test_nested_query_spans_form_one_tree(
    traced: httpx.Client,
    exporter: InMemorySpanExporter,
    recorder: Recorder,
    tokens: dict[str, str],
) -> None:
    _query(traced, "{ viewer { role } }", tokens["Operations"])
    exporter.clear()
    recorder.take()

    body = _query(traced, NESTED, tokens["Operations"])
    spans = list(exporter.get_finished_spans())

    assert "errors" not in body
    [request] = [s for s in spans if s.kind is SpanKind.SERVER]
    [operation] = [s for s in spans if s.name == "query Nested"]
    batches = [s for s in spans if s.name.startswith("load ")]
    upstream = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert request.name == "POST /graphql" and request.parent is None
    assert _parent_of(operation, spans) is request
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.type"] == "query"
    assert operation.attributes["accounts_graph.upstream.requests"] == len(upstream)
    assert {b.name for b in batches} == {
        "load account_user by account",
        "load buyer by account",
        "load erp_link by buyer",
        "load seller by id",
    }
    assert all(_parent_of(b, spans) is operation for b in batches)
    # The root list is fetched by its resolver; every other request by a batch.
    [root_list] = [u for u in upstream if _parent_of(u, spans) is operation]
    assert root_list.name == "GET /public/v1/accounts/accounts"
    for batch in batches:
        children = [u for u in upstream if _parent_of(u, spans) is batch]
        assert len(children) == 1, batch.name
    assert len(upstream) == 1 + len(batches)
    assert len({s.context.trace_id for s in spans}) == 1
    assert len(spans) == 2 + len(batches) + len(upstream)


def test_upstream_requests_carry_their_spans_traceparent(
    traced: httpx.Client,
    exporter: InMemorySpanExporter,
    recorder: Recorder,
    tokens: dict[str, str],
) -> None:
    _query(traced, "{ viewer { role } }", tokens["Operations"])
    exporter.clear()
    recorder.take()

    _query(traced, NESTED, tokens["Operations"])
    received = recorder.take()
    upstream = {
        _hex(s): s for s in exporter.get_finished_spans() if s.kind is SpanKind.CLIENT
    }

    assert len(received) == len(upstream) == 5
    parents = [_traceparent(r) for r in received]
    assert sorted(parents) == sorted(upstream)
    for request, parent in zip(received, parents, strict=True):
        span = upstream[parent]
        assert span.attributes is not None
        assert span.name == f"{request.method} {span.attributes['url.template']}"
        assert request.path == span.attributes["url.template"]
        assert span.attributes["http.response.status_code"] == 200


def test_callers_traceparent_makes_the_request_part_of_its_trace(
    traced: httpx.Client,
    exporter: InMemorySpanExporter,
    recorder: Recorder,
    tokens: dict[str, str],
) -> None:
    recorder.take()
    caller = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"

    _query(traced, "query Me { viewer { role } }", tokens["Client"], traceparent=caller)
    spans = exporter.get_finished_spans()
    [request] = [s for s in spans if s.kind is SpanKind.SERVER]
    received = recorder.take()

    assert request.parent is not None and request.parent.is_remote
    assert format(request.parent.span_id, "016x") == CALLER_SPAN
    assert {format(s.context.trace_id, "032x") for s in spans} == {CALLER_TRACE}
    assert received and all(_traceparent(r)[0] == CALLER_TRACE for r in received)


def test_failed_upstream_request_is_an_error_span(tokens: dict[str, str]) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(closed, tracer_provider=provider)
    with running(app) as url, httpx.Client(base_url=url) as client:
        body = _query(client, "query Who { viewer { role } }", tokens["Client"])
    spans = exporter.get_finished_spans()

    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    tries = [s for s in spans if s.kind is SpanKind.CLIENT]
    [operation] = [s for s in spans if s.name == "query Who"]
    # Every try of the read is a span of its own.
    assert len(tries) == Policy().attempts
    for upstream in tries:
        assert upstream.status.status_code is StatusCode.ERROR
        assert upstream.attributes is not None
        assert upstream.attributes["error.type"] == "unreachable"
    assert operation.status.status_code is StatusCode.ERROR
    assert operation.attributes is not None
    assert operation.attributes["error.type"] == "UPSTREAM_UNAVAILABLE"
    # No exception event: its text could hold a URL or the query.
    assert all(not s.events for s in spans)


def test_without_tracing_nothing_is_propagated(
    recorded_sandbox_url: str, recorder: Recorder, tokens: dict[str, str]
) -> None:
    caller = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
    app = create_app(recorded_sandbox_url)
    with running(app) as url, httpx.Client(base_url=url) as client:
        recorder.take()
        _query(client, "{ viewer { role } }", tokens["Client"], traceparent=caller)
    received = recorder.take()

    assert received
    assert all("traceparent" not in r.headers for r in received)
    assert all("x-request-id" in r.headers for r in received)
