"""The error codes a client may see in `extensions.code`, and how they are raised."""

from enum import StrEnum
from typing import Any

from graphql import GraphQLError

from accounts_graph.platform.tokens import redact_credentials
from accounts_graph.upstream.errors import UpstreamError, UpstreamStatusError


class ErrorCode(StrEnum):
    """Every value `extensions.code` takes; clients may switch on them."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_ERROR = "UPSTREAM_ERROR"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class FacadeError(GraphQLError):
    """A GraphQL error carrying one of our codes."""

    def __init__(self, message: str, code: ErrorCode, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})


def forbidden(what: str) -> FacadeError:
    return FacadeError(f"You may not {what}.", ErrorCode.FORBIDDEN)


def unauthenticated(*, token_sent: bool = False) -> FacadeError:
    if token_sent:
        message = (
            "The bearer token was not accepted: it is unknown, disabled or malformed."
        )
    else:
        message = "This needs a bearer token: send 'Authorization: Bearer <token>'."
    return FacadeError(message, ErrorCode.UNAUTHENTICATED)


def shown_id(object_id: str) -> str:
    """An id as a message may quote it: it is the caller's text, so a pasted
    token is not quoted back, and a 70 KB one is not repeated whole."""
    shown = redact_credentials(object_id)
    return shown[:64] + "…" if len(shown) > 64 else shown


def not_found(kind: str, object_id: str) -> FacadeError:
    return FacadeError(
        f"{kind} {shown_id(object_id)} was not found.", ErrorCode.NOT_FOUND
    )


def from_upstream(error: UpstreamError) -> FacadeError:
    """Translate an upstream failure, keeping its problem details but nothing else.

    `extensions.upstream` holds the problem's status, title, detail, traceId and
    field errors; `extensions.retryAfter` the seconds the upstream asked to wait.
    """
    extensions: dict[str, Any] = {}
    if isinstance(error, UpstreamStatusError):
        upstream: dict[str, Any] = {
            "status": error.status,
            "title": error.problem.get("title"),
            "detail": error.problem.get("detail"),
            "traceId": error.trace_id,
        }
        if error.field_errors:
            upstream["errors"] = [
                {"field": field, "message": message}
                for field, message in error.field_errors
            ]
        extensions["upstream"] = upstream
    if error.retry_after_seconds is not None:
        extensions["retryAfter"] = error.retry_after_seconds
    return FacadeError(str(error), ErrorCode(error.code), **extensions)
