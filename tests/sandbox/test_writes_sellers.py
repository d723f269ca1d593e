"""Seller and ERP link writes: create, update, state machines, cascades."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    Actor,
    forgotten,
    link,
    new_buyer,
    new_licensee,
    new_seller,
    ok,
    scratch_actor,
    set_status,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import BUYER, ERP_LINK, LICENSEE, SELLER


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


_SELLER_STATES = ("Active", "Offline", "Disabled", "Deleted")
_SELLER_TARGETS = {
    "activate": {"Offline": "Active", "Disabled": "Active"},
    "deactivate": {"Active": "Offline"},
    "disable": {"Active": "Disabled"},
    "enable": {"Disabled": "Active"},
    "delete": {"Active": "Deleted"},
}


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


def test_create_seller_accepts_codes_and_client_objects(
    rest: httpx.Client, ops: dict[str, str]
) -> None:
    body = {
        "name": "SoftwareOne Test",
        "currencies": ["EUR", {"value": "USD", "isDefault": True}],
        "address": ADDRESS,
    }

    created = ok(rest.post("/sellers", json=body, headers=ops), 201)

    assert created["status"] == "Active"
    assert created["currencies"] == ["EUR", "USD"]
    assert (
        ok(rest.get(f"/sellers/{created['id']}", headers=ops))["name"] == body["name"]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"currencies": []}, "currencies"),
        ({"currencies": ["EURO"]}, "currencies[0]"),
        ({"currencies": [{"isDefault": True}]}, "currencies[0].value"),
        ({"address": {**ADDRESS, "city": None}}, "address.city"),
    ],
)
def test_create_seller_refuses_invalid_body(
    body: dict[str, Any], field: str, rest: httpx.Client, ops: Any, sandbox_app: Any
) -> None:
    before = store_of(sandbox_app).count(SELLER)
    valid = {"name": "S", "currencies": ["EUR"]}

    response = rest.post("/sellers", json={**valid, **body}, headers=ops)

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store_of(sandbox_app).count(SELLER) == before


def test_client_may_not_create_a_seller(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    before = snapshot(store_of(sandbox_app), SELLER)

    response = rest.post(
        "/sellers", json={"name": "S", "currencies": ["EUR"]}, headers=client.headers
    )

    assert response.status_code == 403
    assert snapshot(store_of(sandbox_app), SELLER) == before


def test_update_seller(rest: httpx.Client, ops: dict[str, str]) -> None:
    seller = new_seller(rest, ops)
    body = {"name": "Renamed", "currencies": ["GBP"], "status": "Disabled"}

    updated = ok(rest.put(f"/sellers/{seller['id']}", json=body, headers=ops))

    got = ok(rest.get(f"/sellers/{seller['id']}?select=+status", headers=ops))
    assert updated["name"] == got["name"] == "Renamed"
    assert (got["currencies"], got["status"]) == (["GBP"], "Active")


@pytest.mark.parametrize(
    ("start", "action"), [(s, a) for a in _SELLER_TARGETS for s in _SELLER_STATES]
)
def test_seller_state_machine(
    start: str, action: str, rest: httpx.Client, ops: Any, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    seller = new_seller(rest, ops)
    set_status(store, SELLER, seller["id"], start)
    before = store.get(SELLER, seller["id"])
    url = f"/sellers/{seller['id']}"

    if action == "delete":
        response = rest.delete(url, headers=ops)
    else:
        response = rest.post(f"{url}/{action}", headers=ops)

    end = _SELLER_TARGETS[action].get(start)
    if end is None:
        assert response.status_code == 400, response.text
        assert f"is {start}; {action} needs" in response.json()["detail"]
        assert store.get(SELLER, seller["id"]) == before
    else:
        assert response.status_code in (200, 204), response.text
        assert status_of(store, SELLER, seller["id"]) == end


def test_delete_seller_drops_its_links(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    buyer = new_buyer(rest, ops, client.account_id)
    seller = new_seller(rest, ops)
    link_id = link(store, buyer["id"], seller["id"])
    licensee = new_licensee(rest, client.headers, buyer["id"], seller["id"])
    assert licensee["status"] == "Active"

    assert rest.delete(f"/sellers/{seller['id']}", headers=ops).status_code == 204

    assert store.get(ERP_LINK, link_id) is None
    assert (store.get(BUYER, buyer["id"]) or {})["sellers"] == []
    assert status_of(store, LICENSEE, licensee["id"]) == "Enabled"


# --- ERP links ---------------------------------------------------------------


@pytest.fixture
def linked(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> tuple[str, str]:
    """A scratch ERP link with an Active licensee under it: (link id, licensee id)."""
    buyer = new_buyer(rest, ops, client.account_id)
    seller = new_seller(rest, ops)
    link_id = link(store_of(sandbox_app), buyer["id"], seller["id"])
    licensee = new_licensee(rest, client.headers, buyer["id"], seller["id"])
    return link_id, licensee["id"]


def test_update_erp_link(
    rest: httpx.Client, ops: dict[str, str], linked: tuple[str, str]
) -> None:
    link_id, _ = linked
    body = {"note": "Checked.", "address": {**ADDRESS, "city": "Bern"}, "status": "X"}

    updated = ok(rest.put(f"/erp-links/{link_id}", json=body, headers=ops))

    got = ok(rest.get(f"/erp-links/{link_id}?select=+note", headers=ops))
    assert updated["note"] == got["note"] == "Checked."
    assert (got["address"]["city"], got["status"]) == ("Bern", "Active")


def test_update_erp_link_refuses_a_bad_address(
    rest: httpx.Client, ops: dict[str, str], linked: tuple[str, str], sandbox_app: Any
) -> None:
    link_id, _ = linked
    before = store_of(sandbox_app).get(ERP_LINK, link_id)
    body = {"address": {**ADDRESS, "country": "Switzerland"}}

    response = rest.put(f"/erp-links/{link_id}", json=body, headers=ops)

    assert response.status_code == 400
    assert "address.country" in response.json()["errors"]
    assert store_of(sandbox_app).get(ERP_LINK, link_id) == before


def test_block_and_unblock_move_licensees_with_the_link(
    rest: httpx.Client, ops: dict[str, str], linked: tuple[str, str], sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    link_id, licensee_id = linked

    blocked = ok(
        rest.post(f"/erp-links/{link_id}/block", json={"note": "Hold"}, headers=ops)
    )
    held = status_of(store, LICENSEE, licensee_id)
    unblocked = ok(rest.post(f"/erp-links/{link_id}/unblock", headers=ops))

    assert (blocked["status"], blocked["note"]) == ("Blocked", "Hold")
    assert blocked["audit"]["blocked"]["at"]
    assert held == "Enabled"
    assert unblocked["status"] == "Active"
    assert unblocked["audit"]["unblocked"]["at"]
    assert status_of(store, LICENSEE, licensee_id) == "Active"


@pytest.mark.parametrize(
    ("start", "action"), [("Blocked", "block"), ("Active", "unblock")]
)
def test_erp_link_action_refused_from_a_wrong_state(
    start: str,
    action: str,
    rest: httpx.Client,
    ops: dict[str, str],
    linked: tuple[str, str],
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    link_id, _ = linked
    set_status(store, ERP_LINK, link_id, start)
    before = store.get(ERP_LINK, link_id)

    response = rest.post(f"/erp-links/{link_id}/{action}", headers=ops)

    assert response.status_code == 400
    assert f"is {start}; {action} needs" in response.json()["detail"]
    assert store.get(ERP_LINK, link_id) == before


def test_client_may_not_block_its_own_link(
    rest: httpx.Client, client: Actor, linked: tuple[str, str], sandbox_app: Any
) -> None:
    link_id, _ = linked

    response = rest.post(f"/erp-links/{link_id}/block", headers=client.headers)

    assert response.status_code == 403
    assert status_of(store_of(sandbox_app), ERP_LINK, link_id) == "Active"
