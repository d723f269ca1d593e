"""Leaving out the default fields no selection reads (`select=-field`), over real
HTTP: the answers are the same as with whole objects, and an endpoint that
refuses the subtractive form costs one extra request, once per process.

The sandbox accepts `select=-field` everywhere; the platform does not on every
endpoint, which a fault rule (a 400 for any query holding `select=-`) plays.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from accounts_graph.app import create_app
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.schema import build_schema
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.faults import FaultRecord, Faults
from accounts_graph.settings import Settings
from tests.conftest import GraphQLClient
from tests.servers import running

REFUSE_EVERYWHERE = "GET /public/v1/accounts/* query=*select=-* status=400"
API_BUYERS = "/public/v1/accounts/buyers"
REFUSE_BUYERS = f"GET {API_BUYERS} query=*select=-* status=400"
SETTINGS = Settings(max_cost=100_000)


@pytest.fixture(scope="module")
def upstream(sandbox_db: Any) -> Iterator[tuple[FaultRecord, str]]:
    """A second sandbox app on the session's data, whose faults tests change."""
    app = create_sandbox_app(sandbox_db, faults=Faults())
    with running(app) as url:
        yield app.state.faults, url
    app.state.sandbox.store.close()


@contextmanager
def fresh_facade(url: str) -> Iterator[GraphQLClient]:
    """A new facade process-state: it has learnt nothing about the upstream."""
    app = create_app(url, settings=SETTINGS, identity_ttl=3600)
    with running(app) as facade, httpx.Client(base_url=facade, timeout=60) as http:
        yield GraphQLClient(http)


def _selection(field_type: Any, depth: int = 0) -> str:
    """A selection of every leaf of an embedded object, `{ id }` of another
    resource, nothing for a leaf."""
    named = get_named_type(field_type)
    if is_leaf_type(named):
        return ""
    if not isinstance(named, GraphQLObjectType):
        return "{ __typename }"
    if any(i.name == "Node" for i in named.interfaces):
        return "{ id }"
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif isinstance(inner, GraphQLObjectType) and depth < 2:
            parts.append(f"{name} {_selection(field.type, depth + 1)}")
    return "{ " + " ".join(parts) + " }"


def _fields(schema: GraphQLSchema, type_name: str) -> dict[str, str]:
    """Each argument-free field of a type with the selection it needs."""
    kind = schema.type_map[type_name]
    assert isinstance(kind, GraphQLObjectType)
    return {
        name: f"{name} {_selection(field.type, 1)}".strip()
        for name, field in kind.fields.items()
        if not field.args
    }


def _queries(demo_account: str) -> list[str]:
    """Per resource: every field but the droppable ones, then `id` with each
    droppable field alone, from its root list (five objects)."""
    schema = build_schema()._schema
    roots = {
        "Account": "accounts(first: 5)",
        "AccountUser": f'accountUsers(accountId: "{demo_account}", first: 5)',
        "ApiToken": "apiTokens(first: 5)",
        "Buyer": "buyers(first: 5)",
        "CloudTenant": "cloudTenants(first: 5)",
        "ErpLink": "erpLinks(first: 5)",
        "Licensee": "licensees(first: 5)",
        "Module": "modules(first: 5)",
        "Seller": "sellers(first: 5)",
        "User": "users(first: 5)",
        "UserGroup": "userGroups(first: 5)",
    }
    assert set(roots) == set(RESOURCE_TYPES)
    queries = []
    for type_name, root in sorted(roots.items()):
        droppable = RESOURCE_TYPES[type_name].droppable_fields
        fields = _fields(schema, type_name)
        rest = " ".join(s for name, s in fields.items() if name not in droppable)
        queries.append(f"{{ {root} {{ nodes {{ {rest} }} }} }}")
        queries += [
            f"{{ {root} {{ nodes {{ id {fields[name]} }} }} }}"
            for name in droppable
            if name in fields
        ]
    return queries


