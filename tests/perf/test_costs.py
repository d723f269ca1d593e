"""What a query costs upstream, pinned by counts rather than timings: one request
per relation level whatever the breadth, one request for any number of lookups,
and a `select` that adds the optional fields a query reads and drops the bulky
default ones it does not.

A recorder in front of the session sandbox app sees every REST request a
dedicated facade sends, so the tests check the wire, not only what the facade
reports in `extensions.upstream`.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from accounts_graph.app import create_app
from accounts_graph.settings import Settings
from tests.conftest import API, GraphQLClient
from tests.servers import running

WALK = """
query Walk($first: Int!) {
  accounts(first: $first, orderBy: [{field: NAME}]) {
    nodes {
      id
      users { id user { id name email } groups { id name } }
      buyers { id erpLinks { id seller { id name status } } }
    }
  }
}
"""
# accounts, users, user, groups, buyers, erpLinks, seller
WALK_RELATION_LEVELS = 7
# 50 accounts with two levels of lists below may return 42,051 objects by the
# cost budget's count: over the default budget, and these tests are about the
# requests the walk makes, not about the budget.
WALK_SETTINGS = Settings(max_cost=100_000)


@dataclass
class Recorder:
    """ASGI middleware that remembers the path and query of every request."""

    app: ASGIApp
    seen: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"].removeprefix(API)
            self.seen.append((path, unquote(scope["query_string"].decode())))
        await self.app(scope, receive, send)


@dataclass
class Wire:
    """A facade whose upstream requests the recorder sees, as one role."""

    gql: GraphQLClient
    recorder: Recorder
    token: str

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        self.recorder.seen.clear()
        body = self.gql(query, self.token, variables)
        assert "errors" not in body, body["errors"]
        assert body["extensions"]["upstream"]["requests"] == len(self.recorder.seen)
        return body

    def selects(self, collection: str) -> list[str]:
        """The `select` value of each request to `collection` ('' when absent)."""
        # Split by hand: `+` is RQL here, not a form-encoded space.
        return [
            next((p[7:] for p in query.split("&") if p.startswith("select=")), "")
            for path, query in self.recorder.seen
            if path == f"/{collection}"
        ]


@pytest.fixture(scope="module")
def wire(sandbox_app: Any, tokens: dict[str, str]) -> Iterator[Wire]:
    recorder = Recorder(sandbox_app)
    with (
        running(recorder) as upstream,
        running(
            create_app(upstream, settings=WALK_SETTINGS, identity_ttl=3600)
        ) as facade,
        httpx.Client(base_url=facade, timeout=30) as http,
    ):
        gql = GraphQLClient(http)
        # Look the token's identity up now, so that it is not counted below.
        gql("{ viewer { role } }", tokens["Operations"])
        yield Wire(gql, recorder, tokens["Operations"])


def test_nested_walk_costs_one_request_per_level_for_5_and_50_accounts(
    wire: Wire,
) -> None:
    small = wire(WALK, {"first": 5})
    small_paths = sorted(path for path, _ in wire.recorder.seen)
    large = wire(WALK, {"first": 50})
    large_paths = sorted(path for path, _ in wire.recorder.seen)

    accounts = len(large["data"]["accounts"]["nodes"])
    assert accounts > len(small["data"]["accounts"]["nodes"]) == 5
    assert small_paths == large_paths
    assert len(large_paths) == len(set(large_paths)) <= WALK_RELATION_LEVELS
    assert (
        small["extensions"]["upstream"]["requests"]
        == large["extensions"]["upstream"]["requests"]
    )


def test_nested_walk_serves_the_members_users_from_their_references(
    wire: Wire,
) -> None:
    wire(WALK, {"first": 50})

    # An account user's `user` embeds name and e-mail: no request for users.
    assert "/users" not in {path for path, _ in wire.recorder.seen}


def test_twenty_aliased_lookups_cost_one_request(wire: Wire) -> None:
    page = wire("{ buyers(first: 14, orderBy: [{field: NAME}]) { nodes { id } } }")
    ids = [node["id"] for node in page["data"]["buyers"]["nodes"]]
    asked = (ids + ids)[:20]
    fields = " ".join(
        f'b{i}: buyer(id: "{bid}") {{ id name }}' for i, bid in enumerate(asked)
    )

    body = wire(f"{{ {fields} }}")

    assert [body["data"][f"b{i}"]["id"] for i in range(20)] == asked
    assert len(set(asked)) < 20
    assert body["extensions"]["upstream"]["requests"] == 1


def test_select_drops_the_bulky_fields_no_selection_reads(wire: Wire) -> None:
    wire("{ buyers(first: 5) { nodes { id name taxId address { city } } } }")

    assert wire.selects("buyers") == ["-account"]


def test_select_asks_for_exactly_the_optional_fields_of_the_query(
    wire: Wire,
) -> None:
    wire(
        "{ buyers(first: 5) { nodes { id status audit { created { at } } "
        "account { name } } } }"
    )

    assert wire.selects("buyers") == ["-address,+audit,+status"]


def test_select_of_a_nested_level_follows_that_level_only(wire: Wire) -> None:
    wire("{ accounts(first: 5) { nodes { name buyers { name contact { email } } } } }")

    assert wire.selects("accounts") == ["-address,-groups"]
    # `account` stays: the buyers are matched to their accounts by it.
    assert wire.selects("buyers") == ["-address,+contact"]


def test_walk_leaves_out_what_the_members_carry_and_it_does_not_read(
    wire: Wire,
) -> None:
    wire(WALK, {"first": 50})

    [members] = set(wire.selects("account-users"))
    assert set(members.split(",")) == {"-buyers", "-invitation", "-modules"}
    assert set(wire.selects("erp-links")) == {"-address"}


def test_a_field_the_filter_names_is_not_dropped(wire: Wire) -> None:
    wire('{ buyers(first: 5, rql: "eq(address.country,US)") { nodes { id } } }')

    assert wire.selects("buyers") == ["-account"]


def test_narrow_selection_costs_half_the_upstream_bytes_of_every_field(
    wire: Wire,
) -> None:
    narrow = wire("{ buyers(first: 20) { nodes { id name } } }")
    full = wire(
        "{ buyers(first: 20) { nodes { id name status taxId contact { email } "
        "externalIds { erpCustomer } audit { created { at } } sellers { id } } } }"
    )

    saved = 1 - (
        narrow["extensions"]["upstream"]["bytes"]
        / full["extensions"]["upstream"]["bytes"]
    )
    assert saved >= 0.5
