"""The schema: every resource's root fields, `node`, `viewer`, and the extension
that reports each operation's upstream cost."""

import logging
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from accounts_graph.graph import resolve
from accounts_graph.graph.account import Account, AccountQueries
from accounts_graph.graph.account_user import AccountUser, AccountUserQueries
from accounts_graph.graph.api_token import ApiToken, ApiTokenQueries
from accounts_graph.graph.buyer import Buyer, BuyerQueries
from accounts_graph.graph.buyer_transfer import TransferQueries
from accounts_graph.graph.cloud_tenant import CloudTenant, CloudTenantQueries
from accounts_graph.graph.context import Context, Info
from accounts_graph.graph.erp_link import ErpLink, ErpLinkQueries
from accounts_graph.graph.errors import ErrorCode, FacadeError, shown_id
from accounts_graph.graph.execution import Execution
from accounts_graph.graph.federation import FEDERATION_VERSION, SubgraphSchema
from accounts_graph.graph.licensee import Licensee, LicenseeQueries
from accounts_graph.graph.limits import Limiter, OperationLimits, QueryLimits
from accounts_graph.graph.module import Module, ModuleQueries
from accounts_graph.graph.mutations.account import AccountMutations
from accounts_graph.graph.mutations.account_user import AccountUserMutations
from accounts_graph.graph.mutations.api_token import ApiTokenMutations
from accounts_graph.graph.mutations.buyer import BuyerMutations
from accounts_graph.graph.mutations.cloud_tenant import CloudTenantMutations
from accounts_graph.graph.mutations.erp_link import ErpLinkMutations
from accounts_graph.graph.mutations.licensee import LicenseeMutations
from accounts_graph.graph.mutations.seller import SellerMutations
from accounts_graph.graph.mutations.user import UserMutations
from accounts_graph.graph.mutations.user_group import UserGroupMutations
from accounts_graph.graph.node import Node
from accounts_graph.graph.operation_telemetry import OperationTelemetry
from accounts_graph.graph.outcomes import ErrorCodes, log_errors
from accounts_graph.graph.seller import Seller, SellerQueries
from accounts_graph.graph.user import User, UserQueries
from accounts_graph.graph.user_group import UserGroup, UserGroupQueries
from accounts_graph.graph.viewer import Viewer, resolve_viewer
from accounts_graph.platform.resources import resource_of_id
from accounts_graph.telemetry.middleware import annotate_request

logger = logging.getLogger(__name__)

_NODE_TYPES: dict[str, Any] = {
    "account": Account,
    "account_user": AccountUser,
    "api_token": ApiToken,
    "buyer": Buyer,
    "cloud_tenant": CloudTenant,
    "erp_link": ErpLink,
    "licensee": Licensee,
    "module": Module,
    "seller": Seller,
    "user": User,
    "user_group": UserGroup,
}


@strawberry.type
class CoreQueries:
    @strawberry.field(
        description="Any object by its platform id; the id's prefix picks the type."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="A platform id, e.g. SEL-1234-5678."),
        ],
    ) -> Node | None:
        resource = resource_of_id(id)
        if resource is None:
            raise FacadeError(
                f"'{shown_id(id)}' is not a platform id (PREFIX-dddd-dddd).",
                ErrorCode.BAD_USER_INPUT,
            )
        kind = _NODE_TYPES[resource.name]
        await info.context.require(
            resolve.READS[resource.name], f"read {resource.collection}"
        )
        found: Node = await resolve.load_by_id(info, kind, id)
        return found

    @strawberry.field(description="The caller: role, account, capabilities.")
    async def viewer(self, info: Info) -> Viewer:
        return await resolve_viewer(info)


Query = merge_types(
    "Query",
    (
        CoreQueries,
        AccountQueries,
        AccountUserQueries,
        ApiTokenQueries,
        BuyerQueries,
        CloudTenantQueries,
        ErpLinkQueries,
        LicenseeQueries,
        ModuleQueries,
        SellerQueries,
        UserQueries,
        UserGroupQueries,
        TransferQueries,
    ),
)


class UpstreamCost(SchemaExtension):
    """Report `extensions.upstream`; name the operation and count its errors on
    the request's access line (one INFO line per request), and log the
    operation's own line at DEBUG."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context.context
        result = self.execution_context.result
        errors = len(result.errors or []) if result is not None else 0
        operation = self.execution_context.operation_name or "-"
        annotate_request(operation=operation, errors=errors)
        logger.debug(
            "graphql operation=%s requests=%s errors=%d duration_ms=%.1f",
            operation,
            getattr(getattr(context, "session", None), "requests", 0),
            errors,
            (time.perf_counter() - started) * 1000,
        )

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not isinstance(context, Context):
            return {}
        return {
            "upstream": {
                "requests": context.session.requests,
                "bytes": context.session.bytes_received,
            }
        }


Mutation = merge_types(
    "Mutation",
    (
        AccountMutations,
        AccountUserMutations,
        ApiTokenMutations,
        BuyerMutations,
        CloudTenantMutations,
        ErpLinkMutations,
        LicenseeMutations,
        SellerMutations,
        UserMutations,
        UserGroupMutations,
    ),
)
Mutation.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "Every capability of the role matrix that changes something, one field each."
)

Query.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "The account graph: every collection of the Accounts API, any object by id, "
    "and the caller."
)


class Schema(SubgraphSchema):
    """The service's schema and Federation subgraph; hides suggestions on demand."""

    hide_suggestions = False
    limiter: Limiter

    def _get_execute_function(self) -> Callable[..., Any]:
        # Variable values are checked while executing (an enum name misspelled
        # in a variable): their errors must not suggest names either.
        execute = super()._get_execute_function()
        if not self.hide_suggestions:
            return execute
        return partial(execute, hide_suggestions=True)

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        log_errors(errors, execution_context)


def build_schema(limits: QueryLimits | None = None) -> Schema:
    """Build the schema with the bounds of one operation (default: `Settings`'s)."""
    limiter = Limiter(limits or QueryLimits())
    built = Schema(
        query=Query,
        mutation=Mutation,
        types=list(_NODE_TYPES.values()),
        federation_version=FEDERATION_VERSION,
        execution_context_class=Execution,
        extensions=[
            # First, so that it closes last: the other extensions' time is the
            # operation's too, and the errors' codes are final by then.
            OperationTelemetry,
            UpstreamCost,
            ErrorCodes,
            # Clients send the same few operations again and again: parsing is
            # cached by query text (bounded LRU), validation by document.
            ParserCache,
            # Bounds on one operation, checked before any upstream request: a
            # deep or wide query multiplies objects per level.
            lambda: OperationLimits(limiter),
        ],
    )
    built.hide_suggestions = limiter.limits.production
    built.limiter = limiter
    return built


schema = build_schema()
