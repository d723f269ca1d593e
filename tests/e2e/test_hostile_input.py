"""What a first outside user did to break the service, each kept as a test."""

import json
import logging
from typing import Any

import httpx
import pytest

from tests.conformance.test_regressions import codes
from tests.conftest import GraphQLClient, auth


def test_deep_nesting_is_refused_before_any_upstream_request(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    levels = 30
    query = (
        "{ buyers { nodes { "
        + "account { buyers { " * levels
        + "id"
        + " } }" * levels
        + " } } }"
    )

    body = gql(query, tokens["Operations"])

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "depth" in body["errors"][0]["message"]
    assert body["extensions"]["upstream"]["requests"] == 0


def test_too_many_aliases_are_refused_before_any_upstream_request(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    fields = " ".join(
        f"l{i}: licensees(first: 100) {{ totalCount }}" for i in range(300)
    )

    body = gql(f"{{ {fields} }}", tokens["Operations"])

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}
    assert body["extensions"]["upstream"]["requests"] == 0


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { buyer(id: $id) { id } }", {}),
        ("query($id: ID!) { buyer(id: $id) { id } }", {"id": {"a": 1}}),
        ("query($n: Int) { buyers(first: $n) { totalCount } }", {"n": "ten"}),
        (
            "query($f: BuyerFilter) { buyers(filter: $f) { totalCount } }",
            {"f": {"createdAt": {"gt": "garbage"}}},
        ),
    ],
)
def test_a_bad_variable_is_bad_user_input(
    gql: GraphQLClient, tokens: dict[str, str], query: str, variables: dict[str, Any]
) -> None:
    body = gql(query, tokens["Operations"], variables)

    assert codes(body) == {"BAD_USER_INPUT"}
    assert "Internal" not in body["errors"][0]["message"]


