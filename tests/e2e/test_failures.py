"""A misbehaving upstream: the answer keeps its shape and codes, internals stay in.

The upstream here is a small real HTTP server that answers what the real one
should not (a server error, an object without its id), since the sandbox never
does.
"""

import logging
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accounts_graph.app import create_app
from tests.servers import running

TOKEN = "idt:TKN-1111-2222:" + "s3cr3t" * 6


async def _accounts(request: Request) -> JSONResponse:
    # An object without its id: a broken upstream, not a caller's mistake.
    page = {"offset": 0, "limit": 10, "total": 1}
    return JSONResponse({"$meta": {"pagination": page}, "data": [{"name": "x"}]})


async def _buyers(request: Request) -> JSONResponse:
    problem = {
        "title": "Internal Server Error",
        "status": 500,
        "traceId": "00-ab-cd-00",
    }
    return JSONResponse(problem, status_code=500)


async def _token(request: Request) -> JSONResponse:
    account = {"id": "ACC-1111-2222", "type": "Operations", "name": "Ops"}
    return JSONResponse({"id": "TKN-1111-2222", "account": account})


BROKEN = Starlette(
    routes=[
        Route("/public/v1/accounts/accounts", _accounts),
        Route("/public/v1/accounts/buyers", _buyers),
        Route("/public/v1/accounts/api-tokens/{id}", _token),
    ]
)


@pytest.fixture(scope="module")
def facade() -> Iterator[httpx.Client]:
    with (
        running(BROKEN) as upstream,
        running(create_app(upstream)) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


def _post(client: httpx.Client, query: str) -> dict[str, object]:
    response = client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


def test_unexpected_failure_is_masked_and_logged_without_the_query(
    facade: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    body = _post(facade, '{ accounts(rql: "eq(name,secret-value)") { nodes { id } } }')

    [error] = body["errors"]  # type: ignore[misc]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "KeyError" in caplog.text
    assert "secret-value" not in caplog.text
    assert "s3cr3t" not in caplog.text


def test_upstream_server_error_keeps_its_problem_details(facade: httpx.Client) -> None:
    body = _post(facade, "{ buyers { totalCount } }")

    [error] = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "UPSTREAM_ERROR"
    assert error["extensions"]["upstream"]["traceId"] == "00-ab-cd-00"
    assert error["extensions"]["upstream"]["status"] == 500
