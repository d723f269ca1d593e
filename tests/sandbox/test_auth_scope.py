"""Who may call the sandbox, what each caller sees, and RQL over HTTP."""

from typing import Any

import httpx
import pytest
from tests.conftest import auth

from accounts_graph.platform.resources import (
    ACCOUNT,
    BUYER,
    BY_COLLECTION,
    ERP_LINK,
    LICENSEE,
    USER_GROUP,
    Resource,
)
from accounts_graph.platform.tokens import (
    CLAIM_ACCOUNT_ID,
    CLAIM_ACCOUNT_TYPE,
    CLAIM_USER_ID,
)
from accounts_graph.sandbox.auth import SigningKey
from accounts_graph.sandbox.store import Document, Store

_OWNED_BY = "json_extract(t.doc, '$.account.id') = ?"
_NOT_OWNED_BY = "json_extract(t.doc, '$.account.id') != ?"


def _store(sandbox_app: Any) -> Store:
    store: Store = sandbox_app.state.sandbox.store
    return store


def _docs(store: Store, resource: Resource, where: str = "1", *params: str) -> list:
    return store.select(resource, where, list(params), [], 1_000_000, 0)[0]


def _first(store: Store, resource: Resource, where: str, *params: str) -> Document:
    docs = _docs(store, resource, where, *params)
    assert docs, f"the seed has no {resource.name} for {where} {params}"
    return docs[0]


def assert_problem(response: httpx.Response, status: int, title: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] == title
    assert body["detail"]


# --- 401 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer garbage-token"},
        {"Authorization": "Bearer a.b.c"},
        {"Authorization": "Bearer idt:TKN-0000-0001:" + "x" * 32},
        {"Authorization": "Bearer idt:TKN-9999-9999:" + "x" * 32},
    ],
    ids=["none", "empty", "basic", "garbage", "bad-jwt", "wrong-secret", "unknown"],
)
def test_request_answers_401_without_a_valid_token(
    headers: dict[str, str], rest: httpx.Client
) -> None:
    response = rest.get("/accounts", headers=headers)

    assert_problem(response, 401, "Unauthorized")


def test_demo_token_authenticates_with_its_secret(
    rest: httpx.Client, tokens: dict[str, str]
) -> None:
    assert tokens["Client"].startswith("idt:TKN-0000-0001:")
    assert rest.get("/accounts", headers=auth(tokens["Client"])).status_code == 200


# --- 403 -------------------------------------------------------------------


_DENIED = [
    *(("Vendor", p) for p in ("/buyers", "/sellers", "/erp-links", "/licensees")),
    *((r, p) for r in ("Client", "Vendor") for p in ("/cloud-tenants", "/modules")),
]


@pytest.mark.parametrize(("role", "path"), _DENIED)
def test_list_answers_403_when_role_lacks_capability(
    role: str, path: str, rest: httpx.Client, tokens: dict[str, str]
) -> None:
    response = rest.get(path, headers=auth(tokens[role]))

    assert_problem(response, 403, "Forbidden")


@pytest.mark.parametrize("role", ["Client", "Vendor"])
def test_get_answers_403_when_role_lacks_capability(
    role: str, rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    tenant = _first(_store(sandbox_app), BY_COLLECTION["cloud-tenants"], "1")

    response = rest.get(f"/cloud-tenants/{tenant['id']}", headers=auth(tokens[role]))

    assert_problem(response, 403, "Forbidden")


def test_transfer_preview_answers_403_for_client(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str], demo_accounts: Any
) -> None:
    own = _first(_store(sandbox_app), BUYER, _OWNED_BY, demo_accounts["Client"])

    response = rest.get(
        f"/buyers/{own['id']}/transfer?destinationAccountId={demo_accounts['Client']}",
        headers=auth(tokens["Client"]),
    )

    assert_problem(response, 403, "Forbidden")


# --- scope -----------------------------------------------------------------


