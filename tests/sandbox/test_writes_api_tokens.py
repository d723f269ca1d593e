"""API token writes: the secret shown once, states, and what authenticates."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    Actor,
    forgotten,
    new_token,
    ok,
    scratch_actor,
    set_status,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import API_TOKEN, MODULE
from accounts_graph.sandbox.auth import hash_secret
from accounts_graph.sandbox.relations import all_of


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


_SECRET = re.compile(r"^idt:(TKN-\d{4}-\d{4}):([A-Za-z0-9]{40})$")
_STATES = ("Active", "Disabled", "Deleted")
_TARGETS = {
    "disable": {"Active": "Disabled"},
    "enable": {"Disabled": "Active"},
    "delete": {"Active": "Deleted", "Disabled": "Deleted"},
}


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


def test_create_shows_the_secret_once_and_stores_its_hash(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    created = new_token(rest, client.headers, description="CI")

    match = _SECRET.match(created["token"])
    assert match is not None
    assert match.group(1) == created["id"]
    stored = store_of(sandbox_app).get(API_TOKEN, created["id"]) or {}
    assert stored["tokenHash"] == hash_secret(match.group(2))
    assert "token" not in stored
    got = ok(rest.get(f"/api-tokens/{created['id']}", headers=client.headers))
    assert "token" not in got and "tokenHash" not in got
    listed = ok(rest.get("/api-tokens", headers=client.headers))
    assert all("token" not in t for t in listed["data"])
    assert created["account"]["id"] == client.account_id


def test_new_token_authenticates_until_disabled_or_deleted(
    rest: httpx.Client, client: Actor
) -> None:
    created = new_token(rest, client.headers)
    own = auth(created["token"])

    active = rest.get("/accounts", headers=own)
    ok(rest.post(f"/api-tokens/{created['id']}/disable", headers=client.headers))
    disabled = rest.get("/accounts", headers=own)
    ok(rest.post(f"/api-tokens/{created['id']}/enable", headers=client.headers))
    enabled = rest.get("/accounts", headers=own)
    deleted = rest.delete(f"/api-tokens/{created['id']}", headers=client.headers)
    after_delete = rest.get("/accounts", headers=own)

    assert active.status_code == enabled.status_code == 200
    assert disabled.status_code == after_delete.status_code == 401
    assert deleted.status_code == 204
    assert [a["id"] for a in active.json()["data"]] == [client.account_id]


def test_deleted_token_is_hidden_from_its_account_but_kept(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    created = new_token(rest, client.headers)

    rest.delete(f"/api-tokens/{created['id']}", headers=client.headers)

    assert (
        rest.get(f"/api-tokens/{created['id']}", headers=client.headers).status_code
        == 404
    )
    got = ok(rest.get(f"/api-tokens/{created['id']}", headers=ops))
    assert got["status"] == "Deleted"


def test_token_audit_names_the_creator(rest: httpx.Client, client: Actor) -> None:
    first = new_token(rest, client.headers)

    second = new_token(rest, auth(first["token"]))

    assert second["audit"]["created"]["by"]["id"] == first["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"modules": [{"id": "MOD-9999"}]}, "modules[0].id"),
        ({"modules": "all"}, "modules"),
        ({"account": {"id": "ACC-4402-1307"}}, "account.id"),
    ],
)
def test_create_refuses_invalid_body(
    body: dict[str, Any],
    field: str,
    rest: httpx.Client,
    client: Actor,
    sandbox_app: Any,
) -> None:
    before = store_of(sandbox_app).count(API_TOKEN)

    response = rest.post(
        "/api-tokens", json={"name": "T", **body}, headers=client.headers
    )

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store_of(sandbox_app).count(API_TOKEN) == before


def test_create_refuses_a_module_the_account_type_cannot_use(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    vendor_only = all_of(
        store_of(sandbox_app),
        MODULE,
        "NOT EXISTS (SELECT 1 FROM json_each(t.doc, '$.accountTypes') j "
        "WHERE j.value = 'Client')",
        [],
    )[0]

    response = rest.post(
        "/api-tokens",
        json={"name": "T", "modules": [{"id": vendor_only["id"]}]},
        headers=client.headers,
    )

    assert response.status_code == 400
    assert "modules[0].id" in response.json()["errors"]


def test_update_token(rest: httpx.Client, client: Actor) -> None:
    created = new_token(rest, client.headers)
    body = {"name": "Renamed", "description": "New", "status": "Disabled"}

    updated = ok(
        rest.put(f"/api-tokens/{created['id']}", json=body, headers=client.headers)
    )

    assert (updated["name"], updated["description"]) == ("Renamed", "New")
    assert updated["status"] == "Active"
    assert "token" not in updated


@pytest.mark.parametrize(
    ("start", "action"), [(s, a) for a in _TARGETS for s in _STATES]
)
def test_token_state_machine(
    start: str,
    action: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    created = new_token(rest, ops, account={"id": client.account_id})
    set_status(store, API_TOKEN, created["id"], start)
    before = store.get(API_TOKEN, created["id"])
    url = f"/api-tokens/{created['id']}"

    if action == "delete":
        response = rest.delete(url, headers=ops)
    else:
        response = rest.post(f"{url}/{action}", headers=ops)

    end = _TARGETS[action].get(start)
    if end is None:
        assert response.status_code == 400, response.text
        assert f"is {start}; {action} needs" in response.json()["detail"]
        assert store.get(API_TOKEN, created["id"]) == before
    else:
        assert response.status_code in (200, 204), response.text
        assert status_of(store, API_TOKEN, created["id"]) == end


def test_client_acting_on_a_foreign_token_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = scratch_actor(rest, ops, sandbox_app, "Client")
    foreign = new_token(rest, other.headers)
    before = snapshot(store_of(sandbox_app), API_TOKEN)

    disabled = rest.post(f"/api-tokens/{foreign['id']}/disable", headers=client.headers)
    deleted = rest.delete(f"/api-tokens/{foreign['id']}", headers=client.headers)

    assert disabled.status_code == deleted.status_code == 404
    assert snapshot(store_of(sandbox_app), API_TOKEN) == before
