"""Every row of the role matrix, for every role and for no token at all.

A denied role gets 403 (no token: 401) and the affected table is unchanged; an
allowed role is never refused with 401 or 403 (it may get 2xx, 400 or 404,
depending on whose object it reaches). Each case acts on fresh scratch objects
of a scratch client account, so the demo data stays as it is.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    PNG,
    Actor,
    email,
    forgotten,
    invite,
    link,
    multipart,
    new_account,
    new_buyer,
    new_group,
    new_licensee,
    new_seller,
    new_tenant,
    new_token,
    ok,
    scratch_actor,
    snapshot,
    store_of,
)

from accounts_graph.platform.capabilities import CAPABILITIES, Capability
from accounts_graph.platform.enums import Role
from accounts_graph.platform.resources import (
    ACCOUNT_USER,
    BY_COLLECTION,
    MODULE,
    Resource,
)


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


ROLES = [None, Role.CLIENT, Role.VENDOR, Role.OPERATIONS]
_UUIDS = {
    "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}


@dataclass
class Env:
    """The scratch world one case acts in; objects are made when first asked."""

    rest: httpx.Client
    ops: dict[str, str]
    client: Actor
    app: Any
    made: dict[str, Any] = field(default_factory=dict)

    def _once(self, key: str, make: Any) -> Any:
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    def group(self) -> str:
        return str(
            self._once("group", lambda: new_group(self.rest, self.client.headers))["id"]
        )

    def member(self) -> str:
        def make() -> Any:
            member = invite(
                self.rest, self.client.headers, self.client.account_id, self.group()
            )
            extra = new_group(self.rest, self.client.headers)
            url = f"/{self.client.account_id}/users/{member['id']}/groups"
            ok(self.rest.post(url, json={"id": extra["id"]}, headers=self.ops))
            return member

        return str(self._once("member", make)["id"])

    def buyer(self) -> str:
        make = lambda: new_buyer(self.rest, self.ops, self.client.account_id)  # noqa: E731
        return str(self._once("buyer", make)["id"])

    def seller(self) -> str:
        return str(self._once("seller", lambda: new_seller(self.rest, self.ops))["id"])

    def erp_link(self) -> str:
        make = lambda: link(store_of(self.app), self.buyer(), self.seller())  # noqa: E731
        return str(self._once("link", make))

    def licensee(self) -> str:
        self.erp_link()
        make = lambda: new_licensee(self.rest, self.ops, self.buyer(), self.seller())  # noqa: E731
        return str(self._once("licensee", make)["id"])

    def token(self) -> str:
        make = lambda: new_token(self.rest, self.client.headers)  # noqa: E731
        return str(self._once("token", make)["id"])

    def tenant(self) -> str:
        make = lambda: new_tenant(self.rest, self.ops, self.client.account_id)  # noqa: E731
        return str(self._once("tenant", make)["id"])

    def account(self) -> str:
        return str(
            self._once("account", lambda: new_account(self.rest, self.ops))["id"]
        )

    def module(self) -> str:
        docs, _ = store_of(self.app).select(MODULE, "1", [], [], 1, 0)
        return str(docs[0]["id"])


def _ids(env: Env, row: Capability) -> dict[str, str]:
    """Fill the row's path parameters with scratch objects."""
    path, collection = row.path, row.path.strip("/").split("/")[0]
    ids: dict[str, str] = {}
    if "{accountId}" in path:
        ids["accountId"] = env.client.account_id
    if "{userId}" in path:
        ids["userId"] = env.member()
    if "{userGroupId}" in path:
        ids["userGroupId"] = env.group()
    if "{id}" in path:
        ids["id"] = _object_id(env, row, collection)
    return ids


def _object_id(env: Env, row: Capability, collection: str) -> str:
    if collection == "accounts":
        plain = row.method == "PUT" or row.path.endswith("/icon")
        return env.client.account_id if plain else env.account()
    makers = {
        "api-tokens": env.token,
        "buyers": env.buyer,
        "cloud-tenants": env.tenant,
        "erp-links": env.erp_link,
        "licensees": env.licensee,
        "modules": env.module,
        "sellers": env.seller,
        "users": env.member,
        "user-groups": env.group,
    }
    return makers[collection]()


