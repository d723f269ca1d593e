"""A client may change only what belongs to its own account.

The Client demo token acts on objects of another (scratch) client account: each
change answers a top-level NOT_FOUND, and Operations reads the object unchanged
over REST afterwards.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    ADDRESS,
    PNG,
    Caller,
    mutate,
    rest_get,
    scratch_caller,
    top_code,
    upload,
)
from tests.sandbox.factories import (
    forgotten,
    invite,
    link,
    new_buyer,
    new_group,
    new_licensee,
    new_seller,
    new_token,
    store_of,
)


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@dataclass
class Foreign:
    """Objects of another client account, made once for the module."""

    rest: httpx.Client
    ops: dict[str, str]
    owner: Caller
    app: Any

    def buyer(self) -> str:
        return str(new_buyer(self.rest, self.ops, self.owner.account_id)["id"])

    def licensee(self) -> str:
        buyer, seller = self.buyer(), str(new_seller(self.rest, self.ops)["id"])
        link(store_of(self.app), buyer, seller)
        return str(new_licensee(self.rest, self.ops, buyer, seller)["id"])

    def group(self) -> str:
        return str(new_group(self.rest, self.owner.headers)["id"])

    def user(self) -> str:
        group = self.group()
        return str(
            invite(self.rest, self.owner.headers, self.owner.account_id, group)["id"]
        )

    def token(self) -> str:
        return str(new_token(self.rest, self.owner.headers)["id"])


@dataclass(frozen=True)
class Case:
    """One mutation on a foreign object: its REST path, and its variables."""

    make: Callable[[Foreign], str]
    path: str
    variables: Callable[[str], dict[str, Any]]


_BUYER_INPUT = {"name": "Mine now", "address": ADDRESS}
CASES: dict[str, Case] = {
    "updateBuyer": Case(
        Foreign.buyer, "/buyers/{}", lambda i: {"id": i, "input": _BUYER_INPUT}
    ),
    "disableBuyer": Case(Foreign.buyer, "/buyers/{}", lambda i: {"id": i}),
    "updateLicensee": Case(
        Foreign.licensee, "/licensees/{}", lambda i: {"id": i, "input": {"name": "X"}}
    ),
    "disableLicensee": Case(Foreign.licensee, "/licensees/{}", lambda i: {"id": i}),
    "updateUserGroup": Case(
        Foreign.group,
        "/user-groups/{}",
        lambda i: {"id": i, "input": {"name": "Mine now", "moduleIds": []}},
    ),
    "deleteUserGroup": Case(Foreign.group, "/user-groups/{}", lambda i: {"id": i}),
    "updateUser": Case(
        Foreign.user, "/users/{}", lambda i: {"id": i, "input": {"firstName": "X"}}
    ),
    "setUserPassword": Case(
        Foreign.user, "/users/{}", lambda i: {"id": i, "password": "long-enough-pass"}
    ),
    "updateApiToken": Case(
        Foreign.token, "/api-tokens/{}", lambda i: {"id": i, "input": {"name": "X"}}
    ),
    "disableApiToken": Case(Foreign.token, "/api-tokens/{}", lambda i: {"id": i}),
    "deleteApiToken": Case(Foreign.token, "/api-tokens/{}", lambda i: {"id": i}),
}
UPLOADS: dict[str, Case] = {
    "uploadBuyerIcon": Case(Foreign.buyer, "/buyers/{}", lambda i: {}),
    "uploadLicenseeIcon": Case(Foreign.licensee, "/licensees/{}", lambda i: {}),
}


@pytest.fixture(scope="module")
def foreign(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Foreign:
    ops = auth(tokens["Operations"])
    return Foreign(
        rest, ops, scratch_caller(rest, ops, sandbox_app, "Client"), sandbox_app
    )


def _seen(rest: httpx.Client, foreign: Foreign, path: str) -> dict[str, Any]:
    """The object as Operations reads it, with its audit and state."""
    kept = "+audit" if path.startswith("/user-groups") else "+status,+audit"
    return rest_get(rest, foreign.ops, f"{path}?select={kept}")


@pytest.mark.parametrize("mutation", sorted(CASES))
def test_client_changing_another_accounts_object_gets_not_found(
    mutation: str,
    gql: GraphQLClient,
    rest: httpx.Client,
    tokens: dict[str, str],
    foreign: Foreign,
) -> None:
    case = CASES[mutation]
    object_id = case.make(foreign)
    path = case.path.format(object_id)
    before = _seen(rest, foreign, path)
    variables = case.variables(object_id)

    body = mutate(gql, tokens["Client"], mutation, "errors { code }", **variables)

    assert body["data"][mutation] is None
    assert top_code(body) == "NOT_FOUND"
    assert _seen(rest, foreign, path) == before


@pytest.mark.parametrize("mutation", sorted(UPLOADS))
def test_client_uploading_another_accounts_icon_gets_not_found(
    mutation: str,
    gql: GraphQLClient,
    rest: httpx.Client,
    tokens: dict[str, str],
    foreign: Foreign,
    sandbox_app: Any,
) -> None:
    case = UPLOADS[mutation]
    object_id = case.make(foreign)
    path = case.path.format(object_id)
    before = _seen(rest, foreign, path)

    body = upload(gql, tokens["Client"], mutation, "errors { code }", object_id, PNG)

    assert top_code(body) == "NOT_FOUND"
    assert _seen(rest, foreign, path) == before
    collection = path.split("/")[1]
    assert store_of(sandbox_app).get_icon(collection, object_id) is None
