"""The service as an Apollo Federation subgraph, asked directly as a gateway would:
`_entities` resolves references in batches under the caller's rights, and
`_service { sdl }` is what `export-schema --federation` prints."""

import subprocess
from typing import Any

from graphql import GraphQLObjectType, build_schema

from accounts_graph.graph.federation_sdl import FEDERATION_FIELDS, is_federation_type
from accounts_graph.graph.schema import schema
from tests.ecosystem.conftest import BIN, RecordedFacade

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Account { id name type }
    ... on Buyer { id name status }
    ... on Seller { id name }
    ... on Module { id name }
  }
}
"""


def _ids(recorded: RecordedFacade, token: str, collection: str, n: int) -> list[str]:
    query = (
        f"{{ {collection}(first: {n}, orderBy: [{{field: ID}}]) {{ nodes {{ id }} }} }}"
    )
    body = recorded.gql(query, token)
    return [node["id"] for node in body["data"][collection]["nodes"]]


def _entities(
    recorded: RecordedFacade, token: str | None, representations: list[Any]
) -> dict[str, Any]:
    recorded.recorder.seen.clear()
    return recorded.gql(ENTITIES, token, {"representations": representations})


def test_references_of_three_types_cost_one_request_per_type(
    recorded: RecordedFacade, tokens: dict[str, str]
) -> None:
    operations = tokens["Operations"]
    accounts = _ids(recorded, operations, "accounts", 5)
    buyers = _ids(recorded, operations, "buyers", 4)
    sellers = _ids(recorded, operations, "sellers", 3)
    representations = [
        *({"__typename": "Account", "id": i} for i in accounts),
        *({"__typename": "Buyer", "id": i} for i in buyers),
        *({"__typename": "Seller", "id": i} for i in sellers),
    ]

    body = _entities(recorded, operations, representations)

    assert "errors" not in body, body["errors"]
    found = body["data"]["_entities"]
    assert [(e["__typename"], e["id"]) for e in found] == [
        (r["__typename"], r["id"]) for r in representations
    ]
    assert all(entity["name"] for entity in found)
    assert body["extensions"]["upstream"]["requests"] == 3
    assert len(recorded.recorder.seen) == 3
    [account_query] = recorded.requests_to("accounts")
    assert all(i in account_query for i in accounts)
    assert account_query.startswith("in(id,")
    assert len(recorded.requests_to("buyers")) == 1
    assert len(recorded.requests_to("sellers")) == 1


def test_a_reference_answers_like_a_lookup_by_id(
    recorded: RecordedFacade, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    client = tokens["Client"]
    account = demo_accounts["Client"]

    entity = _entities(recorded, client, [{"__typename": "Account", "id": account}])
    lookup = recorded.gql(f'{{ account(id: "{account}") {{ id name type }} }}', client)

    [found] = entity["data"]["_entities"]
    assert found == {"__typename": "Account", **lookup["data"]["account"]}


def test_references_outside_the_callers_reach_are_null_and_not_found(
    recorded: RecordedFacade, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    others = [
        i
        for i in _ids(recorded, tokens["Operations"], "accounts", 4)
        if i != demo_accounts["Client"]
    ]
    representations = [
        {"__typename": "Account", "id": demo_accounts["Client"]},
        *({"__typename": "Account", "id": i} for i in others),
    ]

    body = _entities(recorded, tokens["Client"], representations)

    found = body["data"]["_entities"]
    assert found[0]["id"] == demo_accounts["Client"]
    assert found[1:] == [None] * len(others)
    assert sorted(e["path"][1] for e in body["errors"]) == list(
        range(1, len(representations))
    )
    assert {e["extensions"]["code"] for e in body["errors"]} == {"NOT_FOUND"}
    assert len(recorded.requests_to("accounts")) == 1


def test_a_type_the_role_may_not_read_is_forbidden_before_any_request(
    recorded: RecordedFacade, tokens: dict[str, str]
) -> None:
    [module] = _ids(recorded, tokens["Operations"], "modules", 1)

    body = _entities(
        recorded, tokens["Client"], [{"__typename": "Module", "id": module}]
    )

    assert body["data"]["_entities"] == [None]
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert recorded.recorder.seen == []


def test_a_reference_without_a_token_is_unauthenticated(
    recorded: RecordedFacade, demo_accounts: dict[str, str]
) -> None:
    body = _entities(
        recorded, None, [{"__typename": "Account", "id": demo_accounts["Client"]}]
    )

    assert body["data"]["_entities"] == [None]
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_malformed_representations_fail_alone_with_clear_errors(
    recorded: RecordedFacade, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    account = demo_accounts["Client"]
    representations: list[Any] = [
        {"__typename": "Account", "id": account},
        {"__typename": "Account", "id": "BUY-3931-5076"},  # a buyer's id
        {"__typename": "Account", "id": "ACC-0000-0000"},  # unknown
        {"__typename": "Account"},  # no id
        {"__typename": "Account", "id": 7},  # not a platform id
        {"__typename": "Viewer", "id": account},  # not an entity
        {"__typename": "Nothing", "id": account},  # no such type
        {"id": account},  # no type
        "ACC-4402-1307",  # not an object
    ]

    body = _entities(recorded, tokens["Operations"], representations)

    found = body["data"]["_entities"]
    assert found[0] == {
        "__typename": "Account",
        "id": account,
        "name": found[0]["name"],
        "type": "CLIENT",
    }
    assert found[1:] == [None] * 8
    codes = {e["path"][1]: e["extensions"]["code"] for e in body["errors"]}
    assert codes == {
        1: "NOT_FOUND",
        2: "NOT_FOUND",
        **dict.fromkeys(range(3, 9), "BAD_USER_INPUT"),
    }
    messages = {e["path"][1]: e["message"] for e in body["errors"]}
    assert "needs its platform id" in messages[3]
    assert "`__typename` of an entity: Account, ApiToken, Buyer" in messages[5]
    # Only the well-formed account ids went upstream, in one request.
    [query] = recorded.requests_to("accounts")
    assert "ACC-0000-0000" in query
    assert "BUY-3931-5076" not in query


def test_service_sdl_is_the_exported_subgraph_sdl(
    recorded: RecordedFacade, tokens: dict[str, str]
) -> None:
    exported = subprocess.run(
        [str(BIN / "accounts-graph"), "export-schema", "--federation"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    body = recorded.gql("{ _service { sdl } }", tokens["Client"])

    sdl = body["data"]["_service"]["sdl"]
    assert exported == sdl + "\n"
    assert sdl.startswith(
        'schema @link(url: "https://specs.apollo.dev/federation/v2.0", '
        'import: ["@key"])'
    )
    keyed = {
        line.split()[1] for line in sdl.splitlines() if '@key(fields: "id")' in line
    }
    assert keyed == set(schema.entity_names)
    assert keyed == {
        "Account",
        "ApiToken",
        "Buyer",
        "CloudTenant",
        "ErpLink",
        "Licensee",
        "Module",
        "Seller",
        "User",
        "UserGroup",
    }


def test_api_schema_is_the_served_schema_without_federation() -> None:
    exported = subprocess.run(
        [str(BIN / "accounts-graph"), "export-schema"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # It stands alone: no directive or type it uses is left undefined.
    api = build_schema(exported)

    served = schema._schema.type_map
    assert set(api.type_map) == {n for n in served if not is_federation_type(n)}
    for name, kind in served.items():
        if isinstance(kind, GraphQLObjectType) and not is_federation_type(name):
            api_kind = api.type_map[name]
            assert isinstance(api_kind, GraphQLObjectType)
            assert set(api_kind.fields) == set(kind.fields) - FEDERATION_FIELDS
    assert "@key" not in exported
    assert "_entities" not in exported
