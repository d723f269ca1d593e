"""Account user writes: invitations, group assignment, leaving an account."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    Actor,
    email,
    forgotten,
    invite,
    new_group,
    ok,
    scratch_actor,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import ACCOUNT_USER, USER, USER_GROUP
from accounts_graph.sandbox import invitations
from accounts_graph.sandbox.auth import hash_secret
from accounts_graph.sandbox.relations import OF_USER, all_of


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


SPELLINGS = ["/{a}/users/{u}", "/accounts/{a}/users/{u}", "/account-users/{m}"]


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


@pytest.fixture
def group(rest: httpx.Client, client: Actor) -> dict[str, Any]:
    return new_group(rest, client.headers)


def _membership(sandbox_app: Any, account_id: str, user_id: str) -> dict[str, Any]:
    members = all_of(store_of(sandbox_app), ACCOUNT_USER, OF_USER, [user_id])
    return next(m for m in members if m["account"]["id"] == account_id)


def _url(spelling: str, member: dict[str, Any], suffix: str = "") -> str:
    path = spelling.format(
        a=member["account"]["id"], u=member["user"]["id"], m=member["id"]
    )
    return path + suffix


def test_invite_creates_an_invited_user_and_membership(
    rest: httpx.Client, client: Actor, group: dict[str, Any], sandbox_app: Any
) -> None:
    address = email()

    member = invite(rest, client.headers, client.account_id, group["id"], address)

    assert member["id"].startswith("USR-") and member["id"] == member["user"]["id"]
    assert (member["user"]["email"], member["user"]["status"]) == (address, "Invited")
    assert member["invitation"]["status"] == "Invited"
    assert member["invitation"]["url"].startswith("https://")
    stored = _membership(sandbox_app, client.account_id, member["id"])
    assert stored["id"].startswith("AUSR-")
    assert len(stored["invitationCodeHash"]) == 64
    assert "invitationCodeHash" not in str(member)
    users = (store_of(sandbox_app).get(USER_GROUP, group["id"]) or {})["users"]
    assert users == [{"id": member["id"]}]


def test_invite_reuses_a_known_email_from_another_account(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = scratch_actor(rest, ops, sandbox_app, "Client")
    there = new_group(rest, other.headers)
    here = new_group(rest, client.headers)
    address = email()
    first = invite(rest, other.headers, other.account_id, there["id"], address)

    again = invite(rest, client.headers, client.account_id, here["id"], address.upper())

    assert again["id"] == first["id"]
    user = store_of(sandbox_app).get(USER, first["id"]) or {}
    assert {a["id"] for a in user["accounts"]} == {other.account_id, client.account_id}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": None}, "user"),
        ({"user": {"firstName": "A", "lastName": "B"}}, "user.email"),
        ({"user": {"email": "bad", "firstName": "A", "lastName": "B"}}, "user.email"),
        ({"user": {"email": "a@b.example", "lastName": "B"}}, "user.firstName"),
        ({"groups": []}, "groups"),
        ({"groups": [{"id": "UGR-0000-0000"}]}, "groups[0].id"),
        ({"account": {"id": "ACC-0000-0000"}}, "account.id"),
    ],
)
def test_invite_refuses_invalid_body(
    body: dict[str, Any],
    field: str,
    rest: httpx.Client,
    client: Actor,
    group: dict[str, Any],
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    before = (store.count(USER), store.count(ACCOUNT_USER))
    valid = {
        "user": {"email": email(), "firstName": "A", "lastName": "B"},
        "groups": [{"id": group["id"]}],
    }

    response = rest.post(
        f"/{client.account_id}/users", json={**valid, **body}, headers=client.headers
    )

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert (store.count(USER), store.count(ACCOUNT_USER)) == before


def test_invite_refuses_a_group_of_another_account_and_a_member_twice(
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    group: dict[str, Any],
    sandbox_app: Any,
) -> None:
    elsewhere = scratch_actor(rest, ops, sandbox_app, "Client")
    other = new_group(rest, elsewhere.headers)
    member = invite(rest, client.headers, client.account_id, group["id"])
    body = {
        "user": {"email": member["user"]["email"], "firstName": "A", "lastName": "B"},
        "groups": [{"id": group["id"]}],
    }

    foreign = rest.post(
        f"/{client.account_id}/users",
        json={**body, "groups": [{"id": other["id"]}]},
        headers=ops,
    )
    twice = rest.post(f"/{client.account_id}/users", json=body, headers=ops)

    assert "groups[0].id" in foreign.json()["errors"]
    assert "user.email" in twice.json()["errors"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_accept_invite_activates_membership_and_user(
    spelling: str,
    rest: httpx.Client,
    client: Actor,
    group: dict[str, Any],
    sandbox_app: Any,
) -> None:
    invited = invite(rest, client.headers, client.account_id, group["id"])
    member = _membership(sandbox_app, client.account_id, invited["id"])

    accepted = ok(
        rest.post(_url(spelling, member, "/accept-invite"), headers=client.headers)
    )
    again = rest.post(_url(spelling, member, "/accept-invite"), headers=client.headers)

    assert accepted["id"] == (
        member["id"] if "account-users" in spelling else invited["id"]
    )
    assert accepted["invitation"]["status"] == "Active"
    assert accepted["audit"]["joined"]["at"]
    user = store_of(sandbox_app).get(USER, invited["id"]) or {}
    assert user["status"] == "Active"
    assert user["audit"]["invitationAcceptedAt"] == accepted["audit"]["joined"]["at"]
    assert again.status_code == 400
    assert "is Active; accept-invite needs Invited" in again.json()["detail"]


def test_send_new_invite_replaces_the_code(
    rest: httpx.Client,
    client: Actor,
    group: dict[str, Any],
    sandbox_app: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    codes = iter(["first-code-0123456789", "second-code-0123456789"])
    monkeypatch.setattr(invitations, "new_code", lambda: next(codes))
    invited = invite(rest, client.headers, client.account_id, group["id"])
    member = _membership(sandbox_app, client.account_id, invited["id"])
    base = f"/{client.account_id}/users/{invited['id']}"

    resent = ok(rest.post(f"{base}/send-new-invite", headers=client.headers))
    renewed = _membership(sandbox_app, client.account_id, invited["id"])
    stale = rest.post(
        f"{base}/accept-invite",
        json={"code": "first-code-0123456789"},
        headers=client.headers,
    )
    fresh = rest.post(
        f"{base}/accept-invite",
        json={"code": "second-code-0123456789"},
        headers=client.headers,
    )

    assert member["invitationCodeHash"] == hash_secret("first-code-0123456789")
    assert renewed["invitationCodeHash"] == hash_secret("second-code-0123456789")
    assert resent["invitation"]["url"] != member["invitation"]["url"]
    assert stale.status_code == 400 and "code" in stale.json()["errors"]
    assert ok(fresh)["invitation"]["status"] == "Active"


def test_send_new_invite_renews_an_expired_invitation(
    rest: httpx.Client, client: Actor, group: dict[str, Any], sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    invited = invite(rest, client.headers, client.account_id, group["id"])
    member = _membership(sandbox_app, client.account_id, invited["id"])
    expired = {"url": None, "status": "InvitationExpired"}
    with store.transaction() as conn:
        store.put(conn, ACCOUNT_USER, {**member, "invitation": expired})
        user = store.get(USER, invited["id"]) or {}
        store.put(conn, USER, {**user, "status": "InvitationExpired"})
    base = f"/{client.account_id}/users/{invited['id']}"

    refused = rest.post(f"{base}/resend-invite", headers=client.headers)
    renewed = ok(rest.post(f"{base}/send-new-invite", headers=client.headers))

    assert refused.status_code == 400
    assert (
        "is InvitationExpired; resend-invite needs Invited" in refused.json()["detail"]
    )
    assert renewed["invitation"]["status"] == "Invited"
    assert status_of(store, USER, invited["id"]) == "Invited"


def test_resend_invite_keeps_the_state(
    rest: httpx.Client, client: Actor, group: dict[str, Any], sandbox_app: Any
) -> None:
    invited = invite(rest, client.headers, client.account_id, group["id"])
    before = _membership(sandbox_app, client.account_id, invited["id"])

    resent = ok(
        rest.post(
            f"/{client.account_id}/users/{invited['id']}/resend-invite",
            headers=client.headers,
        )
    )

    after = _membership(sandbox_app, client.account_id, invited["id"])
    assert resent["invitation"] == before["invitation"] == after["invitation"]
    assert after["invitationCodeHash"] == before["invitationCodeHash"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_group_assignment_add_replace_remove(
    spelling: str,
    rest: httpx.Client,
    client: Actor,
    group: dict[str, Any],
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    second, third = new_group(rest, client.headers), new_group(rest, client.headers)
    invited = invite(rest, client.headers, client.account_id, group["id"])
    member = _membership(sandbox_app, client.account_id, invited["id"])
    url = _url(spelling, member, "/groups")

    added = ok(rest.post(url, json={"id": second["id"]}, headers=client.headers))
    replaced = ok(rest.put(url, json=[{"id": third["id"]}], headers=client.headers))
    last = rest.delete(f"{url}/{third['id']}", headers=client.headers)
    missing = rest.delete(f"{url}/{group['id']}", headers=client.headers)

    assert [g["id"] for g in added["groups"]] == [group["id"], second["id"]]
    assert [g["id"] for g in replaced["groups"]] == [third["id"]]
    assert (store.get(USER_GROUP, group["id"]) or {})["users"] == []
    assert (store.get(USER_GROUP, third["id"]) or {})["users"] == [
        {"id": invited["id"]}
    ]
    assert last.status_code == 400
    assert missing.status_code == 404


def test_remove_one_group_of_two(
    rest: httpx.Client, client: Actor, group: dict[str, Any], sandbox_app: Any
) -> None:
    second = new_group(rest, client.headers)
    invited = invite(rest, client.headers, client.account_id, group["id"])
    url = f"/{client.account_id}/users/{invited['id']}/groups"
    ok(rest.post(url, json={"id": second["id"]}, headers=client.headers))

    response = rest.delete(f"{url}/{group['id']}", headers=client.headers)

    assert response.status_code == 204
    member = _membership(sandbox_app, client.account_id, invited["id"])
    assert member["groups"] == [{"id": second["id"]}]


def test_update_member_with_the_official_clients_put(
    rest: httpx.Client, client: Actor, group: dict[str, Any]
) -> None:
    second = new_group(rest, client.headers)
    invited = invite(rest, client.headers, client.account_id, group["id"])
    body = {"groups": [{"id": second["id"]}], "user": {"firstName": "Renamed"}}

    updated = ok(
        rest.put(
            f"/accounts/{client.account_id}/users/{invited['id']}",
            json=body,
            headers=client.headers,
        )
    )

    assert [g["id"] for g in updated["groups"]] == [second["id"]]
    assert updated["user"]["name"] == "Renamed Test"


def test_removing_the_last_membership_disables_the_user(
    rest: httpx.Client, client: Actor, group: dict[str, Any], sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    invited = invite(rest, client.headers, client.account_id, group["id"])

    response = rest.delete(
        f"/{client.account_id}/users/{invited['id']}", headers=client.headers
    )

    assert response.status_code == 204
    assert all_of(store, ACCOUNT_USER, OF_USER, [invited["id"]]) == []
    user = store.get(USER, invited["id"]) or {}
    assert (user["status"], user["accounts"]) == ("Disabled", [])
    assert (store.get(USER_GROUP, group["id"]) or {})["users"] == []


def test_client_acting_on_a_foreign_member_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = scratch_actor(rest, ops, sandbox_app, "Client")
    stranger = invite(
        rest, other.headers, other.account_id, new_group(rest, other.headers)["id"]
    )
    member = _membership(sandbox_app, other.account_id, stranger["id"])
    before = snapshot(store_of(sandbox_app), ACCOUNT_USER)

    answers = [
        rest.delete(_url(SPELLINGS[0], member), headers=client.headers),
        rest.delete(_url(SPELLINGS[2], member), headers=client.headers),
        rest.post(_url(SPELLINGS[1], member, "/accept-invite"), headers=client.headers),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]
    assert snapshot(store_of(sandbox_app), ACCOUNT_USER) == before


def test_legacy_invite_answers_the_legacy_object(
    rest: httpx.Client, client: Actor, group: dict[str, Any]
) -> None:
    body = {
        "user": {"email": email(), "firstName": "Leg", "lastName": "Acy"},
        "groups": [{"id": group["id"]}],
    }

    created = ok(rest.post("/account-users", json=body, headers=client.headers), 201)

    assert created["id"].startswith("AUSR-")
    assert created["account"]["id"] == client.account_id
    got = ok(rest.get(f"/account-users/{created['id']}", headers=client.headers))
    assert got["user"]["id"] == created["user"]["id"]
