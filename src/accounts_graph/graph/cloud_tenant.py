"""Cloud tenants: an account's tenants in the cloud programmes SoftwareOne runs."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import Audit, CloudTenantExternalIds, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.enums import CloudTenantStatus, CloudTenantType, to_enum
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    DateTimeFilter,
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node
from accounts_graph.graph.relations import reference
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import CLOUD_TENANT, Resource

CloudTenantFilter = filter_input(
    "CloudTenantFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "status": (EnumFilter[CloudTenantStatus], "status"),
        "type": (EnumFilter[CloudTenantType], "type"),
        "account_id": (IdFilter, "account.id"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
CloudTenantOrderField, CloudTenantOrder = order_input(
    "CloudTenant",
    {
        "ID": "id",
        "NAME": "name",
        "STATUS": "status",
        "TYPE": "type",
        "CREATED_AT": "audit.created.at",
    },
)


@strawberry.federation.type(
    keys=["id"],
    description="An account's tenant in a cloud programme (AWS, Microsoft CSP or "
    "EA…); operations only.",
)
class CloudTenant(Node, Entity):
    RESOURCE: ClassVar[Resource] = CLOUD_TENANT
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset({"__typename", "id"})

    name: str | None = strawberry.field(description="Display name.")
    status: CloudTenantStatus | None = strawberry.field(description="Life-cycle state.")
    type: CloudTenantType | None = strawberry.field(
        description="The cloud programme the tenant belongs to."
    )
    external_ids: CloudTenantExternalIds | None = embedded(
        CloudTenantExternalIds,
        "externalIds",
        description="Identifiers in Pyra, cloud consumption and the provider.",
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
            status=to_enum(CloudTenantStatus, data.get("status")),
            type=to_enum(CloudTenantType, data.get("type")),
            _raw=data,
        )

    account = reference(
        "account",
        "Account",
        "account",
        description="The account the tenant belongs to.",
    )


RESOURCE_TYPES["CloudTenant"] = CLOUD_TENANT

CloudTenantId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The cloud tenant, e.g. CLT-1234-5678."),
]


@strawberry.type
class CloudTenantQueries:
    cloud_tenants: Connection[CloudTenant] | None = list_field(
        CloudTenant,
        CloudTenantFilter,
        CloudTenantOrder,
        capability="cloudTenants",
        description="Cloud tenants (operations only), a page at a time.",
    )
    cloud_tenant: CloudTenant | None = get_field(
        CloudTenant,
        capability="cloudTenant",
        description="One cloud tenant by id; null when unknown.",
    )
