"""Account mutations end to end: each change is seen by a following query."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import ACCOUNT
from tests.conftest import GraphQLClient, auth
from tests.e2e.mutation_cases import (
    ADDRESS,
    mutate,
    node,
    refuse,
    scratch_caller,
    succeed,
    top_code,
)
from tests.sandbox.factories import forgotten, new_account, set_status, store_of

FIELDS = "account { id name status type externalId }"


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture
def account_id(rest: httpx.Client, ops: str) -> str:
    """An Enabled client account without a CDG."""
    return str(new_account(rest, auth(ops))["id"])


def _status(gql: GraphQLClient, token: str, account_id: str) -> str:
    return str(node(gql, token, "account", account_id, "status")["status"])


def test_create_account_is_seen_by_a_query(gql: GraphQLClient, ops: str) -> None:
    new = {
        "name": "Created Co",
        "type": "VENDOR",
        "serviceLevel": "ELITE",
        "address": ADDRESS,
        "website": "https://created.example",
        "technicalSupportEmail": "help@created.example",
    }

    account = succeed(gql, ops, "createAccount", FIELDS, input=new)["account"]

    assert (account["type"], account["status"]) == ("VENDOR", "ACTIVE")
    seen = node(
        gql, ops, "account", account["id"], "name website address { city } status"
    )
    assert seen == {
        "name": "Created Co",
        "website": "https://created.example",
        "address": {"city": "Zurich"},
        "status": "ACTIVE",
    }


def test_update_by_a_client_of_its_own_account_is_seen(
    gql: GraphQLClient, rest: httpx.Client, ops: str, sandbox_app: Any
) -> None:
    client = scratch_caller(rest, auth(ops), sandbox_app, "Client")
    new = {"name": "Renamed Co", "description": "Now with a description."}

    payload = succeed(
        gql, client.token, "updateAccount", FIELDS, id=client.account_id, input=new
    )

    assert payload["account"]["name"] == "Renamed Co"
    seen = node(gql, client.token, "account", client.account_id, "name description")
    assert seen == {"name": "Renamed Co", "description": "Now with a description."}


def test_disable_then_enable(gql: GraphQLClient, ops: str, account_id: str) -> None:
    disabled = succeed(gql, ops, "disableAccount", FIELDS, id=account_id)
    after_disable = _status(gql, ops, account_id)
    enabled = succeed(gql, ops, "enableAccount", FIELDS, id=account_id)

    assert disabled["account"]["status"] == after_disable == "DISABLED"
    assert enabled["account"]["status"] == "ENABLED"
    assert _status(gql, ops, account_id) == "ENABLED"


def test_activate_then_deactivate(
    gql: GraphQLClient, ops: str, account_id: str
) -> None:
    new = {"externalId": "CDG-GQL-1", "name": "Activated Co"}

    activated = succeed(gql, ops, "activateAccount", FIELDS, id=account_id, input=new)
    seen = node(gql, ops, "account", account_id, "status externalId name")
    deactivated = succeed(gql, ops, "deactivateAccount", FIELDS, id=account_id)

    assert activated["account"]["status"] == "ACTIVE"
    assert seen == {"status": "ACTIVE", "externalId": "CDG-GQL-1", "name": new["name"]}
    assert deactivated["account"]["status"] == "ENABLED"
    seen = node(gql, ops, "account", account_id, "status externalId")
    assert seen == {"status": "ENABLED", "externalId": None}


@pytest.mark.parametrize("action", ["enableAccount", "deactivateAccount"])
def test_action_refused_from_enabled_leaves_the_account_unchanged(
    action: str, gql: GraphQLClient, ops: str, account_id: str
) -> None:
    seen = "status name audit { updated { at } }"
    before = node(gql, ops, "account", account_id, seen)

    [error] = refuse(gql, ops, action, FIELDS, id=account_id)

    assert (error["code"], error["field"]) == ("INVALID_STATE", None)
    assert node(gql, ops, "account", account_id, seen) == before


def test_vendor_disables_its_own_account(
    gql: GraphQLClient, rest: httpx.Client, ops: str, sandbox_app: Any
) -> None:
    vendor = scratch_caller(rest, auth(ops), sandbox_app, "Vendor")

    payload = succeed(gql, vendor.token, "disableAccount", FIELDS, id=vendor.account_id)

    assert payload["account"]["status"] == "DISABLED"
    assert _status(gql, ops, vendor.account_id) == "DISABLED"
    # A disabled account's users may not sign in until it is enabled again.
    assert top_code(gql("{ accounts { totalCount } }", vendor.token)) == (
        "UNAUTHENTICATED"
    )
    succeed(gql, ops, "enableAccount", FIELDS, id=vendor.account_id)
    assert _status(gql, vendor.token, vendor.account_id) == "ACTIVE"


def test_validate_reports_problems_and_changes_nothing(
    gql: GraphQLClient, ops: str, account_id: str, sandbox_app: Any
) -> None:
    store = store_of(sandbox_app)
    set_status(store, ACCOUNT, account_id, "Active")
    before = store.get(ACCOUNT, account_id)

    payload = succeed(
        gql,
        ops,
        "validateAccount",
        "account { id status } problems { id message parameters }",
        id=account_id,
    )

    assert payload["account"] == {"id": account_id, "status": "ACTIVE"}
    [problem] = payload["problems"]
    assert problem["parameters"] == {"field": "externalId"}
    assert store.get(ACCOUNT, account_id) == before


def test_validate_of_a_valid_account_reports_no_problem(
    gql: GraphQLClient, ops: str, account_id: str
) -> None:
    payload = succeed(
        gql, ops, "validateAccount", "problems { message }", id=account_id
    )

    assert payload["problems"] == []


def test_client_may_not_disable_its_own_account(
    gql: GraphQLClient, rest: httpx.Client, ops: str, sandbox_app: Any
) -> None:
    client = scratch_caller(rest, auth(ops), sandbox_app, "Client")

    body = mutate(gql, client.token, "disableAccount", FIELDS, id=client.account_id)

    assert top_code(body) == "FORBIDDEN"
    assert _status(gql, ops, client.account_id) == "ACTIVE"
