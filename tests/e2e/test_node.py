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


def test_seller_erp_link_is_null_when_the_platform_gives_none(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        "{ sellers(first: 3) { nodes { id erpLink { id } } } }", tokens["Operations"]
    )

    assert "errors" not in body
    assert all(n["erpLink"] is None for n in body["data"]["sellers"]["nodes"])
