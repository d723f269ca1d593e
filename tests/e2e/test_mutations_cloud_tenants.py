"""Cloud tenant mutations end to end: create, update, delete (kept as Deleted)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import node, refuse, succeed
from tests.sandbox.factories import forgotten, new_account, new_tenant, store_of

FIELDS = "id name status type account { id } externalIds { providerId }"
TENANT = f"cloudTenant {{ {FIELDS} }}"
_IDS = {
    "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def account_id(rest: httpx.Client, ops: str) -> str:
    return str(new_account(rest, auth(ops))["id"])


@pytest.fixture
def tenant_id(rest: httpx.Client, ops: str, account_id: str) -> str:
    return str(new_tenant(rest, auth(ops), account_id)["id"])


def test_create_tenant_is_seen_by_a_query(
    gql: GraphQLClient, ops: str, account_id: str
) -> None:
    new = {
        "name": "Azure Tenant",
        "externalIds": {**_IDS, "providerId": "az-1"},
        "type": "CSP_AZURE",
        "accountId": account_id,
    }

    tenant = succeed(gql, ops, "createCloudTenant", TENANT, input=new)["cloudTenant"]

    assert node(gql, ops, "cloudTenant", tenant["id"], FIELDS) == {
        "id": tenant["id"],
        "name": "Azure Tenant",
        "status": "ACTIVE",
        "type": "CSP_AZURE",
        "account": {"id": account_id},
        "externalIds": {"providerId": "az-1"},
    }


def test_update_tenant_is_seen_by_a_query(
    gql: GraphQLClient, ops: str, tenant_id: str
) -> None:
    new = {"name": "Renamed Tenant", "status": "DISABLED"}

    payload = succeed(gql, ops, "updateCloudTenant", TENANT, id=tenant_id, input=new)

    assert payload["cloudTenant"]["name"] == "Renamed Tenant"
    seen = node(gql, ops, "cloudTenant", tenant_id, "name status")
    assert seen == {"name": "Renamed Tenant", "status": "DISABLED"}


def test_delete_keeps_the_tenant_as_deleted_and_refuses_more_changes(
    gql: GraphQLClient, ops: str, tenant_id: str
) -> None:
    payload = succeed(gql, ops, "deleteCloudTenant", "deletedId", id=tenant_id)
    after_delete = node(gql, ops, "cloudTenant", tenant_id, "name status")
    [again] = refuse(gql, ops, "deleteCloudTenant", "deletedId", id=tenant_id)
    update = refuse(
        gql, ops, "updateCloudTenant", TENANT, id=tenant_id, input={"name": "Zombie"}
    )

    assert payload["deletedId"] == tenant_id
    assert after_delete["status"] == "DELETED"
    assert (again["code"], again["field"]) == ("INVALID_STATE", None)
    assert {e["code"] for e in update} == {"INVALID_STATE"}
    assert node(gql, ops, "cloudTenant", tenant_id, "name status") == after_delete
