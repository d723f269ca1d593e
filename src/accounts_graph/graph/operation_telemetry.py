"""GraphQL operations as telemetry: a span each (the parent of the loader
batches and upstream requests it causes) and the latency histogram by name,
type and outcome."""

import time
from collections.abc import Iterator

from graphql import GraphQLError
from graphql.utilities import get_operation_ast
from opentelemetry import trace
from opentelemetry.trace import Span, StatusCode
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionContext

from accounts_graph.graph.outcomes import with_code
from accounts_graph.telemetry import current_telemetry

ANONYMOUS = "anonymous"
BAD_REQUEST = "BAD_REQUEST"
UNKNOWN = "unknown"


class OperationTelemetry(SchemaExtension):
    """Time and trace each operation; label it once its document is parsed."""

    def on_operation(self) -> Iterator[None]:
        telemetry = current_telemetry()
        if telemetry is None:
            yield
            return
        started = time.perf_counter()
        span = (
            telemetry.tracer.start_span("graphql operation")
            if telemetry.tracer is not None
            else trace.INVALID_SPAN
        )
        outcome = "INTERNAL_SERVER_ERROR"
        name, kind = ANONYMOUS, UNKNOWN
        try:
            # Not the exception itself: its text may quote the query.
            if span is trace.INVALID_SPAN:
                yield
            else:
                with trace.use_span(span, record_exception=False):
                    yield
            name, kind = describe(self.execution_context)
            outcome = outcome_of(self.execution_context)
        except GraphQLError as error:
            # A limiter that parses the query itself raises its syntax error
            # here, before the operation has a result.
            outcome = _code_of(error)
            raise
        except CannotGetOperationTypeError:
            # An operation name the document does not hold: answered as a
            # validation error.
            outcome = "GRAPHQL_VALIDATION_FAILED"
            raise
        except (InvalidOperationTypeError, MissingQueryError):
            # Refused by the HTTP rules (no query, a mutation over GET, a
            # request without its cross-site preflight): the client's mistake,
            # answered with a 4xx, never counted as a server's.
            outcome = BAD_REQUEST
            raise
        finally:
            _finish_span(span, name, kind, outcome)
            session = getattr(self.execution_context.context, "session", None)
            if span.is_recording() and session is not None:
                span.set_attribute("accounts_graph.upstream.requests", session.requests)
            span.end()
            if telemetry.metrics is not None:
                telemetry.metrics.observe_operation(
                    name, kind, outcome, time.perf_counter() - started
                )


def describe(context: ExecutionContext) -> tuple[str, str]:
    """Return the operation's name (or "anonymous") and type (or "unknown").

    Both come from the parsed document, never from the request's
    `operationName` alone: a name no operation bears is only the client's text.
    """
    document = context.graphql_document
    if document is None:
        return ANONYMOUS, UNKNOWN
    operation = get_operation_ast(document, context.operation_name)
    if operation is None:
        return ANONYMOUS, UNKNOWN
    name = operation.name.value if operation.name else ANONYMOUS
    return name, operation.operation.value


def outcome_of(context: ExecutionContext) -> str:
    """Return "ok", or the code of the answer's first error."""
    errors = context.result.errors if context.result is not None else None
    errors = errors or context.pre_execution_errors
    return _code_of(errors[0]) if errors else "ok"


def _code_of(error: GraphQLError) -> str:
    code = (with_code(error).extensions or {}).get("code")
    return str(code or "INTERNAL_SERVER_ERROR")


def _finish_span(span: Span, name: str, kind: str, outcome: str) -> None:
    if not span.is_recording():
        return
    if kind != UNKNOWN:
        span.update_name(f"{kind} {name}" if name != ANONYMOUS else kind)
        span.set_attribute("graphql.operation.type", kind)
    if name != ANONYMOUS:
        span.set_attribute("graphql.operation.name", name)
    if outcome != "ok":
        span.set_attribute("error.type", outcome)
        span.set_status(StatusCode.ERROR)
