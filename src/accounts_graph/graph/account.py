"""Accounts: the client, vendor and operations organisations of the platform."""

from typing import Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import (
    AccountExternalIds,
    Address,
    Audit,
    Eligibility,
    embedded,
)
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.enums import AccountStatus, AccountType, ServiceLevel, to_enum
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    DateTimeFilter,
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node, icon_url
from accounts_graph.graph.relations import children
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import ACCOUNT, Resource

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


@strawberry.federation.type(
    keys=["id"],
    description="A client, vendor or operations organisation; its type is the role "
    "of everyone who acts for it.",
)
class Account(Node, Entity):
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
    external_ids: AccountExternalIds | None = embedded(
        AccountExternalIds,
        "externalIds",
        description="Identifiers in other SoftwareOne systems.",
    )
    service_level: ServiceLevel | None = strawberry.field(
        description="Support service level."
    )
    address: Address | None = embedded(
        Address,
        "address",
        description="Postal address.",
    )
    technical_support_email: str | None = strawberry.field(
        description="Where technical support questions go."
    )
    website: str | None = strawberry.field(description="Public website.")
    eligibility: Eligibility | None = embedded(
        Eligibility,
        "eligibility",
        description="Whether it may act as client or partner.",
    )
    audit: Audit | None = embedded(
        Audit,
        "audit",
        description="When it was created and changed.",
    )

    _raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            _raw=data,
            name=data.get("name"),
            type=to_enum(AccountType, data.get("type")),
            status=to_enum(AccountStatus, data.get("status")),
            icon=data.get("icon"),
            description=data.get("description"),
            external_id=data.get("externalId"),
            external_name=data.get("externalName"),
            service_level=to_enum(ServiceLevel, data.get("serviceLevel")),
            technical_support_email=data.get("technicalSupportEmail"),
            website=data.get("website"),
        )

    @strawberry.field(description="URL of the logo on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("accounts", self.id, self.icon)

    users = children(
        "account_user",
        "AccountUser",
        "account",
        capability="accountUsers",
        what="list account users",
        description="The account's users, as members of it.",
    )

    user_groups = children(
        "user_group",
        "UserGroup",
        "account",
        capability="userGroups",
        what="list user groups",
        description="The account's user groups.",
    )

    buyers = children(
        "buyer",
        "Buyer",
        "account",
        capability="buyers",
        what="list buyers",
        description="The account's buyers (clients and operations).",
    )

    licensees = children(
        "licensee",
        "Licensee",
        "account",
        capability="licensees",
        what="list licensees",
        description="The account's licensees (clients and operations).",
    )

    api_tokens = children(
        "api_token",
        "ApiToken",
        "account",
        capability="apiTokens",
        what="list API tokens",
        description="The account's API tokens.",
    )

    cloud_tenants = children(
        "cloud_tenant",
        "CloudTenant",
        "account",
        capability="cloudTenants",
        what="list cloud tenants",
        description="The account's cloud tenants (operations only).",
    )


RESOURCE_TYPES["Account"] = ACCOUNT


@strawberry.type
class AccountQueries:
    accounts: Connection[Account] | None = list_field(
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
