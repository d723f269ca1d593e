"""Cloud tenant writes (Operations only): create, update, delete."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    Actor,
    forgotten,
    new_tenant,
    ok,
    scratch_actor,
    set_status,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import CLOUD_TENANT


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


_IDS = {
    "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


def test_create_takes_status_and_type_from_the_body(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    body = {
        "name": "Tenant A",
        "type": "CspAzure",
        "status": "Disabled",
        "account": {"id": client.account_id},
        "externalIds": {**_IDS, "providerId": "entra-1"},
    }

    created = ok(rest.post("/cloud-tenants", json=body, headers=ops), 201)

    got = ok(
        rest.get(f"/cloud-tenants/{created['id']}?select=+externalIds", headers=ops)
    )
    assert (got["type"], got["status"]) == ("CspAzure", "Disabled")
    assert got["externalIds"]["providerId"] == "entra-1"
    assert got["account"]["id"] == client.account_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"externalIds": None}, "externalIds"),
        ({"externalIds": {**_IDS, "pyraTenantId": "abc"}}, "externalIds.pyraTenantId"),
        (
            {"externalIds": {"pyraTenantId": _IDS["pyraTenantId"]}},
            "externalIds.cloudConsumptionId",
        ),
        ({"type": "Gcp"}, "type"),
        ({"status": "Deleted"}, "status"),
        ({"account": {"id": "ACC-0000-0000"}}, "account.id"),
    ],
)
def test_create_refuses_invalid_body(
    body: dict[str, Any], field: str, rest: httpx.Client, ops: Any, sandbox_app: Any
) -> None:
    before = store_of(sandbox_app).count(CLOUD_TENANT)

    response = rest.post(
        "/cloud-tenants", json={"name": "T", "externalIds": _IDS, **body}, headers=ops
    )

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store_of(sandbox_app).count(CLOUD_TENANT) == before


def test_update_tenant(rest: httpx.Client, ops: dict[str, str], client: Actor) -> None:
    tenant = new_tenant(rest, ops, client.account_id)
    body = {"name": "Renamed", "status": "Disabled", "externalIds": {"providerId": "p"}}

    updated = ok(rest.put(f"/cloud-tenants/{tenant['id']}", json=body, headers=ops))

    assert (updated["name"], updated["status"]) == ("Renamed", "Disabled")
    assert updated["externalIds"]["providerId"] == "p"
    assert updated["externalIds"]["pyraTenantId"] == _IDS["pyraTenantId"]


def test_delete_keeps_the_tenant_as_deleted_and_refuses_twice(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    tenant = new_tenant(rest, ops, client.account_id)

    first = rest.delete(f"/cloud-tenants/{tenant['id']}", headers=ops)
    second = rest.delete(f"/cloud-tenants/{tenant['id']}", headers=ops)
    update = rest.put(f"/cloud-tenants/{tenant['id']}", json={"name": "x"}, headers=ops)

    assert first.status_code == 204
    assert second.status_code == update.status_code == 400
    assert "is Deleted; delete needs Active or Disabled" in second.json()["detail"]
    assert status_of(store_of(sandbox_app), CLOUD_TENANT, tenant["id"]) == "Deleted"


def test_disabled_tenant_can_be_deleted(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    tenant = new_tenant(rest, ops, client.account_id)
    set_status(store_of(sandbox_app), CLOUD_TENANT, tenant["id"], "Disabled")

    assert rest.delete(f"/cloud-tenants/{tenant['id']}", headers=ops).status_code == 204


@pytest.mark.parametrize("role", ["Client", "Vendor"])
def test_other_roles_may_not_write_tenants(
    role: str,
    rest: httpx.Client,
    ops: dict[str, str],
    tokens: dict[str, str],
    client: Actor,
    sandbox_app: Any,
) -> None:
    tenant = new_tenant(rest, ops, client.account_id)
    before = snapshot(store_of(sandbox_app), CLOUD_TENANT)
    headers = auth(tokens[role])

    created = rest.post("/cloud-tenants", json={"name": "x"}, headers=headers)
    updated = rest.put(f"/cloud-tenants/{tenant['id']}", json={}, headers=headers)
    deleted = rest.delete(f"/cloud-tenants/{tenant['id']}", headers=headers)

    assert created.status_code == updated.status_code == deleted.status_code == 403
    assert snapshot(store_of(sandbox_app), CLOUD_TENANT) == before
