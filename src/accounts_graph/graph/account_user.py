"""Account users: a user seen inside one account, with its groups and reach."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.common import Audit, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES, Info
from accounts_graph.graph.embedded import Invitation
from accounts_graph.graph.enums import InvitationStatus
from accounts_graph.graph.errors import not_found
from accounts_graph.graph.filters import (
    DateTimeFilter,
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node
from accounts_graph.graph.relations import reference, references
from accounts_graph.graph.roots import list_field
from accounts_graph.platform.resources import ACCOUNT_USER, Resource
from accounts_graph.upstream import rql
from accounts_graph.upstream.client import Session
from accounts_graph.upstream.rql import and_, term

AccountUserFilter = filter_input(
    "AccountUserFilter",
    {
        "id": (IdFilter, "id"),
        "user_id": (IdFilter, "user.id"),
        "user_name": (StringFilter, "user.name"),
        "invitation_status": (EnumFilter[InvitationStatus], "invitation.status"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
AccountUserOrderField, AccountUserOrder = order_input(
    "AccountUser",
    {"ID": "id", "USER_NAME": "user.name", "CREATED_AT": "audit.created.at"},
)


@strawberry.type(
    description="A user as a member of one account: the groups it belongs to there "
    "and the buyers and modules those groups give it."
)
class AccountUser(Node):
    RESOURCE: ClassVar[Resource] = ACCOUNT_USER
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset({"__typename", "id"})

    invitation: Invitation | None = embedded(
        Invitation,
        "invitation",
        description="The invitation into the account and where it stands.",
    )
    last_login_at: str | None = strawberry.field(
        description="When the user last signed in to the account, as ISO-8601 UTC."
    )
    audit: Audit | None = embedded(
        Audit,
        "audit",
        description="When the membership was created, changed, joined and used.",
    )
    _raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            last_login_at=data.get("lastLoginAt"),
            _raw=data,
        )

    user = reference(
        "user", "User", "user", description="The platform user behind the membership."
    )

    account = reference(
        "account",
        "Account",
        "account",
        description="The account the user is a member of.",
    )

    groups = references(
        "user_group",
        "UserGroup",
        "groups",
        description="The account's user groups the user belongs to.",
    )

    buyers = references(
        "buyer",
        "Buyer",
        "buyers",
        description="Buyers the user reaches through its groups.",
    )

    modules = references(
        "module",
        "Module",
        "modules",
        description="Modules the user reaches through its groups.",
    )


RESOURCE_TYPES["AccountUser"] = ACCOUNT_USER

AccountId = Annotated[
    strawberry.ID, strawberry.argument(description="The account, e.g. ACC-1234-5678.")
]


@strawberry.type
class AccountUserQueries:
    account_users: Connection[AccountUser] | None = list_field(
        AccountUser,
        AccountUserFilter,
        AccountUserOrder,
        capability="accountUsers",
        description="The members of one account the caller may see, a page at a time.",
        scope_args={"account_id": AccountId},
        scope=lambda args: [term("eq", "account.id", args["account_id"])],
    )

    @strawberry.field(
        description="One user as a member of one account; null when it is not a "
        "member or hidden."
    )
    async def account_user(
        self,
        info: Info,
        account_id: AccountId,
        user_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The user, e.g. USR-1234-5678."),
        ],
    ) -> AccountUser | None:
        await info.context.require("accountUser", "get account users")
        found = await resolve.upstream(
            membership(
                info.context.session,
                account_id,
                user_id,
                info.context.select_for(info, ACCOUNT_USER),
            )
        )
        if found is None:
            raise not_found("Account user", f"{user_id} in {account_id}")
        return AccountUser.from_rest(found)


async def membership(
    session: Session, account_id: str, user_id: str, select: rql.Projection
) -> dict[str, Any] | None:
    """Read one user's membership of one account from the `/account-users`
    collection, which names it by its own `AUSR-…` id; None when there is none."""
    page = await session.fetch_page(
        ACCOUNT_USER.collection,
        filter=and_(
            term("eq", "account.id", account_id), term("eq", "user.id", user_id)
        ),
        select=select,
        limit=1,
    )
    return page.data[0] if page.data else None
