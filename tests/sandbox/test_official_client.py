"""The official `mpt_api_client` reads every accounts collection from the sandbox.

The client is pointed at the sandbox's base URL with the Operations demo token and
used exactly as its documentation shows: pages, single objects, RQL filters,
`select`, `order_by` and `iterate`. Every URL it builds must be served.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from mpt_api_client import MPTClient
from mpt_api_client.auth import BearerTokenAuthentication
from mpt_api_client.rql import RQLQuery
from tests.conftest import auth

from accounts_graph.platform.resources import ACCOUNT_USER
from accounts_graph.sandbox.store import Store


@dataclass(frozen=True)
class Target:
    """Where one membership lives: the account, the user and one of its groups."""

    account_id: str
    user_id: str
    group_id: str


@dataclass(frozen=True)
class Collection:
    """One collection the client offers, and its REST path on the sandbox."""

    service: Callable[[MPTClient, Target], Any]
    path: Callable[[Target], str]
    # A field every object shows by default, to filter on with RQLQuery.
    field: str


COLLECTIONS: dict[str, Collection] = {
    "accounts": Collection(
        lambda c, t: c.accounts.accounts, lambda t: "/accounts", "type"
    ),
    "users": Collection(lambda c, t: c.accounts.users, lambda t: "/users", "status"),
    "sellers": Collection(
        lambda c, t: c.accounts.sellers, lambda t: "/sellers", "externalId"
    ),
    "licensees": Collection(
        lambda c, t: c.accounts.licensees, lambda t: "/licensees", "buyer.id"
    ),
    "user_groups": Collection(
        lambda c, t: c.accounts.user_groups, lambda t: "/user-groups", "isDefault"
    ),
    "api_tokens": Collection(
        lambda c, t: c.accounts.api_tokens, lambda t: "/api-tokens", "status"
    ),
    "modules": Collection(
        lambda c, t: c.accounts.modules, lambda t: "/modules", "paid"
    ),
    "cloud_tenants": Collection(
        lambda c, t: c.accounts.cloud_tenants, lambda t: "/cloud-tenants", "type"
    ),
    "buyers": Collection(
        lambda c, t: c.accounts.buyers, lambda t: "/buyers", "account.id"
    ),
    "erp_links": Collection(
        lambda c, t: c.accounts.erp_links, lambda t: "/erp-links", "status"
    ),
    "account_users": Collection(
        lambda c, t: c.accounts.accounts.users(t.account_id),
        lambda t: f"/{t.account_id}/users",
        "user.id",
    ),
    "account_user_groups": Collection(
        lambda c, t: c.accounts.accounts.users(t.account_id).groups(t.user_id),
        lambda t: f"/accounts/{t.account_id}/users/{t.user_id}/groups",
        "isDefault",
    ),
}
NAMES = sorted(COLLECTIONS)


@pytest.fixture(scope="module")
def mpt(sandbox_url: str, tokens: dict[str, str]) -> Iterator[MPTClient]:
    client = MPTClient.from_config(
        BearerTokenAuthentication(tokens["Operations"]), sandbox_url, timeout=30
    )
    yield client
    client.http_client.httpx_client.close()


@pytest.fixture(scope="module")
def target(sandbox_app: Any, demo_accounts: dict[str, str]) -> Target:
    """A member of the Client demo account that belongs to at least one group."""
    store: Store = sandbox_app.state.sandbox.store
    members, _ = store.select(
        ACCOUNT_USER,
        "json_extract(t.doc, '$.account.id') = ? "
        "AND json_array_length(t.doc, '$.groups') > 0",
        [demo_accounts["Client"]],
        [],
        1,
        0,
    )
    member = members[0]
    return Target(
        member["account"]["id"], member["user"]["id"], member["groups"][0]["id"]
    )


def _rest_total(
    rest: httpx.Client, tokens: dict[str, str], path: str, rql: str = ""
) -> int:
    query = "&".join(["limit=0", *([rql] if rql else [])])
    response = rest.get(f"{path}?{query}", headers=auth(tokens["Operations"]))
    assert response.status_code == 200, response.text[:500]
    total: int = response.json()["$meta"]["pagination"]["total"]
    return total


def _value(item: Any, dotted: str) -> Any:
    value = item.to_dict()
    for part in dotted.split("."):
        value = value[part]
    return value


def _rest_literal(value: Any) -> str:
    """Spell a value as RQL differently from the client: double quotes, bare bools."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'


@pytest.mark.parametrize("name", NAMES)
def test_client_fetches_a_page_with_the_rest_total(
    name: str,
    mpt: MPTClient,
    target: Target,
    rest: httpx.Client,
    tokens: dict[str, str],
) -> None:
    collection = COLLECTIONS[name]
    total = _rest_total(rest, tokens, collection.path(target))

    page = collection.service(mpt, target).fetch_page(limit=5)

    assert total > 0
    assert page.meta.pagination.total == total
    assert page.meta.pagination.limit == 5
    assert len(page) == min(5, total)
    assert all(item.id for item in page)


