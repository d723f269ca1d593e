"""Every read of the published document answers on the sandbox, with seeded ids."""

import json
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import API, auth
from tests.servers import running

from accounts_graph.platform.enums import AccountType
from accounts_graph.platform.resources import (
    ACCOUNT,
    ACCOUNT_USER,
    BUYER,
    BY_COLLECTION,
    Resource,
)
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.sandbox.store import Document, Store

SPEC = json.loads(
    files("accounts_graph.platform").joinpath("accounts-openapi.json").read_text()
)
GET_PATHS = sorted(
    path.removeprefix(API) for path, ops in SPEC["paths"].items() if "get" in ops
)
ICON_COLLECTIONS = ("accounts", "buyers", "erp-links", "licensees", "sellers", "users")
_HAS_ICON = "json_extract(t.doc, '$.icon') IS NOT NULL"
_NO_ICON = "json_extract(t.doc, '$.icon') IS NULL"
_TRANSFER = "/buyers/{id}/transfer"


def _store(sandbox_app: Any) -> Store:
    store: Store = sandbox_app.state.sandbox.store
    return store


def _first(store: Store, resource: Resource, where: str = "1") -> Document:
    docs, _ = store.select(resource, where, [], [], 1, 0)
    assert docs, f"the seed has no {resource.name} matching {where}"
    return docs[0]


def _all(store: Store, resource: Resource) -> list[Document]:
    return store.select(resource, "1", [], [], 1_000_000, 0)[0]


def _transfer_pairs(store: Store) -> list[tuple[str, str]]:
    """(buyer, destination) pairs whose accounts are clients sharing an external id."""
    clients = {
        a["id"]: a for a in _all(store, ACCOUNT) if a["type"] == AccountType.CLIENT
    }
    pairs = []
    for buyer in _all(store, BUYER):
        source = clients.get(buyer["account"]["id"], {})
        pairs += [
            (buyer["id"], a["id"])
            for a in clients.values()
            if source.get("externalId")
            and a["externalId"] == source["externalId"]
            and a["id"] != source["id"]
        ]
    return pairs


def _transfer_refused(store: Store) -> tuple[str, str]:
    """A buyer and a client account with another external id than the buyer's."""
    buyer = _first(store, BUYER)
    source = store.get(ACCOUNT, buyer["account"]["id"]) or {}
    other = next(
        a
        for a in _all(store, ACCOUNT)
        if a["type"] == AccountType.CLIENT
        and a.get("externalId")
        and a["externalId"] != source.get("externalId")
    )
    return buyer["id"], other["id"]


def _concrete(template: str, store: Store) -> str:
    """Fill a spec path's parameters with ids of seeded objects."""
    parts = template.strip("/").split("/")
    if template.startswith("/{accountId}/users"):
        member = _first(store, ACCOUNT_USER)
        url = f"/{member['account']['id']}/users"
        return url + (f"/{member['user']['id']}" if "{userId}" in template else "")
    if template == _TRANSFER:
        pairs = _transfer_pairs(store)
        buyer_id, destination = pairs[0] if pairs else _transfer_refused(store)
        return f"/buyers/{buyer_id}/transfer?destinationAccountId={destination}"
    resource = BY_COLLECTION[parts[0]]
    where = _HAS_ICON if template.endswith("/icon") else "1"
    doc = _first(store, resource, where)
    return template.replace("{id}", doc["id"])


def assert_list_shape(body: Any, limit: int = 10, offset: int = 0) -> None:
    assert set(body) == {"$meta", "data"}
    pagination = body["$meta"]["pagination"]
    assert set(pagination) == {"offset", "limit", "total"}
    assert pagination["limit"] == limit
    assert pagination["offset"] == offset
    assert isinstance(pagination["total"], int)
    assert isinstance(body["data"], list)
    assert len(body["data"]) == max(0, min(limit, pagination["total"] - offset))
    assert all(isinstance(item, dict) and "id" in item for item in body["data"])


def assert_icon_served(rest: httpx.Client, sandbox_url: str, url: str) -> None:
    response = rest.get(url)

    assert response.status_code == 307, response.text[:500]
    location = response.headers["location"]
    image = httpx.get(httpx.URL(sandbox_url + url).join(location), timeout=30)
    assert image.status_code == 200, image.text[:500]
    assert image.headers["content-type"].startswith("image/")
    assert image.content


def test_spec_lists_63_paths_of_which_31_have_a_read() -> None:
    assert len(SPEC["paths"]) == 63
    assert len(GET_PATHS) == 31


