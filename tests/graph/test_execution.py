"""The executor's short path answers exactly as graphql-core's own executor.

Each query runs twice over the same upstream: through the schema as served
(graph/execution.py, whose completers build prefetched subtrees in one loop)
and through the same schema with Strawberry's plain execution context. The two
answers must be the same JSON text: values, key order, errors with their
paths and locations. An odd upstream sends what the sandbox never does (a null
id, an object where a name goes): the short path then falls back, and the
error must still be graphql-core's, at graphql-core's path.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tests.servers import CANNED_TOKEN, canned_accounts_api, running

from accounts_graph.graph.context import Context
from accounts_graph.graph.execution import Execution
from accounts_graph.graph.identity import IdentityCache
from accounts_graph.graph.schema import Schema, build_schema
from accounts_graph.upstream.client import Session, build_http_client

SERVED = build_schema()
PLAIN = build_schema()
PLAIN.execution_context_class = StrawberryGraphQLCoreExecutionContext


async def _answer(
    schema: Schema,
    upstream: str,
    token: str,
    query: str,
    variables: dict[str, Any] | None = None,
) -> str:
    async with build_http_client(upstream) as http:
        context = Context(session=Session(http, token), identities=IdentityCache())
        result = await schema.execute(
            query, variable_values=variables, context_value=context
        )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return json.dumps(body)


async def _both(
    upstream: str, token: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The served answer, once it is checked to be graphql-core's, as JSON."""
    served = await _answer(SERVED, upstream, token, query, variables)
    plain = await _answer(PLAIN, upstream, token, query, variables)
    assert served == plain
    answer: dict[str, Any] = json.loads(served)
    return answer


NESTED = """
query Nested($first: Int!, $withBuyers: Boolean!, $skipGroups: Boolean!) {
  accounts(first: $first, orderBy: [{field: NAME}]) {
    __typename
    totalCount
    edges { cursor node { ...Org } }
    nodes {
      __typename
      id
      label: name
      status
      type
      address { city country }
      audit { created { at by { id name type } } }
      iconUrl
      users {
        id
        user { __typename id name email status phone { prefix number } }
        groups @skip(if: $skipGroups) { id name isDefault }
        member: user { email }
      }
      buyers @include(if: $withBuyers) {
        id
        ... on Buyer { status }
        erpLinks {
          id
          status
          seller { ...SellerState currencies }
          again: seller { id name }
        }
      }
    }
  }
}
fragment Org on Account { id ... on Node { ... on Account { name } } }
fragment SellerState on Seller { __typename id status externalId }
"""


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 15, "withBuyers": True, "skipGroups": False},
        {"first": 7, "withBuyers": False, "skipGroups": True},
    ],
)
async def test_a_nested_query_answers_as_graphql_core_does(
    sandbox_url: str, ops: str, variables: dict[str, Any]
) -> None:
    answer = await _both(sandbox_url, ops, NESTED, variables)

    assert "errors" not in answer
    page = answer["data"]["accounts"]
    nodes = page["nodes"]
    assert len(nodes) == variables["first"]
    assert [edge["node"]["id"] for edge in page["edges"]] == [n["id"] for n in nodes]
    assert {node["__typename"] for node in nodes} == {"Account"}
    # Enum members leave as their GraphQL names.
    assert {node["status"] for node in nodes} <= {"ACTIVE", "ENABLED", "DISABLED"}
    members = [member for node in nodes for member in node["users"]]
    assert members
    assert all(m["member"]["email"] == m["user"]["email"] for m in members)
    assert all(("groups" in m) is not variables["skipGroups"] for m in members)
    assert all(("buyers" in n) is variables["withBuyers"] for n in nodes)
    if variables["withBuyers"]:
        sellers = [
            link["seller"]
            for node in nodes
            for buyer in node["buyers"]
            for link in buyer["erpLinks"]
        ]
        assert sellers
        assert all(s["__typename"] == "Seller" for s in sellers)
        assert all(
            list(s) == ["__typename", "id", "status", "externalId", "currencies"]
            for s in sellers
        )


