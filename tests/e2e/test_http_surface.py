"""The HTTP surface: mutations only by POST, queries by GET as configured, no
cross-site "simple" requests, bounded bodies and uploads."""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import BUYER
from tests.conftest import auth
from tests.e2e.facades import PREFLIGHT, RequestCounter, facade
from tests.e2e.mutation_cases import Caller, scratch_caller
from tests.images import image
from tests.sandbox.factories import forgotten, new_buyer, new_token, store_of

QUERY = "{ viewer { role } }"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


def _multipart(query: str, variables: dict[str, Any], data: bytes) -> Any:
    operations = {"query": query, "variables": {**variables, "icon": None}}
    return {
        "operations": (None, json.dumps(operations).encode(), "application/json"),
        "map": (None, b'{"0": ["variables.icon"]}', "application/json"),
        "0": ("icon.png", data, "image/png"),
    }


UPLOAD = (
    "mutation($id: ID!, $icon: Upload!) { uploadBuyerIcon(id: $id, icon: $icon) "
    "{ buyer { iconUrl } errors { field message code } } }"
)


@pytest.mark.parametrize("headers", [{}, PREFLIGHT], ids=["plain", "preflighted"])
def test_a_mutation_over_get_is_refused_and_the_token_still_exists(
    http: httpx.Client,
    counter: RequestCounter,
    rest: httpx.Client,
    ops: str,
    headers: dict[str, str],
) -> None:
    token = new_token(rest, auth(ops))
    mutation = f'mutation {{ deleteApiToken(id: "{token["id"]}") {{ deletedId }} }}'
    before = counter.count

    response = http.get(
        "/graphql", params={"query": mutation}, headers={**auth(ops), **headers}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in response.text
    assert counter.count == before
    assert rest.get(f"/api-tokens/{token['id']}", headers=auth(ops)).status_code == 200


def test_a_mutation_named_among_queries_over_get_is_refused(
    http: httpx.Client, counter: RequestCounter, rest: httpx.Client, ops: str
) -> None:
    token = new_token(rest, auth(ops))
    document = (
        f"query Look {{ viewer {{ role }} }} mutation Drop {{ deleteApiToken("
        f'id: "{token["id"]}") {{ deletedId }} }}'
    )
    before = counter.count

    response = http.get(
        "/graphql",
        params={"query": document, "operationName": "Drop"},
        headers={**auth(ops), **PREFLIGHT},
    )

    assert response.status_code == 405
    assert counter.count == before
    assert rest.get(f"/api-tokens/{token['id']}", headers=auth(ops)).status_code == 200


def test_a_query_over_get_runs_with_a_preflight_header(
    http: httpx.Client, ops: str
) -> None:
    response = http.get(
        "/graphql", params={"query": QUERY}, headers={**auth(ops), **PREFLIGHT}
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"role": "OPERATIONS"}}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Content-Type": "text/plain"}, {"GraphQL-Require-Preflight": ""}],
    ids=["bare", "simple-type", "blank-header"],
)
def test_a_query_over_get_without_a_preflight_is_refused(
    http: httpx.Client, counter: RequestCounter, ops: str, headers: dict[str, str]
) -> None:
    before = counter.count

    response = http.get(
        "/graphql", params={"query": QUERY}, headers={**auth(ops), **headers}
    )

    assert response.status_code == 400
    assert "cross-site request forgery" in response.text
    assert counter.count == before


@pytest.mark.parametrize(
    "header", ["Apollo-Require-Preflight", "X-Apollo-Operation-Name"]
)
def test_apollo_clients_preflight_headers_are_accepted(
    http: httpx.Client, ops: str, header: str
) -> None:
    response = http.get(
        "/graphql", params={"query": QUERY}, headers={**auth(ops), header: "true"}
    )

    assert response.status_code == 200


def test_queries_over_get_can_be_turned_off(sandbox_url: str, ops: str) -> None:
    with facade(sandbox_url, graphql_get=False) as http:
        by_get = http.get(
            "/graphql", params={"query": QUERY}, headers={**auth(ops), **PREFLIGHT}
        )
        by_post = http.post("/graphql", json={"query": QUERY}, headers=auth(ops))

    assert by_get.status_code == 405
    assert "disabled" in by_get.text
    assert by_post.json()["data"] == {"viewer": {"role": "OPERATIONS"}}


def test_csrf_prevention_can_be_turned_off(sandbox_url: str, ops: str) -> None:
    with facade(sandbox_url, csrf_prevention=False) as http:
        response = http.get("/graphql", params={"query": QUERY}, headers=auth(ops))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded"]
)
def test_a_post_with_a_simple_content_type_is_refused(
    http: httpx.Client, counter: RequestCounter, ops: str, content_type: str
) -> None:
    before = counter.count

    response = http.post(
        "/graphql",
        content=json.dumps({"query": QUERY}),
        headers={**auth(ops), "Content-Type": content_type},
    )

    assert response.status_code == 400
    assert "cross-site request forgery" in response.text
    assert counter.count == before


