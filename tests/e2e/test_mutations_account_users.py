"""Account-user mutations end to end: invitations, groups, leaving an account."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    Caller,
    mutate,
    query,
    refuse,
    scratch_caller,
    succeed,
    top_code,
)
from tests.sandbox.factories import email, forgotten, invite, new_group, store_of

MEMBER = "accountUser { id invitation { status } user { id status } groups { id } }"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture
def group_id(rest: httpx.Client, client: Caller) -> str:
    return str(new_group(rest, client.headers)["id"])


@pytest.fixture
def user_id(rest: httpx.Client, client: Caller, group_id: str) -> str:
    """A user invited into the client's account, in one group."""
    return str(invite(rest, client.headers, client.account_id, group_id)["id"])


def _member(
    gql: GraphQLClient,
    token: str,
    account_id: str,
    user_id: str,
    selection: str = "invitation { status } user { status } groups { id }",
) -> Any:
    data = query(
        gql,
        token,
        f'{{ accountUser(accountId: "{account_id}", userId: "{user_id}") '
        f"{{ {selection} }} }}",
    )
    return data["accountUser"]


def test_create_invites_a_user_seen_as_a_member(
    gql: GraphQLClient, client: Caller, group_id: str
) -> None:
    person = {"email": email(), "firstName": "Grace", "lastName": "Hopper"}

    payload = succeed(
        gql,
        client.token,
        "createAccountUser",
        MEMBER,
        accountId=client.account_id,
        input={"user": person, "groupIds": [group_id]},
    )

    user_id = payload["accountUser"]["user"]["id"]
    assert _member(gql, client.token, client.account_id, user_id) == {
        "invitation": {"status": "INVITED"},
        "user": {"status": "INVITED"},
        "groups": [{"id": group_id}],
    }
    seen = query(gql, client.token, f'{{ user(id: "{user_id}") {{ email name }} }}')
    assert seen["user"] == {"email": person["email"], "name": "Grace Hopper"}


def test_resend_and_send_new_keep_the_invitation_pending(
    gql: GraphQLClient, client: Caller, user_id: str
) -> None:
    ids = {"accountId": client.account_id, "userId": user_id}

    resent = succeed(gql, client.token, "resendAccountUserInvitation", MEMBER, **ids)
    renewed = succeed(gql, client.token, "sendNewAccountUserInvitation", MEMBER, **ids)

    assert resent["accountUser"]["invitation"] == {"status": "INVITED"}
    assert renewed["accountUser"]["invitation"] == {"status": "INVITED"}
    member = _member(gql, client.token, client.account_id, user_id)
    assert member["invitation"] == {"status": "INVITED"}


def test_accept_activates_and_a_second_accept_is_refused(
    gql: GraphQLClient, client: Caller, user_id: str
) -> None:
    ids = {"accountId": client.account_id, "userId": user_id}

    accepted = succeed(gql, client.token, "acceptAccountUserInvitation", MEMBER, **ids)
    after_accept = _member(gql, client.token, client.account_id, user_id)
    [error] = refuse(gql, client.token, "acceptAccountUserInvitation", MEMBER, **ids)

    assert accepted["accountUser"]["invitation"] == {"status": "ACTIVE"}
    assert after_accept["invitation"] == {"status": "ACTIVE"}
    assert after_accept["user"] == {"status": "ACTIVE"}
    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert _member(gql, client.token, client.account_id, user_id) == after_accept


def test_resend_of_an_accepted_invitation_is_refused(
    gql: GraphQLClient, client: Caller, user_id: str
) -> None:
    ids = {"accountId": client.account_id, "userId": user_id}
    succeed(gql, client.token, "acceptAccountUserInvitation", MEMBER, **ids)

    [error] = refuse(gql, client.token, "resendAccountUserInvitation", MEMBER, **ids)

    assert error["code"] == "INVALID_STATE"
    member = _member(gql, client.token, client.account_id, user_id)
    assert member["invitation"] == {"status": "ACTIVE"}


