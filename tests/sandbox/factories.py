"""Scratch objects for write tests, so no test changes the demo accounts' data.

Operations creates each object through the API; a scratch client or vendor
account gets a JWT signed with the sandbox's key, so tests act as a Client or a
Vendor inside an account of their own. ERP links have no create endpoint: they
are put in the store directly, as the ERP sync would.
"""

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from tests.conftest import auth
from tests.images import image

from accounts_graph.platform.resources import ACCOUNT, ERP_LINK, RESOURCES, Resource
from accounts_graph.platform.tokens import (
    CLAIM_ACCOUNT_ID,
    CLAIM_ACCOUNT_TYPE,
    CLAIM_USER_ID,
)
from accounts_graph.sandbox.relations import buyer_sellers
from accounts_graph.sandbox.store import Document, Store, table_of

ADDRESS = {
    "addressLine1": "Bahnhofstrasse 1",
    "postCode": "8001",
    "city": "Zurich",
    "state": "ZH",
    "country": "CH",
}
PNG = image("PNG")


def store_of(sandbox_app: Any) -> Store:
    store: Store = sandbox_app.state.sandbox.store
    return store


def unique(prefix: str = "t") -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def email() -> str:
    return f"{unique('person.')}@example.com"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:800]
    return response.json() if response.content else None


def snapshot(store: Store, resource: Resource) -> list[tuple[str, str]]:
    """Every stored row of a resource, to compare before and after a request."""
    rows = store.connection().execute(
        f"SELECT id, doc FROM {table_of(resource)} ORDER BY id"
    )
    return [(str(r[0]), str(r[1])) for r in rows]


@contextmanager
def forgotten(store: Store) -> Iterator[None]:
    """Delete, on leaving, every object and icon created inside the block.

    Write tests add hundreds of scratch objects; other tests of the session
    read collection totals and walk accounts, so the store is put back to its
    size once a module is done. Seeded objects are never changed by the write
    tests (they act on scratch objects only), so removing the new ones is enough.
    """
    conn = store.connection()
    tables = [table_of(r) for r in RESOURCES]
    before = {t: {r[0] for r in conn.execute(f"SELECT id FROM {t}")} for t in tables}
    icons = set(conn.execute("SELECT collection, id FROM icons").fetchall())
    yield
    with store.transaction() as write:
        for table in tables:
            rows = write.execute(f"SELECT id FROM {table}").fetchall()
            new = [(r[0],) for r in rows if r[0] not in before[table]]
            write.executemany(f"DELETE FROM {table} WHERE id = ?", new)
        rows = write.execute("SELECT collection, id FROM icons").fetchall()
        stale = [tuple(r) for r in rows if tuple(r) not in icons]
        write.executemany("DELETE FROM icons WHERE collection = ? AND id = ?", stale)


def set_status(store: Store, resource: Resource, object_id: str, status: str) -> None:
    """Put an object in a state directly (test setup for state machines)."""
    doc = store.get(resource, object_id)
    assert doc is not None
    with store.transaction() as conn:
        store.put(conn, resource, {**doc, "status": status})


def status_of(store: Store, resource: Resource, object_id: str) -> Any:
    doc = store.get(resource, object_id)
    assert doc is not None
    return doc.get("status")


@dataclass(frozen=True)
class Actor:
    """A caller inside a scratch account: its account id and bearer headers."""

    account_id: str
    headers: dict[str, str]


def jwt_for(sandbox_app: Any, account_id: str, kind: str, user_id: str = "") -> str:
    claims = {CLAIM_ACCOUNT_ID: account_id, CLAIM_ACCOUNT_TYPE: kind}
    if user_id:
        claims[CLAIM_USER_ID] = user_id
    token: str = sandbox_app.state.sandbox.signing_key.sign(claims)
    return token


def new_account(rest: httpx.Client, ops: dict[str, str], **fields: Any) -> Document:
    body = {"name": unique("Scratch "), "type": "Client", "serviceLevel": "Elite"}
    return ok(rest.post("/accounts", json={**body, **fields}, headers=ops), 201)


