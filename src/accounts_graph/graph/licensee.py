"""Licensees: the entities of a client that use what its buyers pay for."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import Address, Audit, Contact, Eligibility, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.enums import LicenseeStatus, to_enum
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
from accounts_graph.graph.relations import reference
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import LICENSEE, Resource

LicenseeFilter = filter_input(
    "LicenseeFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "external_id": (StringFilter, "externalId"),
        "status": (EnumFilter[LicenseeStatus], "status"),
        "account_id": (IdFilter, "account.id"),
        "buyer_id": (IdFilter, "buyer.id"),
        "seller_id": (IdFilter, "seller.id"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
LicenseeOrderField, LicenseeOrder = order_input(
    "Licensee",
    {"ID": "id", "NAME": "name", "STATUS": "status", "CREATED_AT": "audit.created.at"},
)


@strawberry.federation.type(
    keys=["id"],
    description="An entity of a client account that uses licences: a buyer pays "
    "for them and a seller sells them.",
)
class Licensee(Node, Entity):
    RESOURCE: ClassVar[Resource] = LICENSEE
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {"__typename", "id", "name", "externalId", "icon", "iconUrl"}
    )

    name: str | None = strawberry.field(description="Display name.")
    external_id: str | None = strawberry.field(
        description="Identifier in the client's own systems."
    )
    icon: str | None = strawberry.field(description="Platform path of the logo.")
    status: LicenseeStatus | None = strawberry.field(description="Life-cycle state.")
    description: str | None = strawberry.field(description="Free description.")
    use_buyer_address: bool | None = strawberry.field(
        description="Whether the licensee uses its buyer's address instead of its own."
    )
    address: Address | None = embedded(
        Address,
        "address",
        description="Postal address.",
    )
    contact: Contact | None = embedded(
        Contact,
        "contact",
        description="Contact person.",
    )
    eligibility: Eligibility | None = embedded(
        Eligibility,
        "eligibility",
        description="Whether it may act as client or partner.",
    )
    audit: Audit | None = embedded(
        Audit,
        "audit",
        description="When it was created, changed and disabled.",
    )
    _raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            name=data.get("name"),
            external_id=data.get("externalId"),
            icon=data.get("icon"),
            status=to_enum(LicenseeStatus, data.get("status")),
            description=data.get("description"),
            use_buyer_address=data.get("useBuyerAddress"),
            _raw=data,
        )

    @strawberry.field(description="URL of the logo on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("licensees", self.id, self.icon)

    account = reference(
        "account",
        "Account",
        "account",
        description="The client account the licensee belongs to.",
    )

    buyer = reference(
        "buyer", "Buyer", "buyer", description="The buyer that pays for the licensee."
    )

    seller = reference(
        "seller", "Seller", "seller", description="The seller the licensee buys from."
    )


RESOURCE_TYPES["Licensee"] = LICENSEE

LicenseeId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The licensee, e.g. LCE-1234-5678-9012."),
]


@strawberry.type
class LicenseeQueries:
    licensees: Connection[Licensee] | None = list_field(
        Licensee,
        LicenseeFilter,
        LicenseeOrder,
        capability="licensees",
        description="Licensees the caller may see, a page at a time.",
    )
    licensee: Licensee | None = get_field(
        Licensee,
        capability="licensee",
        description="One licensee by id; null when unknown or hidden.",
    )
