"""Every error leaves with a documented `extensions.code`, and nothing internal.

Errors we raise carry their code already. Parse and validation errors get
GRAPHQL_VALIDATION_FAILED; anything else is a bug, logged once with its traceback
and answered as INTERNAL_SERVER_ERROR with a fixed message. Logs never carry the
query text: an inline argument could be a password or a token.

GraphQL's own messages about a value of the wrong type quote the value, whole
input objects included; a password or an invitation code sent in the wrong
place would come back in the answer. Those quotes are cut: the message keeps the
variable, the path and the expected type.
"""

import logging
import re
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


# (pattern, replacement) pairs over graphql-core's messages, in this order.
_QUOTED_VALUES = [
    # "…, found: {'password': '…'}." and "… Did you mean 'x'? Found: {…}."
    (re.compile(r"(?:,\s*found|\s*Found):\s.*$", re.S), ""),
    # "String cannot represent a non string value: 12345"
    (re.compile(r"(cannot represent [^:]*?value):\s.*$", re.S), r"\1."),
    # "Value 'x' does not exist in 'AccountType' enum."
    (re.compile(r"Value '.*?' (does not exist in '\w+' enum)", re.S), r"The value \1"),
    # "…, but encountered error '…'; found: …"
    (re.compile(r"encountered error '.*?'", re.S), "encountered an error"),
    # "Syntax Error: Expected Name, found String '…'." (a misplaced string)
    (re.compile(r"\b((?:Block)?String) '.*'", re.S), r"\1"),
]


def without_values(message: str) -> str:
    """Cut the quoted input values out of a GraphQL validation message."""
    for pattern, replacement in _QUOTED_VALUES:
        message = pattern.sub(replacement, message)
    message = message.rstrip()
    return message if message.endswith((".", "?")) else message + "."


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
            without_values(error.message),
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
