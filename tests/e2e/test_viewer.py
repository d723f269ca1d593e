"""`viewer` tells each caller who it is and what the matrix lets it do."""

import pytest

from accounts_graph.platform.capabilities import CAPABILITIES
from accounts_graph.platform.enums import Role
from tests.conftest import GraphQLClient

QUERY = "{ viewer { role capabilities { field allowed } } }"


@pytest.mark.parametrize("role", ["Client", "Vendor", "Operations", None])
def test_capabilities_equal_the_matrix_for_each_role(
    role: str | None, gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(QUERY, tokens[role] if role else None)

    assert "errors" not in body
    viewer = body["data"]["viewer"]
    as_role = Role(role) if role else Role.PUBLIC
    assert viewer["role"] == as_role.name
    assert {c["field"]: c["allowed"] for c in viewer["capabilities"]} == {
        c.graphql: c.allows(as_role) for c in CAPABILITIES
    }


def test_viewer_names_the_account_and_token(
    gql: GraphQLClient, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    body = gql(
        "{ viewer { account { id } apiToken { id } user { id } } }", tokens["Client"]
    )

    viewer = body["data"]["viewer"]
    assert viewer["account"]["id"] == demo_accounts["Client"]
    assert viewer["apiToken"]["id"] == tokens["Client"].split(":")[1]
    assert viewer["user"] is None


def test_can_answers_for_one_capability(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        '{ viewer { a: can(capability: "disableBuyer") '
        'b: can(capability: "createBuyer") } }',
        tokens["Client"],
    )

    assert body["data"]["viewer"] == {"a": True, "b": False}


def test_can_with_an_unknown_capability_is_bad_user_input(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql('{ viewer { can(capability: "flyToTheMoon") } }', tokens["Client"])

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