def test_a_password_in_a_bad_variable_is_not_logged(
    gql: GraphQLClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    body = gql(
        'mutation($p: String!) { setUserPassword(id: "USR-0000-0000", password: $p) '
        "{ errors { code } } }",
        tokens["Operations"],
        {"p": {"pw": "LeakViaTraceback-S3cret"}},
    )

    assert codes(body) == {"BAD_USER_INPUT"}
    assert "LeakViaTraceback" not in caplog.text


def test_a_syntax_error_carries_a_code(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql("{ viewer {", tokens["Client"])

    assert codes(body) == {"GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize("payload", [b"null", b"42", b'"query"'])
def test_a_body_that_is_not_an_object_is_a_bad_request(
    facade_url: str, payload: bytes
) -> None:
    response = httpx.post(
        facade_url + "/graphql",
        content=payload,
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400


@pytest.mark.parametrize("object_id", ["%00", "a%00b", "%0a", "nonsense"])
def test_an_icon_of_a_malformed_id_is_not_found(
    facade_url: str, object_id: str
) -> None:
    response = httpx.get(f"{facade_url}/icons/buyers/{object_id}")

    assert response.status_code == 404


def test_raw_rql_may_not_set_the_facades_own_parameters(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    body = gql(
        '{ buyers(rql: "ne(id,x)&select=-name") { nodes { name } } }',
        tokens["Operations"],
    )

    assert codes(body) == {"BAD_USER_INPUT"}
    assert body["extensions"]["upstream"]["requests"] == 0


def test_raw_rql_cannot_close_the_facades_own_conditions(
    gql: GraphQLClient, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    body = gql(
        "query($rql: String) { accountUsers(accountId: $account, rql: $rql) "
        "{ nodes { id } } }".replace("$account", f'"{demo_accounts["Client"]}"'),
        tokens["Operations"],
        {"rql": "eq(id,x)),or(ne(id,x)"},
    )

    assert codes(body) == {"BAD_USER_INPUT"}
    assert body["errors"][0]["message"] == (
        "The ')' at character 9 of the rql closes nothing."
    )
    assert body["extensions"]["upstream"]["requests"] == 0


def test_raw_rql_terms_joined_by_ampersand_are_anded(
    gql: GraphQLClient, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> None:
    account = demo_accounts["Client"]
    body = gql(
        f"{{ buyers(rql: \"eq(account.id,'{account}')&eq(status,Active)\") "
        "{ nodes { status account { id } } } }",
        tokens["Operations"],
    )

    nodes = body["data"]["buyers"]["nodes"]
    assert nodes
    assert {(n["status"], n["account"]["id"]) for n in nodes} == {("ACTIVE", account)}


def test_contains_ignores_case_beyond_ascii(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    query = '{ buyers(filter: {name: {contains: "%s"}}) { totalCount } }'

    upper = gql(query % "ESPAÑA", tokens["Operations"])
    lower = gql(query % "españa", tokens["Operations"])

    assert upper["data"]["buyers"]["totalCount"] > 0
    assert upper["data"] == lower["data"]


@pytest.mark.parametrize("authorization", ["idt:TKN-0000-0001:x", "Basic dXNlcjpwdw=="])
def test_an_authorization_that_is_not_a_bearer_token_is_unauthenticated(
    facade_url: str, authorization: str
) -> None:
    body = httpx.post(
        facade_url + "/graphql",
        json={"query": "{ accounts { totalCount } }"},
        headers={"Authorization": authorization},
    ).json()

    assert codes(body) == {"UNAUTHENTICATED"}
    assert "not accepted" in body["errors"][0]["message"]


def test_a_wrong_secret_is_not_accepted(gql: GraphQLClient) -> None:
    body = gql("{ accounts { totalCount } }", "idt:TKN-0000-0001:" + "x" * 32)

    assert codes(body) == {"UNAUTHENTICATED"}
    assert "not accepted" in body["errors"][0]["message"]


def test_the_demo_tokens_still_work_with_a_plain_header(
    facade_url: str, tokens: dict[str, str]
) -> None:
    body = httpx.post(
        facade_url + "/graphql",
        json={"query": "{ accounts { totalCount } }"},
        headers=auth(tokens["Client"]),
    ).json()

    assert body["data"]["accounts"]["totalCount"] == 1


TWO_OPERATIONS = "query Mine { viewer { role } } query Names { buyers { totalCount } }"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # Which one to run is the caller's choice, never a guess.
        ({"query": TWO_OPERATIONS}, "say which to run with 'operationName'"),
        (
            {"query": TWO_OPERATIONS, "operationName": "Missing"},
            "no operation named 'Missing'",
        ),
        ({"query": "fragment F on Buyer { id }"}, "no operation to run"),
    ],
)
def test_an_operation_that_cannot_be_chosen_is_an_error_in_graphql_shape(
    facade_url: str, tokens: dict[str, str], body: dict[str, Any], message: str
) -> None:
    answer = httpx.post(
        facade_url + "/graphql", json=body, headers=auth(tokens["Client"])
    )

    assert answer.status_code == 200
    payload = answer.json()
    assert payload.get("data") is None
    assert codes(payload) == {"GRAPHQL_VALIDATION_FAILED"}
    assert message in payload["errors"][0]["message"]
    assert payload.get("extensions", {}).get("upstream", {}).get("requests", 0) == 0


def test_the_named_one_of_several_operations_runs(
    facade_url: str, tokens: dict[str, str]
) -> None:
    answer = httpx.post(
        facade_url + "/graphql",
        json={"query": TWO_OPERATIONS, "operationName": "Mine"},
        headers=auth(tokens["Client"]),
    ).json()

    assert answer["data"] == {"viewer": {"role": "CLIENT"}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": "{ __typename } #\xff"}', "JSON in UTF-8"),
        (
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 3000
            + b"]" * 3000
            + b"}}",
            "nested too deeply",
        ),
    ],
)
def test_a_body_that_cannot_be_decoded_is_a_clear_400(
    facade_url: str, tokens: dict[str, str], body: bytes, message: str
) -> None:
    answer = httpx.post(
        facade_url + "/graphql",
        content=body,
        headers={**auth(tokens["Client"]), "Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert message in answer.text


UNSENDABLE = "cannot be sent to the Accounts API"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        # Past the 64 KiB a URL may have.
        ("query($id: ID!) { account(id: $id) { id } }", {"id": "A" * 70_000}),
        (
            "query($ids: [ID!]) { accounts(filter: {id: {in: $ids}}) { totalCount } }",
            {"ids": [f"ACC-{n:04d}-{n:04d}" for n in range(4_500)]},
        ),
        ("query($r: String) { accounts(rql: $r) { totalCount } }", {"r": "x" * 70_000}),
    ],
)
def test_input_too_long_for_any_url_is_bad_user_input(
    gql: GraphQLClient, tokens: dict[str, str], query: str, variables: dict[str, Any]
) -> None:
    body = gql(query, tokens["Operations"], variables)

    assert codes(body) == {"BAD_USER_INPUT"}
    assert UNSENDABLE in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "query($v: ID!) { account(id: $v) { id } }",
        "mutation($v: String!) { createUserGroup(input: {name: $v,"
        ' accountId: "ACC-1671-0642", moduleIds: []}) { userGroup { id } } }',
    ],
)
def test_a_lone_surrogate_is_bad_user_input_not_a_crash(
    facade_url: str, tokens: dict[str, str], query: str
) -> None:
    # Only raw JSON can carry a lone surrogate (as the escape \ud800).
    body = (
        json.dumps({"query": query}).encode()[:-1] + b', "variables": {"v": "\\ud800"}}'
    )

    answer = httpx.post(
        facade_url + "/graphql",
        content=body,
        headers={**auth(tokens["Operations"]), "Content-Type": "application/json"},
    )

    assert answer.status_code == 200, answer.text
    assert codes(answer.json()) == {"BAD_USER_INPUT"}
    assert UNSENDABLE in answer.json()["errors"][0]["message"]