def test_assign_replace_and_remove_groups(
    gql: GraphQLClient,
    rest: httpx.Client,
    client: Caller,
    group_id: str,
    user_id: str,
) -> None:
    second = new_group(rest, client.headers)["id"]
    third = new_group(rest, client.headers)["id"]
    ids = {"accountId": client.account_id, "userId": user_id}

    added = succeed(
        gql, client.token, "assignAccountUserToGroups", MEMBER, groupId=second, **ids
    )
    after_add = _member(gql, client.token, client.account_id, user_id)["groups"]
    replaced = succeed(
        gql,
        client.token,
        "updateAccountUserGroups",
        MEMBER,
        groupIds=[second, third],
        **ids,
    )
    removed = succeed(
        gql,
        client.token,
        "removeAccountUserFromGroup",
        MEMBER,
        userGroupId=second,
        **ids,
    )

    assert added["accountUser"]["groups"] == after_add
    assert after_add == [{"id": group_id}, {"id": second}]
    assert replaced["accountUser"]["groups"] == [{"id": second}, {"id": third}]
    assert removed["accountUser"]["groups"] == [{"id": third}]
    member = _member(gql, client.token, client.account_id, user_id)
    assert member["groups"] == [{"id": third}]


def test_removing_the_last_group_is_refused_naming_the_argument(
    gql: GraphQLClient, client: Caller, group_id: str, user_id: str
) -> None:
    ids = {"accountId": client.account_id, "userId": user_id}

    [error] = refuse(
        gql,
        client.token,
        "removeAccountUserFromGroup",
        MEMBER,
        userGroupId=group_id,
        **ids,
    )

    assert (error["code"], error["field"]) == ("INVALID", ["userGroupId"])
    member = _member(gql, client.token, client.account_id, user_id)
    assert member["groups"] == [{"id": group_id}]


def test_delete_removes_the_membership_and_disables_the_user(
    gql: GraphQLClient, ops: str, client: Caller, user_id: str
) -> None:
    ids = {"accountId": client.account_id, "userId": user_id}

    payload = succeed(gql, client.token, "deleteAccountUser", "deletedId", **ids)

    assert payload["deletedId"] == user_id
    gone = gql(
        f'{{ accountUser(accountId: "{client.account_id}", userId: "{user_id}") '
        "{ id } }",
        client.token,
    )
    assert gone["data"]["accountUser"] is None
    assert top_code(gone) == "NOT_FOUND"
    seen = query(gql, ops, f'{{ user(id: "{user_id}") {{ status }} }}')
    assert seen["user"] == {"status": "DISABLED"}


def test_client_acting_on_another_accounts_member_gets_not_found(
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
) -> None:
    other = scratch_caller(rest, auth(ops), sandbox_app, "Client")
    group = new_group(rest, other.headers)["id"]
    stranger = invite(rest, other.headers, other.account_id, group)["id"]
    ids = {"accountId": other.account_id, "userId": stranger}

    body = mutate(gql, client.token, "deleteAccountUser", "deletedId", **ids)

    assert top_code(body) == "NOT_FOUND"
    assert _member(gql, ops, other.account_id, stranger)["groups"] == [{"id": group}]


WHOLE = "id lastLoginAt invitation { status } user { id } account { id } groups { id }"


def test_every_payload_is_the_membership_as_queries_show_it(
    gql: GraphQLClient, rest: httpx.Client, client: Caller, group_id: str
) -> None:
    # A client's cache keys objects by type and id: a payload naming the member
    # by its user's id would be a second object beside the one queries fetched.
    person = {"email": email(), "firstName": "Ada", "lastName": "Lovelace"}
    created = succeed(
        gql,
        client.token,
        "createAccountUser",
        f"accountUser {{ {WHOLE} }}",
        accountId=client.account_id,
        input={"user": person, "groupIds": [group_id]},
    )["accountUser"]
    ids = {"accountId": client.account_id, "userId": created["user"]["id"]}
    second = new_group(rest, client.headers)["id"]
    changes = [
        ("assignAccountUserToGroups", {"groupId": second}),
        ("updateAccountUserGroups", {"groupIds": [group_id, second]}),
        ("removeAccountUserFromGroup", {"userGroupId": second}),
        ("resendAccountUserInvitation", {}),
        ("sendNewAccountUserInvitation", {}),
        ("acceptAccountUserInvitation", {}),
    ]

    def queried() -> Any:
        return _member(gql, client.token, ids["accountId"], ids["userId"], WHOLE)

    assert created == queried()
    assert created["id"].startswith("AUSR-")
    for name, arguments in changes:
        payload = succeed(
            gql, client.token, name, f"accountUser {{ {WHOLE} }}", **arguments, **ids
        )
        assert payload["accountUser"] == queried(), name
        assert payload["accountUser"]["id"] == created["id"], name
