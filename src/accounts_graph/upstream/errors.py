"""Errors of the upstream Accounts API, mapped once at the client boundary.

UpstreamError
├── UpstreamUnavailable    unreachable, timed out
└── UpstreamStatusError    an answer with an error status
    ├── Unauthenticated    401
    ├── Forbidden          403
    ├── NotFound           404
    ├── InvalidInput       400, 409, 415, 422: what the caller can fix
    ├── Overloaded         429, 502, 503, 504: try again later
    └── ServerError        5xx and anything else

`UpstreamUnavailable` and `Overloaded` share the code UPSTREAM_UNAVAILABLE; both
may say when to try again (`retry_after`, seconds).

A problem's text is the upstream's, and an upstream may quote what it was sent:
the secrets of the request (the caller's token, a password, an invitation code)
are blanked out of it here, before anything else reads it.
"""

import math
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from accounts_graph.platform.tokens import redact_credentials

REDACTED = "[redacted]"


class UpstreamError(Exception):
    """Root of the upstream client's errors."""

    code = "UPSTREAM_ERROR"

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.retry_after = retry_after

    @property
    def retry_after_seconds(self) -> int | None:
        """`retry_after` in whole seconds, rounded up: never sooner than asked."""
        if self.retry_after is None:
            return None
        return max(0, math.ceil(self.retry_after))


class UpstreamUnavailable(UpstreamError):
    """The Accounts API could not be reached or did not answer in time."""

    code = "UPSTREAM_UNAVAILABLE"


class Unsendable(UpstreamError):
    """A request no HTTP server could be sent: a URL past the 64 KiB httpx
    allows (a huge `in(...)` list, say), or text that is not Unicode (a lone
    surrogate). The caller's input is at fault, so nothing is sent."""

    code = "BAD_USER_INPUT"


class UpstreamStatusError(UpstreamError):
    """An answer with an error status; `problem` is its problem-details body."""

    def __init__(
        self,
        status: int,
        problem: dict[str, Any],
        *,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        title = problem.get("title") or _phrase(status)
        detail = problem.get("detail")
        message = f"{status} {title}" + (f": {detail}" if detail else "")
        super().__init__(message, method=method, path=path, retry_after=retry_after)
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


class Overloaded(UpstreamStatusError):
    """Rate-limited (429) or a gateway's transient failure (502, 503, 504)."""

    code = "UPSTREAM_UNAVAILABLE"


class ServerError(UpstreamStatusError):
    code = "UPSTREAM_ERROR"


_KINDS: dict[int, type[UpstreamStatusError]] = {
    401: Unauthenticated,
    403: Forbidden,
    404: NotFound,
    400: InvalidInput,
    409: InvalidInput,
    415: InvalidInput,
    422: InvalidInput,
    429: Overloaded,
    502: Overloaded,
    503: Overloaded,
    504: Overloaded,
}

# The members of problem details a client is shown (RFC 7807 plus the
# platform's `traceId` and field `errors`); anything else an upstream adds
# (stack traces, internal ids) stays here.
_SHOWN = ("title", "detail", "status", "traceId", "errors", "type")


def error_for_status(
    status: int,
    problem: dict[str, Any],
    method: str,
    path: str,
    *,
    retry_after: float | None = None,
    secrets: Iterable[str] = (),
) -> UpstreamStatusError:
    """Return the error an upstream status maps to, its problem scrubbed of
    `secrets`."""
    kind = _KINDS.get(status, ServerError)
    shown = {k: problem[k] for k in _SHOWN if k in problem}
    clean = redact(shown, [s for s in secrets if s])
    return kind(status, clean, method=method, path=path, retry_after=retry_after)


def redact(value: Any, secrets: list[str]) -> Any:
    """Return `value` (JSON) with every occurrence of a secret, and anything
    that looks like a credential, blanked out."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return redact_credentials(value)
    if isinstance(value, dict):
        return {redact(k, secrets): redact(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item, secrets) for item in value]
    return value


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
