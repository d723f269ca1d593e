"""Problem details (RFC 7807) as the platform shapes them, and the sandbox's errors."""

import secrets
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

_TYPES = {
    400: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    401: "https://tools.ietf.org/html/rfc9110#section-15.5.2",
    403: "https://tools.ietf.org/html/rfc9110#section-15.5.4",
    404: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
    405: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
    409: "https://tools.ietf.org/html/rfc9110#section-15.5.10",
    413: "https://tools.ietf.org/html/rfc9110#section-15.5.14",
    415: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
    500: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    503: "https://tools.ietf.org/html/rfc9110#section-15.6.4",
}


class ApiProblem(Exception):
    """An answer the sandbox gives as problem details instead of an object."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: dict[str, list[str]] | list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


def not_found(kind: str, object_id: str) -> ApiProblem:
    return ApiProblem(404, f"{kind} {object_id} not found.")


def trace_id() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


_HEADERS = {
    401: {"WWW-Authenticate": "Bearer"},
    # Only the store's busy timeout answers 503: the lock is soon free again.
    503: {"Retry-After": "1"},
}


def problem_response(problem: ApiProblem) -> JSONResponse:
    """Render a problem as the platform does: the reason phrase as `title`."""
    body: dict[str, Any] = {
        "type": _TYPES.get(problem.status, "about:blank"),
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        "traceId": trace_id(),
    }
    if problem.errors:
        body["errors"] = problem.errors
    headers = _HEADERS.get(problem.status)
    return JSONResponse(
        body,
        status_code=problem.status,
        media_type="application/problem+json",
        headers=headers,
    )
