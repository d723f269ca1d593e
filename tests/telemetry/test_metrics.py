"""`/metrics` after known traffic, over real servers: operation, upstream and
loader batch counts match what was sent and what the sandbox received."""

import asyncio
import re
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accounts_graph.app import create_app
from accounts_graph.telemetry.metrics import MAX_OPERATION_NAMES, OTHER, Metrics
from accounts_graph.telemetry.upstream import endpoint_template
from accounts_graph.upstream.retries import Policy
from tests.conftest import auth
from tests.servers import running
from tests.telemetry.conftest import Recorder, label_values, sample_value

NESTED = """
query Nested {
  accounts(first: 3, orderBy: [{field: NAME}]) {
    nodes { id buyers { id name } users { id user { id name } } }
  }
}
"""
OPERATIONS = "accounts_graph_graphql_operation_duration_seconds_count"
UPSTREAM = "accounts_graph_upstream_request_duration_seconds_count"
BATCHES = "accounts_graph_loader_batch_size"
IN_PROGRESS = "accounts_graph_requests_in_progress"
API = "/public/v1/accounts"


@pytest.fixture
def facade(recorded_sandbox_url: str) -> Iterator[httpx.Client]:
    """A facade of its own: its scrape holds the test's traffic alone."""
    app = create_app(recorded_sandbox_url, identity_ttl=3600)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _post(client: httpx.Client, query: str, token: str) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query}, headers=auth(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _counted_by_endpoint(exposition: str) -> Counter[tuple[str, str]]:
    counted: Counter[tuple[str, str]] = Counter()
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == UPSTREAM:
                key = (sample.labels["method"], sample.labels["endpoint"])
                counted[key] += int(sample.value)
    return counted


def test_counts_match_the_traffic_sent_and_received(
    facade: httpx.Client, recorder: Recorder, tokens: dict[str, str]
) -> None:
    token = tokens["Operations"]
    recorder.take()

    for _ in range(2):
        assert "errors" not in _post(facade, NESTED, token)
    bad = _post(facade, 'query Bad { node(id: "nope") { id } }', token)
    broken = _post(facade, "query Broken {", token)
    forbidden = _post(
        facade,
        'mutation Deny { disableBuyer(id: "BUY-0000-0000") { buyer { id } } }',
        tokens["Vendor"],
    )
    received = recorder.take()
    scrape = facade.get("/metrics")

    assert scrape.headers["content-type"].startswith("text/plain")
    text = scrape.text
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert broken["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    operation = {"operation": "Nested", "type": "query", "outcome": "ok"}
    assert sample_value(text, OPERATIONS, **operation) == 2
    bad_labels = {"operation": "Bad", "type": "query", "outcome": "BAD_USER_INPUT"}
    assert sample_value(text, OPERATIONS, **bad_labels) == 1
    broken_labels = {
        "operation": "anonymous",
        "type": "unknown",
        "outcome": "GRAPHQL_VALIDATION_FAILED",
    }
    assert sample_value(text, OPERATIONS, **broken_labels) == 1
    deny = {"operation": "Deny", "type": "mutation", "outcome": "FORBIDDEN"}
    assert sample_value(text, OPERATIONS, **deny) == 1
    # One list request per level and query: accounts, then buyers and
    # account-users in one batch each, for all three accounts at once.
    for collection in ("accounts", "buyers", "account-users"):
        endpoint = {"endpoint": f"{API}/{collection}", "method": "GET"}
        assert sample_value(text, UPSTREAM, **endpoint, status="200") == 2
    buyers = {"resource": "buyer", "key": "account"}
    assert sample_value(text, BATCHES + "_count", **buyers) == 2
    assert sample_value(text, BATCHES + "_sum", **buyers) == 6
    # Each request the sandbox received was counted once, under its template.
    assert _counted_by_endpoint(text) == Counter(
        (r.method, endpoint_template(r.path.removeprefix(API))) for r in received
    )
    # The two callers' identities, looked up once each and then cached.
    tokens_endpoint = {"endpoint": f"{API}/api-tokens/{{id}}", "method": "GET"}
    assert sample_value(text, UPSTREAM, **tokens_endpoint, status="200") == 2
    assert sample_value(text, IN_PROGRESS) == 0


def test_labels_hold_no_id_and_no_token(
    facade: httpx.Client, tokens: dict[str, str]
) -> None:
    token = tokens["Client"]

    _post(facade, "query Mine { viewer { account { id name } } }", token)
    _post(facade, 'query One { buyer(id: "BUY-1111-2222") { id } }', token)
    text = facade.get("/metrics").text

    endpoints = label_values(text, "endpoint")
    assert f"{API}/api-tokens/{{id}}" in endpoints
    assert f"{API}/buyers" in endpoints
    assert all(e.startswith(API + "/") for e in endpoints)
    assert not re.search(r"[A-Z]{3}-\d{4}", " ".join(endpoints))
    assert "BUY-1111-2222" not in text
    assert "TKN-" not in text
    assert token.rsplit(":", 1)[-1] not in text


def test_in_flight_gauge_counts_a_request_being_served() -> None:
    arrived = threading.Event()
    release = threading.Event()

    async def held(request: Request) -> JSONResponse:
        arrived.set()
        await asyncio.to_thread(release.wait, 30)
        return JSONResponse({"detail": "no such token"}, status_code=404)

    upstream = Starlette(routes=[Route("/{path:path}", held)])
    with running(upstream) as upstream_url, running(create_app(upstream_url)) as url:
        answer: list[httpx.Response] = []
        client = threading.Thread(
            target=lambda: answer.append(
                httpx.post(
                    url + "/graphql",
                    json={"query": "{ viewer { role } }"},
                    headers=auth("idt:TKN-1234-5678:" + "held" * 8),
                    timeout=30,
                )
            )
        )
        client.start()
        assert arrived.wait(timeout=30)

        during = httpx.get(url + "/metrics").text
        release.set()
        client.join(timeout=30)
        after = httpx.get(url + "/metrics").text

    assert answer and answer[0].status_code == 200
    assert sample_value(during, IN_PROGRESS) == 1
    assert sample_value(after, IN_PROGRESS) == 0


def test_unreachable_upstream_is_counted_as_such(tokens: dict[str, str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with running(create_app(closed)) as url, httpx.Client(base_url=url) as client:
        body = _post(client, "query Who { viewer { role } }", tokens["Client"])
        text = client.get("/metrics").text

    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    unreachable = {"method": "GET", "status": "unreachable"}
    # Every try of the read counts.
    assert (
        sample_value(text, UPSTREAM, endpoint=f"{API}/api-tokens/{{id}}", **unreachable)
        == Policy().attempts
    )
    who = {"operation": "Who", "type": "query", "outcome": "UPSTREAM_UNAVAILABLE"}
    assert sample_value(text, OPERATIONS, **who) == 1


def test_metrics_can_be_turned_off(sandbox_url: str) -> None:
    with running(create_app(sandbox_url, metrics=False)) as url:
        assert httpx.get(url + "/metrics").status_code == 404
        assert httpx.get(url + "/healthz").status_code == 200


def test_operation_names_past_the_limit_count_as_other() -> None:
    metrics = Metrics()
    names = [f"Op{i}" for i in range(MAX_OPERATION_NAMES + 5)]

    labels = [metrics.operation_label(name) for name in names]

    assert labels[:MAX_OPERATION_NAMES] == names[:MAX_OPERATION_NAMES]
    assert set(labels[MAX_OPERATION_NAMES:]) == {OTHER}
    assert metrics.operation_label("Op0") == "Op0"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("/buyers", "/buyers"),
        ("/buyers/{id}/enable", "/buyers/{id}/enable"),
        ("/buyers/BUY-1234-5678", "/buyers/{id}"),
        ("/accounts/ACC-1234-5678/icon?x=1", "/accounts/{id}/icon"),
        ("/users/anything typed%20here", "/users/{id}"),
    ],
)
def test_endpoint_template_masks_ids(template: str, expected: str) -> None:
    assert endpoint_template(template) == API + expected


def test_upstream_timeout_is_counted_as_such(tokens: dict[str, str]) -> None:
    release = threading.Event()

    async def silent(request: Request) -> JSONResponse:
        await asyncio.to_thread(release.wait, 30)
        return JSONResponse({})

    upstream = Starlette(routes=[Route("/{path:path}", silent)])
    with running(upstream) as upstream_url:
        app = create_app(upstream_url, policy=Policy(read_timeout=0.2))
        with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            body = _post(client, "query Slow { viewer { role } }", tokens["Client"])
            text = client.get("/metrics").text
        release.set()

    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    timeout = {"method": "GET", "status": "timeout"}
    endpoint = f"{API}/api-tokens/{{id}}"
    assert sample_value(text, UPSTREAM, endpoint=endpoint, **timeout) == 1


def test_requests_refused_by_the_http_rules_are_client_errors(
    facade: httpx.Client, tokens: dict[str, str]
) -> None:
    headers = auth(tokens["Client"])
    refused = [
        # A GET without its cross-site preflight header.
        facade.get("/graphql", params={"query": "{ __typename }"}, headers=headers),
        # A mutation over GET.
        facade.get(
            "/graphql",
            params={
                "query": 'mutation { disableBuyer(id: "BUY-0000-0000") { errors'
                " { message } } }"
            },
            headers={**headers, "GraphQL-Require-Preflight": "1"},
        ),
        # No query at all.
        facade.post("/graphql", json={"nothing": 1}, headers=headers),
    ]
    unknown = facade.post(
        "/graphql",
        json={"query": "{ __typename }", "operationName": "Nope"},
        headers=headers,
    )

    assert [answer.status_code for answer in refused] == [400, 405, 400]
    assert unknown.json()["errors"][0]["extensions"]["code"] == (
        "GRAPHQL_VALIDATION_FAILED"
    )
    scrape = facade.get("/metrics").text
    assert "INTERNAL_SERVER_ERROR" not in label_values(scrape, "outcome")
    assert (
        sample_value(
            scrape,
            OPERATIONS,
            operation="anonymous",
            type="unknown",
            outcome="BAD_REQUEST",
        )
        == 3
    )
