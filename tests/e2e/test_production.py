"""Production mode: the schema does not describe itself to strangers, errors name
nothing the caller did not write, and GraphiQL is served only when asked."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from accounts_graph.cli import _parser
from accounts_graph.settings import Settings
from tests.conformance.test_regressions import codes
from tests.e2e.facades import RequestCounter, facade, post

REAL_NAMES = ("account", "accounts", "ACTIVE", "status", "first")


@pytest.fixture(scope="module")
def production(counted: tuple[RequestCounter, str]) -> Iterator[httpx.Client]:
    with facade(counted[1], production=True) as http:
        yield http


@pytest.fixture(scope="module")
def development(sandbox_url: str) -> Iterator[httpx.Client]:
    with facade(sandbox_url) as http:
        yield http


@pytest.fixture(scope="module")
def client(tokens: dict[str, str]) -> str:
    return tokens["Client"]


MISSPELLED = [
    ("{ acount { id } }", {}),
    ("{ accounts(frist: 1) { totalCount } }", {}),
    ("{ accounts(filter: {status: {eq: ACTIV}}) { totalCount } }", {}),
    ("{ accounts { nodes { stauts } } }", {}),
    (
        "query($s: AccountStatus) { accounts(filter: {status: {eq: $s}}) "
        "{ totalCount } }",
        {"s": "ACTIV"},
    ),
    ("query($f: AcountFilter) { accounts(filter: $f) { totalCount } }", {}),
]


@pytest.mark.parametrize(("query", "variables"), MISSPELLED)
def test_a_misspelled_name_gets_no_suggestion_in_production(
    production: httpx.Client, client: str, query: str, variables: dict[str, Any]
) -> None:
    body = post(production, query, client, variables)

    messages = " ".join(error["message"] for error in body["errors"])
    assert codes(body) <= {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
    assert "Did you mean" not in messages
    quoted = [f"'{name}'" for name in REAL_NAMES]
    assert not any(name in messages for name in quoted), messages
    assert body["extensions"]["upstream"]["requests"] == 0


@pytest.mark.parametrize(("query", "variables"), MISSPELLED)
def test_outside_production_a_misspelled_name_gets_a_suggestion(
    development: httpx.Client, client: str, query: str, variables: dict[str, Any]
) -> None:
    body = post(development, query, client, variables)

    assert any("Did you mean" in error["message"] for error in body["errors"])


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { types { name } } }",
        '{ __type(name: "Account") { fields { name } } }',
        "{ viewer { role } __schema { queryType { name } } }",
        "query { ...F } fragment F on Query { __schema { types { name } } }",
    ],
)
def test_introspection_is_refused_in_production(
    production: httpx.Client, client: str, query: str
) -> None:
    body = post(production, query, client)

    assert body["data"] is None
    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection has been disabled" in body["errors"][0]["message"]
    assert body["extensions"]["upstream"]["requests"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "{ _service { sdl } }",
        "{ viewer { role } _service { sdl } }",
        "{ s: _service { sdl } }",
        "query { ...F } fragment F on Query { _service { sdl } }",
        "query { ... on Query { _service { sdl } } }",
    ],
)
@pytest.mark.parametrize("role", ["Client", None])
def test_the_subgraph_sdl_is_refused_in_production(
    production: httpx.Client,
    counter: RequestCounter,
    tokens: dict[str, str],
    query: str,
    role: str | None,
) -> None:
    before = counter.count
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}

    response = production.post("/graphql", json={"query": query}, headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "export-schema --federation" in body["errors"][0]["message"]
    assert "@key" not in response.text and "type Account" not in response.text
    assert body["extensions"]["upstream"]["requests"] == 0
    assert counter.count == before


def test_entities_still_answer_a_gateway_in_production(
    production: httpx.Client, client: str, demo_accounts: dict[str, str]
) -> None:
    account = demo_accounts["Client"]
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Account { id name } } }"
    )

    body = post(
        production, query, client, {"r": [{"__typename": "Account", "id": account}]}
    )

    assert "errors" not in body, body
    [found] = body["data"]["_entities"]
    assert found["id"] == account and found["name"]


def test_typename_still_answers_in_production(
    production: httpx.Client, client: str
) -> None:
    body = post(production, "{ viewer { __typename role } }", client)

    assert body["data"]["viewer"] == {"__typename": "Viewer", "role": "CLIENT"}


def test_introspection_answers_outside_production(
    development: httpx.Client, client: str
) -> None:
    body = post(development, '{ __type(name: "Account") { name } }', client)

    assert body["data"]["__type"] == {"name": "Account"}


def test_graphiql_is_off_in_production(production: httpx.Client) -> None:
    response = production.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()


def test_graphiql_is_served_in_production_when_asked(sandbox_url: str) -> None:
    with facade(sandbox_url, production=True, graphiql=True) as http:
        response = http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_serve_production_flag_and_variable_turn_production_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flags = vars(_parser().parse_args(["serve", "--production"]))
    flags.pop("command")
    monkeypatch.delenv("ACCOUNTS_GRAPH_PRODUCTION", raising=False)
    monkeypatch.delenv("ACCOUNTS_GRAPH_GRAPHIQL", raising=False)

    by_flag = Settings.from_env(**flags)
    monkeypatch.setenv("ACCOUNTS_GRAPH_PRODUCTION", "true")
    by_variable = Settings.from_env()
    monkeypatch.setenv("ACCOUNTS_GRAPH_GRAPHIQL", "true")
    asked = Settings.from_env()

    assert by_flag.production and by_variable.production
    assert not by_flag.serves_graphiql and not by_variable.serves_graphiql
    assert asked.serves_graphiql
    assert Settings().serves_graphiql and not Settings().production