@pytest.mark.parametrize("name", NAMES)
def test_client_gets_one_object_by_id(
    name: str, mpt: MPTClient, target: Target
) -> None:
    service = COLLECTIONS[name].service(mpt, target)
    listed = service.fetch_page(limit=1)[0]

    got = service.get(listed.id)
    audited = service.get(listed.id, select=["+audit"])

    assert got.id == audited.id == listed.id
    # A single object's `$meta` is read into `.meta` by the client, not kept.
    assert got.to_dict() == {k: v for k, v in listed.to_dict().items() if k != "$meta"}
    assert "audit" not in got.to_dict()
    assert audited.to_dict()["audit"]["created"]["at"]


@pytest.mark.parametrize("name", NAMES)
def test_client_filters_by_id_with_rqlquery(
    name: str, mpt: MPTClient, target: Target
) -> None:
    service = COLLECTIONS[name].service(mpt, target)
    last = service.order_by("-id").fetch_page(limit=1)[0]

    found = service.filter(RQLQuery(id=last.id)).fetch_one()

    assert found.id == last.id


@pytest.mark.parametrize("name", NAMES)
def test_client_filters_by_field_with_rqlquery(
    name: str,
    mpt: MPTClient,
    target: Target,
    rest: httpx.Client,
    tokens: dict[str, str],
) -> None:
    collection = COLLECTIONS[name]
    service = collection.service(mpt, target)
    value = _value(service.fetch_page(limit=1)[0], collection.field)
    rql = RQLQuery(**{collection.field.replace(".", "__"): value})
    expected = _rest_total(
        rest,
        tokens,
        collection.path(target),
        f"eq({collection.field},{_rest_literal(value)})",
    )

    found = list(service.filter(rql).iterate())

    assert expected > 0
    assert len(found) == expected
    assert all(_value(item, collection.field) == value for item in found)


@pytest.mark.parametrize("name", NAMES)
def test_client_selects_audit_on_lists(
    name: str, mpt: MPTClient, target: Target
) -> None:
    service = COLLECTIONS[name].service(mpt, target)

    plain = service.fetch_page(limit=3)
    selected = service.select("+audit").fetch_page(limit=3)

    assert "audit" in plain.meta.omitted
    assert "audit" not in selected.meta.omitted
    assert all("audit" not in item.to_dict() for item in plain)
    assert all(item.to_dict()["audit"]["created"]["at"] for item in selected)
    assert [i.id for i in selected] == [i.id for i in plain]


@pytest.mark.parametrize("name", NAMES)
def test_client_orders_by_id_descending(
    name: str, mpt: MPTClient, target: Target
) -> None:
    service = COLLECTIONS[name].service(mpt, target)

    ids = [item.id for item in service.order_by("-id").fetch_page(limit=5)]

    assert ids
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("name", NAMES)
def test_client_iterates_over_every_object(
    name: str,
    mpt: MPTClient,
    target: Target,
    rest: httpx.Client,
    tokens: dict[str, str],
) -> None:
    collection = COLLECTIONS[name]
    total = _rest_total(rest, tokens, collection.path(target))
    # Small pages make every collection span several; licensees are many already.
    batch_size = 100 if name == "licensees" else 7

    ids = [i.id for i in collection.service(mpt, target).iterate(batch_size=batch_size)]

    assert len(ids) == total
    assert len(set(ids)) == total


def test_client_lists_the_groups_of_a_member(mpt: MPTClient, target: Target) -> None:
    groups = mpt.accounts.accounts.users(target.account_id).groups(target.user_id)

    member = mpt.accounts.accounts.users(target.account_id).get(target.user_id)

    assert {g.id for g in groups.iterate()} == {g.id for g in member.groups}
    assert target.group_id in {g.id for g in member.groups}


def test_client_combines_filter_select_and_order(
    mpt: MPTClient, rest: httpx.Client, tokens: dict[str, str]
) -> None:
    query = RQLQuery(status="Active") & RQLQuery(name__ilike="*a*")
    service = mpt.accounts.buyers.filter(query).select("+status").order_by("-name")
    expected = _rest_total(
        rest, tokens, "/buyers", 'and(eq(status,"Active"),ilike(name,"*a*"))'
    )

    found = [item.to_dict() for item in service.iterate(batch_size=3)]

    assert 0 < len(found) == expected
    assert all(b["status"] == "Active" for b in found)
    names = [b["name"] for b in found]
    assert names == sorted(names, reverse=True)
