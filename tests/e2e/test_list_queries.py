"""Root lists through the facade, checked on the wire: a total order for cursors,
no request for an empty id list, date offsets that keep their sign.

A recorder in front of the session sandbox app keeps every query string the
facade sends, still percent-encoded.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.platform.resources import ACCOUNT
from tests.conftest import API, GraphQLClient
from tests.sandbox.factories import forgotten, put_accounts_created_at, store_of
from tests.servers import WireRecorder, running

INSTANT = "2032-07-08T09:10:11.000Z"
SAME_INSTANT = [f"ACC-8{n}00-0000" for n in (3, 6, 1, 5, 2, 4)]
EARLIER, LATER = "ACC-8900-0000", "ACC-8000-0000"
NAME = "Listed at once"

WALK = """
query Walk($after: String, $direction: Direction!) {
  accounts(
    first: 2
    after: $after
    orderBy: [{field: CREATED_AT, direction: $direction}]
    filter: {name: {startsWith: "Listed at once"}}
  ) {
    nodes { id }
    pageInfo { hasNextPage endCursor }
  }
}
"""


class Wire:
    """The facade as Operations, and the query strings it sent upstream."""

    def __init__(self, gql: GraphQLClient, recorder: WireRecorder, token: str):
        self.gql, self.recorder, self.token = gql, recorder, token

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        self.recorder.seen.clear()
        body = self.gql(query, self.token, variables)
        assert "errors" not in body, body["errors"]
        return body

    def queries(self, collection: str) -> list[str]:
        return [q for path, q in self.recorder.seen if path == f"{API}/{collection}"]


@pytest.fixture(scope="module")
def wire(
    sandbox_app: Any, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> Iterator[Wire]:
    store = store_of(sandbox_app)
    template = store.get(ACCOUNT, demo_accounts["Client"])
    assert template is not None
    created = dict.fromkeys(SAME_INSTANT, INSTANT)
    created |= {LATER: "2032-07-08T09:10:11.001Z", EARLIER: "2032-07-08T09:10:10.999Z"}
    recorder = WireRecorder(sandbox_app)
    with (
        forgotten(store),
        running(recorder) as upstream,
        running(create_app(upstream, identity_ttl=3600)) as facade,
        httpx.Client(base_url=facade, timeout=30) as http,
    ):
        put_accounts_created_at(store, template, created, NAME)
        gql = GraphQLClient(http)
        gql("{ viewer { role } }", tokens["Operations"])
        yield Wire(gql, recorder, tokens["Operations"])


def _walk(wire: Wire, direction: str) -> tuple[list[str], list[str]]:
    """Follow `endCursor` to the end; return the ids and the `order` sent."""
    ids: list[str] = []
    orders: list[str] = []
    after = None
    while True:
        page = wire(WALK, {"after": after, "direction": direction})["data"]
        ids += [node["id"] for node in page["accounts"]["nodes"]]
        orders += [
            unquote(p[6:])
            for q in wire.queries("accounts")
            for p in q.split("&")
            if p.startswith("order=")
        ]
        if not page["accounts"]["pageInfo"]["hasNextPage"]:
            return ids, orders
        after = page["accounts"]["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("direction", "expected", "order"),
    [
        ("ASC", [EARLIER, *sorted(SAME_INSTANT), LATER], "audit.created.at,id"),
        ("DESC", [LATER, *sorted(SAME_INSTANT), EARLIER], "-audit.created.at,id"),
    ],
)
def test_pages_by_creation_time_give_each_account_once_in_one_order(
    direction: str, expected: list[str], order: str, wire: Wire
) -> None:
    walks = [_walk(wire, direction) for _ in range(3)]

    assert [ids for ids, _ in walks] == [expected] * 3
    # The id tiebreaker is asked of the upstream, not left to its habits.
    assert {o for _, orders in walks for o in orders} == {order}


def test_list_without_order_still_pages_by_id(wire: Wire) -> None:
    wire("{ accounts(first: 2) { nodes { id } } }")

    assert [q for q in wire.queries("accounts") if "order=id&" in q]


def test_sort_or_filter_on_audit_selects_audit(wire: Wire) -> None:
    wire(WALK, {"direction": "ASC"})

    selects = [
        next(p[7:] for p in q.split("&") if p.startswith("select="))
        for q in wire.queries("accounts")
    ]
    assert selects
    assert all("%2Baudit" in select.split(",") for select in selects)


@pytest.mark.parametrize(
    "condition",
    [
        "id: {in: []}",
        "status: {in: []}",
        "name: {in: []}",
        'id: {in: []}, name: {startsWith: "Listed"}',
    ],
)
def test_empty_in_list_answers_empty_without_upstream_request(
    condition: str, wire: Wire
) -> None:
    body = wire(
        f"{{ accounts(filter: {{{condition}}}) {{ totalCount nodes {{ id }} }} }}"
    )

    assert body["data"]["accounts"] == {"totalCount": 0, "nodes": []}
    assert wire.recorder.seen == []
    assert body["extensions"]["upstream"]["requests"] == 0


def test_empty_not_in_list_excludes_nothing(wire: Wire) -> None:
    query = "{{ accounts(filter: {{{0}}}) {{ totalCount }} }}"

    everything = wire(query.format('name: {startsWith: "Listed"}'))
    kept = wire(query.format('name: {startsWith: "Listed"}, id: {notIn: []}'))

    assert kept["data"] == everything["data"]
    assert everything["data"]["accounts"]["totalCount"] == len(SAME_INSTANT) + 2


BY_NAME = f'name: {{startsWith: "{NAME}"}}'


@pytest.mark.parametrize(
    "arguments",
    [
        f'filter: {{{BY_NAME}}}, rql: "ge(audit.created.at,2032-07-08T11:10:11+02:00)"',
        f"filter: {{{BY_NAME}}}, "
        "rql: \"ge(audit.created.at,'2032-07-08T11:10:11.000+02:00')\"",
        f'filter: {{{BY_NAME}, createdAt: {{ge: "2032-07-08T11:10:11+02:00"}}}}',
    ],
)
def test_date_with_positive_offset_reaches_upstream_meaning_that_instant(
    arguments: str, wire: Wire
) -> None:
    body = wire(f"{{ accounts({arguments}) {{ nodes {{ id }} }} }}")

    found = sorted(node["id"] for node in body["data"]["accounts"]["nodes"])
    assert found == sorted([*SAME_INSTANT, LATER])
    sent = wire.queries("accounts")
    assert sent
    # A raw plus would reach the platform as a space.
    assert all("+" not in query for query in sent)
