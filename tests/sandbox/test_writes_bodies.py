"""How writes read bodies: JSON types, malformed input, content types, no token."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    Actor,
    forgotten,
    invite,
    new_buyer,
    new_group,
    ok,
    scratch_actor,
    snapshot,
    store_of,
)

from accounts_graph.platform.resources import BUYER, USER_GROUP


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, ops, sandbox_app, "Client")


def _buyer_body(client: Actor) -> bytes:
    body = {"name": "Typed", "address": ADDRESS, "account": {"id": client.account_id}}
    return httpx.Request("POST", "/", json=body).content


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/json",
        "application/merge+json",
    ],
)
def test_json_media_types_are_accepted(
    content_type: str, rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    headers = {**ops, "Content-Type": content_type}

    response = rest.post("/buyers", content=_buyer_body(client), headers=headers)

    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"a string"', "application/json", 400),
        (b"", "application/json", 400),
        (b"name=x", "application/x-www-form-urlencoded", 415),
        (b"<buyer/>", "application/xml", 415),
        (b'{"name": "x"}', "text/plain", 415),
    ],
)
def test_bad_body_is_refused_and_nothing_stored(
    content: bytes,
    content_type: str,
    status: int,
    rest: httpx.Client,
    ops: dict[str, str],
    sandbox_app: Any,
) -> None:
    before = store_of(sandbox_app).count(BUYER)

    response = rest.post(
        "/buyers", content=content, headers={**ops, "Content-Type": content_type}
    )

    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert store_of(sandbox_app).count(BUYER) == before


def test_a_body_without_content_type_is_refused(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    # Raw content: httpx sends no Content-Type of its own.
    response = rest.post("/buyers", content=_buyer_body(client), headers=ops)

    assert response.status_code == 415


def test_replacing_groups_needs_an_array(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    group = new_group(rest, client.headers)
    member = invite(rest, client.headers, client.account_id, group["id"])
    before = snapshot(store_of(sandbox_app), USER_GROUP)

    response = rest.put(
        f"/{client.account_id}/users/{member['id']}/groups",
        json={"id": group["id"]},
        headers=client.headers,
    )

    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert snapshot(store_of(sandbox_app), USER_GROUP) == before


@pytest.mark.parametrize("body", [None, {}, {"reason": "ignored"}])
def test_actions_take_no_body_an_empty_one_or_ignore_one(
    body: Any, rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)

    response = rest.post(f"/buyers/{buyer['id']}/disable", json=body, headers=ops)

    assert ok(response)["status"] == "Disabled"


def test_action_with_a_malformed_body_is_refused(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    buyer = new_buyer(rest, ops, client.account_id)

    response = rest.post(
        f"/buyers/{buyer['id']}/disable",
        content=b"{oops",
        headers={**ops, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert (store_of(sandbox_app).get(BUYER, buyer["id"]) or {})["status"] == "Enabled"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/buyers"),
        ("PUT", "/accounts/ACC-4402-1307"),
        ("DELETE", "/user-groups/UGR-0000-0000"),
        ("POST", "/ACC-4402-1307/users"),
        ("POST", "/api-tokens"),
    ],
)
def test_write_without_a_token_answers_401(
    method: str, path: str, rest: httpx.Client, sandbox_app: Any
) -> None:
    before = snapshot(store_of(sandbox_app), BUYER)

    response = rest.request(method, path, json={"name": "x"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert snapshot(store_of(sandbox_app), BUYER) == before


def test_problem_details_have_the_platform_shape(
    rest: httpx.Client, ops: dict[str, str]
) -> None:
    problem = rest.post("/buyers", json={}, headers=ops).json()

    assert problem["type"].startswith("https://tools.ietf.org/html/rfc9110")
    assert (problem["title"], problem["status"]) == ("Bad Request", 400)
    assert problem["detail"] == "One or more validation errors occurred."
    assert problem["traceId"].startswith("00-")
    assert set(problem["errors"]) == {"name", "address", "account"}


def test_unknown_members_are_ignored_and_not_stored(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    group = new_group(rest, client.headers)
    member = invite(rest, client.headers, client.account_id, group["id"])
    body = {
        "name": "Tidy",
        "address": {**ADDRESS, "planet": "Earth"},
        "account": {"id": client.account_id, "name": "ignored"},
        "contact": {"firstName": "A", "user": {"id": member["id"], "name": "N"}},
        "sellers": [{"id": "SEL-0000-0000"}],
        "unknown": {"deep": True},
    }

    created = ok(rest.post("/buyers", json=body, headers=ops), 201)

    stored = store_of(sandbox_app).get(BUYER, created["id"]) or {}
    assert "planet" not in stored["address"]
    assert stored["account"] == {"id": client.account_id}
    assert stored["contact"]["user"] == {"id": member["id"]}
    assert stored["sellers"] == []
    assert "unknown" not in stored
