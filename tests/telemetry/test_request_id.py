"""`X-Request-Id`: kept when well-formed, generated otherwise, echoed in the
answer, forwarded with every upstream request and on every log line."""

import logging
import re
import threading
from collections.abc import Iterator

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.telemetry.logs import RequestContextFilter
from tests.conftest import auth
from tests.servers import running
from tests.telemetry.conftest import Recorder

UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
NESTED = "{ accounts(first: 2) { nodes { id buyers { id } users { id } } } }"


@pytest.fixture(scope="module")
def facade(recorded_sandbox_url: str) -> Iterator[httpx.Client]:
    app = create_app(recorded_sandbox_url, identity_ttl=0)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Captured records, with the request id the service's handler would print
    (its filter on the capturing handler)."""
    caplog.set_level(logging.DEBUG)
    context = RequestContextFilter()
    caplog.handler.addFilter(context)
    yield caplog
    caplog.handler.removeFilter(context)


def _post(client: httpx.Client, token: str, **headers: str) -> httpx.Response:
    response = client.post(
        "/graphql", json={"query": NESTED}, headers={**auth(token), **headers}
    )
    assert response.status_code == 200, response.text
    return response


def test_given_id_is_echoed_forwarded_and_logged(
    facade: httpx.Client,
    recorder: Recorder,
    tokens: dict[str, str],
    logs: pytest.LogCaptureFixture,
) -> None:
    recorder.take()

    response = _post(facade, tokens["Operations"], **{"X-Request-Id": "req-42.a:b"})
    received = recorder.take()

    assert response.headers["x-request-id"] == "req-42.a:b"
    # The identity lookup and the three list requests of the query.
    assert len(received) == 4
    assert {r.headers["x-request-id"] for r in received} == {"req-42.a:b"}
    ours = [r for r in logs.records if r.name.startswith("accounts_graph")]
    assert {r.name for r in ours} >= {
        "accounts_graph.access",
        "accounts_graph.graph.schema",
        "accounts_graph.upstream.client",
    }
    assert {getattr(r, "request_id", None) for r in ours} == {"req-42.a:b"}
    [access] = [r for r in ours if r.name == "accounts_graph.access"]
    assert "id=req-42.a:b" in access.getMessage()
    assert "status=200 upstream_requests=4" in access.getMessage()


def test_one_info_line_per_request_names_the_operation_and_its_errors(
    facade: httpx.Client, tokens: dict[str, str], logs: pytest.LogCaptureFixture
) -> None:
    query = 'query Lookup { buyer(id: "BUY-0000-0000") { id } viewer { role } }'

    facade.post(
        "/graphql",
        json={"query": query},
        headers={**auth(tokens["Client"]), "X-Request-Id": "one-line"},
    )

    mine = [
        r
        for r in logs.records
        if r.name.startswith("accounts_graph")
        and getattr(r, "request_id", None) == "one-line"
        and r.levelno >= logging.INFO
    ]
    [line] = mine
    assert line.name == "accounts_graph.access"
    assert " status=200 upstream_requests=" in line.getMessage()
    assert " operation=Lookup errors=1 duration_ms=" in line.getMessage()
    assert (line.operation, line.errors) == ("Lookup", 1)  # type: ignore[attr-defined]


def test_absent_id_is_generated(
    facade: httpx.Client, recorder: Recorder, tokens: dict[str, str]
) -> None:
    recorder.take()

    first = _post(facade, tokens["Client"]).headers["x-request-id"]
    second = _post(facade, tokens["Client"]).headers["x-request-id"]
    received = recorder.take()

    assert UUID.fullmatch(first) and UUID.fullmatch(second) and first != second
    assert {r.headers["x-request-id"] for r in received} == {first, second}


@pytest.mark.parametrize(
    "malformed",
    ["has spaces", "x" * 129, 'quote"d', "semi;colon", "", "é-accent"],
)
def test_malformed_id_is_replaced(
    facade: httpx.Client,
    recorder: Recorder,
    tokens: dict[str, str],
    logs: pytest.LogCaptureFixture,
    malformed: str,
) -> None:
    recorder.take()

    response = facade.get("/healthz", headers={"X-Request-Id": malformed.encode()})
    echoed = response.headers["x-request-id"]

    assert UUID.fullmatch(echoed)
    messages = [r.getMessage() for r in logs.records]
    assert "malformed X-Request-Id replaced" in messages
    assert all(malformed not in message for message in messages if malformed)


def test_concurrent_requests_keep_their_own_ids(
    facade: httpx.Client, recorder: Recorder, tokens: dict[str, str]
) -> None:
    recorder.take()
    ids = [f"parallel-{n}" for n in range(4)]
    threads = [
        threading.Thread(
            target=_post, args=(facade, tokens["Vendor"]), kwargs={"X-Request-Id": i}
        )
        for i in ids
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    received = recorder.take()

    by_id = {
        i: sorted(r.path for r in received if r.headers["x-request-id"] == i)
        for i in ids
    }
    # Each operation's requests (the same ones) carried its own id, none other.
    assert len(by_id[ids[0]]) >= 2
    assert all(paths == by_id[ids[0]] for paths in by_id.values())
    assert sum(len(paths) for paths in by_id.values()) == len(received)
