"""Refused arguments that are not an `input` object: a password, an icon file,
group ids, the inputs of activations. The payload names the argument (or the
input path) with code INVALID, and nothing is stored."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import ACCOUNT, ACCOUNT_USER, BUYER, USER
from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    PNG,
    Caller,
    mutate,
    refuse,
    refused,
    scratch_caller,
    upload,
)
from tests.sandbox.factories import (
    forgotten,
    invite,
    link,
    new_account,
    new_buyer,
    new_group,
    new_licensee,
    new_seller,
    snapshot,
    store_of,
)

_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
# What a tester found accepted: animation that sets a script URL, and an
# external reference hidden behind a CSS escape.
_SET_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><a>'
    b'<set attributeName="href" to="javascript:alert(1)"/>'
    b'<rect width="10" height="10"/></a></svg>'
)
_ANIMATE_SCRIPT = _SET_SCRIPT.replace(b"<set ", b"<animate ").replace(
    b"to=", b"values="
)
_CSS_ESCAPE = (
    b'<svg xmlns="http://www.w3.org/2000/svg">'
    b"<style>rect{background:u\\72l(//evil.example/x)}</style></svg>"
)
NOT_IMAGES = {
    "text": b"just some text",
    "html": b"<html><body>hi</body></html>",
    "empty": b"",
    "png-signature": b"\x89PNG\r\n\x1a\n",
    "gif-polyglot": b"GIF89a<script>alert(1)</script>",
    "truncated-png": PNG[:-20],
    "script": _SCRIPT,
    "svg-set-script": _SET_SCRIPT,
    "svg-animate-script": _ANIMATE_SCRIPT,
    "svg-css-escape": _CSS_ESCAPE,
}


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture
def member(rest: httpx.Client, client: Caller) -> tuple[str, str]:
    """A member of the client's account in one group: (user id, group id)."""
    group = new_group(rest, client.headers)["id"]
    return invite(rest, client.headers, client.account_id, group)["id"], group


def test_short_password_is_refused_and_never_echoed(
    gql: GraphQLClient, client: Caller, member: tuple[str, str], sandbox_app: Any
) -> None:
    user_id, _ = member
    before = store_of(sandbox_app).get(USER, user_id)

    body = mutate(
        gql,
        client.token,
        "setUserPassword",
        "user { id } errors { message field code }",
        id=user_id,
        password="short",
    )

    [error] = refused(body, "setUserPassword")
    assert (error["field"], error["code"]) == (["password"], "INVALID")
    assert "short" not in error["message"]
    assert store_of(sandbox_app).get(USER, user_id) == before


def _targets(
    rest: httpx.Client, ops: str, client: Caller, app: Any
) -> dict[str, tuple[str, str, str]]:
    """Upload mutation → (collection, object id, token that may upload)."""
    buyer = new_buyer(rest, auth(ops), client.account_id)["id"]
    seller = new_seller(rest, auth(ops))["id"]
    erp_link = link(store_of(app), buyer, seller)
    licensee = new_licensee(rest, client.headers, buyer, seller)["id"]
    return {
        "uploadAccountIcon": ("accounts", client.account_id, client.token),
        "uploadBuyerIcon": ("buyers", buyer, client.token),
        "uploadLicenseeIcon": ("licensees", licensee, client.token),
        "uploadSellerIcon": ("sellers", seller, ops),
        "uploadErpLinkIcon": ("erp-links", erp_link, ops),
    }


@pytest.mark.parametrize("kind", sorted(NOT_IMAGES))
def test_upload_of_what_is_not_a_safe_image_is_refused_for_every_collection(
    kind: str,
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
) -> None:
    store = store_of(sandbox_app)
    targets = _targets(rest, ops, client, sandbox_app)
    for mutation, (collection, object_id, token) in targets.items():
        before = rest.get(f"/{collection}/{object_id}", headers=auth(ops)).json()

        body = upload(
            gql,
            token,
            mutation,
            "errors { message field code }",
            object_id,
            NOT_IMAGES[kind],
            content_type="image/png",
        )

        [error] = refused(body, mutation)
        assert (error["field"], error["code"]) == (["icon"], "INVALID"), mutation
        after = rest.get(f"/{collection}/{object_id}", headers=auth(ops)).json()
        assert after == before
        assert store.get_icon(collection, object_id) is None


def test_activate_account_refuses_a_too_long_external_id(
    gql: GraphQLClient, rest: httpx.Client, ops: str, sandbox_app: Any
) -> None:
    account = new_account(rest, auth(ops))["id"]
    before = snapshot(store_of(sandbox_app), ACCOUNT)
    new = {"externalId": "x" * 251, "name": "Activated"}

    [error] = refuse(
        gql, ops, "activateAccount", "account { id }", id=account, input=new
    )

    assert (error["field"], error["code"]) == (["input", "externalId"], "INVALID")
    assert snapshot(store_of(sandbox_app), ACCOUNT) == before


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"externalIds": {}}, ["input", "externalIds", "erpCustomer"]),
        ({"accountId": "ACC-0000-0000"}, ["input", "accountId"]),
    ],
)
def test_activate_buyer_refuses_a_bad_input(
    changes: dict[str, Any],
    path: list[str],
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)["id"]
    before = snapshot(store_of(sandbox_app), BUYER)
    new = {"accountId": client.account_id, "externalIds": {"erpCustomer": "C-1"}}

    errors = refuse(
        gql, ops, "activateBuyer", "buyer { id }", id=buyer, input={**new, **changes}
    )

    assert [(e["field"], e["code"]) for e in errors] == [(path, "INVALID")]
    assert snapshot(store_of(sandbox_app), BUYER) == before


@pytest.mark.parametrize(
    ("mutation", "argument", "value"),
    [
        ("assignAccountUserToGroups", "groupId", "UGR-0000-0000"),
        ("updateAccountUserGroups", "groupIds", []),
        ("updateAccountUserGroups", "groupIds", ["UGR-0000-0000"]),
    ],
)
def test_group_assignment_refuses_unknown_or_no_groups(
    mutation: str,
    argument: str,
    value: Any,
    gql: GraphQLClient,
    client: Caller,
    member: tuple[str, str],
    sandbox_app: Any,
) -> None:
    user_id, _ = member
    before = snapshot(store_of(sandbox_app), ACCOUNT_USER)
    ids = {"accountId": client.account_id, "userId": user_id}

    errors = refuse(
        gql, client.token, mutation, "accountUser { id }", **ids, **{argument: value}
    )

    assert [(e["field"], e["code"]) for e in errors] == [([argument], "INVALID")]
    assert snapshot(store_of(sandbox_app), ACCOUNT_USER) == before
