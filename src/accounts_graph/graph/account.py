"""Accounts: the client, vendor and operations organisations of the platform."""

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.common import AccountExternalIds, Address, Audit, Eligibility
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES, Info
from accounts_graph.graph.enums import AccountStatus, AccountType, ServiceLevel, to_enum
from accounts_graph.graph.filters import (
    DateTimeFilter,
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node, icon_url
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import ACCOUNT, Resource

if TYPE_CHECKING:
    from accounts_graph.graph.account_user import AccountUser
    from accounts_graph.graph.api_token import ApiToken
    from accounts_graph.graph.buyer import Buyer
    from accounts_graph.graph.cloud_tenant import CloudTenant
    from accounts_graph.graph.licensee import Licensee
    from accounts_graph.graph.user_group import UserGroup

AccountFilter = filter_input(
    "AccountFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "type": (EnumFilter[AccountType], "type"),
        "status": (EnumFilter[AccountStatus], "status"),
        "external_id": (StringFilter, "externalId"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
AccountOrderField, AccountOrder = order_input(
    "Account",
    {"ID": "id", "NAME": "name", "STATUS": "status", "CREATED_AT": "audit.created.at"},
)


@strawberry.type(
    description="A client, vendor or operations organisation; its type is the role "
    "of everyone who acts for it."
)
class Account(Node):
    RESOURCE: ClassVar[Resource] = ACCOUNT
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {
            "__typename",
            "id",
            "name",
            "type",
            "status",
            "icon",
            "iconUrl",
            "users",
            "userGroups",
            "buyers",
            "licensees",
            "apiTokens",
            "cloudTenants",
        }
    )

    name: str | None = strawberry.field(description="Display name.")
    type: AccountType | None = strawberry.field(
        description="Client, vendor or operations."
    )
    status: AccountStatus | None = strawberry.field(description="Life-cycle state.")
    icon: str | None = strawberry.field(description="Platform path of the logo.")
    description: str | None = strawberry.field(description="Free description.")
    external_id: str | None = strawberry.field(
        description="Customer Discount Group (CDG) number."
    )
    external_name: str | None = strawberry.field(description="CDG name.")
    external_ids: AccountExternalIds | None = strawberry.field(
        description="Identifiers in other SoftwareOne systems."
    )
    service_level: ServiceLevel | None = strawberry.field(
        description="Support service level."
    )
    address: Address | None = strawberry.field(description="Postal address.")
    technical_support_email: str | None = strawberry.field(
        description="Where technical support questions go."
    )
    website: str | None = strawberry.field(description="Public website.")
    eligibility: Eligibility | None = strawberry.field(
        description="Whether it may act as client or partner."
    )
    audit: Audit | None = strawberry.field(
        description="When it was created and changed."
    )

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            name=data.get("name"),
            type=to_enum(AccountType, data.get("type")),
            status=to_enum(AccountStatus, data.get("status")),
            icon=data.get("icon"),
            description=data.get("description"),
            external_id=data.get("externalId"),
            external_name=data.get("externalName"),
            external_ids=AccountExternalIds.from_rest(data.get("externalIds")),
            service_level=to_enum(ServiceLevel, data.get("serviceLevel")),
            address=Address.from_rest(data.get("address")),
            technical_support_email=data.get("technicalSupportEmail"),
            website=data.get("website"),
            eligibility=Eligibility.from_rest(data.get("eligibility")),
            audit=Audit.from_rest(data.get("audit")),
        )

    @strawberry.field(description="URL of the logo on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("accounts", self.id, self.icon)

    @strawberry.field(description="The account's users, as members of it.")
    async def users(
        self, info: Info
    ) -> (
        list[
            Annotated[
                "AccountUser", strawberry.lazy("accounts_graph.graph.account_user")
            ]
        ]
        | None
    ):
        from accounts_graph.graph.account_user import AccountUser

        await info.context.require("accountUsers", "list account users")
        return await resolve.load_children(info, AccountUser, "account", self.id)

    @strawberry.field(description="The account's user groups.")
    async def user_groups(
        self, info: Info
    ) -> (
        list[Annotated["UserGroup", strawberry.lazy("accounts_graph.graph.user_group")]]
        | None
    ):
        from accounts_graph.graph.user_group import UserGroup

        await info.context.require("userGroups", "list user groups")
        return await resolve.load_children(info, UserGroup, "account", self.id)

    @strawberry.field(description="The account's buyers (clients and operations).")
    async def buyers(
        self, info: Info
    ) -> list[Annotated["Buyer", strawberry.lazy("accounts_graph.graph.buyer")]] | None:
        from accounts_graph.graph.buyer import Buyer

        await info.context.require("buyers", "list buyers")
        return await resolve.load_children(info, Buyer, "account", self.id)

    @strawberry.field(description="The account's licensees (clients and operations).")
    async def licensees(
        self, info: Info
    ) -> (
        list[Annotated["Licensee", strawberry.lazy("accounts_graph.graph.licensee")]]
        | None
    ):
        from accounts_graph.graph.licensee import Licensee

        await info.context.require("licensees", "list licensees")
        return await resolve.load_children(info, Licensee, "account", self.id)

    @strawberry.field(description="The account's API tokens.")
    async def api_tokens(
        self, info: Info
    ) -> (
        list[Annotated["ApiToken", strawberry.lazy("accounts_graph.graph.api_token")]]
        | None
    ):
        from accounts_graph.graph.api_token import ApiToken

        await info.context.require("apiTokens", "list API tokens")
        return await resolve.load_children(info, ApiToken, "account", self.id)

    @strawberry.field(description="The account's cloud tenants (operations only).")
    async def cloud_tenants(
        self, info: Info
    ) -> (
        list[
            Annotated[
                "CloudTenant", strawberry.lazy("accounts_graph.graph.cloud_tenant")
            ]
        ]
        | None
    ):
        from accounts_graph.graph.cloud_tenant import CloudTenant

        await info.context.require("cloudTenants", "list cloud tenants")
        return await resolve.load_children(info, CloudTenant, "account", self.id)


RESOURCE_TYPES["Account"] = ACCOUNT


@strawberry.type
class AccountQueries:
    accounts: Connection[Account] = list_field(
        Account,
        AccountFilter,
        AccountOrder,
        capability="accounts",
        description="Accounts the caller may see, a page at a time.",
    )
    account: Account | None = get_field(
        Account,
        capability="account",
        description="One account by id; null when unknown or hidden.",
    )
