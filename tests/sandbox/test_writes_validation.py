"""Every rule of every body table is enforced: one bad value per rule, over HTTP.

The cases are generated from the declarative tables themselves (`validation.py`
and the resource modules), so a rule added to a table is tested here at once.
Each bad body is an otherwise valid one with a single field spoiled; the answer
must be 400 naming that field's JSON path, and the target table must not change.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    forgotten,
    link,
    new_buyer,
    new_group,
    new_seller,
    ok,
    scratch_actor,
    snapshot,
    store_of,
)

from accounts_graph.platform.resources import (
    ACCOUNT,
    ACCOUNT_USER,
    API_TOKEN,
    BUYER,
    CLOUD_TENANT,
    ERP_LINK,
    LICENSEE,
    SELLER,
    USER,
    USER_GROUP,
    Resource,
)
from accounts_graph.sandbox import (
    accounts,
    api_tokens,
    buyer_actions,
    buyers,
    cloud_tenants,
    erp_links,
    invitations,
    licensees,
    memberships,
    sellers,
    user_groups,
    users,
)
from accounts_graph.sandbox.validation import (
    Country,
    Email,
    Flag,
    IdOf,
    Items,
    Obj,
    OneOf,
    Ref,
    Rules,
    Spec,
    Text,
    Uuid,
)

_UUIDS = {
    "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}
_PROFILE = {"email": "valid.person@example.com", "firstName": "A", "lastName": "B"}
_CONTACT = {"firstName": "A", "lastName": "B", "email": "a@b.example"}
_PHONE = {"prefix": "+41", "number": "791234567"}

# name → (method, path, rules, valid body, table); `$x` values are filled at run
# time from the scratch world (`$account`, `$buyer`, ...).
ENDPOINTS: dict[str, tuple[str, str, Rules, dict[str, Any], Resource]] = {
    "create account": (
        "POST",
        "/accounts",
        accounts.CREATE_RULES,
        {
            "name": "V",
            "type": "Client",
            "serviceLevel": "Elite",
            "address": ADDRESS,
            "externalIds": {"pyraTenantId": _UUIDS["pyraTenantId"]},
            "eligibility": {"client": True, "partner": False},
        },
        ACCOUNT,
    ),
    "activate account": (
        "POST",
        "/accounts/$fresh/activate",
        accounts.ACTIVATE_RULES,
        {"externalId": "CDG-V", "name": "V"},
        ACCOUNT,
    ),
    "create buyer": (
        "POST",
        "/buyers",
        buyers.CREATE_RULES,
        {
            "name": "V",
            "address": ADDRESS,
            "account": {"id": "$account"},
            "contact": {**_CONTACT, "phone": _PHONE, "user": {"id": "$user"}},
            "externalIds": {"erpCustomer": "C-1"},
        },
        BUYER,
    ),
    "activate buyer": (
        "POST",
        "/buyers/$buyer/activate",
        buyer_actions.ACTIVATE_RULES,
        {"account": {"id": "$account"}, "externalIds": {"erpCustomer": "C-1"}},
        BUYER,
    ),
    "create seller": (
        "POST",
        "/sellers",
        sellers.RULES,
        {"name": "V", "currencies": ["EUR"], "address": ADDRESS},
        SELLER,
    ),
    "update ERP link": (
        "PUT",
        "/erp-links/$link",
        erp_links.UPDATE_RULES,
        {"note": "n", "address": ADDRESS, "externalIds": {"erpCustomer": "C"}},
        ERP_LINK,
    ),
    "create licensee": (
        "POST",
        "/licensees",
        licensees.CREATE_RULES,
        {
            "buyer": {"id": "$buyer"},
            "seller": {"id": "$seller"},
            "useBuyerAddress": False,
            "address": ADDRESS,
            "contact": _CONTACT,
            "eligibility": {"client": True, "partner": False},
        },
        LICENSEE,
    ),
    "create user group": (
        "POST",
        "/user-groups",
        user_groups.CREATE_RULES,
        {"name": "V", "account": {"id": "$account"}, "modules": [], "buyers": []},
        USER_GROUP,
    ),
    "create API token": (
        "POST",
        "/api-tokens",
        api_tokens.CREATE_RULES,
        {"name": "V", "account": {"id": "$account"}, "modules": []},
        API_TOKEN,
    ),
    "create cloud tenant": (
        "POST",
        "/cloud-tenants",
        cloud_tenants.CREATE_RULES,
        {"name": "V", "externalIds": _UUIDS, "account": {"id": "$account"}},
        CLOUD_TENANT,
    ),
    "invite account user": (
        "POST",
        "/$account/users",
        invitations.CREATE_RULES,
        {
            "user": {**_PROFILE, "phone": _PHONE, "settings": {"cultureCode": "en"}},
            "groups": [{"id": "$group"}],
            "invitation": {"status": "Invited"},
        },
        ACCOUNT_USER,
    ),
    "update member": (
        "PUT",
        "/$account/users/$user",
        memberships.UPDATE_RULES,
        {"groups": [{"id": "$group"}], "user": {"firstName": "A", "phone": _PHONE}},
        ACCOUNT_USER,
    ),
    "update user": (
        "PUT",
        "/users/$user",
        users.PROFILE_RULES,
        {"firstName": "A", "phone": _PHONE, "settings": {"languageCode": "en"}},
        USER,
    ),
    "set password": (
        "POST",
        "/users/$user/set-password",
        users.PASSWORD_RULES,
        {"password": "a-valid-password"},
        USER,
    ),
}


def _bad_values(spec: Spec) -> Iterator[Any]:
    """Values that break `spec` (besides a missing required field)."""
    if isinstance(spec, Email):
        yield "not-an-email"
    elif isinstance(spec, Text):
        yield 12345
        if spec.high:
            yield "x" * (spec.high + 1)
        if spec.low:
            yield ""
    elif isinstance(spec, Uuid):
        yield "not-a-uuid"
    elif isinstance(spec, Country):
        yield "zz"
    elif isinstance(spec, OneOf):
        yield "NotAValue"
    elif isinstance(spec, Flag):
        yield "yes"
    elif isinstance(spec, Obj):
        yield "not an object"
    elif isinstance(spec, Items):
        yield "not an array"
        if spec.low:
            yield []
    elif isinstance(spec, Ref):
        yield {"id": "XYZ-1"}
    elif isinstance(spec, IdOf):
        yield "XYZ-1"
    else:
        yield 12345  # a custom rule (a seller's currency): not even a string


def _spoiled(
    body: dict[str, Any], rules: Rules, prefix: str = ""
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (JSON path, body with that one field spoiled) for every rule."""
    for name, spec in rules.items():
        path = prefix + name
        if spec.required:
            yield path, {k: v for k, v in body.items() if k != name}
        for bad in _bad_values(spec):
            yield path, {**body, name: bad}
        if isinstance(spec, Obj) and isinstance(body.get(name), dict):
            for inner, nested in _spoiled(body[name], spec.rules, path + "."):
                yield inner, {**body, name: nested}


