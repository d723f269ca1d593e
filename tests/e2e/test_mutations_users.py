"""User mutations end to end: profile, password, block and unblock, delete."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import USER
from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    Caller,
    mutate,
    node,
    refuse,
    scratch_caller,
    succeed,
    top_code,
)
from tests.sandbox.factories import forgotten, invite, new_group, store_of

PROFILE = "user { id name firstName lastName status phone { number } }"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture
def user_id(rest: httpx.Client, client: Caller) -> str:
    """An Active member of the client's account."""
    group = new_group(rest, client.headers)
    member = invite(rest, client.headers, client.account_id, group["id"])
    url = f"/{client.account_id}/users/{member['id']}/accept-invite"
    assert rest.post(url, headers=client.headers).status_code == 200
    return str(member["id"])


def _status(gql: GraphQLClient, token: str, user_id: str) -> str:
    return str(node(gql, token, "user", user_id, "status")["status"])


def test_update_profile_is_seen_by_a_query(
    gql: GraphQLClient, client: Caller, user_id: str
) -> None:
    new = {
        "firstName": "Grace",
        "lastName": "Hopper",
        "phone": {"prefix": "+41", "number": "791234567"},
        "settings": {"cultureCode": "de-CH", "languageCode": "de"},
    }

    payload = succeed(gql, client.token, "updateUser", PROFILE, id=user_id, input=new)

    assert payload["user"]["name"] == "Grace Hopper"
    seen = node(
        gql,
        client.token,
        "user",
        user_id,
        "name phone { prefix number } settings { cultureCode languageCode }",
    )
    assert seen == {
        "name": "Grace Hopper",
        "phone": {"prefix": "+41", "number": "791234567"},
        "settings": {"cultureCode": "de-CH", "languageCode": "de"},
    }


def test_set_password_succeeds_and_never_echoes_it(
    gql: GraphQLClient, client: Caller, user_id: str, sandbox_app: Any
) -> None:
    password = "correct horse battery staple"
    store = store_of(sandbox_app)
    before = (store.get(USER, user_id) or {}).get("passwordHash")

    body = mutate(
        gql,
        client.token,
        "setUserPassword",
        "user { id status } errors { message field code }",
        id=user_id,
        password=password,
    )

    assert body["data"]["setUserPassword"] == {
        "user": {"id": user_id, "status": "ACTIVE"},
        "errors": [],
    }
    assert password not in str(body)
    after = (store.get(USER, user_id) or {})["passwordHash"]
    assert after.startswith("scrypt$") and after != before
    assert password not in after


def test_block_then_unblock(gql: GraphQLClient, ops: str, user_id: str) -> None:
    blocked = succeed(gql, ops, "blockUser", PROFILE, id=user_id)
    after_block = _status(gql, ops, user_id)
    unblocked = succeed(gql, ops, "unblockUser", PROFILE, id=user_id)

    assert blocked["user"]["status"] == after_block == "BLOCKED"
    assert unblocked["user"]["status"] == "ACTIVE"
    assert _status(gql, ops, user_id) == "ACTIVE"


@pytest.mark.parametrize(
    ("blocked", "action"), [(False, "unblockUser"), (True, "blockUser")]
)
def test_refused_transition_leaves_the_user_unchanged(
    blocked: bool, action: str, gql: GraphQLClient, ops: str, user_id: str
) -> None:
    if blocked:
        succeed(gql, ops, "blockUser", PROFILE, id=user_id)
    seen = "status name audit { updated { at } }"
    before = node(gql, ops, "user", user_id, seen)

    [error] = refuse(gql, ops, action, PROFILE, id=user_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert node(gql, ops, "user", user_id, seen) == before


def test_delete_needs_a_blocked_user_then_hides_it_from_its_account(
    gql: GraphQLClient, ops: str, client: Caller, user_id: str
) -> None:
    [refused_first] = refuse(gql, ops, "deleteUser", "deletedId", id=user_id)
    still_active = _status(gql, ops, user_id)
    succeed(gql, ops, "blockUser", PROFILE, id=user_id)

    payload = succeed(gql, ops, "deleteUser", "deletedId", id=user_id)

    assert refused_first["code"] == "INVALID_STATE"
    assert still_active == "ACTIVE"
    assert payload["deletedId"] == user_id
    assert _status(gql, ops, user_id) == "DELETED"
    hidden = gql(f'{{ user(id: "{user_id}") {{ status }} }}', client.token)
    assert hidden["data"]["user"] is None
    assert top_code(hidden) == "NOT_FOUND"


def test_client_may_not_block(
    gql: GraphQLClient, ops: str, client: Caller, user_id: str
) -> None:
    body = mutate(gql, client.token, "blockUser", PROFILE, id=user_id)

    assert top_code(body) == "FORBIDDEN"
    assert _status(gql, ops, user_id) == "ACTIVE"
