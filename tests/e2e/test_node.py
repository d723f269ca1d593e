"""`node(id)` finds an object of every type by its id alone."""

import httpx
import pytest

from tests.conftest import GraphQLClient, auth

COLLECTIONS = {
    "Account": "/accounts",
    "AccountUser": "/account-users",
    "ApiToken": "/api-tokens",
    "Buyer": "/buyers",
    "CloudTenant": "/cloud-tenants",
    "ErpLink": "/erp-links",
    "Licensee": "/licensees",
    "Module": "/modules",
    "Seller": "/sellers",
    "User": "/users",
    "UserGroup": "/user-groups",
}


@pytest.mark.parametrize("typename", sorted(COLLECTIONS))
def test_node_resolves_each_type(
    typename: str, gql: GraphQLClient, rest: httpx.Client, tokens: dict[str, str]
) -> None:
    listed = rest.get(
        COLLECTIONS[typename] + "?limit=1", headers=auth(tokens["Operations"])
    ).json()["data"][0]

    body = gql(
        "query($id: ID!) { node(id: $id) { __typename id } }",
        tokens["Operations"],
        {"id": listed["id"]},
    )

    assert "errors" not in body
    assert body["data"]["node"] == {"__typename": typename, "id": listed["id"]}


def test_node_with_a_malformed_id_is_bad_user_input(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql('{ node(id: "nonsense") { id } }', tokens["Operations"])

    assert body["data"]["node"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_node_with_a_pasted_token_does_not_quote_its_secret(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    token = tokens["Client"]

    body = gql("query($id: ID!) { node(id: $id) { id } }", token, {"id": token})

    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert token.rsplit(":", 1)[1] not in error["message"]
    assert "[redacted]" in error["message"]


def test_seller_erp_link_is_null_when_the_platform_gives_none(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        "{ sellers(first: 3) { nodes { id erpLink { id } } } }", tokens["Operations"]
    )

    assert "errors" not in body
    assert all(n["erpLink"] is None for n in body["data"]["sellers"]["nodes"])


_LEAN = "fragment F on Buyer { id account { name } }"
# Each query reads a buyer's account twice: `lean` through the fragment alone,
# `rich` through the same fragment merged with more fields of the account.
_MERGED = {
    "node": '{lean: node(id: "$B") { ...F } rich: node(id: "$B") { ...F '
    "... on Buyer { account { address { city } description } } } }",
    "list under node": '{lean: node(id: "$A") { ... on Account { buyers { ...F } } } '
    'rich: node(id: "$A") { ... on Account { buyers { ...F '
    "account { address { city } description } } } } }",
    "under @include": '{lean: buyer(id: "$B") { ... @include(if: true) { ...F } } '
    'rich: buyer(id: "$B") { ... @include(if: true) { ...F } '
    "account { address { city } description } } }",
}


@pytest.mark.parametrize("shape", sorted(_MERGED))
def test_a_fragment_merged_with_more_fields_answers_them_all(
    shape: str, gql: GraphQLClient, rest: httpx.Client, ops: str
) -> None:
    buyer = rest.get("/buyers?order=id&limit=1", headers=auth(ops)).json()["data"][0]
    query = (
        _MERGED[shape].replace("$B", buyer["id"]).replace("$A", buyer["account"]["id"])
    )
    rich_alone = query[: query.index("lean:")] + query[query.index("rich:") :]

    merged = gql(f"{query} {_LEAN}", ops)
    alone = gql(f"{rich_alone} {_LEAN}", ops)

    assert "errors" not in merged and "errors" not in alone
    assert merged["data"]["rich"] == alone["data"]["rich"]
    assert None not in _leaves(alone["data"]["rich"])


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]