CASES = [
    (endpoint, path, spoiled)
    for endpoint, (_, _, rules, valid, _) in ENDPOINTS.items()
    for path, spoiled in _spoiled(valid, rules)
]


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def world(
    rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any
) -> dict[str, str]:
    """The scratch objects the valid bodies refer to."""
    ops = auth(tokens["Operations"])
    client = scratch_actor(rest, ops, sandbox_app, "Client")
    group = new_group(rest, client.headers)
    body = {"user": _PROFILE, "groups": [{"id": group["id"]}]}
    member = ok(rest.post(f"/{client.account_id}/users", json=body, headers=ops), 201)
    buyer = new_buyer(rest, ops, client.account_id)
    seller = new_seller(rest, ops)
    fresh = ok(
        rest.post("/accounts", json=ENDPOINTS["create account"][3], headers=ops), 201
    )
    return {
        "account": client.account_id,
        "group": group["id"],
        "user": member["id"],
        "buyer": buyer["id"],
        "seller": seller["id"],
        "link": link(store_of(sandbox_app), buyer["id"], seller["id"]),
        "fresh": fresh["id"],
    }


def _filled(value: Any, world: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, object_id in world.items():
            value = value.replace(f"${name}", object_id)
        return value
    if isinstance(value, dict):
        return {k: _filled(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, world) for v in value]
    return value


@pytest.mark.parametrize(
    ("endpoint", "field", "body"),
    CASES,
    ids=[f"{e}: {f} #{i}" for i, (e, f, _) in enumerate(CASES)],
)
def test_bad_value_is_refused_naming_its_field(
    endpoint: str,
    field: str,
    body: dict[str, Any],
    rest: httpx.Client,
    tokens: dict[str, str],
    world: dict[str, str],
    sandbox_app: Any,
) -> None:
    method, path, _, _, table = ENDPOINTS[endpoint]
    store = store_of(sandbox_app)
    before = snapshot(store, table)

    response = rest.request(
        method,
        _filled(path, world),
        json=_filled(body, world),
        headers=auth(tokens["Operations"]),
    )

    assert response.status_code == 400, response.text[:500]
    problem = response.json()
    assert problem["detail"] == "One or more validation errors occurred."
    assert any(key == field or key.startswith(field + ".") for key in problem["errors"])
    assert snapshot(store, table) == before


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_the_valid_body_is_accepted(
    endpoint: str,
    rest: httpx.Client,
    tokens: dict[str, str],
    world: dict[str, str],
) -> None:
    method, path, _, valid, _ = ENDPOINTS[endpoint]
    body = _filled(valid, world)
    if endpoint == "invite account user":
        body["user"] = {**body["user"], "email": "another.person@example.com"}

    response = rest.request(
        method, _filled(path, world), json=body, headers=auth(tokens["Operations"])
    )

    assert response.status_code in (200, 201), response.text[:500]
