"""Account writes: create, update, icon uploads and the account state machine."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    PNG,
    Actor,
    forgotten,
    multipart,
    new_account,
    ok,
    scratch_actor,
    set_status,
    snapshot,
    status_of,
    store_of,
)

from accounts_graph.platform.resources import ACCOUNT, USER_GROUP


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture
def client(rest: httpx.Client, ops: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, ops, sandbox_app, "Client")


def test_create_client_without_cdg_is_enabled_with_a_default_group(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    created = new_account(rest, ops, address=ADDRESS, website="https://x.example")

    assert created["status"] == "Enabled"
    assert created["audit"]["created"]["by"]["id"]
    got = ok(rest.get(f"/accounts/{created['id']}", headers=ops))
    assert got["website"] == "https://x.example"
    assert got["address"] == ADDRESS
    [group] = got["groups"]
    stored = store_of(sandbox_app).get(USER_GROUP, group["id"])
    assert stored is not None
    assert stored["isDefault"] and stored["modules"]


@pytest.mark.parametrize(
    ("kind", "extra", "status"),
    [("Client", {"externalId": "CDG-1"}, "Active"), ("Vendor", {}, "Active")],
)
def test_create_with_cdg_or_as_vendor_is_active(
    kind: str, extra: dict[str, str], status: str, rest: httpx.Client, ops: Any
) -> None:
    assert new_account(rest, ops, type=kind, **extra)["status"] == status


def test_create_ignores_read_only_fields_in_the_body(
    rest: httpx.Client, ops: dict[str, str]
) -> None:
    created = new_account(
        rest,
        ops,
        id="ACC-0000-0001",
        status="Disabled",
        audit={"created": {"at": "2000-01-01T00:00:00.000Z"}},
        unknown="ignored",
    )

    assert created["id"] != "ACC-0000-0001"
    assert created["status"] == "Enabled"
    assert not created["audit"]["created"]["at"].startswith("2000")
    assert "unknown" not in created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 501}, "name"),
        ({"type": "Partner"}, "type"),
        ({"serviceLevel": None}, "serviceLevel"),
        ({"technicalSupportEmail": "not-an-email"}, "technicalSupportEmail"),
        ({"website": "x" * 2001}, "website"),
        ({"externalIds": {"pyraTenantId": "nope"}}, "externalIds.pyraTenantId"),
        ({"address": {**ADDRESS, "country": "ch"}}, "address.country"),
        ({"address": {**ADDRESS, "country": "XX"}}, "address.country"),
        ({"address": {**ADDRESS, "postCode": ""}}, "address.postCode"),
        ({"eligibility": {"client": "yes"}}, "eligibility.client"),
    ],
)
def test_create_refuses_invalid_body_and_stores_nothing(
    body: dict[str, Any],
    field: str,
    rest: httpx.Client,
    ops: dict[str, str],
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    before = store.count(ACCOUNT)
    valid = {"name": "Valid", "type": "Client", "serviceLevel": "Elite"}

    response = rest.post("/accounts", json={**valid, **body}, headers=ops)

    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["title"] == "Bad Request"
    assert field in problem["errors"]
    assert store.count(ACCOUNT) == before


def test_update_changes_fields_and_keeps_cdg(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    body = {"name": "Renamed", "externalId": "CDG-OTHER", "status": "Disabled"}

    updated = ok(
        rest.put(f"/accounts/{client.account_id}", json=body, headers=client.headers)
    )

    assert updated["name"] == "Renamed"
    assert updated["status"] == "Active"
    got = ok(rest.get(f"/accounts/{client.account_id}", headers=ops))
    assert got["name"] == "Renamed"
    assert got["externalId"] != "CDG-OTHER"


def test_client_cannot_set_operations_fields(
    rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    body = {"name": "Same", "serviceLevel": "Runners"}

    ok(rest.put(f"/accounts/{client.account_id}", json=body, headers=client.headers))
    got = ok(
        rest.get(f"/accounts/{client.account_id}?select=+serviceLevel", headers=ops)
    )

    assert got["serviceLevel"] == "Elite"


def test_client_update_of_foreign_account_answers_404(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    other = new_account(rest, ops)
    before = snapshot(store_of(sandbox_app), ACCOUNT)

    response = rest.put(
        f"/accounts/{other['id']}", json={"name": "Mine"}, headers=client.headers
    )

    assert response.status_code == 404
    assert snapshot(store_of(sandbox_app), ACCOUNT) == before


# --- state machine -----------------------------------------------------------

_ALLOWED = [
    ("Enabled", "disable", "Disabled"),
    ("Active", "disable", "Disabled"),
    ("Disabled", "enable", "Enabled"),
    ("Enabled", "activate", "Active"),
    ("Active", "deactivate", "Enabled"),
]
_REFUSED = [
    ("Disabled", "disable"),
    ("Enabled", "enable"),
    ("Active", "enable"),
    ("Active", "activate"),
    ("Disabled", "activate"),
    ("Enabled", "deactivate"),
    ("Disabled", "deactivate"),
]
_ACTIVATE = {"externalId": "CDG-NEW", "name": "Activated Co", "externalName": "Grp"}


@pytest.mark.parametrize(("start", "action", "end"), _ALLOWED)
def test_account_action_moves_the_state(
    start: str, action: str, end: str, rest: httpx.Client, ops: Any, sandbox_app: Any
) -> None:
    account = new_account(rest, ops)
    set_status(store_of(sandbox_app), ACCOUNT, account["id"], start)
    body = _ACTIVATE if action == "activate" else None

    moved = ok(rest.post(f"/accounts/{account['id']}/{action}", json=body, headers=ops))

    assert moved["status"] == end
    assert status_of(store_of(sandbox_app), ACCOUNT, account["id"]) == end
    if action == "activate":
        assert (moved["externalId"], moved["name"]) == ("CDG-NEW", "Activated Co")
    if action == "deactivate":
        assert moved["externalId"] is None


def test_enable_returns_to_active_when_the_cdg_is_kept(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    set_status(store_of(sandbox_app), ACCOUNT, client.account_id, "Disabled")

    moved = ok(rest.post(f"/accounts/{client.account_id}/enable", headers=ops))

    assert moved["status"] == "Active"


@pytest.mark.parametrize(("start", "action"), _REFUSED)
def test_account_action_refused_from_a_wrong_state_changes_nothing(
    start: str, action: str, rest: httpx.Client, ops: Any, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    account = new_account(rest, ops)
    set_status(store, ACCOUNT, account["id"], start)
    before = store.get(ACCOUNT, account["id"])
    body = _ACTIVATE if action == "activate" else None

    response = rest.post(f"/accounts/{account['id']}/{action}", json=body, headers=ops)

    assert response.status_code == 400, response.text
    problem = response.json()
    assert start in problem["detail"] and action in problem["detail"]
    assert "status" in problem["errors"]
    assert store.get(ACCOUNT, account["id"]) == before


def test_deactivate_refuses_a_vendor_account(
    rest: httpx.Client, ops: dict[str, str]
) -> None:
    vendor = new_account(rest, ops, type="Vendor")

    response = rest.post(f"/accounts/{vendor['id']}/deactivate", headers=ops)

    assert response.status_code == 400
    assert ok(rest.get(f"/accounts/{vendor['id']}", headers=ops))["status"] == "Active"


def test_activate_requires_external_id_and_name(
    rest: httpx.Client, ops: dict[str, str]
) -> None:
    account = new_account(rest, ops)

    response = rest.post(f"/accounts/{account['id']}/activate", json={}, headers=ops)

    assert response.status_code == 400
    assert {"externalId", "name"} <= set(response.json()["errors"])


def test_vendor_disables_its_own_account_and_operations_reenables_it(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    vendor = scratch_actor(rest, ops, sandbox_app, "Vendor")

    disabled = rest.post(
        f"/accounts/{vendor.account_id}/disable", headers=vendor.headers
    )
    enabled = rest.post(f"/accounts/{vendor.account_id}/enable", headers=ops)

    assert ok(disabled)["status"] == "Disabled"
    assert ok(enabled)["status"] == "Active"


def test_vendor_cannot_disable_another_account(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    vendor = scratch_actor(rest, ops, sandbox_app, "Vendor")
    other = new_account(rest, ops, type="Vendor")

    response = rest.post(f"/accounts/{other['id']}/disable", headers=vendor.headers)

    assert response.status_code == 404
    assert status_of(store_of(sandbox_app), ACCOUNT, other["id"]) == "Active"


def test_client_cannot_disable_its_account(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    response = rest.post(
        f"/accounts/{client.account_id}/disable", headers=client.headers
    )

    assert response.status_code == 403
    assert status_of(store_of(sandbox_app), ACCOUNT, client.account_id) == "Active"


def test_validate_reports_problems_without_changing_the_account(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    account = new_account(rest, ops)
    before = store_of(sandbox_app).get(ACCOUNT, account["id"])
    body = {"website": "x" * 2001}

    answer = ok(
        rest.post(f"/accounts/{account['id']}/validate", json=body, headers=ops)
    )

    assert answer["id"] == account["id"]
    assert [e["parameters"]["field"] for e in answer["errors"]] == ["website"]
    assert store_of(sandbox_app).get(ACCOUNT, account["id"]) == before


# --- icons -------------------------------------------------------------------


def test_create_with_multipart_and_logo_serves_the_icon(
    rest: httpx.Client, ops: dict[str, str], sandbox_url: str
) -> None:
    fields = {"name": "With Logo", "type": "Client", "serviceLevel": "Elite"}

    created = ok(
        rest.post(
            "/accounts", files=multipart("account", fields, "logo", PNG), headers=ops
        ),
        201,
    )

    assert created["icon"] == f"/v1/accounts/accounts/{created['id']}/icon"
    redirect = rest.get(f"/accounts/{created['id']}/icon")
    assert redirect.status_code == 307
    image = httpx.get(httpx.URL(sandbox_url).join(redirect.headers["location"]))
    assert image.headers["content-type"] == "image/png"
    assert image.content == PNG


def test_multipart_without_file_updates_like_json(
    rest: httpx.Client, client: Actor
) -> None:
    files = {"account": (None, b'{"name": "Multipart name"}', "application/json")}

    updated = ok(
        rest.put(f"/accounts/{client.account_id}", files=files, headers=client.headers)
    )

    assert updated["name"] == "Multipart name"
    assert updated["icon"] is None


def test_disabled_account_bars_sign_in_until_enabled(
    rest: httpx.Client, ops: dict[str, str], sandbox_app: Any
) -> None:
    vendor = scratch_actor(rest, ops, sandbox_app, "Vendor")
    ok(rest.post(f"/accounts/{vendor.account_id}/disable", headers=vendor.headers))

    refused = rest.get("/accounts", headers=vendor.headers)
    ok(rest.post(f"/accounts/{vendor.account_id}/enable", headers=ops))
    admitted = rest.get("/accounts", headers=vendor.headers)

    assert refused.status_code == 401
    assert admitted.status_code == 200
