"""Cloud tenant capabilities: create, update, delete."""

import strawberry

from accounts_graph.graph.cloud_tenant import CloudTenant
from accounts_graph.graph.enums import CloudTenantStatus, CloudTenantType
from accounts_graph.graph.mutations.base import mutation
from accounts_graph.graph.mutations.inputs import UNSET


@strawberry.input(description="A cloud tenant's identifiers in other systems.")
class CloudTenantExternalIdsInput:
    pyra_tenant_id: str = strawberry.field(description="Tenant id (UUID) in Pyracloud.")
    cloud_consumption_id: str = strawberry.field(
        description="Id (UUID) in Cloud Consumption."
    )
    provider_id: str | None = strawberry.field(
        default=UNSET, description="Id at the cloud provider."
    )


@strawberry.input(description="A new cloud tenant.")
class CreateCloudTenantInput:
    name: str = strawberry.field(description="Name (1 to 100 chars).")
    external_ids: CloudTenantExternalIdsInput = strawberry.field(
        description="Identifiers in other systems."
    )
    type: CloudTenantType | None = strawberry.field(
        default=UNSET, description="The cloud programme."
    )
    status: CloudTenantStatus | None = strawberry.field(
        default=UNSET, description="Initial state."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The account it belongs to."
    )


@strawberry.input(description="New values for a cloud tenant.")
class UpdateCloudTenantInput:
    name: str = strawberry.field(description="Name (1 to 100 chars).")
    external_ids: CloudTenantExternalIdsInput | None = strawberry.field(
        default=UNSET, description="Identifiers in other systems."
    )
    type: CloudTenantType | None = strawberry.field(
        default=UNSET, description="The cloud programme."
    )
    status: CloudTenantStatus | None = strawberry.field(
        default=UNSET, description="State."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The account it belongs to."
    )


@strawberry.type
class CloudTenantMutations:
    create_cloud_tenant = mutation(
        CloudTenant,
        "createCloudTenant",
        description="Create a cloud tenant.",
        input_type=CreateCloudTenantInput,
    )
    update_cloud_tenant = mutation(
        CloudTenant,
        "updateCloudTenant",
        description="Update a cloud tenant.",
        input_type=UpdateCloudTenantInput,
    )
    delete_cloud_tenant = mutation(
        CloudTenant, "deleteCloudTenant", description="Delete a cloud tenant."
    )