def test_answers_are_the_same_as_with_whole_objects(
    upstream: tuple[FaultRecord, str],
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    record, url = upstream
    queries = _queries(demo_accounts["Client"])
    record.use(Faults())
    with fresh_facade(url) as gql:
        dropping = [gql(q, ops) for q in queries]
    record.use(Faults.parse(rules=[REFUSE_EVERYWHERE]))
    with fresh_facade(url) as gql:
        whole = [gql(q, ops) for q in queries]
    refused = {a.path for a in record.seen() if a.injected == 400}
    record.use(Faults())

    for query, lean, full in zip(queries, dropping, whole, strict=True):
        assert "errors" not in lean, (query, lean["errors"])
        assert lean["data"] == full["data"], query
    # The two sides really differ on the wire: bytes saved on one, and on the
    # other every collection with a bulky field refused it once.
    saved = sum(b["extensions"]["upstream"]["bytes"] for b in dropping)
    spent = sum(b["extensions"]["upstream"]["bytes"] for b in whole)
    assert saved < spent
    assert {p.rsplit("/", 1)[1] for p in refused} == {
        r.collection for r in RESOURCE_TYPES.values() if r.droppable_fields
    }


def test_a_refusing_endpoint_costs_one_extra_request_once(
    upstream: tuple[FaultRecord, str],
    ops: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record, url = upstream
    record.use(Faults.parse(rules=[REFUSE_BUYERS]))
    query = "{ buyers(first: 3) { nodes { id name } } }"
    with caplog.at_level(logging.INFO), fresh_facade(url) as gql:
        gql("{ viewer { role } }", ops)  # the caller's identity, looked up once
        first = gql(query, ops)
        second = gql(query, ops)
        accounts = gql("{ accounts(first: 3) { nodes { id name } } }", ops)
    buyers = [a for a in record.seen("*/buyers") if a.method == "GET"]
    record.use(Faults())

    assert first["data"] == second["data"]
    assert len(first["data"]["buyers"]["nodes"]) == 3
    assert first["extensions"]["upstream"]["requests"] == 2
    assert second["extensions"]["upstream"]["requests"] == 1
    # Other collections still leave their bulky fields out.
    assert accounts["extensions"]["upstream"]["requests"] == 1
    assert [a.injected for a in buyers] == [400, None, None]
    learnt = [r for r in caplog.records if "refuses select=-field" in r.getMessage()]
    assert len(learnt) == 1


def test_a_400_the_dropping_did_not_cause_is_reported_and_not_learnt(
    upstream: tuple[FaultRecord, str], ops: str
) -> None:
    record, url = upstream
    record.use(Faults())
    bad = '{ buyers(rql: "eq(nosuchfield,1)") { nodes { id } } }'
    with fresh_facade(url) as gql:
        gql("{ viewer { role } }", ops)
        refused = gql(bad, ops)
        later = gql("{ buyers(first: 2) { nodes { id } } }", ops)
        refused_again = gql(bad, ops)

    for body in (refused, refused_again):
        assert body["data"]["buyers"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "nosuchfield" in error["message"]
    # Asked once more without dropping, which the upstream refused as well.
    assert refused["extensions"]["upstream"]["requests"] == 2
    assert later["extensions"]["upstream"]["requests"] == 1
    # Once the upstream took this request shape, a 400 to it is the filter's.
    assert refused_again["extensions"]["upstream"]["requests"] == 1


def test_a_stray_400_after_the_shape_was_accepted_is_not_learnt(
    upstream: tuple[FaultRecord, str], ops: str
) -> None:
    record, url = upstream
    query = "{ buyers(first: 2) { nodes { id name } } }"
    with fresh_facade(url) as gql:
        gql("{ viewer { role } }", ops)
        record.use(Faults())
        accepted = gql(query, ops)
        record.use(Faults.parse(rules=[f"GET {API_BUYERS} status=400 times=1"]))
        stray = gql(query, ops)
        after = gql(query, ops)
        arrivals = record.seen("*/buyers")
    record.use(Faults())

    assert stray["data"]["buyers"] is None
    assert stray["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert after["data"] == accepted["data"]
    assert after["extensions"]["upstream"]["requests"] == 1
    # Both reads after the stray answer still left the buyers' account out.
    assert [a.injected for a in arrivals] == [400, None]
    assert (
        after["extensions"]["upstream"]["bytes"]
        == (accepted["extensions"]["upstream"]["bytes"])
    )
