"""Cloud tenants, write side (Operations only): create, update, delete.

Unlike the other resources, a tenant's `status` and `type` come from the body
(CreateCloudTenantDto has both); `status` may be Active or Disabled, since
Deleted is reached only through DELETE, which keeps the tenant. A tenant belongs
to the account the body names, or to the caller's. A Deleted tenant is final.
"""

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import CloudTenantStatus, CloudTenantType
from accounts_graph.platform.resources import ACCOUNT, CLOUD_TENANT
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.validation import (
    Obj,
    OneOf,
    Ref,
    Text,
    Uuid,
)
from accounts_graph.sandbox.writes import (
    OBJECT,
    Move,
    Write,
    created,
    merge,
    mint_id,
    move,
    record,
    ref_id,
    refuse_move,
    route,
)

LIST = "/cloud-tenants"
ONE = "/cloud-tenants/{id}"

_S = CloudTenantStatus
LIVE = (_S.ACTIVE, _S.DISABLED)
_EXTERNAL_IDS = {
    "pyraTenantId": Uuid(True),
    "cloudConsumptionId": Uuid(True),
    "providerId": Text(),
}
CREATE_RULES = {
    "name": Text(True, 1, 100),
    "externalIds": Obj(True, _EXTERNAL_IDS),
    "type": OneOf(False, tuple(CloudTenantType)),
    "status": OneOf(False, LIVE),
    "account": Ref(False, ACCOUNT),
}
# An update merges the external ids it carries into the stored ones.
UPDATE_RULES = {
    **CREATE_RULES,
    "name": Text(False, 1, 100),
    "externalIds": Obj(
        False, {**_EXTERNAL_IDS, "pyraTenantId": Uuid(), "cloudConsumptionId": Uuid()}
    ),
}


def create_cloud_tenant(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    account_id = ref_id(body.get("account")) or write.caller.account_id
    with write.store.transaction() as conn:
        tenant: Document = {
            "id": mint_id(write.store, CLOUD_TENANT),
            "name": body["name"],
            "status": body.get("status") or str(_S.ACTIVE),
            # The published CloudTenant's type is never null: a create without
            # one gets the enum's first member, as the platform's binding does.
            "type": body.get("type") or str(next(iter(CloudTenantType))),
            "account": {"id": account_id},
            "externalIds": {
                "pyraTenantId": body["externalIds"]["pyraTenantId"],
                "cloudConsumptionId": body["externalIds"]["cloudConsumptionId"],
                "providerId": body["externalIds"].get("providerId"),
            },
            "audit": created(write),
        }
        write.store.put(conn, CLOUD_TENANT, tenant)
    return write.answer(CLOUD_TENANT, tenant, 201)


def update_cloud_tenant(write: Write) -> Response:
    write.check(UPDATE_RULES)
    with write.store.transaction() as conn:
        tenant = fetch_visible(write.sandbox, CLOUD_TENANT, write.caller, write.param())
        if tenant.get("status") not in LIVE:
            raise refuse_move("Cloud tenant", tenant, "update", LIVE)
        given = {k: v for k, v in write.body.items() if v is not None}
        merge(tenant, given, ("name", "status", "type"))
        if "externalIds" in write.body:
            tenant["externalIds"] = {
                **(tenant.get("externalIds") or {}),
                **(write.body["externalIds"] or {}),
            }
        record(tenant, write)
        write.store.put(conn, CLOUD_TENANT, tenant)
    return write.answer(CLOUD_TENANT, tenant)


def delete_cloud_tenant(write: Write) -> Response:
    with write.store.transaction() as conn:
        tenant = fetch_visible(write.sandbox, CLOUD_TENANT, write.caller, write.param())
        move(tenant, write, "Cloud tenant", "delete", Move(LIVE, _S.DELETED))
        write.store.put(conn, CLOUD_TENANT, tenant)
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        route("POST", LIST, create_cloud_tenant, OBJECT),
        route("PUT", ONE, update_cloud_tenant, OBJECT),
        route("DELETE", ONE, delete_cloud_tenant),
    ]
