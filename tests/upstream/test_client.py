"""The upstream client's own rules: backoff bounds, `Retry-After`, what a
problem keeps, tokens it will not send."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from accounts_graph.upstream.client import Policy, Session, retry_after_of
from accounts_graph.upstream.errors import (
    REDACTED,
    InvalidInput,
    Overloaded,
    ServerError,
    Unauthenticated,
    error_for_status,
)


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 8])
def test_backoff_stays_within_its_doubling_bound(attempt: int) -> None:
    policy = Policy(backoff=0.1, backoff_max=0.5)

    waits = [policy.backoff_before(attempt) for _ in range(500)]

    bound = min(0.5, 0.1 * 2 ** (attempt - 1))
    assert all(0 <= wait <= bound for wait in waits)
    # Jittered: the waits spread over the range instead of repeating one value.
    assert max(waits) - min(waits) > bound / 2


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [("120", 120, 120), ("0", 0, 0), ("in a while", None, None), (None, None, None)],
)
def test_retry_after_reads_delay_seconds(
    header: str | None, low: float | None, high: float | None
) -> None:
    headers = {"Retry-After": header} if header is not None else {}

    found = retry_after_of(httpx.Response(429, headers=headers))

    if low is None:
        assert found is None
    else:
        assert found is not None and low <= found <= high


def test_retry_after_reads_an_http_date_as_seconds_from_now() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    earlier = format_datetime(datetime.now(UTC) - timedelta(seconds=90), usegmt=True)

    ahead = retry_after_of(httpx.Response(503, headers={"Retry-After": later}))
    behind = retry_after_of(httpx.Response(503, headers={"Retry-After": earlier}))

    assert ahead is not None and 80 <= ahead <= 90
    assert behind == 0


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