def _body(env: Env, row: Capability) -> dict[str, Any]:
    """A sensible request body for the row, as httpx keyword arguments."""
    path, account = row.path, {"id": env.client.account_id}
    if row.name == "Upload an icon":
        part = {"accounts": "account", "erp-links": "erpLink"}.get(
            path.split("/")[1], path.split("/")[1][:-1]
        )
        return {"files": multipart(part, {}, "logo", PNG)}
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/accounts"): {"name": "M", "type": "Client", "serviceLevel": "Elite"},
        ("PUT", "/accounts/{id}"): {"name": "Matrix"},
        ("POST", "/accounts/{id}/activate"): {"externalId": "CDG-M", "name": "M"},
        ("POST", "/{accountId}/users"): {
            "user": {"email": email(), "firstName": "M", "lastName": "X"},
            "groups": [{"id": env.group()}] if row.method == "POST" else [],
        },
        ("POST", "/{accountId}/users/{userId}/groups"): {"id": env.group()},
        ("PUT", "/{accountId}/users/{userId}/groups"): [{"id": env.group()}],
        ("POST", "/api-tokens"): {"name": "M", "account": account},
        ("PUT", "/api-tokens/{id}"): {"name": "M"},
        ("POST", "/buyers"): {"name": "M", "address": ADDRESS, "account": account},
        ("PUT", "/buyers/{id}"): {"name": "M", "address": ADDRESS},
        ("POST", "/buyers/{id}/validate"): {"account": account},
        ("POST", "/buyers/{id}/transfer"): {"account": {"id": env.account()}},
        ("POST", "/buyers/{id}/activate"): {
            "account": account,
            "externalIds": {"erpCustomer": "M-1"},
        },
        ("POST", "/cloud-tenants"): {
            "name": "M",
            "externalIds": _UUIDS,
            "account": account,
        },
        ("PUT", "/cloud-tenants/{id}"): {"name": "M"},
        ("POST", "/sellers"): {"name": "M", "currencies": ["EUR"]},
        ("PUT", "/sellers/{id}"): {"name": "M", "currencies": ["EUR"]},
        ("PUT", "/erp-links/{id}"): {"note": "M"},
        ("POST", "/licensees"): {
            "buyer": {"id": env.buyer()},
            "seller": {"id": env.seller()},
            "useBuyerAddress": True,
        },
        ("PUT", "/licensees/{id}"): {"name": "M"},
        ("PUT", "/users/{id}"): {"firstName": "M"},
        ("POST", "/users/{id}/set-password"): {"password": "matrix-password-1"},
        ("POST", "/user-groups"): {"name": "M", "account": account},
        ("PUT", "/user-groups/{id}"): {"name": "M"},
    }
    body = bodies.get((row.method, path))
    return {} if body is None else {"json": body}


def _query(row: Capability, env: Env) -> str:
    if row.method == "GET" and row.path == "/buyers/{id}/transfer":
        return f"?destinationAccountId={env.account()}"
    return ""


def _table(row: Capability) -> Resource:
    first = row.path.strip("/").split("/")[0]
    return ACCOUNT_USER if first == "{accountId}" else BY_COLLECTION[first]


@pytest.fixture(scope="module")
def actors(
    rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any
) -> dict[Role, Actor]:
    ops = auth(tokens["Operations"])
    client = scratch_actor(rest, ops, sandbox_app, "Client")
    vendor = scratch_actor(rest, ops, sandbox_app, "Vendor")
    operations = Actor("", ops)
    return {Role.CLIENT: client, Role.VENDOR: vendor, Role.OPERATIONS: operations}


@pytest.fixture(scope="module")
def shared(rest: httpx.Client, actors: dict[Role, Actor], sandbox_app: Any) -> Env:
    """Objects for cases that change nothing: reads and refused calls."""
    return Env(rest, actors[Role.OPERATIONS].headers, actors[Role.CLIENT], sandbox_app)


def _case_id(row: Capability, role: Role | None) -> str:
    return f"{row.method} {row.path} [{row.name}] as {role or 'nobody'}"


CASES = [(row, role) for row in CAPABILITIES for role in ROLES]


@pytest.mark.parametrize(
    ("row", "role"), CASES, ids=[_case_id(row, role) for row, role in CASES]
)
def test_matrix_row_for_role(
    row: Capability,
    role: Role | None,
    rest: httpx.Client,
    actors: dict[Role, Actor],
    shared: Env,
    sandbox_app: Any,
) -> None:
    allowed = row.allows(Role.PUBLIC) or (role is not None and row.allows(role))
    env = shared
    if allowed and row.method != "GET":
        env = Env(rest, shared.ops, shared.client, sandbox_app)
    url = row.path.format(**_ids(env, row)) + _query(row, env)
    kwargs = _body(env, row)
    headers = {} if role is None else actors[role].headers
    store = store_of(sandbox_app)
    before = snapshot(store, _table(row))

    response = rest.request(row.method, url, headers=headers, **kwargs)

    if allowed:
        assert response.status_code not in (401, 403), response.text[:500]
        assert response.status_code < 500, response.text[:500]
    else:
        assert response.status_code == (401 if role is None else 403), response.text
        assert snapshot(store, _table(row)) == before