class _Counting(Execution):
    """The served executor, counting the fields graphql-core itself executes."""

    calls = 0

    def execute_field(
        self,
        parent_type: Any,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        type(self).calls += 1
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


async def test_prefetched_levels_are_completed_without_a_call_per_field(
    sandbox_url: str, ops: str
) -> None:
    walk = """
    query($first: Int!) { accounts(first: $first) { nodes {
      id name users { id user { id name email } groups { id name } }
      buyers { id name erpLinks { id name seller { id name status } } } } } }
    """
    counting = build_schema()
    counting.execution_context_class = _Counting
    calls = []
    for first in (3, 15):
        _Counting.calls = 0
        answer = json.loads(
            await _answer(counting, sandbox_url, ops, walk, {"first": first})
        )
        assert len(answer["data"]["accounts"]["nodes"]) == first
        calls.append(_Counting.calls)

    # The root field and `nodes` (a resolver), then the 21 fields of the first
    # object of each selection, which is completed the usual way (compiling
    # pays off only once a selection repeats); never one per further object.
    assert calls == [23, 23]


TOKEN = CANNED_TOKEN
ACCOUNTS = [{"id": "ACC-1111-0001", "name": "a"}, {"id": "ACC-1111-0002", "name": "b"}]
BUYERS = [
    {"id": "BUY-1111-0001", "name": "fine", "status": "Active"},
    # No id: null in `Buyer.id`, non-null, inside the non-null items of `buyers`.
    {"id": None, "name": "no id", "status": "Active"},
    # An object where the name goes: the String scalar refuses it.
    {"id": "BUY-1111-0003", "name": {"first": "x"}, "status": "Disabled"},
]
OWNERS = ["ACC-1111-0001", "ACC-1111-0001", "ACC-1111-0002"]


def _odd_upstream() -> Starlette:
    def page(data: list[dict[str, Any]]) -> JSONResponse:
        meta = {"pagination": {"offset": 0, "limit": 100, "total": len(data)}}
        return JSONResponse({"$meta": meta, "data": data})

    async def accounts(request: Request) -> JSONResponse:
        return page(ACCOUNTS)

    async def buyers(request: Request) -> JSONResponse:
        return page(
            [
                {**buyer, "account": {"id": owner}}
                for buyer, owner in zip(BUYERS, OWNERS, strict=True)
            ]
        )

    return canned_accounts_api(accounts, buyers)


@pytest.fixture(scope="module")
def odd_upstream() -> Iterator[str]:
    with running(_odd_upstream()) as url:
        yield url


async def test_a_null_in_a_non_null_field_of_a_prefetched_list_nulls_the_list(
    odd_upstream: str,
) -> None:
    answer = await _both(
        odd_upstream,
        TOKEN,
        "{ accounts { nodes { id buyers { __typename id status } } } }",
    )

    nodes = answer["data"]["accounts"]["nodes"]
    assert nodes[0] == {"id": "ACC-1111-0001", "buyers": None}
    assert nodes[1]["buyers"] == [
        {"__typename": "Buyer", "id": "BUY-1111-0003", "status": "DISABLED"}
    ]
    [error] = answer["errors"]
    assert error["path"] == ["accounts", "nodes", 0, "buyers", 1, "id"]
    assert error["locations"] == [{"line": 1, "column": 45}]


async def test_a_value_the_scalar_refuses_is_null_with_graphql_cores_error(
    odd_upstream: str,
) -> None:
    answer = await _both(
        odd_upstream, TOKEN, "{ accounts { nodes { buyers { id n: name } } } }"
    )

    nodes = answer["data"]["accounts"]["nodes"]
    assert nodes[1]["buyers"] == [{"id": "BUY-1111-0003", "n": None}]
    assert [e["path"] for e in answer["errors"]] == [
        ["accounts", "nodes", 0, "buyers", 1, "id"],
        ["accounts", "nodes", 1, "buyers", 0, "n"],
    ]
