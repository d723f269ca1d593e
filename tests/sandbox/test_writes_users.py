"""User writes: profile and icon, password, block and unblock, delete."""

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    PNG,
    Actor,
    forgotten,
    invite,
    multipart,
    ok,
    scratch_actor,
    set_status,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import ACCOUNT_USER, USER
from accounts_graph.sandbox.relations import OF_USER, all_of


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


@pytest.fixture
def user_id(rest: httpx.Client, ops: dict[str, str], client: Actor) -> str:
    """An Active member of the client's account."""
    group = ok(rest.get(f"/accounts/{client.account_id}", headers=ops))["groups"][0]
    member = invite(rest, client.headers, client.account_id, group["id"])
    url = f"/{client.account_id}/users/{member['id']}/accept-invite"
    ok(rest.post(url, headers=client.headers))
    return str(member["id"])


def test_update_profile_keeps_the_email(
    rest: httpx.Client, client: Actor, user_id: str
) -> None:
    before = ok(rest.get(f"/users/{user_id}", headers=client.headers))
    body = {
        "firstName": "Grace",
        "lastName": "Hopper",
        "email": "other@example.com",
        "phone": {"prefix": "+41", "number": "791234567"},
        "settings": {"cultureCode": "de-CH", "languageCode": "de"},
    }

    updated = ok(rest.put(f"/users/{user_id}", json=body, headers=client.headers))

    got = ok(
        rest.get(f"/users/{user_id}?select=+phone,+settings", headers=client.headers)
    )
    assert updated["name"] == got["name"] == "Grace Hopper"
    assert got["email"] == before["email"]
    assert got["phone"]["number"] == "791234567"
    assert got["settings"]["cultureCode"] == "de-CH"


def test_update_accepts_the_published_delta_wrapper(
    rest: httpx.Client, client: Actor, user_id: str
) -> None:
    body = {"path": "/", "data": {"firstName": "Delta"}}

    updated = ok(rest.put(f"/users/{user_id}", json=body, headers=client.headers))

    assert updated["firstName"] == "Delta"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"firstName": ""}, "firstName"),
        ({"phone": {"prefix": "+" * 11}}, "phone.prefix"),
        ({"phone": {"number": "1" * 16}}, "phone.number"),
        ({"settings": {"cultureCode": "de-CH-x"}}, "settings.cultureCode"),
        ({"settings": {"languageCode": 5}}, "settings.languageCode"),
    ],
)
def test_update_refuses_invalid_body(
    body: dict[str, Any],
    field: str,
    rest: httpx.Client,
    client: Actor,
    user_id: str,
    sandbox_app: Any,
) -> None:
    before = store_of(sandbox_app).get(USER, user_id)

    response = rest.put(f"/users/{user_id}", json=body, headers=client.headers)

    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert store_of(sandbox_app).get(USER, user_id) == before


def test_icon_upload_with_the_user_and_icon_parts(
    rest: httpx.Client, client: Actor, user_id: str, sandbox_url: str
) -> None:
    files = multipart("user", {"firstName": "Iconic"}, "icon", PNG)

    updated = ok(rest.put(f"/users/{user_id}", files=files, headers=client.headers))

    assert updated["icon"] == f"/v1/accounts/users/{user_id}/icon"
    redirect = rest.get(f"/users/{user_id}/icon")
    image = httpx.get(httpx.URL(sandbox_url).join(redirect.headers["location"]))
    assert (image.headers["content-type"], image.content) == ("image/png", PNG)


def test_set_password_stores_a_salted_scrypt_hash_never_returned(
    rest: httpx.Client, client: Actor, user_id: str, sandbox_app: Any
) -> None:
    password = "correct horse battery staple"
    url = f"/users/{user_id}/set-password"

    answer = ok(rest.post(url, json={"password": password}, headers=client.headers))
    first = (store_of(sandbox_app).get(USER, user_id) or {})["passwordHash"]
    ok(rest.post(url, json={"password": password}, headers=client.headers))
    second = (store_of(sandbox_app).get(USER, user_id) or {})["passwordHash"]

    assert "passwordHash" not in answer and password not in str(answer)
    got = rest.get(f"/users/{user_id}?select=+audit", headers=client.headers)
    assert "passwordHash" not in got.text
    scheme, n, r, p, salt, digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    expected = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=2**14, r=8, p=1, dklen=32
    )
    assert base64.b64decode(digest) == expected
    assert first != second


def test_set_password_refuses_a_short_one_and_stores_nothing(
    rest: httpx.Client, client: Actor, user_id: str, sandbox_app: Any
) -> None:
    before = store_of(sandbox_app).get(USER, user_id)

    response = rest.post(
        f"/users/{user_id}/set-password",
        json={"password": "short"},
        headers=client.headers,
    )

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert "short" not in response.text
    assert store_of(sandbox_app).get(USER, user_id) == before


@pytest.mark.parametrize("start", ["Active", "Disabled"])
def test_unblock_returns_to_the_state_blocked_from(
    start: str, rest: httpx.Client, ops: dict[str, str], user_id: str, sandbox_app: Any
) -> None:
    set_status(store_of(sandbox_app), USER, user_id, start)

    blocked = ok(rest.post(f"/users/{user_id}/block", headers=ops))
    unblocked = ok(rest.post(f"/users/{user_id}/unblock", headers=ops))

    assert blocked["status"] == "Blocked"
    assert unblocked["status"] == start


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("Invited", "block"),
        ("Blocked", "block"),
        ("Deleted", "block"),
        ("Active", "unblock"),
        ("Invited", "unblock"),
    ],
)
def test_block_actions_refused_from_a_wrong_state(
    start: str,
    action: str,
    rest: httpx.Client,
    ops: dict[str, str],
    user_id: str,
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    set_status(store, USER, user_id, start)
    before = store.get(USER, user_id)

    response = rest.post(f"/users/{user_id}/{action}", headers=ops)

    assert response.status_code == 400
    assert f"is {start}; {action} needs" in response.json()["detail"]
    assert store.get(USER, user_id) == before


def test_client_may_not_block(
    rest: httpx.Client, client: Actor, user_id: str, sandbox_app: Any
) -> None:
    response = rest.post(f"/users/{user_id}/block", headers=client.headers)

    assert response.status_code == 403
    assert status_of(store_of(sandbox_app), USER, user_id) == "Active"


def test_delete_needs_disabled_or_blocked_and_ends_memberships(
    rest: httpx.Client, ops: dict[str, str], user_id: str, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    refused = rest.delete(f"/users/{user_id}", headers=ops)
    set_status(store, USER, user_id, "Disabled")

    deleted = rest.delete(f"/users/{user_id}", headers=ops)

    assert refused.status_code == 400
    assert deleted.status_code == 204
    assert status_of(store, USER, user_id) == "Deleted"
    assert all_of(store, ACCOUNT_USER, OF_USER, [user_id]) == []


def test_client_acting_on_a_foreign_user_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = scratch_actor(rest, ops, sandbox_app, "Client")
    group = ok(rest.get(f"/accounts/{other.account_id}", headers=ops))["groups"][0]
    stranger = invite(rest, other.headers, other.account_id, group["id"])
    before = snapshot(store_of(sandbox_app), USER)

    updated = rest.put(
        f"/users/{stranger['id']}", json={"firstName": "X"}, headers=client.headers
    )
    password = rest.post(
        f"/users/{stranger['id']}/set-password",
        json={"password": "a-long-enough-password"},
        headers=client.headers,
    )

    assert updated.status_code == password.status_code == 404
    assert snapshot(store_of(sandbox_app), USER) == before
