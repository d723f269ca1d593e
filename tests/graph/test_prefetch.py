"""Relation levels loaded ahead of execution answer exactly as resolvers would.

What the root field prefetches must not change an answer: not under a directive,
not for aliases that ask different fields of one reference, not through
fragments, not for a role that may not list a level, not when a level fails.
The recorder in front of the sandbox (tests/perf/test_costs.py) counts the wire.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from tests.conftest import GraphQLClient
from tests.perf.test_costs import Recorder, Wire
from tests.servers import CANNED_TOKEN, canned_accounts_api, running

from accounts_graph.app import create_app


@pytest.fixture(scope="module")
def wire(sandbox_app: Any, tokens: dict[str, str]) -> Iterator[Wire]:
    recorder = Recorder(sandbox_app)
    with (
        running(recorder) as upstream,
        running(create_app(upstream, identity_ttl=3600)) as facade,
        httpx.Client(base_url=facade, timeout=30) as http,
    ):
        gql = GraphQLClient(http)
        for token in tokens.values():
            gql("{ viewer { role } }", token)
        yield Wire(gql, recorder, tokens["Operations"])


def _paths(wire: Wire) -> list[str]:
    return sorted(path for path, _ in wire.recorder.seen)


def test_a_relation_under_include_follows_its_condition(wire: Wire) -> None:
    query = """
    query($with: Boolean!) {
      accounts(first: 5, orderBy: [{field: NAME}]) {
        nodes { id buyers @include(if: $with) { id erpLinks { id } } }
      }
    }
    """
    plain = """
    { accounts(first: 5, orderBy: [{field: NAME}]) {
        nodes { id buyers { id erpLinks { id } } } } }
    """

    included = wire(query, {"with": True})
    included_paths = _paths(wire)
    left_out = wire(query, {"with": False})
    left_out_paths = _paths(wire)

    assert included["data"] == wire(plain)["data"]
    assert included_paths == ["/accounts", "/buyers", "/erp-links"]
    assert all("buyers" not in node for node in left_out["data"]["accounts"]["nodes"])
    assert left_out_paths == ["/accounts"]


def test_aliases_of_one_reference_each_get_what_they_ask(wire: Wire) -> None:
    body = wire(
        """
        { erpLinks(first: 10) {
            nodes { short: seller { id name } long: seller { id status } } } }
        """
    )

    nodes = body["data"]["erpLinks"]["nodes"]
    assert nodes
    for node in nodes:
        assert node["short"]["id"] == node["long"]["id"]
        assert node["short"]["name"]
        # `status` is not in the reference: the sellers were loaded, once.
        assert node["long"]["status"] is not None
    assert _paths(wire) == ["/erp-links", "/sellers"]


def test_fragments_load_the_same_levels_as_inline_selections(wire: Wire) -> None:
    inline = """
    { accounts(first: 5, orderBy: [{field: NAME}]) { nodes {
        id users { id user { id name } groups { id } }
        buyers { id erpLinks { id seller { id status } } } } } }
    """
    fragments = """
    query { accounts(first: 5, orderBy: [{field: NAME}]) {
      edges { node { ...Org } } } }
    fragment Org on Account {
      id
      ... on Node { ... on Account { users { ...Member } } }
      buyers { id erpLinks { id seller { ...SellerState } } }
    }
    fragment Member on AccountUser { id user { id name } groups { id } }
    fragment SellerState on Seller { id status }
    """

    expected = wire(inline)["data"]["accounts"]["nodes"]
    expected_paths = _paths(wire)
    edges = wire(fragments)["data"]["accounts"]["edges"]

    assert [edge["node"] for edge in edges] == expected
    assert _paths(wire) == expected_paths


def test_a_level_the_role_may_not_list_is_refused_at_each_path_unasked(
    wire: Wire, tokens: dict[str, str]
) -> None:
    wire.recorder.seen.clear()
    body = wire.gql(
        "{ accounts(first: 5) { nodes { id cloudTenants { id } } } }",
        tokens["Client"],
    )

    nodes = body["data"]["accounts"]["nodes"]
    assert nodes
    assert all(node["cloudTenants"] is None for node in nodes)
    paths = sorted(tuple(error["path"]) for error in body["errors"])
    assert paths == [
        ("accounts", "nodes", i, "cloudTenants") for i in range(len(nodes))
    ]
    assert {error["extensions"]["code"] for error in body["errors"]} == {"FORBIDDEN"}
    assert _paths(wire) == ["/accounts"]


TOKEN = CANNED_TOKEN
ACCOUNTS = [{"id": "ACC-1111-0001", "name": "a"}, {"id": "ACC-1111-0002", "name": "b"}]


def _broken_upstream(seen: list[str]) -> Starlette:
    async def accounts(request: Request) -> JSONResponse:
        seen.append(request.url.path)
        page = {"offset": 0, "limit": 10, "total": len(ACCOUNTS)}
        return JSONResponse({"$meta": {"pagination": page}, "data": ACCOUNTS})

    async def buyers(request: Request) -> JSONResponse:
        seen.append(request.url.path)
        problem = {"title": "Service Unavailable", "status": 500, "traceId": "t-1"}
        return JSONResponse(problem, status_code=500)

    return canned_accounts_api(accounts, buyers)


def test_a_failed_level_is_null_at_each_parent_after_one_request() -> None:
    seen: list[str] = []
    with (
        running(_broken_upstream(seen)) as upstream,
        running(create_app(upstream)) as facade,
        httpx.Client(base_url=facade, timeout=30) as http,
    ):
        body = GraphQLClient(http)(
            "{ accounts { nodes { id name buyers { id } } } }", TOKEN
        )

    nodes = body["data"]["accounts"]["nodes"]
    assert nodes == [
        {"id": a["id"], "name": a["name"], "buyers": None} for a in ACCOUNTS
    ]
    assert sorted(tuple(e["path"]) for e in body["errors"]) == [
        ("accounts", "nodes", 0, "buyers"),
        ("accounts", "nodes", 1, "buyers"),
    ]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_ERROR"}
    assert seen.count("/public/v1/accounts/buyers") == 1
