"""Licensee writes: create (status from the ERP link), update, states, delete."""

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
    new_account,
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

from accounts_graph.platform.resources import BUYER, LICENSEE


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


_STATES = ("Enabled", "Active", "Disabled", "Deleted")
_TARGETS = {
    "disable": {"Enabled": "Disabled", "Active": "Disabled"},
    "enable": {"Disabled": "Active"},
    "delete": {"Enabled": "Deleted", "Active": "Deleted", "Disabled": "Deleted"},
}


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


@pytest.fixture
def parties(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> tuple[str, str]:
    """A buyer of the client linked to a new seller: (buyer id, seller id)."""
    buyer = new_buyer(rest, ops, client.account_id)
    seller = new_seller(rest, ops)
    link(store_of(sandbox_app), buyer["id"], seller["id"])
    return buyer["id"], seller["id"]


def test_create_under_an_active_link_is_active_in_the_buyers_account(
    rest: httpx.Client, ops: dict[str, str], client: Actor, parties: tuple[str, str]
) -> None:
    buyer_id, seller_id = parties

    created = new_licensee(rest, client.headers, buyer_id, seller_id)

    got = ok(rest.get(f"/licensees/{created['id']}?select=+status", headers=ops))
    assert got["status"] == "Active"
    assert got["account"]["id"] == client.account_id
    assert got["address"] == ADDRESS


def test_create_without_a_link_is_enabled(
    rest: httpx.Client, ops: dict[str, str], parties: tuple[str, str]
) -> None:
    buyer_id, _ = parties
    unlinked = new_seller(rest, ops)

    created = new_licensee(rest, ops, buyer_id, unlinked["id"])

    assert created["status"] == "Enabled"


def test_create_without_buyer_address_needs_an_address(
    rest: httpx.Client, client: Actor, parties: tuple[str, str], sandbox_app: Any
) -> None:
    buyer_id, seller_id = parties
    before = store_of(sandbox_app).count(LICENSEE)
    body = {
        "buyer": {"id": buyer_id},
        "seller": {"id": seller_id},
        "useBuyerAddress": False,
    }

    response = rest.post("/licensees", json=body, headers=client.headers)

    assert response.status_code == 400
    assert "address" in response.json()["errors"]
    assert store_of(sandbox_app).count(LICENSEE) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"buyer": None}, "buyer"),
        ({"seller": {"id": "SEL-0000-0000"}}, "seller.id"),
        ({"useBuyerAddress": None}, "useBuyerAddress"),
        ({"useBuyerAddress": "yes"}, "useBuyerAddress"),
        ({"name": "x" * 501}, "name"),
        ({"externalId": "x" * 251}, "externalId"),
        ({"contact": {"firstName": "x" * 101}}, "contact.firstName"),
        ({"address": {**ADDRESS, "country": "CHE"}}, "address.country"),
    ],
)
def test_create_refuses_invalid_body(
    body: dict[str, Any],
    field: str,
    rest: httpx.Client,
    client: Actor,
    parties: tuple[str, str],
    sandbox_app: Any,
) -> None:
    buyer_id, seller_id = parties
    before = store_of(sandbox_app).count(LICENSEE)
    valid = {
        "buyer": {"id": buyer_id},
        "seller": {"id": seller_id},
        "useBuyerAddress": True,
    }

    response = rest.post("/licensees", json={**valid, **body}, headers=client.headers)

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store_of(sandbox_app).count(LICENSEE) == before


def test_client_cannot_create_under_a_foreign_buyer(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = new_account(rest, ops, externalId="CDG-F")
    foreign = new_buyer(rest, ops, other["id"])
    seller = new_seller(rest, ops)
    link(store_of(sandbox_app), foreign["id"], seller["id"])
    before = store_of(sandbox_app).count(LICENSEE)
    body = {
        "buyer": {"id": foreign["id"]},
        "seller": {"id": seller["id"]},
        "useBuyerAddress": True,
    }

    response = rest.post("/licensees", json=body, headers=client.headers)

    assert response.status_code == 400
    assert {"buyer.id", "seller.id"} <= set(response.json()["errors"])
    assert store_of(sandbox_app).count(LICENSEE) == before


def test_create_refuses_a_disabled_buyer(
    rest: httpx.Client, client: Actor, parties: tuple[str, str], sandbox_app: Any
) -> None:
    buyer_id, seller_id = parties
    set_status(store_of(sandbox_app), BUYER, buyer_id, "Disabled")
    body = {
        "buyer": {"id": buyer_id},
        "seller": {"id": seller_id},
        "useBuyerAddress": True,
    }

    response = rest.post("/licensees", json=body, headers=client.headers)

    assert response.status_code == 400
    assert "buyer.id" in response.json()["errors"]


def test_update_licensee(
    rest: httpx.Client, client: Actor, parties: tuple[str, str]
) -> None:
    licensee = new_licensee(rest, client.headers, *parties)
    other = {**ADDRESS, "city": "Geneva"}
    body = {"name": "Renamed", "useBuyerAddress": False, "address": other}

    updated = ok(
        rest.put(f"/licensees/{licensee['id']}", json=body, headers=client.headers)
    )

    assert (updated["name"], updated["address"]["city"]) == ("Renamed", "Geneva")
    assert updated["buyer"]["id"] == parties[0]


@pytest.mark.parametrize(
    ("start", "action"), [(s, a) for a in _TARGETS for s in _STATES]
)
def test_licensee_state_machine(
    start: str,
    action: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    parties: tuple[str, str],
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    licensee = new_licensee(rest, client.headers, *parties)
    set_status(store, LICENSEE, licensee["id"], start)
    before = store.get(LICENSEE, licensee["id"])
    url = f"/licensees/{licensee['id']}"

    if action == "delete":
        response = rest.delete(url, headers=ops)
    else:
        response = rest.post(f"{url}/{action}", headers=client.headers)

    end = _TARGETS[action].get(start)
    if end is None:
        assert response.status_code == 400, response.text
        assert f"is {start}; {action} needs" in response.json()["detail"]
        assert store.get(LICENSEE, licensee["id"]) == before
    else:
        assert response.status_code in (200, 204), response.text
        assert status_of(store, LICENSEE, licensee["id"]) == end


def test_client_may_not_delete_a_licensee(
    rest: httpx.Client, client: Actor, parties: tuple[str, str], sandbox_app: Any
) -> None:
    licensee = new_licensee(rest, client.headers, *parties)

    response = rest.delete(f"/licensees/{licensee['id']}", headers=client.headers)

    assert response.status_code == 403
    assert status_of(store_of(sandbox_app), LICENSEE, licensee["id"]) == "Active"


def test_client_acting_on_a_foreign_licensee_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = new_account(rest, ops, externalId="CDG-G")
    buyer = new_buyer(rest, ops, other["id"])
    licensee = new_licensee(rest, ops, buyer["id"], new_seller(rest, ops)["id"])
    before = snapshot(store_of(sandbox_app), LICENSEE)

    disabled = rest.post(f"/licensees/{licensee['id']}/disable", headers=client.headers)
    updated = rest.put(
        f"/licensees/{licensee['id']}", json={"name": "x"}, headers=client.headers
    )

    assert disabled.status_code == updated.status_code == 404
    assert snapshot(store_of(sandbox_app), LICENSEE) == before
