"""ERP link mutations end to end: update, block and unblock."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    ADDRESS,
    Caller,
    mutate,
    node,
    refuse,
    scratch_caller,
    succeed,
    top_code,
)
from tests.sandbox.factories import (
    forgotten,
    link,
    new_buyer,
    new_licensee,
    new_seller,
    store_of,
)

LINK = "erpLink { id status note address { city } }"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: str, sandbox_app: Any) -> Caller:
    return scratch_caller(rest, auth(ops), sandbox_app, "Client")


@pytest.fixture
def linked(
    rest: httpx.Client, ops: str, client: Caller, sandbox_app: Any
) -> tuple[str, str]:
    """An Active ERP link with an Active licensee under it: (link, licensee)."""
    buyer = new_buyer(rest, auth(ops), client.account_id)
    seller = new_seller(rest, auth(ops))
    link_id = link(store_of(sandbox_app), buyer["id"], seller["id"])
    licensee = new_licensee(rest, client.headers, buyer["id"], seller["id"])
    return link_id, str(licensee["id"])


def test_update_is_seen_by_operations(
    gql: GraphQLClient, ops: str, linked: tuple[str, str]
) -> None:
    link_id, _ = linked
    new = {"note": "Checked by hand.", "address": {**ADDRESS, "city": "Bern"}}

    payload = succeed(gql, ops, "updateErpLink", LINK, id=link_id, input=new)

    assert payload["erpLink"]["note"] == "Checked by hand."
    seen = node(gql, ops, "erpLink", link_id, "note address { city } status")
    assert seen == {
        "note": "Checked by hand.",
        "address": {"city": "Bern"},
        "status": "ACTIVE",
    }


def test_block_then_unblock_moves_the_licensee_with_the_link(
    gql: GraphQLClient, ops: str, client: Caller, linked: tuple[str, str]
) -> None:
    link_id, licensee_id = linked

    blocked = succeed(gql, ops, "blockErpLink", LINK, id=link_id)
    while_blocked = node(gql, client.token, "licensee", licensee_id, "status")
    unblocked = succeed(gql, ops, "unblockErpLink", LINK, id=link_id)

    assert blocked["erpLink"]["status"] == "BLOCKED"
    assert while_blocked == {"status": "ENABLED"}
    assert unblocked["erpLink"]["status"] == "ACTIVE"
    assert node(gql, ops, "erpLink", link_id, "status") == {"status": "ACTIVE"}
    assert node(gql, client.token, "licensee", licensee_id, "status") == {
        "status": "ACTIVE"
    }


@pytest.mark.parametrize(
    ("blocked", "action"), [(False, "unblockErpLink"), (True, "blockErpLink")]
)
def test_refused_transition_leaves_the_link_unchanged(
    blocked: bool,
    action: str,
    gql: GraphQLClient,
    ops: str,
    linked: tuple[str, str],
) -> None:
    link_id, _ = linked
    if blocked:
        succeed(gql, ops, "blockErpLink", LINK, id=link_id)
    seen = "status note audit { updated { at } }"
    before = node(gql, ops, "erpLink", link_id, seen)

    [error] = refuse(gql, ops, action, LINK, id=link_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert node(gql, ops, "erpLink", link_id, seen) == before


def test_client_may_not_block_its_own_link(
    gql: GraphQLClient, ops: str, client: Caller, linked: tuple[str, str]
) -> None:
    link_id, _ = linked

    body = mutate(gql, client.token, "blockErpLink", LINK, id=link_id)

    assert top_code(body) == "FORBIDDEN"
    assert node(gql, ops, "erpLink", link_id, "status") == {"status": "ACTIVE"}
