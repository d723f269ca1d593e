"""The `/graphql` endpoint: GraphQL over HTTP as this service speaks it.

Which methods may carry which operations, the cross-site rule, what a body may
be, and the context each request runs in.
"""

from typing import Any

import httpx
import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from accounts_graph.graph.context import Context
from accounts_graph.graph.errors import ErrorCode
from accounts_graph.graph.identity import IdentityCache, TokenVerifier
from accounts_graph.graph.limits import QueryLimits
from accounts_graph.graph.outcomes import with_code
from accounts_graph.graph.schema import build_schema
from accounts_graph.graphiql import page_response as graphiql_page
from accounts_graph.http_limits import (
    CSRF_REFUSAL,
    is_preflighted,
    kib,
)
from accounts_graph.platform.tokens import bearer_of
from accounts_graph.settings import Settings
from accounts_graph.upstream.client import Session
from accounts_graph.upstream.dropping import DropMemory
from accounts_graph.upstream.retries import DEFAULT_POLICY, Policy


class MethodNotAllowed(HTTPException):
    """An operation the request's HTTP method may not carry (a mutation over GET)."""

    def __init__(self, reason: str) -> None:
        super().__init__(405, reason)


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our per-request context and HTTP rules.

    Mutations travel only by POST; queries by GET too unless configured off.
    Cookie-less "simple" requests a browser would send cross-site without asking
    (GET, multipart uploads) must carry a preflight header (CSRF). One request
    carries one operation: batches are refused.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        settings: Settings,
        graphiql: bool,
        identity_ttl: float,
        policy: Policy = DEFAULT_POLICY,
        verifier: TokenVerifier | None = None,
    ) -> None:
        super().__init__(
            build_schema(query_limits(settings)),
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=settings.graphql_get,
            multipart_uploads_enabled=True,
        )
        self.http = http
        self.settings = settings
        self.policy = policy
        self.identities = IdentityCache(ttl=identity_ttl, verifier=verifier)
        self.dropping = DropMemory()

    async def render_graphql_ide(self, request: Request) -> Response:
        """Answer a browser with our GraphiQL page: its files come from the package."""
        return graphiql_page()

    def decode_json(self, data: str | bytes) -> object:
        """Decode a request body; only an object is a request."""
        try:
            decoded = super().decode_json(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The body must be JSON in UTF-8.") from error
        except RecursionError as error:
            raise HTTPException(400, "The JSON is nested too deeply.") from error
        if isinstance(decoded, list):
            raise HTTPException(
                400, "Batches are not accepted: send one operation per request."
            )
        if not isinstance(decoded, dict):
            raise HTTPException(400, "The body must be a JSON object.")
        return decoded

    async def run(
        self, request: Any, context: Any = UNSET, root_value: Any = UNSET
    ) -> Any:
        try:
            return await super().run(request, context, root_value)
        except MethodNotAllowed as refusal:
            return PlainTextResponse(
                refusal.reason, status_code=405, headers={"Allow": "POST"}
            )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # Refused before the multipart body is parsed: a cross-site form could
        # post it. GET requests are judged once their operation type is known.
        if (
            self.settings.csrf_prevention
            and request.method == "POST"
            and not is_preflighted(request.headers)
        ):
            raise HTTPException(400, CSRF_REFUSAL)
        return await super().parse_http_body(request)

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        operations = await super().parse_multipart(request)
        limit = self.settings.max_upload_bytes
        # Starlette keeps the parsed form: this reads no body again.
        form = await request.get_form_data()
        for name, upload in form.files.items():
            if (getattr(upload, "size", 0) or 0) > limit:
                raise HTTPException(
                    413, f"The file '{name}' is larger than {kib(limit)}."
                )
        return operations

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Execute one operation, if its HTTP method may carry it.

        Over GET, nothing is allowed to run until the operation's type is known
        (it is parsed first): a mutation is refused with 405, and a query needs
        queries over GET enabled and, against CSRF, a preflight header.
        """
        method = request_adapter.method
        over_get = method == "GET"
        preflighted = not self.settings.csrf_prevention or is_preflighted(
            request_adapter.headers
        )
        allowed = OperationType.from_http(method)
        if over_get and not (self.settings.graphql_get and preflighted):
            allowed = set()
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            # An answer in GraphQL's own shape, with a code, like every other
            # request error (a syntax error, a bad variable).
            problem = (
                "The document holds no operation to run."
                if error.operation_name is None
                else f"The document holds no operation named '{error.operation_name}'."
            )
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        problem,
                        extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
                    )
                ],
            )
        except InvalidOperationTypeError as error:
            raise _refusal(error.operation_type, method, self.settings) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Errors raised before execution (syntax, variables) skip the schema's
        # extensions; every error still leaves with a documented code.
        if result.errors:
            result.errors = [with_code(error) for error in result.errors]
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> str | bytes:
        """Encode an answer with orjson (several times faster than `json`).

        Its output is UTF-8 rather than `\\u` escapes, the same JSON; a value orjson
        refuses (an integer past 64 bits in a JSON scalar) falls back to `json`.
        """
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return super().encode_json(data)

    async def get_context(self, request: Any, response: Any) -> Context:
        authorization = request.headers.get("authorization")
        token = bearer_of(authorization)
        # A header that is not a bearer token must not quietly make a public call.
        if authorization and token is None:
            token = authorization
        session = Session(self.http, token, self.policy, self.dropping)
        request.state.session = session
        return Context(
            session=session,
            identities=self.identities,
            max_page_size=self.settings.max_page_size,
        )


def _refusal(kind: OperationType, method: str, settings: Settings) -> HTTPException:
    """Say why an operation of `kind` may not travel by `method`."""
    if kind is OperationType.MUTATION or kind is OperationType.SUBSCRIPTION:
        return MethodNotAllowed(
            f"A {kind.value} changes data: send it with POST, never GET."
        )
    if method == "GET" and not settings.graphql_get:
        return MethodNotAllowed("Queries over GET are disabled here: use POST.")
    return HTTPException(400, CSRF_REFUSAL)


def query_limits(settings: Settings) -> QueryLimits:
    """Return the bounds of one operation that `settings` configure."""
    return QueryLimits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_page_size=settings.max_page_size,
        max_cost=settings.max_cost,
        production=settings.production,
    )
