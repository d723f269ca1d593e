"""`viewer`: who is calling, and which capabilities of the matrix they hold."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.context import Info
from accounts_graph.graph.enums import Role
from accounts_graph.graph.errors import ErrorCode, FacadeError
from accounts_graph.graph.identity import Identity
from accounts_graph.platform.capabilities import BY_GRAPHQL, CAPABILITIES, Capability

if TYPE_CHECKING:
    from accounts_graph.graph.account import Account
    from accounts_graph.graph.api_token import ApiToken
    from accounts_graph.graph.user import User


@strawberry.type(description="One capability of the role matrix, for this caller.")
class CapabilityGrant:
    name: str = strawberry.field(
        description="The capability, as the platform names it."
    )
    collection: str = strawberry.field(description="The collection it belongs to.")
    field: str = strawberry.field(
        description="The GraphQL field (or `Type.field`) that exercises it."
    )
    roles: list[Role] = strawberry.field(description="The roles that hold it.")
    allowed: bool = strawberry.field(description="Whether this caller holds it.")

    @classmethod
    def of(cls, row: Capability, role: Role) -> "CapabilityGrant":
        return cls(
            name=row.name,
            collection=row.collection,
            field=row.graphql,
            roles=sorted(row.roles, key=list(Role).index),
            allowed=row.allows(role),
        )


@strawberry.type(description="The caller: its role, account, and user or API token.")
class Viewer:
    role: Role = strawberry.field(description="The caller's role (account type).")
    _identity: strawberry.Private[Identity]

    @strawberry.field(description="The caller's account.")
    async def account(
        self, info: Info
    ) -> Annotated["Account", strawberry.lazy("accounts_graph.graph.account")] | None:
        from accounts_graph.graph.account import Account

        if self._identity.account_id is None:
            return None
        return await resolve.load_by_id(info, Account, self._identity.account_id)

    @strawberry.field(description="The signed-in user, when the token is a user's.")
    async def user(
        self, info: Info
    ) -> Annotated["User", strawberry.lazy("accounts_graph.graph.user")] | None:
        from accounts_graph.graph.user import User

        if self._identity.user_id is None:
            return None
        return await resolve.load_by_id(info, User, self._identity.user_id)

    @strawberry.field(description="The API token, when the caller uses one.")
    async def api_token(
        self, info: Info
    ) -> (
        Annotated["ApiToken", strawberry.lazy("accounts_graph.graph.api_token")] | None
    ):
        from accounts_graph.graph.api_token import ApiToken

        if self._identity.token_id is None:
            return None
        return await resolve.load_by_id(info, ApiToken, self._identity.token_id)

    @strawberry.field(
        description="Every capability of the role matrix, with whether the caller "
        "holds it: a UI can hide what the caller cannot do."
    )
    def capabilities(self) -> list[CapabilityGrant]:
        return [CapabilityGrant.of(row, self.role) for row in CAPABILITIES]

    @strawberry.field(description="Whether the caller holds one capability.")
    def can(
        self,
        capability: Annotated[
            str,
            strawberry.argument(
                description="The GraphQL field of the capability, e.g. `disableBuyer`."
            ),
        ],
    ) -> bool:
        row = BY_GRAPHQL.get(capability)
        if row is None:
            raise FacadeError(
                f"'{capability}' is not a capability.", ErrorCode.BAD_USER_INPUT
            )
        return row.allows(self.role)


async def resolve_viewer(info: Info) -> Viewer:
    identity = await info.context.identity()
    return Viewer(role=identity.role, _identity=identity)
