"""Icon uploads: multipart updates, images recognised by content, served back."""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.images import GIF, JPEG, WEBP, image
from tests.sandbox.factories import (
    ADDRESS,
    PNG,
    Actor,
    forgotten,
    link,
    multipart,
    new_buyer,
    new_licensee,
    new_seller,
    ok,
    scratch_actor,
    store_of,
)

from accounts_graph.platform.resources import BUYER


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


Target = tuple[str, str, dict[str, Any], dict[str, str]]  # url, part, JSON, headers

_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
    b'<rect width="8" height="8" fill="#09f"/></svg>'
)
_ACCEPTED = [
    (PNG, "image/png"),
    (JPEG, "image/jpeg"),
    (GIF, "image/gif"),
    (WEBP, "image/webp"),
    (_SVG, "image/svg+xml"),
]
_REFUSED = {
    # A signature alone, or glued to something else, is not an image.
    "png-signature": b"\x89PNG\r\n\x1a\n",
    "gif-polyglot": b"GIF89a<script>alert(1)</script>",
    "jpeg-filler": b"\xff\xd8\xff\xe0" + b"\x00" * 40,
    "webp-filler": b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30,
    "truncated-png": PNG[: len(PNG) // 2],
    "too-many-pixels": image("PNG", (5000, 1), noise=False),
    "text": b"just some text",
    "html": b"<html><body>hi</body></html>",
    "empty": b"",
    "too-large": PNG + b"\x00" * (512 * 1024),
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "external": (
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://evil.example/x.png"/></svg>'
    ),
    "entity": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    ),
    "encoding": b'<?xml version="1.0" encoding="bogus"?><svg/>',
    "import": (
        b'<svg xmlns="http://www.w3.org/2000/svg">'
        b"<style>@import url(https://evil.example/x.css);</style></svg>"
    ),
    # Animation sets an attribute to what no check of it as written sees; a CSS
    # escape hides `url(`.
    "set-javascript": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><a>'
        b'<set attributeName="href" to="javascript:alert(1)"/>'
        b'<rect width="10" height="10"/></a></svg>'
    ),
    "animate-javascript": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><a>'
        b'<animate attributeName="href" values="javascript:alert(1)"/>'
        b'<rect width="10" height="10"/></a></svg>'
    ),
    "css-escape": (
        b'<svg xmlns="http://www.w3.org/2000/svg">'
        b"<style>rect{background:u\\72l(//evil.example/x)}</style></svg>"
    ),
}


@pytest.fixture(scope="module")
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, ops, sandbox_app, "Client")


def _account(rest: httpx.Client, ops: Any, client: Actor, app: Any) -> Target:
    return (
        f"/accounts/{client.account_id}",
        "account",
        {"name": "Icons"},
        client.headers,
    )


def _buyer(rest: httpx.Client, ops: Any, client: Actor, app: Any) -> Target:
    buyer = new_buyer(rest, ops, client.account_id)
    body = {"name": buyer["name"], "address": ADDRESS}
    return f"/buyers/{buyer['id']}", "buyer", body, client.headers


def _licensee(rest: httpx.Client, ops: Any, client: Actor, app: Any) -> Target:
    buyer = new_buyer(rest, ops, client.account_id)
    licensee = new_licensee(rest, ops, buyer["id"], new_seller(rest, ops)["id"])
    return f"/licensees/{licensee['id']}", "licensee", {}, client.headers


def _seller(rest: httpx.Client, ops: Any, client: Actor, app: Any) -> Target:
    seller = new_seller(rest, ops)
    body = {"name": seller["name"], "currencies": ["EUR"]}
    return f"/sellers/{seller['id']}", "seller", body, ops


def _erp_link(rest: httpx.Client, ops: Any, client: Actor, app: Any) -> Target:
    buyer = new_buyer(rest, ops, client.account_id)
    link_id = link(store_of(app), buyer["id"], new_seller(rest, ops)["id"])
    return f"/erp-links/{link_id}", "erpLink", {"note": "n"}, ops


_TARGETS: dict[str, Callable[..., Target]] = {
    "accounts": _account,
    "buyers": _buyer,
    "licensees": _licensee,
    "sellers": _seller,
    "erp-links": _erp_link,
}


