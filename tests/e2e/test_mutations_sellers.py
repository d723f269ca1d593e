"""Seller mutations end to end: create, update, the state machine, delete."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import ADDRESS, node, refuse, succeed
from tests.sandbox.factories import forgotten, new_seller, store_of

FIELDS = "id name status currencies externalId address { city }"
SELLER = f"seller {{ {FIELDS} }}"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture
def seller_id(rest: httpx.Client, ops: str) -> str:
    """An Active seller."""
    return str(new_seller(rest, auth(ops))["id"])


def _status(gql: GraphQLClient, token: str, seller_id: str) -> str:
    return str(node(gql, token, "seller", seller_id, "status")["status"])


def test_create_seller_is_seen_by_a_query(gql: GraphQLClient, ops: str) -> None:
    new = {
        "name": "SoftwareOne Test AG",
        "currencies": ["CHF", "EUR"],
        "externalId": "SWO_GQL",
        "address": ADDRESS,
    }

    seller = succeed(gql, ops, "createSeller", SELLER, input=new)["seller"]

    assert node(gql, ops, "seller", seller["id"], FIELDS) == {
        "id": seller["id"],
        "name": "SoftwareOne Test AG",
        "status": "ACTIVE",
        "currencies": ["CHF", "EUR"],
        "externalId": "SWO_GQL",
        "address": {"city": "Zurich"},
    }


def test_update_seller_is_seen_by_a_query(
    gql: GraphQLClient, ops: str, seller_id: str
) -> None:
    new = {"name": "Renamed Seller", "currencies": ["GBP"]}

    payload = succeed(gql, ops, "updateSeller", SELLER, id=seller_id, input=new)

    assert payload["seller"]["name"] == "Renamed Seller"
    seen = node(gql, ops, "seller", seller_id, "name currencies status")
    assert seen == {"name": "Renamed Seller", "currencies": ["GBP"], "status": "ACTIVE"}


@pytest.mark.parametrize(
    ("steps", "end"),
    [
        (["deactivateSeller"], "OFFLINE"),
        (["deactivateSeller", "activateSeller"], "ACTIVE"),
        (["disableSeller"], "DISABLED"),
        (["disableSeller", "enableSeller"], "ACTIVE"),
        (["disableSeller", "activateSeller"], "ACTIVE"),
    ],
)
def test_allowed_transitions_are_seen_by_a_query(
    steps: list[str], end: str, gql: GraphQLClient, ops: str, seller_id: str
) -> None:
    for action in steps:
        succeed(gql, ops, action, SELLER, id=seller_id)

    assert _status(gql, ops, seller_id) == end


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ([], "activateSeller"),
        ([], "enableSeller"),
        (["deactivateSeller"], "disableSeller"),
        (["deactivateSeller"], "deleteSeller"),
        (["disableSeller"], "deactivateSeller"),
    ],
)
def test_refused_transition_leaves_the_seller_unchanged(
    steps: list[str], action: str, gql: GraphQLClient, ops: str, seller_id: str
) -> None:
    for step in steps:
        succeed(gql, ops, step, SELLER, id=seller_id)
    seen = "status name audit { updated { at } }"
    before = node(gql, ops, "seller", seller_id, seen)
    selection = "deletedId" if action == "deleteSeller" else SELLER

    [error] = refuse(gql, ops, action, selection, id=seller_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert node(gql, ops, "seller", seller_id, seen) == before


def test_delete_keeps_the_seller_as_deleted(
    gql: GraphQLClient, ops: str, seller_id: str
) -> None:
    payload = succeed(gql, ops, "deleteSeller", "deletedId", id=seller_id)

    assert payload["deletedId"] == seller_id
    assert _status(gql, ops, seller_id) == "DELETED"
