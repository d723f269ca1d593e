"""A struggling upstream, over real HTTP: the sandbox injects faults, the facade
retries what it may, waits no longer than it should, and keeps every branch
that did not fail."""

import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.faults import FaultRecord, Faults
from accounts_graph.upstream.retries import Policy
from tests.conftest import API, GraphQLClient, auth
from tests.sandbox.factories import jwt_for
from tests.servers import running

POLICY = Policy(
    connect_timeout=2, read_timeout=2, total_timeout=10, attempts=3, backoff=0.05
)
SELLERS = API + "/sellers*"
SHOWN = {"status", "title", "detail", "traceId", "errors"}


@pytest.fixture(scope="module")
def faulty(
    tmp_path_factory: pytest.TempPathFactory, tokens: dict[str, str]
) -> Iterator[tuple[Any, str, GraphQLClient]]:
    """A sandbox that injects faults, and a facade over it; the Operations
    token's identity is looked up once, so counts hold the operations alone."""
    db = tmp_path_factory.mktemp("trouble") / "db.sqlite3"
    sandbox = create_sandbox_app(db, faults=Faults())
    with running(sandbox) as upstream:
        facade = create_app(upstream, policy=POLICY, identity_ttl=3600)
        with running(facade) as url, httpx.Client(base_url=url, timeout=60) as http:
            gql = GraphQLClient(http)
            gql("{ viewer { role } }", tokens["Operations"])
            yield sandbox, upstream, gql


@pytest.fixture
def record(faulty: tuple[Any, str, GraphQLClient]) -> Iterator[FaultRecord]:
    found: FaultRecord = faulty[0].state.faults
    yield found
    found.use(Faults())


@pytest.fixture
def ask(faulty: tuple[Any, str, GraphQLClient], tokens: dict[str, str]) -> Any:
    def run(query: str, **variables: Any) -> dict[str, Any]:
        return faulty[2](query, tokens["Operations"], variables)

    return run


@pytest.fixture(scope="module")
def ids(
    faulty: tuple[Any, str, GraphQLClient], tokens: dict[str, str]
) -> dict[str, str]:
    headers = auth(tokens["Operations"])
    with httpx.Client(base_url=faulty[1] + API, headers=headers) as rest:
        seller = rest.get("/sellers?limit=1").json()["data"][0]["id"]
        account = rest.get("/accounts?eq(type,Client)&limit=1").json()["data"][0]["id"]
    return {"seller": seller, "account": account}


def _requests(body: dict[str, Any]) -> int:
    return int(body["extensions"]["upstream"]["requests"])


def _rules(*rules: str) -> Faults:
    return Faults.parse(rules=rules)


