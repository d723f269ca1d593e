"""Licensee mutations end to end: create, update, the state machine, delete."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

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
    new_buyer,
    new_licensee,
    new_seller,
    store_of,
)

LICENSEE = (
    "licensee { id name status useBuyerAddress address { city } "
    "buyer { id } seller { id } account { id } }"
)


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture(scope="module")
def parties(
    rest: httpx.Client, ops: str, client: Caller, sandbox_app: Any
) -> tuple[str, str]:
    """A buyer of the client and a seller, linked by an Active ERP link."""
    buyer = new_buyer(rest, auth(ops), client.account_id)
    seller = new_seller(rest, auth(ops))
    link(store_of(sandbox_app), buyer["id"], seller["id"])
    return str(buyer["id"]), str(seller["id"])


@pytest.fixture
def licensee_id(rest: httpx.Client, client: Caller, parties: tuple[str, str]) -> str:
    """An Active licensee of the client."""
    return str(new_licensee(rest, client.headers, *parties)["id"])


def _status(gql: GraphQLClient, token: str, licensee_id: str) -> str:
    return str(node(gql, token, "licensee", licensee_id, "status")["status"])


def test_create_by_a_client_is_seen_by_a_query(
    gql: GraphQLClient, client: Caller, parties: tuple[str, str]
) -> None:
    buyer_id, seller_id = parties
    new = {
        "buyerId": buyer_id,
        "sellerId": seller_id,
        "useBuyerAddress": False,
        "address": {**ADDRESS, "city": "Lugano"},
        "name": "Licensee Through GraphQL",
    }

    created = succeed(gql, client.token, "createLicensee", LICENSEE, input=new)

    licensee = created["licensee"]
    assert licensee["status"] == "ACTIVE"
    seen = node(
        gql,
        client.token,
        "licensee",
        licensee["id"],
        "name address { city } buyer { id } seller { id } account { id }",
    )
    assert seen == {
        "name": "Licensee Through GraphQL",
        "address": {"city": "Lugano"},
        "buyer": {"id": buyer_id},
        "seller": {"id": seller_id},
        "account": {"id": client.account_id},
    }


def test_update_by_a_client_is_seen_by_a_query(
    gql: GraphQLClient, ops: str, client: Caller, licensee_id: str
) -> None:
    new = {"name": "Renamed Licensee", "description": "Changed in GraphQL."}

    payload = succeed(
        gql, client.token, "updateLicensee", LICENSEE, id=licensee_id, input=new
    )

    assert payload["licensee"]["name"] == "Renamed Licensee"
    seen = node(gql, ops, "licensee", licensee_id, "name description")
    assert seen == {"name": "Renamed Licensee", "description": "Changed in GraphQL."}


def test_disable_then_enable_by_a_client(
    gql: GraphQLClient, ops: str, client: Caller, licensee_id: str
) -> None:
    disabled = succeed(gql, client.token, "disableLicensee", LICENSEE, id=licensee_id)
    after_disable = _status(gql, ops, licensee_id)
    enabled = succeed(gql, client.token, "enableLicensee", LICENSEE, id=licensee_id)

    assert disabled["licensee"]["status"] == after_disable == "DISABLED"
    assert enabled["licensee"]["status"] == "ACTIVE"
    assert _status(gql, client.token, licensee_id) == "ACTIVE"


@pytest.mark.parametrize(
    ("disabled", "action"),
    [(False, "enableLicensee"), (True, "disableLicensee")],
)
def test_refused_transition_leaves_the_licensee_unchanged(
    disabled: bool,
    action: str,
    gql: GraphQLClient,
    client: Caller,
    licensee_id: str,
) -> None:
    if disabled:
        succeed(gql, client.token, "disableLicensee", LICENSEE, id=licensee_id)
    seen = "status name audit { updated { at } }"
    before = node(gql, client.token, "licensee", licensee_id, seen)

    [error] = refuse(gql, client.token, action, LICENSEE, id=licensee_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert node(gql, client.token, "licensee", licensee_id, seen) == before


def test_delete_keeps_the_licensee_as_deleted_and_refuses_a_second_time(
    gql: GraphQLClient, ops: str, client: Caller, licensee_id: str
) -> None:
    payload = succeed(gql, ops, "deleteLicensee", "deletedId", id=licensee_id)
    after_delete = _status(gql, client.token, licensee_id)
    [error] = refuse(gql, ops, "deleteLicensee", "deletedId", id=licensee_id)

    assert payload["deletedId"] == licensee_id
    assert after_delete == "DELETED"
    assert error["code"] == "INVALID_STATE"