def test_client_lists_exactly_its_own_account(
    rest: httpx.Client, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    body = rest.get("/accounts", headers=auth(tokens["Client"])).json()

    assert body["$meta"]["pagination"]["total"] == 1
    assert [a["id"] for a in body["data"]] == [demo_accounts["Client"]]


def test_operations_lists_every_account(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    body = rest.get("/accounts?limit=100", headers=auth(tokens["Operations"])).json()

    assert body["$meta"]["pagination"]["total"] == _store(sandbox_app).count(ACCOUNT)
    assert len(body["data"]) == _store(sandbox_app).count(ACCOUNT)


def test_client_lists_only_buyers_of_its_account(
    rest: httpx.Client,
    sandbox_app: Any,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    own = _docs(_store(sandbox_app), BUYER, _OWNED_BY, demo_accounts["Client"])

    body = rest.get("/buyers?limit=100", headers=auth(tokens["Client"])).json()

    assert own
    assert body["$meta"]["pagination"]["total"] == len(own)
    assert {b["id"] for b in body["data"]} == {b["id"] for b in own}
    assert {b["account"]["id"] for b in body["data"]} == {demo_accounts["Client"]}


@pytest.mark.parametrize(
    "resource", [BUYER, LICENSEE, USER_GROUP, ACCOUNT], ids=lambda r: r.name
)
def test_client_get_of_foreign_object_answers_404(
    resource: Resource,
    rest: httpx.Client,
    sandbox_app: Any,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    where = "t.id != ?" if resource is ACCOUNT else _NOT_OWNED_BY
    foreign = _first(_store(sandbox_app), resource, where, demo_accounts["Client"])

    response = rest.get(
        f"/{resource.collection}/{foreign['id']}", headers=auth(tokens["Client"])
    )
    allowed = rest.get(
        f"/{resource.collection}/{foreign['id']}", headers=auth(tokens["Operations"])
    )

    assert_problem(response, 404, "Not Found")
    assert foreign["name"] not in response.text
    assert allowed.status_code == 200


# --- Operations-only and optional fields ------------------------------------


def _own_erp_link(store: Store, account_id: str) -> Document:
    own = {b["id"] for b in _docs(store, BUYER, _OWNED_BY, account_id)}
    return next(e for e in _docs(store, ERP_LINK) if e["buyer"]["id"] in own)


def _own_member(store: Store, account_id: str) -> str:
    members = _docs(store, BY_COLLECTION["account-users"], _OWNED_BY, account_id)
    return str(members[0]["user"]["id"])


@pytest.mark.parametrize(
    ("kind", "field"),
    [("buyers", "errors"), ("erp-links", "note"), ("users", "accounts")],
)
def test_operations_only_field_is_absent_for_client_and_present_for_operations(
    kind: str,
    field: str,
    rest: httpx.Client,
    sandbox_app: Any,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    store, account_id = _store(sandbox_app), demo_accounts["Client"]
    object_id = {
        "buyers": lambda: _first(store, BUYER, _OWNED_BY, account_id)["id"],
        "erp-links": lambda: _own_erp_link(store, account_id)["id"],
        "users": lambda: _own_member(store, account_id),
    }[kind]()
    url = f"/{kind}/{object_id}?select=+{field}"

    as_client = rest.get(url, headers=auth(tokens["Client"]))
    as_operations = rest.get(url, headers=auth(tokens["Operations"]))
    listed = rest.get(
        f'/{kind}?eq(id,"{object_id}")&select=+{field}', headers=auth(tokens["Client"])
    )

    assert as_client.status_code == as_operations.status_code == 200
    assert field not in as_client.json()
    assert field in as_operations.json()
    assert [field in item for item in listed.json()["data"]] == [False]


def test_optional_field_appears_only_when_selected(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    buyer, headers = _first(_store(sandbox_app), BUYER, "1"), auth(tokens["Operations"])

    plain = rest.get("/buyers", headers=headers).json()
    selected = rest.get("/buyers?select=+contact", headers=headers).json()
    one = rest.get(f"/buyers/{buyer['id']}", headers=headers).json()
    one_selected = rest.get(f"/buyers/{buyer['id']}?select=+contact", headers=headers)

    assert "contact" in plain["$meta"]["omitted"]
    assert not any("contact" in b for b in plain["data"])
    assert "contact" not in selected["$meta"]["omitted"]
    assert all("contact" in b and "name" in b for b in selected["data"])
    assert "contact" not in one
    assert "contact" in one["$meta"]["omitted"]
    assert one_selected.json()["contact"]["email"] == buyer["contact"]["email"]
    assert "contact" not in one_selected.json()["$meta"]["omitted"]


def test_select_minus_removes_a_default_field(
    rest: httpx.Client, tokens: dict[str, str]
) -> None:
    body = rest.get("/buyers?select=-name", headers=auth(tokens["Operations"])).json()

    assert body["data"]
    assert not any("name" in b for b in body["data"])
    assert all("id" in b and "address" in b for b in body["data"])


# --- JWTs -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Client", "Vendor", "Operations"])
def test_jwt_signed_with_sandbox_key_authenticates(
    role: str, rest: httpx.Client, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    store, account_id = _store(sandbox_app), demo_accounts[role]
    claims = {
        CLAIM_ACCOUNT_ID: account_id,
        CLAIM_ACCOUNT_TYPE: role,
        CLAIM_USER_ID: _own_member(store, account_id),
    }
    token = sandbox_app.state.sandbox.signing_key.sign(claims)

    body = rest.get("/accounts?limit=100", headers=auth(token)).json()

    everyone = sorted(a["id"] for a in _docs(store, ACCOUNT))
    expected = everyone if role == "Operations" else [account_id]
    assert sorted(a["id"] for a in body["data"]) == expected


@pytest.mark.parametrize(
    ("account_role", "claimed_type", "right_key"),
    [
        ("Client", "Operations", True),
        ("Vendor", "Operations", True),
        ("Client", "Vendor", True),
        ("Client", "Client", False),
        ("Operations", "Operations", False),
        (None, "Operations", True),
    ],
    ids=["client-as-ops", "vendor-as-ops", "client-as-vendor", "key", "ops-key", "acc"],
)
def test_jwt_with_forged_claims_or_wrong_key_answers_401(
    account_role: str | None,
    claimed_type: str,
    right_key: bool,
    rest: httpx.Client,
    sandbox_app: Any,
    demo_accounts: dict[str, str],
) -> None:
    key = sandbox_app.state.sandbox.signing_key if right_key else SigningKey.generate()
    account_id = demo_accounts[account_role] if account_role else "ACC-0000-0000"
    claims = {CLAIM_ACCOUNT_ID: account_id, CLAIM_ACCOUNT_TYPE: claimed_type}

    token = key.sign(claims)

    response = rest.get("/accounts", headers=auth(token))

    assert_problem(response, 401, "Unauthorized")


# --- RQL over HTTP ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("eq(name", "eq(name"),
        ("foo(a,b)", "foo"),
        ("eq(nosuchfield,1)", "nosuchfield"),
    ],
)
def test_bad_rql_answers_400_naming_the_term(
    query: str, term: str, rest: httpx.Client, tokens: dict[str, str]
) -> None:
    response = rest.get(f"/buyers?{query}", headers=auth(tokens["Operations"]))

    assert_problem(response, 400, "Bad Request")
    assert term in response.json()["detail"]


def test_rql_eq_on_account_id_filters_buyers(
    rest: httpx.Client,
    sandbox_app: Any,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    account_id = demo_accounts["Client"]
    own = _docs(_store(sandbox_app), BUYER, _OWNED_BY, account_id)

    body = rest.get(
        f'/buyers?eq(account.id,"{account_id}")&limit=100',
        headers=auth(tokens["Operations"]),
    ).json()

    assert body["$meta"]["pagination"]["total"] == len(own) > 0
    assert {b["id"] for b in body["data"]} == {b["id"] for b in own}


@pytest.mark.parametrize("pattern", ["*soft*", '"*soft*"', "'*soft*'"])
def test_rql_ilike_matches_names_case_insensitively(
    pattern: str, rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    accounts = _docs(_store(sandbox_app), ACCOUNT)
    expected = {a["id"] for a in accounts if "soft" in a["name"].lower()}

    body = rest.get(
        f"/accounts?ilike(name,{pattern})&limit=100", headers=auth(tokens["Operations"])
    ).json()

    assert len(expected) >= 2
    assert {a["id"] for a in body["data"]} == expected
    assert body["$meta"]["pagination"]["total"] == len(expected)


def test_rql_order_descending_with_limit(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    accounts = _docs(_store(sandbox_app), ACCOUNT)
    names = sorted((a["name"] for a in accounts), reverse=True)

    body = rest.get(
        "/accounts?order=-name&limit=3", headers=auth(tokens["Operations"])
    ).json()

    assert [a["name"] for a in body["data"]] == names[:3]
    assert body["$meta"]["pagination"] == {
        "offset": 0,
        "limit": 3,
        "total": len(names),
    }


def test_rql_empty_in_matches_nothing_and_empty_out_everything(
    rest: httpx.Client, sandbox_app: Any, tokens: dict[str, str]
) -> None:
    headers = auth(tokens["Operations"])

    none = rest.get("/accounts?in(id,())", headers=headers).json()
    every = rest.get("/accounts?out(id,())", headers=headers).json()

    assert none["$meta"]["pagination"]["total"] == 0
    assert none["data"] == []
    assert every["$meta"]["pagination"]["total"] == _store(sandbox_app).count(ACCOUNT)
