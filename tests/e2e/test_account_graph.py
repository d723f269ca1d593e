"""The nested account graph through the facade, checked against the sandbox's REST
answers, with the upstream cost each query reports."""

from typing import Any

import httpx

from tests.conftest import GraphQLClient, auth

WALK = """
query Walk($first: Int!) {
  accounts(first: $first, orderBy: [{field: NAME}]) {
    totalCount
    nodes {
      id
      name
      users { id user { id name email } groups { id name } }
      buyers {
        id
        name
        sellers { id name }
        erpLinks { id name seller { id name externalId status } }
      }
    }
  }
}
"""
# accounts, users, user, groups, buyers, sellers, erpLinks, seller
WALK_RELATION_FIELDS = 8


def _rest_list(rest: httpx.Client, token: str, path: str, rql: str) -> list[Any]:
    response = rest.get(f"{path}?{rql}&limit=100", headers=auth(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["$meta"]["pagination"]["total"] <= 100
    data: list[Any] = body["data"]
    return data


def test_nested_walk_matches_rest_answers(
    gql: GraphQLClient, rest: httpx.Client, tokens: dict[str, str]
) -> None:
    token = tokens["Operations"]

    body = gql(WALK, token, {"first": 5})

    assert "errors" not in body
    accounts = body["data"]["accounts"]["nodes"]
    assert len(accounts) == 5
    for account in accounts:
        members = _rest_list(
            rest, token, "/account-users", f"eq(account.id,'{account['id']}')"
        )
        assert {u["user"]["id"] for u in account["users"]} == {
            m["user"]["id"] for m in members
        }
        by_user = {m["user"]["id"]: m for m in members}
        for member in account["users"]:
            expected = by_user[member["user"]["id"]]
            assert member["user"]["email"] == expected["user"]["email"]
            assert {g["id"] for g in member["groups"]} == {
                g["id"] for g in expected["groups"]
            }
        buyers = _rest_list(
            rest, token, "/buyers", f"eq(account.id,'{account['id']}')&select=+sellers"
        )
        assert {b["id"] for b in account["buyers"]} == {b["id"] for b in buyers}
        for buyer in account["buyers"]:
            links = _rest_list(
                rest, token, "/erp-links", f"eq(buyer.id,'{buyer['id']}')"
            )
            assert {link["id"] for link in buyer["erpLinks"]} == {
                link["id"] for link in links
            }
            sellers = {link["seller"]["id"] for link in links}
            assert {link["seller"]["id"] for link in buyer["erpLinks"]} == sellers
            assert {s["id"] for s in buyer["sellers"]} == sellers


def test_nested_walk_costs_the_same_for_5_and_15_accounts(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    small = gql(WALK, tokens["Operations"], {"first": 5})
    # 15 accounts with two levels of lists below stay within the default cost
    # budget (50 would not: see tests/e2e/test_query_limits.py).
    large = gql(WALK, tokens["Operations"], {"first": 15})

    assert len(large["data"]["accounts"]["nodes"]) > len(
        small["data"]["accounts"]["nodes"]
    )
    cost = small["extensions"]["upstream"]["requests"]
    assert large["extensions"]["upstream"]["requests"] == cost
    assert 1 <= cost <= WALK_RELATION_FIELDS


def test_client_sees_only_its_own_account(
    gql: GraphQLClient, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    body = gql(
        "{ accounts { totalCount nodes { id } } buyers(first: 100) "
        "{ totalCount nodes { id account { id } } } }",
        tokens["Client"],
    )

    assert "errors" not in body
    assert body["data"]["accounts"]["totalCount"] == 1
    assert body["data"]["accounts"]["nodes"][0]["id"] == demo_accounts["Client"]
    buyers = body["data"]["buyers"]["nodes"]
    assert buyers
    assert {b["account"]["id"] for b in buyers} == {demo_accounts["Client"]}


def test_foreign_buyer_is_null_with_not_found_for_a_client(
    gql: GraphQLClient,
    rest: httpx.Client,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    foreign = _rest_list(
        rest,
        tokens["Operations"],
        "/buyers",
        f"ne(account.id,'{demo_accounts['Client']}')",
    )[0]["id"]

    body = gql(
        "query($id: ID!) { buyer(id: $id) { id name } accounts { totalCount } }",
        tokens["Client"],
        {"id": foreign},
    )

    assert body["data"]["buyer"] is None
    assert body["data"]["accounts"]["totalCount"] == 1
    [error] = body["errors"]
    assert error["path"] == ["buyer"]
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_vendor_is_refused_buyers_before_any_upstream_request(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql("{ buyers { totalCount } }", tokens["Vendor"])

    assert body["data"] == {"buyers": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["extensions"]["upstream"]["requests"] == 0


def test_a_refused_root_field_leaves_its_siblings_intact(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql("{ buyers { totalCount } accounts { totalCount } }", tokens["Vendor"])

    assert body["data"] == {"buyers": None, "accounts": {"totalCount": 1}}
    [error] = body["errors"]
    assert error["path"] == ["buyers"]


def test_no_token_is_unauthenticated_without_upstream_request(
    gql: GraphQLClient,
) -> None:
    body = gql("{ accounts { totalCount } }")

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["extensions"]["upstream"]["requests"] == 0


def test_aliased_lookups_cost_one_request(
    gql: GraphQLClient, rest: httpx.Client, tokens: dict[str, str]
) -> None:
    ids = [
        b["id"]
        for b in _rest_list(rest, tokens["Operations"], "/buyers", "order=name")[:3]
    ]
    ids = [*ids, ids[0], ids[1]]
    fields = " ".join(
        f'b{i}: buyer(id: "{bid}") {{ id name }}' for i, bid in enumerate(ids)
    )

    body = gql(f"{{ {fields} }}", tokens["Operations"])

    assert "errors" not in body
    assert [body["data"][f"b{i}"]["id"] for i in range(len(ids))] == ids
    assert body["extensions"]["upstream"]["requests"] == 1


def test_a_count_alone_fetches_no_objects(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql("{ licensees { totalCount } }", tokens["Operations"])

    assert body["data"]["licensees"]["totalCount"] > 100
    assert body["extensions"]["upstream"]["requests"] == 1
    assert body["extensions"]["upstream"]["bytes"] < 400
