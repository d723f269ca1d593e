"""User group mutations end to end: create, update, delete, a conflict."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    Caller,
    node,
    refuse,
    rest_get,
    scratch_caller,
    succeed,
    top_code,
)
from tests.sandbox.factories import forgotten, invite, new_buyer, new_group, store_of

FIELDS = "id name description account { id } modules { id } buyers { id }"
GROUP = f"userGroup {{ {FIELDS} }}"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture(scope="module")
def module_ids(rest: httpx.Client, client: Caller) -> list[str]:
    """Two modules the client's default group has, so its type may use them."""
    groups = rest_get(rest, client.headers, "/user-groups?eq(isDefault,true)")
    return sorted(m["id"] for m in groups["data"][0]["modules"])[:2]


@pytest.fixture
def group_id(rest: httpx.Client, client: Caller) -> str:
    return str(new_group(rest, client.headers)["id"])


def test_create_group_is_seen_by_a_query(
    gql: GraphQLClient, client: Caller, module_ids: list[str]
) -> None:
    new = {
        "name": "Purchasers",
        "description": "People who buy.",
        "accountId": client.account_id,
        "moduleIds": module_ids,
    }

    group = succeed(gql, client.token, "createUserGroup", GROUP, input=new)["userGroup"]

    seen = node(gql, client.token, "userGroup", group["id"], FIELDS)
    assert seen == {
        "id": group["id"],
        "name": "Purchasers",
        "description": "People who buy.",
        "account": {"id": client.account_id},
        "modules": [{"id": i} for i in module_ids],
        "buyers": None,
    }


def test_update_narrows_the_buyers_and_is_seen(
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    module_ids: list[str],
    group_id: str,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    new = {"name": "Narrowed", "moduleIds": module_ids[:1], "buyerIds": [buyer["id"]]}

    payload = succeed(
        gql, client.token, "updateUserGroup", GROUP, id=group_id, input=new
    )

    assert payload["userGroup"]["name"] == "Narrowed"
    seen = node(gql, ops, "userGroup", group_id, "name modules { id } buyers { id }")
    assert seen == {
        "name": "Narrowed",
        "modules": [{"id": module_ids[0]}],
        "buyers": [{"id": buyer["id"]}],
    }


def test_delete_an_empty_group(
    gql: GraphQLClient, ops: str, client: Caller, group_id: str
) -> None:
    payload = succeed(gql, client.token, "deleteUserGroup", "deletedId", id=group_id)

    assert payload["deletedId"] == group_id
    for token in (client.token, ops):
        gone = gql(f'{{ userGroup(id: "{group_id}") {{ id }} }}', token)
        assert gone["data"]["userGroup"] is None
        assert top_code(gone) == "NOT_FOUND"


def test_delete_a_group_with_users_is_a_conflict(
    gql: GraphQLClient, rest: httpx.Client, client: Caller, group_id: str
) -> None:
    member = invite(rest, client.headers, client.account_id, group_id)

    [error] = refuse(gql, client.token, "deleteUserGroup", "deletedId", id=group_id)

    assert (error["code"], error["field"]) == ("CONFLICT", None)
    seen = node(gql, client.token, "userGroup", group_id, "users { id }")
    assert seen == {"users": [{"id": member["id"]}]}
