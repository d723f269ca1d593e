"""User group writes: create, update, delete (refused while users remain)."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    Actor,
    forgotten,
    invite,
    new_account,
    new_buyer,
    new_group,
    ok,
    scratch_actor,
    snapshot,
    store_of,
)

from accounts_graph.platform.resources import ACCOUNT, MODULE, USER_GROUP
from accounts_graph.sandbox.relations import all_of


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


_FOR_TYPE = (
    "EXISTS (SELECT 1 FROM json_each(t.doc, '$.accountTypes') j WHERE j.value = ?)"
)
_NOT_FOR_TYPE = f"NOT {_FOR_TYPE}"


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


def _module(sandbox_app: Any, where: str) -> str:
    docs = all_of(store_of(sandbox_app), MODULE, where, ["Client"])
    assert docs
    return str(docs[0]["id"])


def test_create_group_in_own_account(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    module = _module(sandbox_app, _FOR_TYPE)

    created = new_group(rest, client.headers, modules=[{"id": module}], logo="/x.svg")

    assert created["account"]["id"] == client.account_id
    assert created["isDefault"] is False
    assert [m["id"] for m in created["modules"]] == [module]
    account = store_of(sandbox_app).get(ACCOUNT, client.account_id) or {}
    assert created["id"] in {g["id"] for g in account["groups"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"modules": [{"id": "MOD-0000"}]}, "modules[0].id"),
        ({"modules": [{"id": "nope"}]}, "modules[0].id"),
        ({"buyers": [{"id": "BUY-0000-0000"}]}, "buyers[0].id"),
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
    before = store_of(sandbox_app).count(USER_GROUP)

    response = rest.post(
        "/user-groups", json={"name": "G", **body}, headers=client.headers
    )

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store_of(sandbox_app).count(USER_GROUP) == before


def test_create_refuses_a_module_of_another_account_type(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    module = _module(sandbox_app, _NOT_FOR_TYPE)

    response = rest.post(
        "/user-groups",
        json={"name": "G", "modules": [{"id": module}]},
        headers=client.headers,
    )

    assert response.status_code == 400
    assert "modules[0].id" in response.json()["errors"]


def test_operations_cannot_grant_another_accounts_buyer(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    elsewhere = new_account(rest, ops, externalId="CDG-H")
    buyer = new_buyer(rest, ops, elsewhere["id"])

    response = rest.post(
        "/user-groups",
        json={"name": "G", "account": {"id": client.account_id}, "buyers": [buyer]},
        headers=ops,
    )

    assert response.status_code == 400
    assert "buyers[0].id" in response.json()["errors"]


def test_update_narrows_what_members_reach(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)
    group = new_group(rest, client.headers, buyers=None)
    member = invite(rest, client.headers, client.account_id, group["id"])
    assert buyer["id"] in {b["id"] for b in member["buyers"]}

    updated = ok(
        rest.put(
            f"/user-groups/{group['id']}",
            json={"name": "Narrow", "buyers": []},
            headers=client.headers,
        )
    )

    assert (updated["name"], updated["buyers"]) == ("Narrow", [])
    got = ok(rest.get(f"/{client.account_id}/users/{member['id']}", headers=ops))
    assert got["buyers"] == []


def test_delete_an_empty_group(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    group = new_group(rest, client.headers)

    response = rest.delete(f"/user-groups/{group['id']}", headers=client.headers)

    assert response.status_code == 204
    assert store_of(sandbox_app).get(USER_GROUP, group["id"]) is None
    account = store_of(sandbox_app).get(ACCOUNT, client.account_id) or {}
    assert group["id"] not in {g["id"] for g in account["groups"]}


def test_delete_a_group_with_users_answers_409(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    group = new_group(rest, client.headers)
    invite(rest, client.headers, client.account_id, group["id"])
    before = store_of(sandbox_app).get(USER_GROUP, group["id"])

    response = rest.delete(f"/user-groups/{group['id']}", headers=client.headers)

    assert response.status_code == 409
    assert response.json()["title"] == "Conflict"
    assert store_of(sandbox_app).get(USER_GROUP, group["id"]) == before


def test_client_acting_on_a_foreign_group_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = scratch_actor(rest, ops, sandbox_app, "Client")
    group = new_group(rest, other.headers)
    before = snapshot(store_of(sandbox_app), USER_GROUP)

    updated = rest.put(
        f"/user-groups/{group['id']}", json={"name": "Mine"}, headers=client.headers
    )
    deleted = rest.delete(f"/user-groups/{group['id']}", headers=client.headers)

    assert updated.status_code == deleted.status_code == 404
    assert snapshot(store_of(sandbox_app), USER_GROUP) == before
