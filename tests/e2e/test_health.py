"""`/healthz` (the process is up) and `/readyz` (the upstream answers)."""

import socket
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from accounts_graph.app import create_app
from tests.servers import running


def test_healthz_answers_while_the_process_runs(facade_url: str) -> None:
    response = httpx.get(facade_url + "/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_the_accounts_api_answers(facade_url: str) -> None:
    response = httpx.get(facade_url + "/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_upstream() -> Iterator[str]:
    """A port that accepts connections and never answers them."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def _failing(request: Request) -> PlainTextResponse:
    return PlainTextResponse("down for maintenance", status_code=503)


@pytest.fixture(scope="module")
def failing_upstream() -> Iterator[str]:
    app = Starlette(routes=[Route("/{path:path}", _failing)])
    with running(app) as url:
        yield url


def _readyz(upstream: str, **options: float) -> httpx.Response:
    with running(create_app(upstream, **options)) as facade:
        return httpx.get(facade + "/readyz", timeout=30)


def test_readyz_is_503_when_nothing_listens_upstream(closed_port: int) -> None:
    response = _readyz(f"http://127.0.0.1:{closed_port}")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "the Accounts API is unreachable (ConnectError)",
    }


def test_readyz_is_503_when_the_upstream_does_not_answer_in_time(
    silent_upstream: str,
) -> None:
    response = _readyz(silent_upstream, readiness_timeout=0.2)

    assert response.status_code == 503
    assert response.json()["reason"] == ("the Accounts API did not answer within 0.2 s")


def test_readyz_is_503_when_the_upstream_fails(failing_upstream: str) -> None:
    response = _readyz(failing_upstream)

    assert response.status_code == 503
    assert response.json()["reason"] == "the Accounts API answered 503"


def test_readyz_is_503_when_the_url_is_not_an_accounts_api(sandbox_url: str) -> None:
    response = _readyz(sandbox_url + "/somewhere-else")

    assert response.status_code == 503
    assert response.json()["reason"] == "the Accounts API answered 404"


def test_healthz_stays_up_while_the_upstream_is_down(closed_port: int) -> None:
    with running(create_app(f"http://127.0.0.1:{closed_port}")) as facade:
        health = httpx.get(facade + "/healthz")
        ready = httpx.get(facade + "/readyz")

    assert health.status_code == 200
    assert ready.status_code == 503
