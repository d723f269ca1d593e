"""API token mutations end to end: the secret once, state, deletion."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    Caller,
    node,
    query,
    refuse,
    rest_get,
    scratch_caller,
    succeed,
    top_code,
)
from tests.sandbox.factories import forgotten, new_token, store_of

TOKEN = "apiToken { id name description status account { id } }"
ALL_SCALARS = "id name description icon status lastAccessAt audit { created { at } }"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture
def created(gql: GraphQLClient, client: Caller) -> dict[str, Any]:
    """A token made through GraphQL: the payload with its secret."""
    new = {"name": "Made in GraphQL", "description": "For the tests."}
    return succeed(gql, client.token, "createApiToken", TOKEN + " secret", input=new)


def _reaches_upstream(gql: GraphQLClient, secret: str) -> dict[str, Any]:
    return gql("{ apiTokens(first: 1) { totalCount } }", secret)


def test_create_returns_the_secret_once_and_it_authenticates(
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    created: dict[str, Any],
) -> None:
    token, secret = created["apiToken"], created["secret"]

    viewer = query(gql, secret, "{ viewer { role account { id } apiToken { id } } }")

    assert token["status"] == "ACTIVE"
    assert token["account"] == {"id": client.account_id}
    assert secret.startswith(f"idt:{token['id']}:")
    assert viewer["viewer"] == {
        "role": "CLIENT",
        "account": {"id": client.account_id},
        "apiToken": {"id": token["id"]},
    }
    assert "errors" not in _reaches_upstream(gql, secret)
    seen = gql(f'{{ apiToken(id: "{token["id"]}") {{ {ALL_SCALARS} }} }}', ops)
    assert seen["data"]["apiToken"]["name"] == "Made in GraphQL"
    assert secret.split(":")[2] not in str(seen)
    assert secret.split(":")[2] not in str(rest_get(rest, auth(ops), "/api-tokens"))


def test_update_is_seen_and_shows_no_secret(
    gql: GraphQLClient, client: Caller, created: dict[str, Any]
) -> None:
    token_id = created["apiToken"]["id"]
    new = {"name": "Renamed Token", "description": "Changed."}

    payload = succeed(
        gql, client.token, "updateApiToken", TOKEN, id=token_id, input=new
    )

    assert payload["apiToken"]["name"] == "Renamed Token"
    seen = node(gql, client.token, "apiToken", token_id, "name description")
    assert seen == {"name": "Renamed Token", "description": "Changed."}
    assert created["secret"].split(":")[2] not in str(payload)


def test_update_changes_only_what_it_sends(
    gql: GraphQLClient, client: Caller, created: dict[str, Any]
) -> None:
    token_id = created["apiToken"]["id"]
    before = node(gql, client.token, "apiToken", token_id, "name")

    succeed(
        gql,
        client.token,
        "updateApiToken",
        TOKEN,
        id=token_id,
        input={"description": "Only this."},
    )

    seen = node(gql, client.token, "apiToken", token_id, "name description")
    assert seen == {"name": before["name"], "description": "Only this."}


def test_update_refuses_an_empty_name(
    gql: GraphQLClient, client: Caller, created: dict[str, Any]
) -> None:
    token_id = created["apiToken"]["id"]
    before = node(gql, client.token, "apiToken", token_id, "name")

    answer = gql(
        'mutation($id: ID!) { updateApiToken(id: $id, input: {name: ""})'
        " { errors { field code } } }",
        client.token,
        {"id": token_id},
    )

    errors = answer["data"]["updateApiToken"]["errors"]
    assert [error["field"] for error in errors] == [["input", "name"]]
    assert node(gql, client.token, "apiToken", token_id, "name") == before


def test_disable_stops_the_token_and_enable_restores_it(
    gql: GraphQLClient, client: Caller, created: dict[str, Any]
) -> None:
    token_id, secret = created["apiToken"]["id"], created["secret"]

    disabled = succeed(gql, client.token, "disableApiToken", TOKEN, id=token_id)
    while_disabled = _reaches_upstream(gql, secret)
    enabled = succeed(gql, client.token, "enableApiToken", TOKEN, id=token_id)

    assert disabled["apiToken"]["status"] == "DISABLED"
    assert top_code(while_disabled) == "UNAUTHENTICATED"
    assert enabled["apiToken"]["status"] == "ACTIVE"
    assert node(gql, client.token, "apiToken", token_id, "status") == {
        "status": "ACTIVE"
    }
    assert "errors" not in _reaches_upstream(gql, secret)


@pytest.mark.parametrize(
    ("start", "action"),
    [("ACTIVE", "enableApiToken"), ("DISABLED", "disableApiToken")],
)
def test_action_refused_from_a_wrong_state_leaves_the_token_unchanged(
    start: str,
    action: str,
    gql: GraphQLClient,
    rest: httpx.Client,
    client: Caller,
) -> None:
    token_id = new_token(rest, client.headers)["id"]
    if start == "DISABLED":
        succeed(gql, client.token, "disableApiToken", TOKEN, id=token_id)
    before = node(gql, client.token, "apiToken", token_id, ALL_SCALARS)

    [error] = refuse(gql, client.token, action, TOKEN, id=token_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert before["status"] == start
    assert node(gql, client.token, "apiToken", token_id, ALL_SCALARS) == before


def test_delete_hides_the_token_from_its_account_and_keeps_it_as_deleted(
    gql: GraphQLClient, ops: str, client: Caller, created: dict[str, Any]
) -> None:
    token_id, secret = created["apiToken"]["id"], created["secret"]

    payload = succeed(gql, client.token, "deleteApiToken", "deletedId", id=token_id)

    assert payload["deletedId"] == token_id
    hidden = gql(f'{{ apiToken(id: "{token_id}") {{ id }} }}', client.token)
    assert hidden["data"]["apiToken"] is None
    assert top_code(hidden) == "NOT_FOUND"
    assert node(gql, ops, "apiToken", token_id, "status") == {"status": "DELETED"}
    assert top_code(_reaches_upstream(gql, secret)) == "UNAUTHENTICATED"
    [error] = refuse(gql, ops, "deleteApiToken", "deletedId", id=token_id)
    assert error["code"] == "INVALID_STATE"
