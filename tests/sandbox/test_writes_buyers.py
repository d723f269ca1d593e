"""Buyer writes: create, update, delete, the state machine, sync, transfer."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    Actor,
    forgotten,
    invite,
    link,
    new_account,
    new_buyer,
    new_group,
    new_licensee,
    new_seller,
    ok,
    scratch_actor,
    set_status,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import (
    BUYER,
    ERP_LINK,
    LICENSEE,
    USER_GROUP,
)
from accounts_graph.sandbox.store import Store


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


_ERP = {"erpCustomer": "CH-CUS-000001", "erpCompanyContact": "CH-CON-000001"}
STATES = (
    "Enabled",
    "Active",
    "Disabled",
    "Deleted",
    "Unassigned",
    "Conflict",
    "Mismatch",
)
_TARGETS: dict[str, dict[str, str]] = {
    "disable": {"Active": "Disabled", "Enabled": "Disabled"},
    "enable": {"Disabled": "Active"},
    "deactivate": {"Active": "Unassigned", "Disabled": "Unassigned"},
    "activate": {"Enabled": "Active", "Unassigned": "Active"},
    "delete": {s: "Deleted" for s in STATES if s != "Deleted"},
}
_CASES = [(s, a) for a in _TARGETS for s in STATES]


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


def _send(rest: httpx.Client, buyer: dict[str, Any], action: str, ops: Any) -> Any:
    url = f"/buyers/{buyer['id']}"
    if action == "delete":
        return rest.delete(url, headers=ops)
    body = {"account": buyer["account"], "externalIds": _ERP}
    return rest.post(f"{url}/{action}", json=body, headers=ops)


def _put_in_state(store: Store, buyer_id: str, status: str) -> None:
    """Put a buyer in a state, with the ERP sync's errors where the seed has them."""
    errors = []
    if status in ("Mismatch", "Conflict"):
        errors = [
            {"id": "BUY-E001", "message": "Differs from the ERP.", "parameters": {}}
        ]
    stored = store.get(BUYER, buyer_id) or {}
    with store.transaction() as conn:
        store.put(conn, BUYER, {**stored, "status": status, "errors": errors})


