"""Errors of the upstream Accounts API, mapped once at the client boundary.

UpstreamError
├── UpstreamUnavailable    unreachable, timed out
└── UpstreamStatusError    an answer with an error status
    ├── Unauthenticated    401
    ├── Forbidden          403
    ├── NotFound           404
    ├── InvalidInput       400, 409, 415, 422: what the caller can fix
    └── ServerError        5xx and anything else
"""

from typing import Any


class UpstreamError(Exception):
    """Root of the upstream client's errors."""

    code = "UPSTREAM_ERROR"

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"


class UpstreamStatusError(UpstreamError):
    """An answer with an error status; `problem` is its problem-details body."""

    def __init__(
        self,
        status: int,
        problem: dict[str, Any],
        *,
        method: str = "",
        path: str = "",
    ) -> None:
        title = problem.get("title") or str(status)
        detail = problem.get("detail")
        message = f"{status} {title}" + (f": {detail}" if detail else "")
        super().__init__(message, method=method, path=path)
        self.status = status
        self.problem = problem

    @property
    def trace_id(self) -> str | None:
        value = self.problem.get("traceId")
        return value if isinstance(value, str) else None

    @property
    def field_errors(self) -> list[tuple[str, str]]:
        """The problem's `errors` as (field, message) pairs, in either shape."""
        errors = self.problem.get("errors")
        pairs: list[tuple[str, str]] = []
        if isinstance(errors, dict):
            for field, messages in errors.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    pairs.append((str(field), str(message)))
        elif isinstance(errors, list):
            for item in errors:
                if isinstance(item, dict):
                    properties = item.get("properties") or [""]
                    pairs.append((str(properties[0]), str(item.get("message", ""))))
        return pairs


class Unauthenticated(UpstreamStatusError):
    code = "UNAUTHENTICATED"


class Forbidden(UpstreamStatusError):
    code = "FORBIDDEN"


class NotFound(UpstreamStatusError):
    code = "NOT_FOUND"


class InvalidInput(UpstreamStatusError):
    code = "BAD_USER_INPUT"


class ServerError(UpstreamStatusError):
    code = "UPSTREAM_ERROR"


def error_for_status(
    status: int, problem: dict[str, Any], method: str, path: str
) -> UpstreamStatusError:
    """Return the error class instance an upstream status maps to."""
    kind: type[UpstreamStatusError] = {
        401: Unauthenticated,
        403: Forbidden,
        404: NotFound,
        400: InvalidInput,
        409: InvalidInput,
        415: InvalidInput,
        422: InvalidInput,
    }.get(status, ServerError)
    return kind(status, problem, method=method, path=path)
