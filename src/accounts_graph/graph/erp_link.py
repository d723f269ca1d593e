"""ERP links: the connection of a buyer to a seller's ERP system."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import Address, Audit, BuyerExternalIds, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES, Info
from accounts_graph.graph.enums import ErpLinkStatus, to_enum
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node, icon_url
from accounts_graph.graph.relations import reference
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import ERP_LINK, Resource

ErpLinkFilter = filter_input(
    "ErpLinkFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "status": (EnumFilter[ErpLinkStatus], "status"),
        "buyer_id": (IdFilter, "buyer.id"),
        "seller_id": (IdFilter, "seller.id"),
    },
)
ErpLinkOrderField, ErpLinkOrder = order_input(
    "ErpLink",
    {"ID": "id", "NAME": "name", "STATUS": "status", "CREATED_AT": "audit.created.at"},
)


@strawberry.federation.type(
    keys=["id"],
    description="The link of a buyer to a seller's ERP system: under it the buyer "
    "is known to that seller as a customer.",
)
class ErpLink(Node, Entity):
    RESOURCE: ClassVar[Resource] = ERP_LINK
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {"__typename", "id", "name", "status", "icon", "iconUrl"}
    )

    name: str | None = strawberry.field(description="Display name, buyer - seller.")
    status: ErpLinkStatus | None = strawberry.field(
        description="Whether the link is usable or blocked."
    )
    icon: str | None = strawberry.field(description="Platform path of the logo.")
    external_ids: BuyerExternalIds | None = embedded(
        BuyerExternalIds,
        "externalIds",
        description="The buyer's identifiers in the seller's ERP.",
    )
    address: Address | None = embedded(
        Address,
        "address",
        description="Billing address in the ERP.",
    )
    audit: Audit | None = embedded(
        Audit,
        "audit",
        description="When it was created, changed, blocked and unblocked.",
    )
    _raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            name=data.get("name"),
            status=to_enum(ErpLinkStatus, data.get("status")),
            icon=data.get("icon"),
            _raw=data,
        )

    @strawberry.field(description="URL of the logo on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("erp-links", self.id, self.icon)

    @strawberry.field(
        description="Internal note (operations only: others get null and a "
        "FORBIDDEN error)."
    )
    async def note(self, info: Info) -> str | None:
        await info.context.require_field(ERP_LINK, "note")
        return self._raw.get("note")

    buyer = reference(
        "buyer", "Buyer", "buyer", description="The buyer the link connects."
    )

    seller = reference(
        "seller",
        "Seller",
        "seller",
        description="The seller whose ERP the link points into.",
    )


RESOURCE_TYPES["ErpLink"] = ERP_LINK

ErpLinkId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The ERP link, e.g. ERP-1234-5678-9012."),
]


@strawberry.type
class ErpLinkQueries:
    erp_links: Connection[ErpLink] | None = list_field(
        ErpLink,
        ErpLinkFilter,
        ErpLinkOrder,
        capability="erpLinks",
        description="ERP links the caller may see, a page at a time.",
    )
    erp_link: ErpLink | None = get_field(
        ErpLink,
        capability="erpLink",
        description="One ERP link by id; null when unknown or hidden.",
    )