def test_an_upload_without_a_preflight_header_is_refused(
    http: httpx.Client,
    counter: RequestCounter,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    before = counter.count

    response = http.post(
        "/graphql",
        files=_multipart(UPLOAD, {"id": buyer["id"]}, image("PNG")),
        headers=auth(client.token),
    )

    assert response.status_code == 400
    assert "cross-site request forgery" in response.text
    assert counter.count == before
    assert store_of(sandbox_app).get_icon("buyers", buyer["id"]) is None


def test_an_upload_with_a_preflight_header_is_kept(
    http: httpx.Client, rest: httpx.Client, ops: str, client: Caller
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    data = image("PNG")

    response = http.post(
        "/graphql",
        files=_multipart(UPLOAD, {"id": buyer["id"]}, data),
        headers={**auth(client.token), **PREFLIGHT},
    )

    payload = response.json()["data"]["uploadBuyerIcon"]
    assert payload["errors"] == []
    assert http.get(payload["buyer"]["iconUrl"]).content == data


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n", b"GIF89a<script>alert(1)</script>"],
    ids=["png-signature", "gif-polyglot"],
)
def test_an_upload_that_is_not_an_image_is_refused_before_any_upstream_request(
    http: httpx.Client,
    counter: RequestCounter,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
    data: bytes,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    before = counter.count

    response = http.post(
        "/graphql",
        files=_multipart(UPLOAD, {"id": buyer["id"]}, data),
        headers={**auth(client.token), **PREFLIGHT},
    )

    [error] = response.json()["data"]["uploadBuyerIcon"]["errors"]
    assert (error["field"], error["code"]) == (["icon"], "INVALID")
    assert "does not decode" in error["message"]
    assert counter.count == before
    assert store_of(sandbox_app).get_icon("buyers", buyer["id"]) is None


def test_graphiql_and_its_requests_still_work(http: httpx.Client, ops: str) -> None:
    page = http.get("/graphql", headers={"Accept": "text/html"})
    # GraphiQL's fetcher posts JSON and nothing else: a preflighted request.
    answer = http.post("/graphql", json={"query": QUERY}, headers=auth(ops))

    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert answer.json()["data"] == {"viewer": {"role": "OPERATIONS"}}


def test_a_batch_is_refused_with_a_clear_message(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    before = counter.count

    response = http.post(
        "/graphql", json=[{"query": QUERY}, {"query": QUERY}], headers=auth(ops)
    )

    assert response.status_code == 400
    assert "one operation per request" in response.text
    assert counter.count == before


@pytest.fixture(scope="module")
def small(counted: tuple[RequestCounter, str]) -> Iterator[httpx.Client]:
    """A facade taking bodies up to 1 KiB and files up to 2 KiB."""
    with facade(counted[1], max_body_bytes=1024, max_upload_bytes=2048) as client:
        yield client


def _padded(size: int) -> dict[str, Any]:
    return {"query": QUERY, "variables": {"pad": "x" * size}}


def test_a_body_over_the_limit_is_refused_with_413(
    small: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    before = counter.count

    response = small.post("/graphql", json=_padded(2000), headers=auth(ops))
    refused_upstream = counter.count - before
    within = small.post("/graphql", json=_padded(500), headers=auth(ops))

    assert response.status_code == 413
    assert response.text == "The request body is larger than 1 KiB."
    assert refused_upstream == 0
    assert within.status_code == 200


def test_a_chunked_body_over_the_limit_is_refused_with_413(
    small: httpx.Client, ops: str
) -> None:
    body = json.dumps(_padded(4000)).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 500):
            yield body[start : start + 500]

    response = small.post(
        "/graphql",
        content=chunks(),
        headers={**auth(ops), "Content-Type": "application/json"},
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_a_file_over_the_upload_limit_is_refused_with_413(
    small: httpx.Client,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    before = store_of(sandbox_app).get(BUYER, buyer["id"])
    data = image("PNG", (28, 28))
    assert 2048 < len(data) < 1024 + 2048

    response = small.post(
        "/graphql",
        files=_multipart(UPLOAD, {"id": buyer["id"]}, data),
        headers={**auth(client.token), **PREFLIGHT},
    )

    assert response.status_code == 413
    assert response.text == "The file '0' is larger than 2 KiB."
    assert store_of(sandbox_app).get(BUYER, buyer["id"]) == before
    assert store_of(sandbox_app).get_icon("buyers", buyer["id"]) is None


def test_an_upload_request_over_its_limit_is_refused_unread(
    small: httpx.Client, client: Caller, sandbox_app: Any
) -> None:
    data = image("PNG", (64, 64))

    response = small.post(
        "/graphql",
        files=_multipart(UPLOAD, {"id": "BUY-0000-0000"}, data),
        headers={**auth(client.token), **PREFLIGHT},
    )

    assert response.status_code == 413
    assert response.text == "The upload is larger than 3 KiB."
