"""Buyer mutations end to end: each change is seen by a following query."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import BUYER
from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    ADDRESS,
    Caller,
    node,
    refuse,
    scratch_caller,
    succeed,
)
from tests.sandbox.factories import (
    forgotten,
    link,
    new_account,
    new_buyer,
    new_licensee,
    new_seller,
    store_of,
)

BUYER_FIELDS = "buyer { id name status taxId address { city } account { id } }"
_ERP = {"erpCustomer": "CH-CUS-000001", "erpCompanyContact": "CH-CON-000001"}


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture
def buyer_id(rest: httpx.Client, ops: str, client: Caller) -> str:
    """An Enabled buyer of the scratch client, with its ERP ids."""
    return str(new_buyer(rest, auth(ops), client.account_id, externalIds=_ERP)["id"])


def _status(gql: GraphQLClient, token: str, buyer_id: str) -> str:
    return str(node(gql, token, "buyer", buyer_id, "status")["status"])


def test_create_buyer_is_seen_by_operations_and_its_client(
    gql: GraphQLClient, ops: str, client: Caller
) -> None:
    new = {
        "name": "Created Through GraphQL",
        "accountId": client.account_id,
        "address": ADDRESS,
        "taxId": "CHE-123",
        "contact": {"firstName": "Ada", "email": "ada@example.com"},
        "externalIds": {"erpCustomer": "CUS-9"},
    }

    buyer = succeed(gql, ops, "createBuyer", BUYER_FIELDS, input=new)["buyer"]

    assert (buyer["status"], buyer["account"]["id"]) == ("ENABLED", client.account_id)
    seen = node(gql, ops, "buyer", buyer["id"], "name taxId contact { email }")
    assert seen == {
        "name": new["name"],
        "taxId": "CHE-123",
        "contact": {"email": "ada@example.com"},
    }
    assert node(gql, client.token, "buyer", buyer["id"], "id") == {"id": buyer["id"]}


def test_update_buyer_by_its_client_is_seen(
    gql: GraphQLClient, ops: str, client: Caller, buyer_id: str
) -> None:
    new = {"name": "Renamed Buyer", "address": {**ADDRESS, "city": "Basel"}}

    payload = succeed(
        gql, client.token, "updateBuyer", BUYER_FIELDS, id=buyer_id, input=new
    )

    assert payload["buyer"]["name"] == "Renamed Buyer"
    seen = node(gql, ops, "buyer", buyer_id, "name address { city }")
    assert seen == {"name": "Renamed Buyer", "address": {"city": "Basel"}}


def test_disable_by_client_then_enable_by_operations(
    gql: GraphQLClient, ops: str, client: Caller, buyer_id: str
) -> None:
    disabled = succeed(gql, client.token, "disableBuyer", BUYER_FIELDS, id=buyer_id)
    after_disable = _status(gql, ops, buyer_id)
    enabled = succeed(gql, ops, "enableBuyer", BUYER_FIELDS, id=buyer_id)

    assert disabled["buyer"]["status"] == after_disable == "DISABLED"
    assert enabled["buyer"]["status"] == "ACTIVE"
    assert _status(gql, ops, buyer_id) == "ACTIVE"


@pytest.mark.parametrize("action", ["enableBuyer", "deactivateBuyer"])
def test_action_refused_from_enabled_leaves_the_buyer_unchanged(
    action: str, gql: GraphQLClient, ops: str, buyer_id: str
) -> None:
    seen = "status name audit { updated { at } }"
    before = node(gql, ops, "buyer", buyer_id, seen)

    [error] = refuse(gql, ops, action, BUYER_FIELDS, id=buyer_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert "is Enabled" in error["message"]
    assert node(gql, ops, "buyer", buyer_id, seen) == before


def test_activate_then_deactivate(
    gql: GraphQLClient, ops: str, client: Caller, buyer_id: str
) -> None:
    new = {"accountId": client.account_id, "externalIds": _ERP}

    activated = succeed(gql, ops, "activateBuyer", BUYER_FIELDS, id=buyer_id, input=new)
    after_activate = _status(gql, ops, buyer_id)
    deactivated = succeed(gql, ops, "deactivateBuyer", BUYER_FIELDS, id=buyer_id)

    assert activated["buyer"]["status"] == after_activate == "ACTIVE"
    assert deactivated["buyer"]["status"] == "UNASSIGNED"
    assert _status(gql, ops, buyer_id) == "UNASSIGNED"


def test_validate_reports_problems_and_changes_nothing(
    gql: GraphQLClient, ops: str, client: Caller, buyer_id: str, sandbox_app: Any
) -> None:
    before = store_of(sandbox_app).get(BUYER, buyer_id) or {}
    checked = {"accountId": client.account_id, "taxId": "1" * 30}

    payload = succeed(
        gql,
        ops,
        "validateBuyer",
        "buyer { id name } problems { message parameters }",
        id=buyer_id,
        input=checked,
    )

    assert payload["buyer"] == {"id": buyer_id, "name": before["name"]}
    assert [p["parameters"]["field"] for p in payload["problems"]] == ["taxId"]
    assert store_of(sandbox_app).get(BUYER, buyer_id) == before


def test_validate_of_valid_data_reports_no_problem(
    gql: GraphQLClient, ops: str, client: Caller, buyer_id: str
) -> None:
    checked = {"accountId": client.account_id}

    payload = succeed(
        gql, ops, "validateBuyer", "problems { message }", id=buyer_id, input=checked
    )

    assert payload["problems"] == []


def test_synchronize_resolves_a_mismatch(
    gql: GraphQLClient, ops: str, buyer_id: str, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    problem = {"id": "BUY-E001", "message": "Differs from the ERP.", "parameters": {}}
    stored = store.get(BUYER, buyer_id) or {}
    with store.transaction() as conn:
        store.put(conn, BUYER, {**stored, "status": "Mismatch", "errors": [problem]})

    payload = succeed(gql, ops, "synchronizeBuyer", "buyer { status }", id=buyer_id)

    assert payload["buyer"]["status"] == "ACTIVE"
    seen = node(gql, ops, "buyer", buyer_id, "status errors { id }")
    assert seen == {"status": "ACTIVE", "errors": []}


def test_transfer_moves_the_buyer_and_its_licensees(
    gql: GraphQLClient, rest: httpx.Client, ops: str, sandbox_app: Any
) -> None:
    source = new_account(rest, auth(ops), externalId="CDG-GQL-TWIN")
    twin = new_account(rest, auth(ops), externalId="CDG-GQL-TWIN")
    buyer = new_buyer(rest, auth(ops), source["id"])
    seller = new_seller(rest, auth(ops))
    link(store_of(sandbox_app), buyer["id"], seller["id"])
    licensee = new_licensee(rest, auth(ops), buyer["id"], seller["id"])

    payload = succeed(
        gql, ops, "transferBuyer", BUYER_FIELDS, id=buyer["id"], accountId=twin["id"]
    )

    moved = {"account": {"id": twin["id"]}}
    assert payload["buyer"]["account"] == moved["account"]
    assert node(gql, ops, "buyer", buyer["id"], "account { id }") == moved
    assert node(gql, ops, "licensee", licensee["id"], "account { id }") == moved


def test_transfer_to_an_account_with_another_cdg_is_refused(
    gql: GraphQLClient, rest: httpx.Client, ops: str, client: Caller, buyer_id: str
) -> None:
    other = new_account(rest, auth(ops), externalId="CDG-GQL-ELSEWHERE")

    errors = refuse(
        gql, ops, "transferBuyer", BUYER_FIELDS, id=buyer_id, accountId=other["id"]
    )

    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["accountId"])]
    seen = node(gql, ops, "buyer", buyer_id, "account { id }")
    assert seen == {"account": {"id": client.account_id}}


def test_delete_keeps_the_buyer_as_deleted_and_refuses_a_second_time(
    gql: GraphQLClient, ops: str, client: Caller, buyer_id: str
) -> None:
    deleted = succeed(gql, ops, "deleteBuyer", "deletedId", id=buyer_id)
    after_delete = _status(gql, ops, buyer_id)
    [error] = refuse(gql, ops, "deleteBuyer", "deletedId", id=buyer_id)

    assert deleted["deletedId"] == buyer_id
    assert after_delete == "DELETED"
    assert error["code"] == "INVALID_STATE"
    assert _status(gql, client.token, buyer_id) == "DELETED"
