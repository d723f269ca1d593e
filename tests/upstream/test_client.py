"""The upstream client's own rules: what an error status means, what a problem
keeps, tokens it will not send."""

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tests.servers import running

from accounts_graph.upstream.client import API_PREFIX, Session, build_http_client
from accounts_graph.upstream.errors import (
    REDACTED,
    InvalidInput,
    Overloaded,
    ServerError,
    Unauthenticated,
    error_for_status,
)


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (400, InvalidInput, "BAD_USER_INPUT"),
        (429, Overloaded, "UPSTREAM_UNAVAILABLE"),
        (502, Overloaded, "UPSTREAM_UNAVAILABLE"),
        (503, Overloaded, "UPSTREAM_UNAVAILABLE"),
        (504, Overloaded, "UPSTREAM_UNAVAILABLE"),
        (500, ServerError, "UPSTREAM_ERROR"),
        (302, ServerError, "UPSTREAM_ERROR"),
    ],
)
def test_status_maps_to_its_error_and_code(status: int, kind: type, code: str) -> None:
    error = error_for_status(status, {}, "GET", "/x")

    assert type(error) is kind
    assert error.code == code


def test_problem_keeps_only_what_a_client_is_shown_scrubbed_of_secrets() -> None:
    problem = {
        "title": "Bad Request",
        "detail": "Password hunter2hunter2 refused for Bearer tok-123",
        "status": 400,
        "traceId": "00-1-2-00",
        "errors": {"password": ["hunter2hunter2 is too common"]},
        "stackTrace": "at Internal.Validate()",
        "sql": "SELECT * FROM users",
    }

    error = error_for_status(
        400, problem, "POST", "/users/{id}", secrets=["hunter2hunter2", "tok-123", ""]
    )

    assert set(error.problem) == {"title", "detail", "status", "traceId", "errors"}
    assert (
        error.problem["detail"] == f"Password {REDACTED} refused for Bearer {REDACTED}"
    )
    assert error.field_errors == [("password", f"{REDACTED} is too common")]
    assert "hunter2" not in str(error)


def test_retry_after_is_rounded_up_to_whole_seconds() -> None:
    error = error_for_status(429, {}, "GET", "/x", retry_after=2.2)

    assert error.retry_after_seconds == 3


@pytest.mark.parametrize("token", ["two words", "tab\there", "caf\xe9"])
async def test_session_refuses_to_send_a_malformed_token(
    token: str, sandbox_url: str
) -> None:
    async with httpx.AsyncClient(base_url=sandbox_url + "/public/v1/accounts") as http:
        session = Session(http, token)

        with pytest.raises(Unauthenticated) as raised:
            await session.send("GET", "/accounts")

    assert session.requests == 0
    assert token not in str(raised.value)


async def test_a_cookie_the_upstream_sets_is_never_sent_for_another_caller() -> None:
    # A load balancer's affinity cookie, or a session cookie, set in answer to one
    # caller must not ride along on the next caller's requests: the client is
    # shared by every request of the process.
    cookies_seen: list[str | None] = []

    async def answer(request: Request) -> JSONResponse:
        cookies_seen.append(request.headers.get("cookie"))
        response = JSONResponse({"data": []})
        response.set_cookie("session", f"of-{request.headers['authorization']}")
        return response

    upstream = Starlette(routes=[Route(API_PREFIX + "/accounts", answer)])
    with running(upstream) as url:
        http = build_http_client(url)
        async with http:
            await Session(http, "token-of-alice").send("GET", "/accounts")
            await Session(http, "token-of-bob").send("GET", "/accounts")

    assert cookies_seen == [None, None]
