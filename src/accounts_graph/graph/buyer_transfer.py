"""Buyer transfer preview and the SSO check: reads beyond plain collections."""

from typing import Annotated, Any, Self
from urllib.parse import urlencode

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.account_user import AccountUser
from accounts_graph.graph.buyer import Buyer
from accounts_graph.graph.context import Info
from accounts_graph.upstream.client import path


@strawberry.type(
    description="What moving a buyer to another account would carry along."
)
class BuyerTransferStats:
    licensee_count: int = strawberry.field(description="Licensees of the buyer.")
    user_count: int = strawberry.field(description="Account users who use the buyer.")
    user_group_count: int = strawberry.field(
        description="User groups that name the buyer."
    )
    order_count: int = strawberry.field(description="Orders placed for the buyer.")
    subscription_count: int = strawberry.field(description="Its subscriptions.")
    agreement_count: int = strawberry.field(description="Its agreements.")

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        def count(key: str) -> int:
            return int(data.get(key) or 0)

        return cls(
            licensee_count=count("licenseeCount"),
            user_count=count("userCount"),
            user_group_count=count("userGroupCount"),
            order_count=count("orderCount"),
            subscription_count=count("subscriptionCount"),
            agreement_count=count("agreementCount"),
        )


@strawberry.type(description="A preview of moving a buyer to another client account.")
class BuyerTransfer:
    buyer: Buyer = strawberry.field(description="The buyer as it is now.")
    stats: BuyerTransferStats = strawberry.field(description="What would move with it.")
    users: list[AccountUser] = strawberry.field(
        description="The account users who would lose access to the buyer."
    )


@strawberry.type(description="How a user signs in.")
class UserSsoCheck:
    user_id: strawberry.ID = strawberry.field(description="The user.")
    sso: bool = strawberry.field(
        description="Whether the user signs in through single sign-on."
    )


@strawberry.type
class TransferQueries:
    @strawberry.field(
        description="Preview moving a buyer and what depends on it to another "
        "client account with the same external id (operations only)."
    )
    async def buyer_transfer(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The buyer.")],
        destination_account_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The account it would move to."),
        ],
    ) -> BuyerTransfer | None:
        await info.context.require("buyerTransfer", "preview buyer transfers")
        data = await resolve.upstream(
            info.context.session.send(
                "GET",
                path("/buyers/{id}/transfer", id=id),
                query=urlencode({"destinationAccountId": destination_account_id}),
                template="/buyers/{id}/transfer",
            )
        )
        return BuyerTransfer(
            buyer=Buyer.from_rest(data),
            stats=BuyerTransferStats.from_rest(data.get("stats") or {}),
            users=[AccountUser.from_rest(u) for u in data.get("users") or []],
        )

    @strawberry.field(description="Whether a user signs in through single sign-on.")
    async def user_sso_check(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The user.")],
    ) -> UserSsoCheck | None:
        await info.context.require("userSsoCheck", "check users' sign-in")
        data = await resolve.upstream(
            info.context.session.send(
                "GET",
                path("/users/{id}/sso-check", id=id),
                template="/users/{id}/sso-check",
            )
        )
        return UserSsoCheck(user_id=id, sso=bool((data or {}).get("sso")))