@pytest.mark.parametrize("collection", sorted(_TARGETS))
def test_upload_round_trip(
    collection: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
    sandbox_url: str,
) -> None:
    url, part, body, headers = _TARGETS[collection](rest, ops, client, sandbox_app)

    updated = ok(
        rest.put(url, files=multipart(part, body, "logo", PNG), headers=headers)
    )

    object_id = url.rsplit("/", 1)[1]
    assert updated["icon"] == f"/v1/accounts/{collection}/{object_id}/icon"
    redirect = rest.get(f"/{collection}/{object_id}/icon")
    assert redirect.status_code == 307
    image = httpx.get(httpx.URL(sandbox_url).join(redirect.headers["location"]))
    assert image.status_code == 200
    assert (image.headers["content-type"], image.content) == ("image/png", PNG)


@pytest.mark.parametrize(("data", "content_type"), _ACCEPTED)
def test_image_kind_is_recognised_by_content(
    data: bytes,
    content_type: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
    sandbox_url: str,
) -> None:
    url, part, body, headers = _buyer(rest, ops, client, sandbox_app)
    # The declared type is wrong on purpose: the bytes decide.
    files = {
        part: (None, httpx.Request("GET", "/", json=body).content, "application/json"),
        "logo": ("icon.bin", data, "application/octet-stream"),
    }

    ok(rest.put(url, files=files, headers=headers))

    redirect = rest.get(f"{url}/icon")
    image = httpx.get(httpx.URL(sandbox_url).join(redirect.headers["location"]))
    assert image.headers["content-type"] == content_type
    assert image.content == data


@pytest.mark.parametrize("kind", sorted(_REFUSED))
def test_upload_refuses_what_is_not_a_safe_image(
    kind: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
) -> None:
    url, part, body, headers = _buyer(rest, ops, client, sandbox_app)
    store = store_of(sandbox_app)
    buyer_id = url.rsplit("/", 1)[1]
    before = store.get(BUYER, buyer_id)
    files = multipart(part, {**body, "name": "Changed"}, "logo", _REFUSED[kind])

    response = rest.put(url, files=files, headers=headers)

    assert response.status_code == 400, response.text
    assert "logo" in response.json()["errors"]
    assert store.get(BUYER, buyer_id) == before
    assert store.get_icon("buyers", buyer_id) is None


def test_a_logo_sent_as_a_plain_field_is_refused(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    url, part, _, headers = _buyer(rest, ops, client, sandbox_app)

    response = rest.put(
        url,
        data={"logo": "not a file"},
        files={part: (None, b'{"name": "x", "address": null}', "application/json")},
        headers=headers,
    )

    assert response.status_code == 400
    assert "logo" in response.json()["errors"]


def test_vendor_holds_upload_but_not_update_of_a_buyer(
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    tokens: dict[str, str],
    sandbox_app: Any,
) -> None:
    url, part, body, _ = _buyer(rest, ops, client, sandbox_app)
    vendor = auth(tokens["Vendor"])
    before = store_of(sandbox_app).get(BUYER, url.rsplit("/", 1)[1])

    update = rest.put(url, json=body, headers=vendor)
    upload = rest.put(url, files=multipart(part, body, "logo", PNG), headers=vendor)

    # The upload row lets a vendor through the matrix; the buyer is not its own.
    assert update.status_code == 403
    assert upload.status_code == 404
    assert store_of(sandbox_app).get(BUYER, url.rsplit("/", 1)[1]) == before


def test_a_file_without_fields_changes_only_the_icon(
    rest: httpx.Client, ops: dict[str, str], client: Actor, sandbox_app: Any
) -> None:
    url, _, _, headers = _buyer(rest, ops, client, sandbox_app)
    before = store_of(sandbox_app).get(BUYER, url.rsplit("/", 1)[1]) or {}

    updated = ok(
        rest.put(url, files={"logo": ("a.png", PNG, "image/png")}, headers=headers)
    )

    assert updated["icon"].endswith("/icon")
    assert (updated["name"], updated["address"]) == (before["name"], before["address"])
