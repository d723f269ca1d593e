"""Every error leaves with a documented `extensions.code`, and nothing internal.

Errors we raise carry their code already. Parse and validation errors get
GRAPHQL_VALIDATION_FAILED; anything else is a bug, logged once with its traceback
and answered as INTERNAL_SERVER_ERROR with a fixed message. Logs never carry the
query text: an inline argument could be a password or a token.
"""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from accounts_graph.graph.errors import ErrorCode

logger = logging.getLogger(__name__)

MASKED_MESSAGE = "Internal server error."


def is_request_error(error: GraphQLError) -> bool:
    """Tell an error of the request itself (syntax, validation, variables) from
    one raised while resolving a field: only the latter has a path."""
    return error.path is None


def with_code(error: GraphQLError) -> GraphQLError:
    """Return the error with a documented code; unexpected ones masked."""
    if (error.extensions or {}).get("code"):
        return error
    if is_request_error(error):
        code = (
            ErrorCode.BAD_USER_INPUT
            if error.message.startswith("Variable")
            else ErrorCode.GRAPHQL_VALIDATION_FAILED
        )
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            extensions={"code": code.value},
        )
    return GraphQLError(
        MASKED_MESSAGE,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
    )


class ErrorCodes(SchemaExtension):
    """Give every error of the answer a code; mask the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [with_code(error) for error in result.errors]


def log_errors(
    errors: list[GraphQLError], execution_context: ExecutionContext | None = None
) -> None:
    """Log unexpected errors once with their traceback; expected ones at DEBUG."""
    for error in errors:
        original = error.original_error
        code = (error.extensions or {}).get("code")
        if original is not None and not code and not is_request_error(error):
            logger.error(
                "unexpected error at %s: %s",
                ".".join(map(str, error.path or [])) or "-",
                type(original).__name__,
                exc_info=original,
            )
        else:
            logger.debug("graphql error code=%s path=%s", code, error.path)