def scratch_actor(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any, kind: str
) -> Actor:
    """A new account of `kind` (a client with a CDG) and a JWT acting for it."""
    extra = {"externalId": unique("CDG-")} if kind == "Client" else {}
    account = new_account(rest, ops, type=kind, **extra)
    bearer = jwt_for(sandbox_app, account["id"], kind)
    return Actor(account["id"], auth(bearer))


def new_buyer(
    rest: httpx.Client, ops: dict[str, str], account_id: str, **fields: Any
) -> Document:
    body = {"name": unique("Buyer "), "address": ADDRESS, "account": {"id": account_id}}
    return ok(rest.post("/buyers", json={**body, **fields}, headers=ops), 201)


def new_seller(rest: httpx.Client, ops: dict[str, str]) -> Document:
    body = {"name": unique("Seller "), "currencies": ["CHF"], "externalId": "SWO_T"}
    return ok(rest.post("/sellers", json=body, headers=ops), 201)


def link(store: Store, buyer_id: str, seller_id: str, status: str = "Active") -> str:
    """Put an ERP link between a buyer and a seller, as the ERP sync would."""
    link_id = f"ERP-{buyer_id[4:]}-{seller_id[-4:]}"
    doc = {
        "id": link_id,
        "name": f"{buyer_id} - {seller_id}",
        "status": status,
        "icon": None,
        "note": None,
        "buyer": {"id": buyer_id},
        "seller": {"id": seller_id},
        "externalIds": {"erpCustomer": "CH-CUS-1", "erpCompanyContact": "CH-CON-1"},
        "address": dict(ADDRESS),
        "audit": {"created": {"at": "2025-01-01T00:00:00.000Z", "by": {"id": "x"}}},
    }
    with store.transaction() as conn:
        store.put(conn, ERP_LINK, doc)
        buyer_sellers(store, conn, buyer_id)
    return link_id


def new_licensee(
    rest: httpx.Client, headers: dict[str, str], buyer_id: str, seller_id: str
) -> Document:
    body = {
        "name": unique("Licensee "),
        "buyer": {"id": buyer_id},
        "seller": {"id": seller_id},
        "useBuyerAddress": True,
    }
    return ok(rest.post("/licensees", json=body, headers=headers), 201)


def new_group(rest: httpx.Client, headers: dict[str, str], **fields: Any) -> Document:
    body = {"name": unique("Group "), "modules": [], **fields}
    return ok(rest.post("/user-groups", json=body, headers=headers), 201)


def invite(
    rest: httpx.Client,
    headers: dict[str, str],
    account_id: str,
    group_id: str,
    address: str | None = None,
) -> Document:
    body = {
        "user": {"email": address or email(), "firstName": "Ada", "lastName": "Test"},
        "groups": [{"id": group_id}],
    }
    return ok(rest.post(f"/{account_id}/users", json=body, headers=headers), 201)


def new_token(rest: httpx.Client, headers: dict[str, str], **fields: Any) -> Document:
    body = {"name": unique("Token "), "modules": [], **fields}
    return ok(rest.post("/api-tokens", json=body, headers=headers), 201)


def new_tenant(rest: httpx.Client, ops: dict[str, str], account_id: str) -> Document:
    body = {
        "name": unique("Tenant "),
        "account": {"id": account_id},
        "externalIds": {
            "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        },
    }
    return ok(rest.post("/cloud-tenants", json=body, headers=ops), 201)


def multipart(part: str, fields: dict[str, Any], file: str, data: bytes) -> Any:
    """Files for httpx: the JSON part as the official client sends it, and a file."""
    return {
        part: (None, json.dumps(fields).encode(), "application/json"),
        file: ("icon.png", data, "image/png"),
    }


def put_accounts_created_at(
    store: Store, template: Document, created: dict[str, str], name: str
) -> None:
    """Store copies of `template` with these ids, created at these moments.

    Each is named `<name> <id>`, so a filter on the name finds them all; they
    are stored in the order given, which tests choose unlike id order.
    """
    with store.transaction() as conn:
        for account_id, at in created.items():
            audit = {"created": {"at": at}, "updated": {"at": at}}
            doc = {**template, "id": account_id, "name": f"{name} {account_id}"}
            store.put(conn, ACCOUNT, {**doc, "audit": audit})