def test_rate_limit_beyond_the_deadline_answers_at_once_with_the_hint(
    ask: Any, record: FaultRecord
) -> None:
    record.use(_rules(f"GET {SELLERS} status=429 retry-after=3600"))

    body = ask("{ sellers(first: 5) { nodes { id } } }")

    [error] = body["errors"]
    assert body["data"] == {"sellers": None}
    assert error["path"] == ["sellers"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["retryAfter"] == 3600
    assert error["extensions"]["upstream"]["status"] == 429
    assert _requests(body) == 1
    assert len(record.seen(SELLERS)) == 1


def test_rate_limit_within_the_deadline_is_waited_out_then_retried(
    ask: Any, record: FaultRecord
) -> None:
    record.use(_rules(f"GET {SELLERS} status=429 retry-after=1 times=1"))

    body = ask("{ sellers(first: 5) { nodes { id } } }")

    assert "errors" not in body
    assert body["data"]["sellers"]["nodes"]
    assert _requests(body) == 2
    first, second = record.seen(SELLERS)
    # Never sooner than the upstream asked.
    assert second.at - first.at >= 1.0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_error_on_a_read_is_retried_until_it_answers(
    status: int, ask: Any, record: FaultRecord
) -> None:
    record.use(_rules(f"GET {SELLERS} status={status} times=2"))

    body = ask("{ sellers(first: 5) { nodes { id } } }")

    assert "errors" not in body
    assert body["data"]["sellers"]["nodes"]
    assert _requests(body) == 3
    assert [a.injected for a in record.seen(SELLERS)] == [status, status, None]


def test_read_failing_every_try_answers_unavailable_with_problem_details(
    ask: Any, record: FaultRecord
) -> None:
    record.use(_rules(f"GET {SELLERS} status=503"))

    body = ask("{ sellers(first: 5) { nodes { id } } }")

    [error] = body["errors"]
    extensions = error["extensions"]
    assert set(extensions) == {"code", "upstream"}
    assert extensions["code"] == "UPSTREAM_UNAVAILABLE"
    upstream = extensions["upstream"]
    assert set(upstream) <= SHOWN
    assert upstream["status"] == 503
    assert upstream["title"] == "Service Unavailable"
    assert upstream["detail"] == "The sandbox injected this fault."
    assert upstream["traceId"].startswith("00-")
    assert "http" not in error["message"] and "/sellers" not in error["message"]
    assert _requests(body) == POLICY.attempts


def test_server_error_is_not_retried(ask: Any, record: FaultRecord) -> None:
    record.use(_rules(f"GET {SELLERS} status=500"))

    body = ask("{ sellers(first: 5) { nodes { id } } }")

    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_ERROR"
    assert _requests(body) == 1


def test_mutation_is_sent_once_even_on_a_gateway_error(
    ask: Any, record: FaultRecord, faulty: tuple[Any, str, GraphQLClient]
) -> None:
    record.use(_rules(f"POST {API}/accounts status=503"))
    name = f"Once-{time.time_ns()}"
    new = {"name": name, "type": "CLIENT", "serviceLevel": "ELITE"}

    body = ask(
        "mutation($input: CreateAccountInput!) {"
        " createAccount(input: $input) { account { id } errors { message } } }",
        input=new,
    )

    [error] = body["errors"]
    assert body["data"] == {"createAccount": None}
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert len(record.seen(API + "/accounts", "POST")) == 1
    record.use(Faults())
    found = ask(f'{{ accounts(rql: "eq(name,{name})") {{ totalCount }} }}')
    assert found["data"]["accounts"]["totalCount"] == 0


def test_slow_branch_times_out_alone_and_the_rest_is_answered(
    ask: Any, record: FaultRecord, ids: dict[str, str]
) -> None:
    record.use(_rules(f"GET {SELLERS} delay=60"))

    body = ask(
        "query($a: ID!, $s: ID!) { account(id: $a) { id name } "
        "seller(id: $s) { id name } }",
        a=ids["account"],
        s=ids["seller"],
    )

    assert body["data"]["account"]["id"] == ids["account"]
    assert body["data"]["account"]["name"]
    assert body["data"]["seller"] is None
    [error] = body["errors"]
    assert error["path"] == ["seller"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert "in time" in error["message"]
    # A read that timed out is not asked again: the upstream is slow already.
    assert len(record.seen(SELLERS)) == 1


def test_failing_relation_nulls_that_field_of_each_node_only(
    ask: Any, record: FaultRecord
) -> None:
    record.use(_rules(f"GET {API}/buyers* status=500"))

    body = ask(
        '{ accounts(first: 3, rql: "eq(type,Client)") '
        "{ totalCount nodes { id name buyers { id } } } }"
    )

    accounts = body["data"]["accounts"]
    assert accounts["totalCount"] >= 3
    assert [n["buyers"] for n in accounts["nodes"]] == [None, None, None]
    assert all(n["name"] for n in accounts["nodes"])
    paths = sorted(tuple(e["path"]) for e in body["errors"])
    assert paths == [("accounts", "nodes", i, "buyers") for i in range(3)]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_ERROR"}


def test_refused_read_keeps_the_upstream_field_errors(ask: Any) -> None:
    body = ask('{ accounts(rql: "eq(nosuchfield,1)") { totalCount } }')

    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    upstream = error["extensions"]["upstream"]
    assert set(upstream) <= SHOWN
    assert upstream["status"] == 400
    [field_error] = upstream["errors"]
    assert field_error["field"] == "rql"
    assert "nosuchfield" in field_error["message"]


def test_unreachable_upstream_is_tried_again_then_answers_unavailable(
    tokens: dict[str, str], sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    # A JWT needs no token lookup, so every request counted is the query's.
    token = jwt_for(sandbox_app, demo_accounts["Operations"], "Operations")
    with socket.socket() as sock:
        # A port that was just free: nothing listens there.
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with running(create_app(closed, policy=POLICY)) as url:
        answer = httpx.post(
            url + "/graphql",
            json={"query": "{ buyers { totalCount } }"},
            headers=auth(token),
            timeout=60,
        ).json()

    [error] = answer["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert "cannot be reached" in error["message"]
    assert _requests(answer) == POLICY.attempts
