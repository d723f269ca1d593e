"""Inputs the GraphQL types allow but the Accounts API refuses.

Each case sends a create or update whose input is well typed yet invalid: too
long, a bad e-mail or country, an unknown or foreign referenced id, an empty
list. The payload's `errors` name the input path with code INVALID, the object
is null, and the table of that resource in the store is unchanged.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

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
from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    ADDRESS,
    Caller,
    mutate,
    refused,
    scratch_caller,
)
from tests.sandbox.factories import (
    forgotten,
    invite,
    link,
    new_buyer,
    new_group,
    new_licensee,
    new_seller,
    new_tenant,
    new_token,
    snapshot,
    store_of,
)

_UUIDS = {
    "pyraTenantId": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    "cloudConsumptionId": "9b2c7d5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}
_PERSON = {"email": "valid@example.com", "firstName": "Ada", "lastName": "Test"}


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@dataclass(frozen=True)
class World:
    """Scratch objects of one client account, and some of another."""

    ops: str
    client: Caller
    buyer: str
    seller: str
    licensee: str
    group: str
    user: str
    token: str
    tenant: str
    erp_link: str
    foreign_buyer: str
    foreign_group: str


@pytest.fixture(scope="module")
def world(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> World:
    ops = auth(tokens["Operations"])
    client = scratch_caller(rest, ops, sandbox_app, "Client")
    other = scratch_caller(rest, ops, sandbox_app, "Client")
    buyer = new_buyer(rest, ops, client.account_id)["id"]
    seller = new_seller(rest, ops)["id"]
    erp_link = link(store_of(sandbox_app), buyer, seller)
    group = new_group(rest, client.headers)["id"]
    return World(
        ops=tokens["Operations"],
        client=client,
        buyer=buyer,
        seller=seller,
        licensee=new_licensee(rest, client.headers, buyer, seller)["id"],
        group=group,
        user=invite(rest, client.headers, client.account_id, group)["id"],
        token=new_token(rest, client.headers)["id"],
        tenant=new_tenant(rest, ops, client.account_id)["id"],
        erp_link=erp_link,
        foreign_buyer=new_buyer(rest, ops, other.account_id)["id"],
        foreign_group=new_group(rest, other.headers)["id"],
    )


Variables = Callable[[World], dict[str, Any]]
# mutation → (sent by Operations?, the table it writes, valid variables)
VALID: dict[str, tuple[bool, Resource, Variables]] = {
    "createAccount": (
        True,
        ACCOUNT,
        lambda w: {"input": {"name": "A", "type": "CLIENT", "serviceLevel": "ELITE"}},
    ),
    "createAccountUser": (
        False,
        ACCOUNT_USER,
        lambda w: {
            "accountId": w.client.account_id,
            "input": {"user": _PERSON, "groupIds": [w.group]},
        },
    ),
    "createApiToken": (False, API_TOKEN, lambda w: {"input": {"name": "T"}}),
    "createBuyer": (
        True,
        BUYER,
        lambda w: {
            "input": {"name": "B", "address": ADDRESS, "accountId": w.client.account_id}
        },
    ),
    "createCloudTenant": (
        True,
        CLOUD_TENANT,
        lambda w: {
            "input": {
                "name": "T",
                "externalIds": _UUIDS,
                "accountId": w.client.account_id,
            }
        },
    ),
    "createLicensee": (
        False,
        LICENSEE,
        lambda w: {
            "input": {"buyerId": w.buyer, "sellerId": w.seller, "useBuyerAddress": True}
        },
    ),
    "createSeller": (
        True,
        SELLER,
        lambda w: {"input": {"name": "S", "currencies": ["EUR"]}},
    ),
    "createUserGroup": (
        False,
        USER_GROUP,
        lambda w: {
            "input": {"name": "G", "accountId": w.client.account_id, "moduleIds": []}
        },
    ),
    "updateAccount": (
        False,
        ACCOUNT,
        lambda w: {"id": w.client.account_id, "input": {"name": "A"}},
    ),
    "updateBuyer": (
        False,
        BUYER,
        lambda w: {"id": w.buyer, "input": {"name": "B", "address": ADDRESS}},
    ),
    "updateApiToken": (
        False,
        API_TOKEN,
        lambda w: {"id": w.token, "input": {"name": "T"}},
    ),
    "updateCloudTenant": (
        True,
        CLOUD_TENANT,
        lambda w: {"id": w.tenant, "input": {"name": "T"}},
    ),
    "updateErpLink": (True, ERP_LINK, lambda w: {"id": w.erp_link, "input": {}}),
    "updateLicensee": (False, LICENSEE, lambda w: {"id": w.licensee, "input": {}}),
    "updateSeller": (
        True,
        SELLER,
        lambda w: {"id": w.seller, "input": {"name": "S", "currencies": ["EUR"]}},
    ),
    "updateUser": (False, USER, lambda w: {"id": w.user, "input": {}}),
    "updateUserGroup": (
        False,
        USER_GROUP,
        lambda w: {"id": w.group, "input": {"name": "G", "moduleIds": []}},
    ),
}

LONG = "x" * 501
_CH = {**ADDRESS, "country": "Switzerland"}
_XX = {**ADDRESS, "country": "XX"}
_PYRA = {"pyraTenantId": "x"}
_CULTURE = {"cultureCode": "de-CH-x"}
# (mutation, what the input changes, the path the refusal must name below `input`)
CASES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("createAccount", {"name": LONG}, ("name",)),
    ("createAccount", {"technicalSupportEmail": "@x"}, ("technicalSupportEmail",)),
    (
        "createAccount",
        {"address": {**ADDRESS, "country": "XX"}},
        ("address", "country"),
    ),
    (
        "createAccount",
        {"externalIds": {"pyraTenantId": "x"}},
        ("externalIds", "pyraTenantId"),
    ),
    ("createAccountUser", {"user": {**_PERSON, "email": "bad"}}, ("user", "email")),
    ("createAccountUser", {"groupIds": []}, ("groupIds",)),
    ("createAccountUser", {"groupIds": ["UGR-0000-0000"]}, ("groupIds", "0")),
    ("createAccountUser", {"groupIds": ["FOREIGN-GROUP"]}, ("groupIds", "0")),
    ("createApiToken", {"moduleIds": ["MOD-0000"]}, ("moduleIds", "0")),
    ("createApiToken", {"accountId": "ACC-0000-0000"}, ("accountId",)),
    ("createBuyer", {"name": LONG}, ("name",)),
    ("createBuyer", {"taxId": "1" * 19}, ("taxId",)),
    ("createBuyer", {"address": {**ADDRESS, "country": "ch"}}, ("address", "country")),
    ("createBuyer", {"contact": {"email": "nope"}}, ("contact", "email")),
    ("createBuyer", {"accountId": "ACC-0000-0000"}, ("accountId",)),
    ("createCloudTenant", {"name": "x" * 101}, ("name",)),
    ("createCloudTenant", {"accountId": "ACC-0000-0000"}, ("accountId",)),
    ("createLicensee", {"name": LONG}, ("name",)),
    ("createLicensee", {"useBuyerAddress": False}, ("address",)),
    ("createLicensee", {"contact": {"email": "nope"}}, ("contact", "email")),
    ("createLicensee", {"sellerId": "SEL-0000-0000"}, ("sellerId",)),
    ("createLicensee", {"buyerId": "FOREIGN-BUYER"}, ("buyerId",)),
    ("createSeller", {"currencies": []}, ("currencies",)),
    ("createSeller", {"name": LONG}, ("name",)),
    ("createSeller", {"address": _XX}, ("address", "country")),
    ("createUserGroup", {"moduleIds": ["MOD-0000"]}, ("moduleIds", "0")),
    ("createUserGroup", {"buyerIds": ["FOREIGN-BUYER"]}, ("buyerIds", "0")),
    ("updateAccount", {"name": LONG}, ("name",)),
    ("updateAccount", {"website": "x" * 2001}, ("website",)),
    ("updateAccount", {"technicalSupportEmail": "nope"}, ("technicalSupportEmail",)),
    ("updateBuyer", {"taxId": "1" * 19}, ("taxId",)),
    ("updateBuyer", {"address": _CH}, ("address", "country")),
    ("updateApiToken", {"name": ""}, ("name",)),
    ("updateApiToken", {"moduleIds": ["MOD-0000"]}, ("moduleIds", "0")),
    ("updateCloudTenant", {"name": "x" * 101}, ("name",)),
    ("updateErpLink", {"address": _CH}, ("address", "country")),
    ("updateLicensee", {"name": LONG}, ("name",)),
    ("updateLicensee", {"contact": {"email": "nope"}}, ("contact", "email")),
    ("updateSeller", {"currencies": []}, ("currencies",)),
    ("updateUser", {"firstName": ""}, ("firstName",)),
    ("updateUser", {"phone": {"prefix": "+" * 11, "number": "1"}}, ("phone", "prefix")),
    (
        "updateUser",
        {"settings": {"cultureCode": "de-CH-x"}},
        ("settings", "cultureCode"),
    ),
    ("updateUserGroup", {"name": ""}, ("name",)),
    ("updateUserGroup", {"moduleIds": ["MOD-0000"]}, ("moduleIds", "0")),
]


def _foreign(value: Any, world: World) -> Any:
    """Put the other account's objects where a case names them."""
    ids = {"FOREIGN-BUYER": world.foreign_buyer, "FOREIGN-GROUP": world.foreign_group}
    if isinstance(value, list):
        return [_foreign(v, world) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value


def test_every_create_and_update_has_a_case() -> None:
    assert {mutation for mutation, _, _ in CASES} == set(VALID)


@pytest.mark.parametrize(
    ("mutation", "changes", "path"),
    CASES,
    ids=[f"{m}-{'.'.join(p)}" for m, _, p in CASES],
)
def test_invalid_input_is_refused_naming_its_path_and_stores_nothing(
    mutation: str,
    changes: dict[str, Any],
    path: tuple[str, ...],
    gql: GraphQLClient,
    world: World,
    sandbox_app: Any,
) -> None:
    as_operations, table, valid = VALID[mutation]
    variables = valid(world)
    variables["input"] = {
        **variables["input"],
        **{k: _foreign(v, world) for k, v in changes.items()},
    }
    token = world.ops if as_operations else world.client.token
    store = store_of(sandbox_app)
    before = snapshot(store, table)

    body = mutate(gql, token, mutation, "errors { message field code }", **variables)

    errors = refused(body, mutation)
    assert [(e["field"], e["code"]) for e in errors] == [(["input", *path], "INVALID")]
    assert snapshot(store, table) == before
