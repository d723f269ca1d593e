"""Buyers: the entities of a client that receive SoftwareOne's invoices."""

from typing import Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import (
    Address,
    Audit,
    BuyerExternalIds,
    Contact,
    ParametrisedMessage,
    embedded,
    many,
)
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES, Info
from accounts_graph.graph.enums import BuyerStatus, to_enum
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
from accounts_graph.graph.relations import children, reference, references
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import BUYER, Resource

BuyerFilter = filter_input(
    "BuyerFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "status": (EnumFilter[BuyerStatus], "status"),
        "account_id": (IdFilter, "account.id"),
        "tax_id": (StringFilter, "taxId"),
        "country": (StringFilter, "address.country"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
BuyerOrderField, BuyerOrder = order_input(
    "Buyer",
    {"ID": "id", "NAME": "name", "STATUS": "status", "CREATED_AT": "audit.created.at"},
)


@strawberry.federation.type(
    keys=["id"],
    description="An entity of a client account that buys through SoftwareOne and "
    "receives its invoices; linked to sellers through ERP links.",
)
class Buyer(Node, Entity):
    RESOURCE: ClassVar[Resource] = BUYER
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {"__typename", "id", "name", "icon", "iconUrl", "erpLinks", "licensees"}
    )

    name: str | None = strawberry.field(description="Legal name.")
    icon: str | None = strawberry.field(description="Platform path of the logo.")
    status: BuyerStatus | None = strawberry.field(description="Life-cycle state.")
    tax_id: str | None = strawberry.field(description="Tax or VAT number.")
    address: Address | None = embedded(
        Address,
        "address",
        description="Billing address.",
    )
    contact: Contact | None = embedded(
        Contact,
        "contact",
        description="Contact person.",
    )
    external_ids: BuyerExternalIds | None = embedded(
        BuyerExternalIds,
        "externalIds",
        description="Identifiers in the ERP.",
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
            name=data.get("name"),
            icon=data.get("icon"),
            status=to_enum(BuyerStatus, data.get("status")),
            tax_id=data.get("taxId"),
            _raw=data,
        )

    @strawberry.field(description="URL of the logo on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("buyers", self.id, self.icon)

    @strawberry.field(
        description="Synchronisation problems (operations only: others get null "
        "and a FORBIDDEN error)."
    )
    async def errors(self, info: Info) -> list[ParametrisedMessage] | None:
        await info.context.require_field(BUYER, "errors")
        return many(ParametrisedMessage.from_rest, self._raw.get("errors"))

    account = reference(
        "account",
        "Account",
        "account",
        description="The client account the buyer belongs to.",
    )

    # `sellers` is optional upstream; the operation's `select` asks for it
    # whenever this field is queried (graph/selection.py).
    sellers = references(
        "seller",
        "Seller",
        "sellers",
        description="Sellers the buyer is linked to by ERP links.",
    )

    erp_links = children(
        "erp_link",
        "ErpLink",
        "buyer",
        capability="erpLinks",
        what="list ERP links",
        description="The buyer's links to sellers' ERP systems.",
    )

    licensees = children(
        "licensee",
        "Licensee",
        "buyer",
        capability="licensees",
        what="list licensees",
        description="Licensees the buyer pays for.",
    )


RESOURCE_TYPES["Buyer"] = BUYER


@strawberry.type
class BuyerQueries:
    buyers: Connection[Buyer] | None = list_field(
        Buyer,
        BuyerFilter,
        BuyerOrder,
        capability="buyers",
        description="Buyers the caller may see, a page at a time.",
    )
    buyer: Buyer | None = get_field(
        Buyer,
        capability="buyer",
        description="One buyer by id; null when unknown or hidden.",
    )
