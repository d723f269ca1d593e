"""Icon uploads through the GraphQL multipart request spec, served back by the
facade's `/icons/...` route with the bytes and type that were sent."""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import BUYER
from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    PNG,
    Caller,
    node,
    scratch_caller,
    top_code,
    upload,
)
from tests.images import JPEG
from tests.sandbox.factories import (
    forgotten,
    link,
    new_buyer,
    new_licensee,
    new_seller,
    store_of,
)

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    b'<rect width="8" height="8" fill="#09f"/></svg>'
)


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


Target = tuple[str, str, str]  # root field, object id, the token that may upload
Maker = Callable[[httpx.Client, str, Caller, Any], Target]


def _account(rest: httpx.Client, ops: str, client: Caller, app: Any) -> Target:
    return "account", client.account_id, client.token


def _buyer(rest: httpx.Client, ops: str, client: Caller, app: Any) -> Target:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    return "buyer", buyer["id"], client.token


def _licensee(rest: httpx.Client, ops: str, client: Caller, app: Any) -> Target:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    seller = new_seller(rest, auth(ops))
    link(store_of(app), buyer["id"], seller["id"])
    licensee = new_licensee(rest, client.headers, buyer["id"], seller["id"])
    return "licensee", licensee["id"], client.token


def _seller(rest: httpx.Client, ops: str, client: Caller, app: Any) -> Target:
    return "seller", new_seller(rest, auth(ops))["id"], ops


def _erp_link(rest: httpx.Client, ops: str, client: Caller, app: Any) -> Target:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    seller = new_seller(rest, auth(ops))
    return "erpLink", link(store_of(app), buyer["id"], seller["id"]), ops


TARGETS: dict[str, Maker] = {
    "uploadAccountIcon": _account,
    "uploadBuyerIcon": _buyer,
    "uploadLicenseeIcon": _licensee,
    "uploadSellerIcon": _seller,
    "uploadErpLinkIcon": _erp_link,
}
_COLLECTIONS = {
    "account": "accounts",
    "buyer": "buyers",
    "licensee": "licensees",
    "seller": "sellers",
    "erpLink": "erp-links",
}


@pytest.mark.parametrize("mutation", sorted(TARGETS))
def test_uploaded_icon_is_served_by_the_facade(
    mutation: str,
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
    sandbox_app: Any,
) -> None:
    field, object_id, token = TARGETS[mutation](rest, ops, client, sandbox_app)
    before = node(gql, ops, field, object_id, "name status")
    selection = f"{field} {{ id iconUrl }} errors {{ code }}"

    body = upload(gql, token, mutation, selection, object_id, PNG)

    assert "errors" not in body, body
    payload = body["data"][mutation]
    assert payload["errors"] == []
    icon_url = payload[field]["iconUrl"]
    assert icon_url == f"/icons/{_COLLECTIONS[field]}/{object_id}"
    served = gql.http.get(icon_url)
    assert served.status_code == 200
    assert (served.headers["content-type"], served.content) == ("image/png", PNG)
    assert served.headers["x-content-type-options"] == "nosniff"
    # The upload changes the icon only; the object's other fields stay.
    assert node(gql, ops, field, object_id, "name status") == before
    assert node(gql, ops, field, object_id, "iconUrl") == {"iconUrl": icon_url}


@pytest.mark.parametrize(
    ("data", "content_type"), [(SVG, "image/svg+xml"), (JPEG, "image/jpeg")]
)
def test_the_served_type_follows_the_bytes_not_the_declared_type(
    data: bytes,
    content_type: str,
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    client: Caller,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)

    body = upload(
        gql,
        client.token,
        "uploadBuyerIcon",
        "buyer { iconUrl } errors { code }",
        buyer["id"],
        data,
        filename="icon.bin",
        content_type="application/octet-stream",
    )

    icon_url = body["data"]["uploadBuyerIcon"]["buyer"]["iconUrl"]
    served = gql.http.get(icon_url)
    assert (served.headers["content-type"], served.content) == (content_type, data)


def test_a_second_upload_replaces_the_icon(
    gql: GraphQLClient, rest: httpx.Client, ops: str, client: Caller
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    selection = "buyer { iconUrl } errors { code }"
    upload(gql, client.token, "uploadBuyerIcon", selection, buyer["id"], PNG)

    body = upload(gql, client.token, "uploadBuyerIcon", selection, buyer["id"], SVG)

    served = gql.http.get(body["data"]["uploadBuyerIcon"]["buyer"]["iconUrl"])
    assert (served.headers["content-type"], served.content) == ("image/svg+xml", SVG)


def test_vendor_upload_of_a_client_buyers_icon_is_not_found(
    gql: GraphQLClient,
    rest: httpx.Client,
    ops: str,
    tokens: dict[str, str],
    client: Caller,
    sandbox_app: Any,
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)
    before = store_of(sandbox_app).get(BUYER, buyer["id"])

    body = upload(
        gql, tokens["Vendor"], "uploadBuyerIcon", "buyer { id }", buyer["id"], PNG
    )

    # The matrix grants vendors the upload; the buyer is not theirs.
    assert top_code(body) == "NOT_FOUND"
    assert store_of(sandbox_app).get(BUYER, buyer["id"]) == before
    assert store_of(sandbox_app).get_icon("buyers", buyer["id"]) is None


def test_an_object_without_an_icon_has_no_icon_url_and_the_route_answers_404(
    gql: GraphQLClient, rest: httpx.Client, ops: str, client: Caller
) -> None:
    buyer = new_buyer(rest, auth(ops), client.account_id)

    seen = node(gql, ops, "buyer", buyer["id"], "iconUrl")

    assert seen == {"iconUrl": None}
    assert gql.http.get(f"/icons/buyers/{buyer['id']}").status_code == 404