@pytest.mark.parametrize("template", GET_PATHS)
def test_spec_read_answers_with_seeded_ids(
    template: str,
    rest: httpx.Client,
    sandbox_app: Any,
    sandbox_url: str,
    tokens: dict[str, str],
) -> None:
    store = _store(sandbox_app)
    url = _concrete(template, store)
    if template.endswith("/icon"):
        assert_icon_served(rest, sandbox_url, url)
        return

    response = rest.get(url, headers=auth(tokens["Operations"]))

    if template == _TRANSFER and not _transfer_pairs(store):
        assert response.status_code == 400, response.text[:500]
        assert "destinationAccountId" in response.json()["errors"]
        return
    assert response.status_code == 200, response.text[:500]
    body = response.json()
    if "{" not in template:
        assert_list_shape(body)
    elif template.endswith("/users/{userId}"):
        assert body["id"] == body["user"]["id"] == url.rsplit("/", 1)[1]
        assert body["account"]["id"] == url.split("/")[1]
    elif template.endswith("/users"):
        assert_list_shape(body)
        assert {u["account"]["id"] for u in body["data"]} == {url.split("/")[1]}
    else:
        assert body["id"] == url.split("/")[2].split("?")[0]


@pytest.mark.parametrize("collection", ICON_COLLECTIONS)
def test_icon_read_redirects_without_a_token(
    collection: str, rest: httpx.Client, sandbox_app: Any, sandbox_url: str
) -> None:
    doc = _first(_store(sandbox_app), BY_COLLECTION[collection], _HAS_ICON)

    assert_icon_served(rest, sandbox_url, f"/{collection}/{doc['id']}/icon")


@pytest.mark.parametrize("collection", ICON_COLLECTIONS)
def test_icon_read_answers_404_when_object_has_no_icon(
    collection: str, rest: httpx.Client, sandbox_app: Any
) -> None:
    doc = _first(_store(sandbox_app), BY_COLLECTION[collection], _NO_ICON)

    response = rest.get(f"/{collection}/{doc['id']}/icon")

    assert response.status_code == 404
    assert response.json()["title"] == "Not Found"


def test_icon_read_answers_404_for_unknown_object(rest: httpx.Client) -> None:
    assert rest.get("/buyers/BUY-0000-0000/icon").status_code == 404


