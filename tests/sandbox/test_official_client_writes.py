"""The official `mpt_api_client` writes every accounts collection of the sandbox.

The client, pointed at the sandbox over real HTTP with the Operations demo token,
creates, updates (with an icon file where its service sends one), enables,
disables, blocks, deletes and invites; each change is then read back over REST.
Account users go through the client's `/accounts/{id}/users` spelling (the
spec publishes `/{accountId}/users`, and no PUT of a member); the sandbox
serves both. The last tests pin down where the client calls what the published
spec does not have: the sandbox answers those as the spec says.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mpt_api_client import MPTClient
from mpt_api_client.auth import BearerTokenAuthentication
from mpt_api_client.exceptions import MPTAPIError
from tests.conftest import auth
from tests.images import image
from tests.sandbox.factories import (
    ADDRESS,
    PNG,
    email,
    forgotten,
    link,
    new_account,
    new_buyer,
    new_seller,
    ok,
    store_of,
    unique,
)

from accounts_graph.platform.resources import USER

GIF = image("GIF")
AS_PNG, AS_GIF = ("i.png", PNG, "image/png"), ("i.gif", GIF, "image/gif")
_ERP = {"erpCustomer": "C-1"}
_UUIDS = {
    "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def mpt(sandbox_url: str, tokens: dict[str, str]) -> Iterator[MPTClient]:
    client = MPTClient.from_config(
        BearerTokenAuthentication(tokens["Operations"]), sandbox_url, timeout=30
    )
    yield client
    client.http_client.httpx_client.close()


@pytest.fixture(scope="module")
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def account_id(rest: httpx.Client, ops: dict[str, str]) -> str:
    """A scratch client account with a CDG, for the objects below."""
    return str(new_account(rest, ops, externalId=unique("CDG-"))["id"])


def _get(rest: httpx.Client, ops: dict[str, str], path: str) -> Any:
    return ok(rest.get(path, headers=ops))


def _status(rest: httpx.Client, ops: dict[str, str], path: str) -> str:
    return str(_get(rest, ops, f"{path}?select=+status")["status"])


def _new_group(mpt: MPTClient, account_id: str) -> Any:
    return mpt.accounts.user_groups.create(
        {"name": unique("G"), "account": {"id": account_id}}
    )


def _icon(rest: httpx.Client, sandbox_url: str, path: str) -> tuple[str, bytes]:
    redirect = rest.get(f"{path}/icon")
    assert redirect.status_code == 307, redirect.text
    image = httpx.get(httpx.URL(sandbox_url).join(redirect.headers["location"]))
    return image.headers["content-type"], image.content


def test_accounts_create_and_update_with_a_logo(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str], sandbox_url: str
) -> None:
    service = mpt.accounts.accounts
    fields = {"name": "Client Co", "type": "Client", "serviceLevel": "Elite"}

    created = service.create(fields, file=AS_PNG)
    first = _icon(rest, sandbox_url, f"/accounts/{created.id}")
    service.update(created.id, {"name": "Client Co 2"}, file=AS_GIF)

    assert first == ("image/png", PNG)
    got = _get(rest, ops, f"/accounts/{created.id}")
    assert (got["name"], got["status"]) == ("Client Co 2", "Enabled")
    assert _icon(rest, sandbox_url, f"/accounts/{created.id}") == ("image/gif", GIF)


def test_accounts_state_actions_and_validate(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str]
) -> None:
    service = mpt.accounts.accounts
    account = new_account(rest, ops)["id"]

    seen = []
    for action, data in [
        (service.disable, None),
        (service.enable, None),
        (service.activate, {"externalId": "CDG-MPT", "name": "Activated Co"}),
        (service.deactivate, None),
    ]:
        action(account, data)
        seen.append(_get(rest, ops, f"/accounts/{account}")["status"])
    validated = service.validate(account).to_dict()

    assert seen == ["Disabled", "Enabled", "Active", "Enabled"]
    assert (validated["id"], validated["errors"]) == (account, [])


def test_buyers_create_update_with_a_logo_and_the_state_machine(
    mpt: MPTClient,
    rest: httpx.Client,
    ops: dict[str, str],
    account_id: str,
    sandbox_url: str,
) -> None:
    service = mpt.accounts.buyers
    body = {"name": "Buyer Co", "address": ADDRESS, "account": {"id": account_id}}

    buyer = service.create(body, file=AS_PNG)
    service.update(buyer.id, {**body, "name": "Buyer Co 2"}, file=AS_GIF)
    states = []
    for action, data in [
        (service.disable, None),
        (service.enable, None),
        (service.activate, {"account": {"id": account_id}, "externalIds": _ERP}),
        (service.deactivate, None),
        (service.synchronize, None),
    ]:
        action(buyer.id, data)
        states.append(_status(rest, ops, f"/buyers/{buyer.id}"))
    checked = service.validate(buyer.id, {"account": {"id": account_id}}).to_dict()

    assert _get(rest, ops, f"/buyers/{buyer.id}")["name"] == "Buyer Co 2"
    assert _icon(rest, sandbox_url, f"/buyers/{buyer.id}") == ("image/gif", GIF)
    assert states == ["Disabled", "Enabled", "Active", "Unassigned", "Active"]
    assert checked["errors"] == []


def test_buyers_transfer_and_delete(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str]
) -> None:
    source = new_account(rest, ops, externalId="CDG-MPT-TWIN")["id"]
    twin = new_account(rest, ops, externalId="CDG-MPT-TWIN")["id"]
    buyer = new_buyer(rest, ops, source)["id"]

    mpt.accounts.buyers.transfer(buyer, {"account": {"id": twin}})
    moved = _get(rest, ops, f"/buyers/{buyer}")["account"]["id"]
    mpt.accounts.buyers.delete(buyer)

    assert moved == twin
    assert _status(rest, ops, f"/buyers/{buyer}") == "Deleted"


def test_sellers_create_update_state_machine_and_delete(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str]
) -> None:
    service = mpt.accounts.sellers

    seller = service.create({"name": "Seller Co", "currencies": ["EUR"]})
    service.update(seller.id, {"name": "Seller Co 2", "currencies": ["CHF", "EUR"]})
    states = []
    for action in (service.deactivate, service.activate, service.disable):
        action(seller.id)
        states.append(_status(rest, ops, f"/sellers/{seller.id}"))
    service.activate(seller.id)
    service.delete(seller.id)

    got = _get(rest, ops, f"/sellers/{seller.id}?select=+status")
    assert (got["name"], got["currencies"]) == ("Seller Co 2", ["CHF", "EUR"])
    assert states == ["Offline", "Active", "Disabled"]
    assert got["status"] == "Deleted"


def test_erp_links_update_block_and_unblock(
    mpt: MPTClient,
    rest: httpx.Client,
    ops: dict[str, str],
    account_id: str,
    sandbox_app: Any,
) -> None:
    buyer, seller = new_buyer(rest, ops, account_id), new_seller(rest, ops)
    link_id = link(store_of(sandbox_app), buyer["id"], seller["id"])
    service = mpt.accounts.erp_links

    bern = {**ADDRESS, "city": "Bern"}
    service.update(link_id, {"note": "Checked.", "address": bern})
    service.block(link_id, {"note": "On hold."})
    blocked = _get(rest, ops, f"/erp-links/{link_id}?select=+note")
    service.unblock(link_id)

    assert (blocked["status"], blocked["note"]) == ("Blocked", "On hold.")
    assert blocked["address"]["city"] == "Bern"
    assert _get(rest, ops, f"/erp-links/{link_id}")["status"] == "Active"


def test_licensees_create_update_with_a_logo_state_and_delete(
    mpt: MPTClient,
    rest: httpx.Client,
    ops: dict[str, str],
    account_id: str,
    sandbox_app: Any,
    sandbox_url: str,
) -> None:
    buyer, seller = new_buyer(rest, ops, account_id)["id"], new_seller(rest, ops)["id"]
    link(store_of(sandbox_app), buyer, seller)
    service = mpt.accounts.licensees
    body = {"name": "Lic", "buyer": {"id": buyer}, "seller": {"id": seller}}

    licensee = service.create({**body, "useBuyerAddress": True}, file=AS_PNG)
    service.update(licensee.id, {"name": "Lic 2"}, file=AS_GIF)
    service.disable(licensee.id)
    disabled = _status(rest, ops, f"/licensees/{licensee.id}")
    service.enable(licensee.id)
    enabled = _status(rest, ops, f"/licensees/{licensee.id}")
    service.delete(licensee.id)

    got = _get(rest, ops, f"/licensees/{licensee.id}?select=+status")
    assert (got["name"], got["account"]["id"]) == ("Lic 2", account_id)
    assert _icon(rest, sandbox_url, f"/licensees/{licensee.id}") == ("image/gif", GIF)
    assert (disabled, enabled, got["status"]) == ("Disabled", "Active", "Deleted")


def test_user_groups_create_update_and_delete(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str], account_id: str
) -> None:
    service = mpt.accounts.user_groups

    group = service.create({"name": "Group", "account": {"id": account_id}})
    service.update(group.id, {"name": "Group 2", "description": "Renamed."})
    got = _get(rest, ops, f"/user-groups/{group.id}")
    service.delete(group.id)

    assert (got["name"], got["description"]) == ("Group 2", "Renamed.")
    assert got["account"]["id"] == account_id
    assert rest.get(f"/user-groups/{group.id}", headers=ops).status_code == 404


def test_api_tokens_create_update_state_and_delete(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str], account_id: str
) -> None:
    service = mpt.accounts.api_tokens

    token = service.create({"name": "Token", "account": {"id": account_id}})
    secret = token.to_dict()["token"]
    service.update(token.id, {"name": "Token 2"})
    service.disable(token.id)
    disabled = _get(rest, ops, f"/api-tokens/{token.id}")
    refused = rest.get("/accounts", headers=auth(secret)).status_code
    service.enable(token.id)
    service.delete(token.id)

    assert (disabled["name"], disabled["status"]) == ("Token 2", "Disabled")
    assert refused == 401
    assert _get(rest, ops, f"/api-tokens/{token.id}")["status"] == "Deleted"


def test_cloud_tenants_create_update_and_delete(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str], account_id: str
) -> None:
    service = mpt.accounts.cloud_tenants
    body = {"name": "Tenant", "account": {"id": account_id}, "externalIds": _UUIDS}

    tenant = service.create(body)
    service.update(tenant.id, {"name": "Tenant 2"})
    updated = _get(rest, ops, f"/cloud-tenants/{tenant.id}")
    service.delete(tenant.id)

    assert updated["name"] == "Tenant 2"
    assert _get(rest, ops, f"/cloud-tenants/{tenant.id}")["status"] == "Deleted"


def test_account_users_invite_accept_groups_and_leave(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str], account_id: str
) -> None:
    members = mpt.accounts.accounts.users(account_id)
    first, second = _new_group(mpt, account_id), _new_group(mpt, account_id)
    person = {"email": email(), "firstName": "Ada", "lastName": "Client"}

    user = members.create({"user": person, "groups": [{"id": first.id}]})
    path = f"/{account_id}/users/{user.id}"
    members.resend_invite(user.id)
    members.send_new_invite(user.id)
    invited = _get(rest, ops, path)["invitation"]["status"]
    members.accept_invite(user.id)
    accepted = _get(rest, ops, path)["invitation"]["status"]
    members.groups(user.id).create({"id": second.id})
    added = [g["id"] for g in _get(rest, ops, path)["groups"]]
    members.groups(user.id).update([{"id": second.id}])
    replaced = [g["id"] for g in _get(rest, ops, path)["groups"]]
    members.groups(user.id).create({"id": first.id})
    members.groups(user.id).delete(second.id)
    removed = [g["id"] for g in _get(rest, ops, path)["groups"]]
    members.update(user.id, {"groups": [{"id": second.id}]})
    updated = [g["id"] for g in _get(rest, ops, path)["groups"]]
    members.delete(user.id)

    assert (invited, accepted) == ("Invited", "Active")
    assert added == [first.id, second.id]
    assert (replaced, removed, updated) == ([second.id], [first.id], [second.id])
    assert rest.get(path, headers=ops).status_code == 404


def test_users_update_with_an_icon_password_block_and_delete(
    mpt: MPTClient,
    rest: httpx.Client,
    ops: dict[str, str],
    account_id: str,
    sandbox_app: Any,
    sandbox_url: str,
) -> None:
    group = _new_group(mpt, account_id)
    person = {"email": email(), "firstName": "Ada", "lastName": "User"}
    user = mpt.accounts.accounts.users(account_id).create(
        {"user": person, "groups": [{"id": group.id}]}
    )
    mpt.accounts.accounts.users(account_id).accept_invite(user.id)
    service = mpt.accounts.users

    service.update(user.id, {"firstName": "Grace"}, file=AS_PNG)
    service.set_password(user.id, "a-long-enough-password")
    stored = store_of(sandbox_app).get(USER, user.id) or {}
    service.block(user.id)
    blocked = _get(rest, ops, f"/users/{user.id}")["status"]
    service.unblock(user.id)
    unblocked = _get(rest, ops, f"/users/{user.id}")["status"]
    service.block(user.id)
    service.delete(user.id)

    assert _get(rest, ops, f"/users/{user.id}")["firstName"] == "Grace"
    assert _icon(rest, sandbox_url, f"/users/{user.id}") == ("image/png", PNG)
    assert stored["passwordHash"].startswith("scrypt$")
    assert (blocked, unblocked) == ("Blocked", "Active")
    assert _get(rest, ops, f"/users/{user.id}")["status"] == "Deleted"


# --- where the client leaves the published spec ------------------------------


def test_client_erp_link_create_posts_a_path_the_spec_does_not_have(
    mpt: MPTClient, rest: httpx.Client, ops: dict[str, str], account_id: str
) -> None:
    # ErpLinksService mixes in CreateMixin: POST /erp-links. The spec has only
    # GET there (ERP links come from the ERP sync), so the sandbox answers 405.
    buyer, seller = new_buyer(rest, ops, account_id)["id"], new_seller(rest, ops)["id"]

    with pytest.raises(MPTAPIError) as refused:
        mpt.accounts.erp_links.create(
            {"buyer": {"id": buyer}, "seller": {"id": seller}}
        )

    assert refused.value.status_code == 405
    listed = _get(rest, ops, f"/erp-links?eq(buyer.id,{buyer})")
    assert listed["data"] == []


@pytest.mark.parametrize(("method", "status"), [("sso_check", 405), ("sso", 404)])
def test_client_sso_methods_post_what_the_spec_does_not_have(
    method: str, status: int, mpt: MPTClient, rest: httpx.Client, ops: dict[str, str]
) -> None:
    # UsersService.sso_check POSTs /users/{id}/sso-check, which the spec has as
    # GET; UsersService.sso POSTs /users/{id}/sso, which the spec does not have.
    user = _get(rest, ops, "/users?limit=1")["data"][0]["id"]

    with pytest.raises(MPTAPIError) as refused:
        getattr(mpt.accounts.users, method)(user)

    assert refused.value.status_code == status
    assert rest.get(f"/users/{user}/sso-check", headers=ops).status_code == 200
