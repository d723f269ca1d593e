"""Sellers: the SoftwareOne entities that sell to buyers through ERP links."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import Address, Audit, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.enums import SellerStatus, to_enum
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
from accounts_graph.graph.relations import children, reference
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import SELLER, Resource

SellerFilter = filter_input(
    "SellerFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "external_id": (StringFilter, "externalId"),
        "status": (EnumFilter[SellerStatus], "status"),
        "country": (StringFilter, "address.country"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
SellerOrderField, SellerOrder = order_input(
    "Seller",
    {
        "ID": "id",
        "NAME": "name",
        "EXTERNAL_ID": "externalId",
        "STATUS": "status",
        "CREATED_AT": "audit.created.at",
    },
)


def _currencies(values: Any) -> list[str] | None:
    """Read currencies given as codes or as `{"value": "EUR", …}` objects."""
    if not isinstance(values, list):
        return None
    codes = (
        value.get("value") if isinstance(value, dict) else value for value in values
    )
    return [str(code) for code in codes if code]


@strawberry.federation.type(
    keys=["id"],
    description="A SoftwareOne selling entity; buyers reach it through ERP links.",
)
class Seller(Node, Entity):
    RESOURCE: ClassVar[Resource] = SELLER
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {
            "__typename",
            "id",
            "name",
            "externalId",
            "icon",
            "iconUrl",
            "erpLinks",
            "buyers",
        }
    )

    name: str | None = strawberry.field(description="Legal name.")
    external_id: str | None = strawberry.field(
        description="Code of the selling entity, e.g. SWO_CH."
    )
    icon: str | None = strawberry.field(description="Platform path of the logo.")
    status: SellerStatus | None = strawberry.field(description="Life-cycle state.")
    currencies: list[str] | None = strawberry.field(
        description="Currencies it sells in, as ISO 4217 codes."
    )
    address: Address | None = embedded(
        Address,
        "address",
        description="Postal address.",
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
            external_id=data.get("externalId"),
            icon=data.get("icon"),
            status=to_enum(SellerStatus, data.get("status")),
            currencies=_currencies(data.get("currencies")),
            _raw=data,
        )

    @strawberry.field(description="URL of the logo on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("sellers", self.id, self.icon)

    erp_link = reference(
        "erp_link",
        "ErpLink",
        "erpLink",
        description="The ERP link the platform singles out for this seller, when "
        "the answer carries one (an optional field of the REST API).",
    )

    erp_links = children(
        "erp_link",
        "ErpLink",
        "seller",
        capability="erpLinks",
        what="list ERP links",
        description="The seller's links to buyers in its ERP.",
    )

    buyers = children(
        "buyer",
        "Buyer",
        "sellers",
        capability="buyers",
        what="list buyers",
        description="Buyers linked to the seller by ERP links.",
    )


RESOURCE_TYPES["Seller"] = SELLER

SellerId = Annotated[
    strawberry.ID, strawberry.argument(description="The seller, e.g. SEL-1234-5678.")
]


@strawberry.type
class SellerQueries:
    sellers: Connection[Seller] | None = list_field(
        Seller,
        SellerFilter,
        SellerOrder,
        capability="sellers",
        description="Sellers the caller may see, a page at a time.",
    )
    seller: Seller | None = get_field(
        Seller,
        capability="seller",
        description="One seller by id; null when unknown or hidden.",
    )