def test_user_accounts_lists_accounts_of_memberships(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    store = _store(sandbox_app)
    user_id = _first(store, ACCOUNT_USER)["user"]["id"]
    members = _all(store, ACCOUNT_USER)
    expected = {m["account"]["id"] for m in members if m["user"]["id"] == user_id}

    response = rest.get(
        f"/users/{user_id}/accounts?limit=100", headers=auth(tokens["Operations"])
    )

    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert_list_shape(body, limit=100)
    assert {a["id"] for a in body["data"]} == expected
    assert body["$meta"]["pagination"]["total"] == len(expected)


def test_client_spelling_of_account_users_serves_the_same_list(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    member = _first(_store(sandbox_app), ACCOUNT_USER)
    account_id, user_id = member["account"]["id"], member["user"]["id"]
    headers = auth(tokens["Operations"])

    spec = rest.get(f"/{account_id}/users?limit=100", headers=headers)
    client = rest.get(f"/accounts/{account_id}/users?limit=100", headers=headers)

    assert spec.status_code == client.status_code == 200, client.text[:500]
    assert_list_shape(client.json(), limit=100)
    assert client.json()["data"] == spec.json()["data"]
    assert user_id in {u["id"] for u in client.json()["data"]}


def test_client_spelling_of_account_user_serves_the_same_member(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    member = _first(_store(sandbox_app), ACCOUNT_USER)
    account_id, user_id = member["account"]["id"], member["user"]["id"]
    headers = auth(tokens["Operations"])

    spec = rest.get(f"/{account_id}/users/{user_id}", headers=headers)
    client = rest.get(f"/accounts/{account_id}/users/{user_id}", headers=headers)

    assert spec.status_code == client.status_code == 200, client.text[:500]
    assert client.json() == spec.json()
    assert client.json()["id"] == user_id


def test_legacy_account_user_keeps_its_ausr_id(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    member = _first(_store(sandbox_app), ACCOUNT_USER)

    response = rest.get(
        f"/account-users/{member['id']}", headers=auth(tokens["Operations"])
    )

    assert response.status_code == 200, response.text[:500]
    assert response.json()["id"] == member["id"]
    assert response.json()["user"]["id"] == member["user"]["id"]


@pytest.mark.parametrize("collection", sorted(BY_COLLECTION))
def test_list_defaults_to_10_and_clamps_1000_to_100(
    collection: str, rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    headers = auth(tokens["Operations"])

    default = rest.get(f"/{collection}", headers=headers)
    clamped = rest.get(f"/{collection}?limit=1000", headers=headers)

    assert default.status_code == clamped.status_code == 200, clamped.text[:500]
    assert_list_shape(default.json(), limit=10)
    assert_list_shape(clamped.json(), limit=100)
    total = _store(sandbox_app).count(BY_COLLECTION[collection])
    assert clamped.json()["$meta"]["pagination"]["total"] == total


def test_list_pages_with_offset(rest: httpx.Client, tokens: dict[str, str]) -> None:
    headers = auth(tokens["Operations"])

    first = rest.get("/licensees?limit=100", headers=headers).json()
    second = rest.get("/licensees?limit=100&offset=100", headers=headers).json()

    assert_list_shape(second, limit=100, offset=100)
    assert first["$meta"]["pagination"]["total"] > 200
    assert not {d["id"] for d in first["data"]} & {d["id"] for d in second["data"]}


def test_transfer_preview_refuses_destination_with_another_external_id(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    buyer_id, destination = _transfer_refused(_store(sandbox_app))

    response = rest.get(
        f"/buyers/{buyer_id}/transfer?destinationAccountId={destination}",
        headers=auth(tokens["Operations"]),
    )

    assert response.status_code == 400, response.text[:500]
    assert response.json()["title"] == "Bad Request"
    assert "destinationAccountId" in response.json()["errors"]


def test_transfer_preview_refuses_missing_destination(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    buyer = _first(_store(sandbox_app), BUYER)

    response = rest.get(
        f"/buyers/{buyer['id']}/transfer", headers=auth(tokens["Operations"])
    )

    assert response.status_code == 400, response.text[:500]
    assert "destinationAccountId" in response.json()["errors"]


def test_transfer_preview_refuses_accounts_without_external_id(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    store = _store(sandbox_app)
    no_cdg = [
        a["id"]
        for a in _all(store, ACCOUNT)
        if a["type"] == AccountType.CLIENT and not a.get("externalId")
    ]
    owned = [b for b in _all(store, BUYER) if b["account"]["id"] in no_cdg]
    assert len(no_cdg) >= 2
    assert owned
    buyer = owned[0]
    destination = next(a for a in no_cdg if a != buyer["account"]["id"])

    response = rest.get(
        f"/buyers/{buyer['id']}/transfer?destinationAccountId={destination}",
        headers=auth(tokens["Operations"]),
    )

    # Neither account has a CDG yet, so they do not share an external id.
    assert response.status_code == 400, response.text[:500]
    assert "destinationAccountId" in response.json()["errors"]


@pytest.fixture(scope="module")
def twin_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """A private sandbox where one client account has a twin with the same CDG."""
    path: Path = tmp_path_factory.mktemp("twin") / "sandbox.sqlite3"
    app = create_sandbox_app(path, scale=1)
    store = _store(app)
    buyer = next(
        b
        for b in _all(store, BUYER)
        if (store.get(ACCOUNT, b["account"]["id"]) or {}).get("externalId")
    )
    twin = {**(store.get(ACCOUNT, buyer["account"]["id"]) or {}), "id": "ACC-9999-0001"}
    with store.transaction() as conn:
        store.put(conn, ACCOUNT, twin)
    bearer = {t["role"]: t["bearer"] for t in demo_tokens(store)}["Operations"]
    with running(app) as url:
        yield url, bearer, buyer["id"], twin["id"]


def test_transfer_preview_answers_200_for_client_with_same_external_id(
    twin_sandbox: tuple[str, str, str, str],
) -> None:
    url, bearer, buyer_id, destination = twin_sandbox

    response = httpx.get(
        f"{url}{API}/buyers/{buyer_id}/transfer",
        params={"destinationAccountId": destination},
        headers=auth(bearer),
        timeout=30,
    )

    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert body["id"] == buyer_id
    assert set(body["stats"]) == {
        "licenseeCount",
        "orderCount",
        "subscriptionCount",
        "userCount",
        "userGroupCount",
        "agreementCount",
    }
    assert isinstance(body["users"], list)
    assert len(body["users"]) == min(body["stats"]["userCount"], 100)
