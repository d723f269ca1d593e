"""Bounds on one operation: depth, aliases, tokens, page sizes and a cost budget,
each refused while validating, before any request reaches the Accounts API."""

from typing import Any

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.settings import Settings
from tests.conformance.test_regressions import codes
from tests.e2e.facades import RequestCounter, facade, post
from tests.servers import running

# account → users → user → accounts → users → user → …: three relation levels
# per turn.
TURN = "users { user { accounts { %s } } }"
COSTLY = "{ accounts(first: 100) { nodes { users { groups { id } } } } }"
# 1 count + 100 accounts + 100 x 20 account users + 2,000 x 20 groups.
COSTLY_COST = 1 + 100 + 2_000 + 40_000


def nested(levels: int, leaf: str = "id") -> str:
    """`account` with `levels` relation levels below it (a multiple of 3)."""
    inner = leaf
    for _ in range(levels // 3):
        inner = TURN % inner
    return '{ account(id: "%s") { ' + inner + " } }"


def refused_upstream_free(
    http: httpx.Client,
    counter: RequestCounter,
    query: str,
    token: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post an operation that must be refused without any upstream request."""
    before = counter.count
    body = post(http, query, token, variables)
    assert body["data"] is None, body
    assert body["extensions"]["upstream"]["requests"] == 0
    assert counter.count == before
    return body


def test_twelve_relation_levels_are_refused_before_any_upstream_request(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    query = nested(12) % demo_accounts["Client"]

    body = refused_upstream_free(http, counter, query, ops)

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    [error] = body["errors"]
    assert "13 levels deep" in error["message"]
    assert (error["extensions"]["depth"], error["extensions"]["maxDepth"]) == (13, 12)


def test_nesting_within_the_depth_limit_runs(
    counted: tuple[RequestCounter, str], ops: str, demo_accounts: dict[str, str]
) -> None:
    counter, url = counted
    before = counter.count
    # Nine levels of lists may return millions of objects by the budget's
    # count: only the depth is under test here.
    with facade(url, max_cost=10**9) as http:
        body = post(http, nested(9) % demo_accounts["Client"], ops)

    assert "errors" not in body, body
    assert body["data"]["account"]["users"]
    assert counter.count > before


def test_the_depth_limit_follows_named_fragments(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    # Each fragment adds one turn; none is nested in the operation's own text.
    fragments = "".join(
        f"fragment T{i} on Account {{ {TURN % f'...T{i + 1}'} }} " for i in range(4)
    )
    query = (
        f'{{ account(id: "{demo_accounts["Client"]}") {{ ...T0 }} }} '
        + fragments
        + "fragment T4 on Account { id }"
    )

    body = refused_upstream_free(http, counter, query, ops)

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "maximum depth is 12" in body["errors"][0]["message"]


def test_the_depth_limit_follows_inline_fragments(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    turn = "... on Account { users { ... on AccountUser { user { ... { accounts { "
    inner = "id"
    for _ in range(4):
        inner = turn + inner + " } } } } } }"
    query = f'{{ account(id: "{demo_accounts["Client"]}") {{ {inner} }} }}'

    body = refused_upstream_free(http, counter, query, ops)

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "maximum depth is 12" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("fragments", "message"),
    [
        (
            "fragment A on Account { users { user { accounts { ...B } } } } "
            "fragment B on Account { ...A }",
            "Cannot spread fragment 'A' within itself via 'B'.",
        ),
        ("fragment A on Account { ...A }", "Cannot spread fragment 'A' within itself."),
        ("", "Unknown fragment 'A'."),
    ],
    ids=["circular", "self", "unknown"],
)
def test_a_circular_or_unknown_fragment_is_a_validation_error(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    fragments: str,
    message: str,
) -> None:
    query = "{ accounts { nodes { ...A } } } " + fragments

    body = refused_upstream_free(http, counter, query, ops)

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert message in [error["message"] for error in body["errors"]]


def test_aliases_beyond_the_limit_are_refused(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    fields = " ".join(f"v{i}: viewer {{ role }}" for i in range(31))

    body = refused_upstream_free(http, counter, f"{{ {fields} }}", ops)

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "31 aliases; at most 30" in body["errors"][0]["message"]


def test_aliases_up_to_the_limit_run(http: httpx.Client, ops: str) -> None:
    fields = " ".join(f"v{i}: viewer {{ role }}" for i in range(30))

    body = post(http, f"{{ {fields} }}", ops)

    assert "errors" not in body, body
    assert {answer["role"] for answer in body["data"].values()} == {"OPERATIONS"}


def test_aliases_count_through_fragments(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    fields = " ".join(f"r{i}: role" for i in range(16))
    query = "{ a: viewer { ...F } b: viewer { ...F } } fragment F on Viewer { %s }"

    body = refused_upstream_free(http, counter, query % fields, ops)

    assert "34 aliases" in body["errors"][0]["message"]


def test_more_tokens_than_the_limit_are_refused(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    query = "{ viewer { " + "role " * 5000 + "} }"

    body = refused_upstream_free(http, counter, query, ops)

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "more than 5000 tokens" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ buyers(first: 101) { nodes { id } } }", {}),
        ("{ buyers(last: 101) { nodes { id } } }", {}),
        ("{ buyers(first: -1) { nodes { id } } }", {}),
        ("query($n: Int) { buyers(first: $n) { nodes { id } } }", {"n": 101}),
        ("query($n: Int = 500) { buyers(first: $n) { nodes { id } } }", {}),
    ],
    ids=["first", "last", "negative", "variable", "variable-default"],
)
def test_a_page_beyond_the_maximum_is_refused(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    query: str,
    variables: dict[str, Any],
) -> None:
    body = refused_upstream_free(http, counter, query, ops, variables)

    assert codes(body) == {"BAD_USER_INPUT"}
    assert "must be between 0 and 100" in body["errors"][0]["message"]


def test_the_maximum_page_is_configurable(
    counted: tuple[RequestCounter, str], ops: str
) -> None:
    query = "query($n: Int) { buyers(first: $n) { nodes { id } } }"

    with facade(counted[1], max_page_size=10) as http:
        refused = post(http, query, ops, {"n": 11})
        allowed = post(http, query, ops, {"n": 10})

    assert codes(refused) == {"BAD_USER_INPUT"}
    assert "between 0 and 10" in refused["errors"][0]["message"]
    assert len(allowed["data"]["buyers"]["nodes"]) == 10


def test_a_query_over_the_cost_budget_is_refused_with_its_cost(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    body = refused_upstream_free(http, counter, COSTLY, ops)

    assert codes(body) == {"QUERY_TOO_COSTLY"}
    [error] = body["errors"]
    assert error["extensions"]["cost"] == COSTLY_COST
    assert error["extensions"]["maxCost"] == 25_000
    assert f"{COSTLY_COST:,}" in error["message"]
    assert "25,000" in error["message"]


def test_the_cost_counts_variables_and_their_defaults(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    query = (
        "query($n: Int = 100) { accounts(first: $n) { nodes { users { groups "
        "{ id } } } } }"
    )

    by_default = refused_upstream_free(http, counter, query, ops)
    by_variable = refused_upstream_free(http, counter, query, ops, {"n": 100})
    small = post(http, query, ops, {"n": 5})

    assert by_default["errors"][0]["extensions"]["cost"] == COSTLY_COST
    assert by_variable["errors"][0]["extensions"]["cost"] == COSTLY_COST
    assert "errors" not in small, small
    assert small["extensions"]["cost"] == {
        "estimate": 1 + 5 + 100 + 2_000,
        "max": 25_000,
    }


def test_the_cost_follows_fragments(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    query = (
        "{ accounts(first: 100) { ...Page } } "
        "fragment Page on AccountConnection { nodes { ...Members } } "
        "fragment Members on Account { users { groups { id } } }"
    )

    body = refused_upstream_free(http, counter, query, ops)

    assert body["errors"][0]["extensions"]["cost"] == COSTLY_COST


MEMBERS = "fragment M on Account { users { groups { id } } }"


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        # The same field twice is one field, executed once.
        (
            "{ accounts(first: 100) { nodes { users { groups { id } } "
            "users { groups { name } } } } }",
            COSTLY_COST,
        ),
        (
            f"{{ accounts(first: 100) {{ nodes {{ ...M ...M }} }} }} {MEMBERS}",
            COSTLY_COST,
        ),
        (
            "{ accounts(first: 100) { nodes { ...M users { groups { name } } } } } "
            + MEMBERS,
            COSTLY_COST,
        ),
        (
            "{ accounts(first: 100) { nodes { ... on Account { users { id } } "
            "users { groups { id } } } } }",
            COSTLY_COST,
        ),
        # Two aliases are two fields, each executed.
        (
            "{ accounts(first: 100) { nodes { a: users { groups { id } } "
            "b: users { groups { id } } } } }",
            1 + 100 + 2 * (2_000 + 40_000),
        ),
        # A fragment spread again below a field it merged with is no cycle:
        # 100 accounts x (20 buyers x (1 + 20 buyers of their account)).
        (
            "{ accounts(first: 100) { nodes { ...B buyers { account { ...B } } } } } "
            "fragment B on Account { buyers { id } }",
            1 + 100 + 100 * (20 + 20 * 20),
        ),
    ],
)
def test_the_cost_merges_fields_as_execution_does(
    http: httpx.Client, counter: RequestCounter, ops: str, query: str, cost: int
) -> None:
    body = refused_upstream_free(http, counter, query, ops)

    assert body["errors"][0]["extensions"]["cost"] == cost


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ accounts(first: 100) { nodes { id users @skip(if: true) { id } } } }", {}),
        (
            "query($no: Boolean = false) { accounts(first: 100) { nodes { id "
            "... @include(if: $no) { users { groups { id } } } } } }",
            {},
        ),
        (
            "query($yes: Boolean!) { accounts(first: 100) { nodes { id "
            "users @skip(if: $yes) @include(if: true) { groups { id } } } } }",
            {"yes": True},
        ),
    ],
)
def test_fields_execution_skips_cost_nothing(
    http: httpx.Client, ops: str, query: str, variables: dict[str, Any]
) -> None:
    body = post(http, query, ops, variables)

    assert "errors" not in body, body
    assert body["extensions"]["cost"]["estimate"] == 1 + 100


def test_a_page_size_sent_as_a_whole_float_is_costed_as_its_integer(
    http: httpx.Client, counter: RequestCounter, ops: str
) -> None:
    query = (
        "query($n: Int) { accounts(first: $n) { nodes { users { groups { id } } } } }"
    )

    body = refused_upstream_free(http, counter, query, ops, {"n": 100.0})
    over = refused_upstream_free(http, counter, query, ops, {"n": 101.0})

    assert body["errors"][0]["extensions"]["cost"] == COSTLY_COST
    assert codes(over) == {"BAD_USER_INPUT"}


def test_the_cost_budget_is_configurable(
    counted: tuple[RequestCounter, str], ops: str
) -> None:
    with facade(counted[1], max_cost=100) as http:
        within = post(http, "{ buyers(first: 50) { nodes { id } } }", ops)
        over = post(http, "{ buyers(first: 50) { nodes { sellers { id } } } }", ops)

    assert "errors" not in within, within
    assert codes(over) == {"QUERY_TOO_COSTLY"}
    assert over["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 1 + 50 + 50 * 20,
        "maxCost": 100,
    }


def test_depth_and_aliases_are_configurable(
    counted: tuple[RequestCounter, str], ops: str
) -> None:
    with facade(counted[1], max_depth=2, max_aliases=1) as http:
        deep = post(http, "{ viewer { account { users { id } } } }", ops)
        aliased = post(http, "{ a: viewer { role } b: viewer { role } }", ops)
        shallow = post(http, "{ a: viewer { account { id } } }", ops)

    assert "maximum depth is 2" in deep["errors"][0]["message"]
    assert "at most 1 " in aliased["errors"][0]["message"]
    assert "errors" not in shallow, shallow


def test_validation_is_cached_per_schema_across_requests(
    sandbox_url: str, ops: str
) -> None:
    app = create_app(sandbox_url, settings=Settings(), identity_ttl=3600)
    [view] = [route.endpoint for route in app.routes if route.path == "/graphql"]
    limiter = view.schema.limiter
    query = "{ viewer { role } }"

    with running(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        post(http, query, ops)
        hits = limiter.validation_hits
        post(http, query, ops)
        post(http, query, ops)

    assert limiter.validation_hits == hits + 2