@pytest.mark.parametrize(("start", "action"), _CASES)
def test_buyer_state_machine(
    start: str,
    action: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    buyer = new_buyer(rest, ops, client.account_id, externalIds=_ERP)
    _put_in_state(store, buyer["id"], start)
    before = store.get(BUYER, buyer["id"])

    response = _send(rest, buyer, action, ops)

    end = _TARGETS[action].get(start)
    if end is None:
        assert response.status_code == 400, response.text
        problem = response.json()
        assert f"is {start}; {action} needs" in problem["detail"]
        assert "status" in problem["errors"]
        assert store.get(BUYER, buyer["id"]) == before
    else:
        assert response.status_code == (204 if action == "delete" else 200), (
            response.text
        )
        got = ok(rest.get(f"/buyers/{buyer['id']}?select=+status,+audit", headers=ops))
        assert got["status"] == end
        assert got["audit"]["updated"]["at"] > before["audit"]["updated"]["at"]


def test_disable_records_the_disabled_event(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)

    moved = ok(rest.post(f"/buyers/{buyer['id']}/disable", headers=client.headers))

    assert moved["status"] == "Disabled"
    assert moved["audit"]["disabled"]["at"] == moved["audit"]["updated"]["at"]


def test_create_is_seen_by_members_of_all_buyers_groups(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    default = ok(rest.get(f"/accounts/{client.account_id}", headers=ops))["groups"][0]
    member = invite(rest, client.headers, client.account_id, default["id"])

    buyer = new_buyer(rest, ops, client.account_id)

    assert buyer["status"] == "Enabled"
    got = ok(rest.get(f"/{client.account_id}/users/{member['id']}", headers=ops))
    assert buyer["id"] in {b["id"] for b in got["buyers"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": "x" * 501}, "name"),
        ({"taxId": "1" * 19}, "taxId"),
        ({"address": None}, "address"),
        ({"address": {**ADDRESS, "country": "ch"}}, "address.country"),
        ({"address": {**ADDRESS, "state": None}}, "address.state"),
        ({"address": {**ADDRESS, "addressLine1": "x" * 251}}, "address.addressLine1"),
        ({"contact": {"email": "nope"}}, "contact.email"),
        ({"contact": {"user": {"id": "USR-0000-0000"}}}, "contact.user.id"),
        ({"externalIds": {"erpCustomer": "x" * 251}}, "externalIds.erpCustomer"),
        ({"account": None}, "account"),
        ({"account": {"id": "ACC-0000-0000"}}, "account.id"),
        ({"account": {"id": "BUY-1234-5678"}}, "account.id"),
    ],
)
def test_create_refuses_invalid_body_and_stores_nothing(
    body: dict[str, Any],
    field: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    before = store.count(BUYER)
    valid = {"name": "B", "address": ADDRESS, "account": {"id": client.account_id}}

    response = rest.post("/buyers", json={**valid, **body}, headers=ops)

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store.count(BUYER) == before


def test_create_refuses_a_vendor_account(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    vendor = new_account(rest, ops, type="Vendor")
    before = store_of(sandbox_app).count(BUYER)

    response = rest.post(
        "/buyers",
        json={"name": "B", "address": ADDRESS, "account": {"id": vendor["id"]}},
        headers=ops,
    )

    assert response.status_code == 400
    assert "account.id" in response.json()["errors"]
    assert store_of(sandbox_app).count(BUYER) == before


def test_client_update_changes_fields_but_not_erp_ids(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    buyer = new_buyer(rest, ops, client.account_id, externalIds=_ERP)
    body = {
        "name": "Renamed",
        "address": {**ADDRESS, "city": "Basel"},
        "externalIds": {"erpCustomer": "HACKED"},
        "status": "Active",
    }

    updated = ok(rest.put(f"/buyers/{buyer['id']}", json=body, headers=client.headers))

    got = ok(
        rest.get(f"/buyers/{buyer['id']}?select=+externalIds,+status", headers=ops)
    )
    assert updated["name"] == got["name"] == "Renamed"
    assert got["address"]["city"] == "Basel"
    assert got["externalIds"]["erpCustomer"] == _ERP["erpCustomer"]
    assert got["status"] == "Enabled"


def test_update_of_a_deleted_buyer_is_refused(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)
    set_status(store_of(sandbox_app), BUYER, buyer["id"], "Deleted")

    response = rest.put(
        f"/buyers/{buyer['id']}", json={"name": "x", "address": ADDRESS}, headers=ops
    )

    assert response.status_code == 400
    assert "Deleted" in response.json()["detail"]


def test_vendor_may_not_update_a_buyer(
    rest: httpx.Client, ops: dict[str, str], tokens: dict[str, str], client: Actor
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)

    response = rest.put(
        f"/buyers/{buyer['id']}",
        json={"name": "x", "address": ADDRESS},
        headers=auth(tokens["Vendor"]),
    )

    assert response.status_code == 403


def test_client_acting_on_a_foreign_buyer_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = new_account(rest, ops, externalId="CDG-X")
    buyer = new_buyer(rest, ops, other["id"])
    before = snapshot(store_of(sandbox_app), BUYER)
    body = {"name": "Mine", "address": ADDRESS}

    updated = rest.put(f"/buyers/{buyer['id']}", json=body, headers=client.headers)
    disabled = rest.post(f"/buyers/{buyer['id']}/disable", headers=client.headers)

    assert updated.status_code == disabled.status_code == 404
    assert snapshot(store_of(sandbox_app), BUYER) == before


def test_delete_removes_links_and_deletes_licensees(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    buyer = new_buyer(rest, ops, client.account_id)
    seller = new_seller(rest, ops)
    link_id = link(store, buyer["id"], seller["id"])
    licensee = new_licensee(rest, client.headers, buyer["id"], seller["id"])

    response = rest.delete(f"/buyers/{buyer['id']}", headers=ops)

    assert response.status_code == 204
    assert store.get(ERP_LINK, link_id) is None
    assert status_of(store, LICENSEE, licensee["id"]) == "Deleted"
    got = ok(rest.get(f"/buyers/{buyer['id']}?select=+status,+sellers", headers=ops))
    assert (got["status"], got["sellers"]) == ("Deleted", [])


def test_synchronize_clears_errors_and_resolves_a_mismatch(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    buyer = new_buyer(rest, ops, client.account_id, externalIds=_ERP)
    _put_in_state(store, buyer["id"], "Mismatch")

    synced = ok(rest.post(f"/buyers/{buyer['id']}/synchronize", headers=ops))

    assert (synced["status"], synced["errors"]) == ("Active", [])
    assert synced["audit"]["activated"]["at"] == synced["audit"]["updated"]["at"]


def test_synchronize_keeps_a_disabled_buyer_disabled(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    buyer = new_buyer(rest, ops, client.account_id, externalIds=_ERP)
    set_status(store_of(sandbox_app), BUYER, buyer["id"], "Disabled")

    synced = ok(rest.post(f"/buyers/{buyer['id']}/synchronize", headers=ops))

    assert synced["status"] == "Disabled"


def test_activate_needs_an_account_with_a_cdg(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    bare = new_account(rest, ops)
    buyer = new_buyer(rest, ops, bare["id"])
    body = {"account": {"id": bare["id"]}, "externalIds": _ERP}

    response = rest.post(f"/buyers/{buyer['id']}/activate", json=body, headers=ops)

    assert response.status_code == 400
    assert "account.id" in response.json()["errors"]
    assert status_of(store_of(sandbox_app), BUYER, buyer["id"]) == "Enabled"


def test_activate_needs_an_erp_customer(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)
    body = {"account": {"id": client.account_id}, "externalIds": {}}

    response = rest.post(f"/buyers/{buyer['id']}/activate", json=body, headers=ops)

    assert response.status_code == 400
    assert "externalIds.erpCustomer" in response.json()["errors"]


def test_validate_reports_problems_and_changes_nothing(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)
    before = store_of(sandbox_app).get(BUYER, buyer["id"])
    body = {"account": {"id": client.account_id}, "taxId": "1" * 30}

    answer = ok(rest.post(f"/buyers/{buyer['id']}/validate", json=body, headers=ops))

    fields = {e["parameters"]["field"] for e in answer["errors"]}
    assert fields == {"taxId", "externalIds.erpCustomer"}
    assert store_of(sandbox_app).get(BUYER, buyer["id"]) == before


def test_transfer_moves_buyer_and_licensees_to_the_twin_account(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    source = new_account(rest, ops, externalId="CDG-TWIN-1")
    twin = new_account(rest, ops, externalId="CDG-TWIN-1")
    buyer = new_buyer(rest, ops, source["id"])
    seller = new_seller(rest, ops)
    link(store, buyer["id"], seller["id"])
    licensee = new_licensee(rest, ops, buyer["id"], seller["id"])
    narrowed = new_group(rest, ops, account={"id": source["id"]}, buyers=[buyer])

    moved = rest.post(
        f"/buyers/{buyer['id']}/transfer",
        json={"account": {"id": twin["id"]}},
        headers=ops,
    )

    assert ok(moved)["account"]["id"] == twin["id"]
    assert (store.get(LICENSEE, licensee["id"]) or {})["account"]["id"] == twin["id"]
    assert (store.get(USER_GROUP, narrowed["id"]) or {})["buyers"] == []


def test_transfer_refuses_an_account_with_another_cdg(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)
    other = new_account(rest, ops, externalId="CDG-ELSEWHERE")
    before = snapshot(store_of(sandbox_app), BUYER)

    response = rest.post(
        f"/buyers/{buyer['id']}/transfer",
        json={"account": {"id": other["id"]}},
        headers=ops,
    )

    assert response.status_code == 400
    assert "account.id" in response.json()["errors"]
    assert snapshot(store_of(sandbox_app), BUYER) == before
