"""A caller's token goes to the configured upstream only, and no secret comes
back in an answer: not through a redirect, not quoted by the upstream, not
quoted by GraphQL's own messages.

The upstreams here are small real HTTP servers that misbehave on purpose (a
redirect to another origin, problem details that quote the request), since
the sandbox never does.
"""

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from accounts_graph.app import create_app
from accounts_graph.platform.tokens import CLAIM_ACCOUNT_ID, CLAIM_ACCOUNT_TYPE
from accounts_graph.upstream.errors import REDACTED
from tests.conftest import auth
from tests.servers import running

API = "/public/v1/accounts"
SET_PASSWORD = (
    'mutation($p: String!) { setUserPassword(id: "USR-1111-2222", password: $p)'
    " { user { id } errors { message field } } }"
)


def _forged_ops_jwt() -> str:
    claims = {CLAIM_ACCOUNT_ID: "ACC-1111-2222", CLAIM_ACCOUNT_TYPE: "Operations"}
    return jwt.encode(claims, secrets.token_hex(16), algorithm="HS256")


def _post(url: str, token: str, query: str, **variables: Any) -> httpx.Response:
    return httpx.post(
        url + "/graphql",
        json={"query": query, "variables": variables},
        headers=auth(token),
        timeout=30,
    )


# --- redirects ---------------------------------------------------------------


class Recorder:
    """A server elsewhere that records whatever reaches it."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.app = Starlette(
            routes=[
                Route(
                    "/{rest:path}", self._any, methods=["GET", "POST", "PUT", "DELETE"]
                )
            ]
        )

    async def _any(self, request: Request) -> Response:
        self.seen.append(dict(request.headers))
        page = {"offset": 0, "limit": 0, "total": 1}
        return JSONResponse({"$meta": {"pagination": page}, "data": []})


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[tuple[Recorder, str]]:
    recorder = Recorder()
    with running(recorder.app) as url:
        yield recorder, url


@pytest.fixture(scope="module", params=[301, 302, 303, 307, 308])
def redirecting(
    request: pytest.FixtureRequest, elsewhere: tuple[Recorder, str]
) -> Iterator[str]:
    """A facade whose upstream redirects every request to another origin."""

    async def away(incoming: Request) -> Response:
        target = elsewhere[1] + incoming.url.path + "?" + incoming.url.query
        return RedirectResponse(target, status_code=request.param)

    methods = ["GET", "POST", "PUT", "DELETE"]
    upstream = Starlette(routes=[Route("/{rest:path}", away, methods=methods)])
    with running(upstream) as upstream_url, running(create_app(upstream_url)) as url:
        yield url


@pytest.mark.parametrize(
    ("token", "query"),
    [
        ("idt:TKN-1111-2222:" + "Redirected" * 4, "{ viewer { role } }"),
        (_forged_ops_jwt(), "{ buyers { totalCount } }"),
        (
            _forged_ops_jwt(),
            'mutation { disableBuyer(id: "BUY-1111-2222") { errors { message } } }',
        ),
    ],
    ids=["token-lookup", "read", "write"],
)
def test_redirect_to_another_origin_is_not_followed_with_the_token(
    token: str, query: str, redirecting: str, elsewhere: tuple[Recorder, str]
) -> None:
    recorder = elsewhere[0]
    recorder.seen.clear()

    answer = _post(redirecting, token, query).json()

    [error] = answer["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_ERROR"
    assert 300 <= error["extensions"]["upstream"]["status"] < 400
    assert recorder.seen == []
    assert token not in str(answer) and elsewhere[1] not in str(answer)


# --- an upstream that quotes what it was sent --------------------------------


async def _quoting_token(request: Request) -> JSONResponse:
    sent = request.headers.get("authorization", "")
    problem = {
        "title": "Unauthorized",
        "status": 401,
        "detail": f"The token in '{sent}' is not valid.",
        "errors": {"authorization": [f"Unknown: {sent}"]},
        "traceId": "00-aa-bb-00",
        "stackTrace": "Internal.Auth.Validate() at line 12",
    }
    return JSONResponse(problem, status_code=401)


async def _quoting_failure(request: Request) -> JSONResponse:
    sent = request.headers.get("authorization", "")
    problem = {
        "title": "Internal Server Error",
        "status": 500,
        "detail": f"Crash for {sent}",
    }
    return JSONResponse(problem, status_code=500)


async def _quoting_password(request: Request) -> JSONResponse:
    body = await request.json()
    problem = {
        "title": "Bad Request",
        "status": 400,
        "detail": f"Password {body['password']} is too weak.",
        "errors": {"password": [f"'{body['password']}' is too weak."]},
    }
    return JSONResponse(problem, status_code=400)


QUOTING = Starlette(
    routes=[
        Route(API + "/buyers", _quoting_token),
        Route(API + "/sellers", _quoting_failure),
        Route(API + "/users/{id}/set-password", _quoting_password, methods=["POST"]),
    ]
)


@pytest.fixture(scope="module")
def quoted() -> Iterator[str]:
    with running(QUOTING) as upstream, running(create_app(upstream)) as url:
        yield url


def test_token_quoted_by_the_upstream_is_blanked_out(quoted: str) -> None:
    token = _forged_ops_jwt()

    answer = _post(quoted, token, "{ buyers { totalCount } }")

    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert token not in answer.text
    assert REDACTED in error["message"]
    upstream = error["extensions"]["upstream"]
    assert upstream["errors"] == [
        {"field": "authorization", "message": f"Unknown: Bearer {REDACTED}"}
    ]
    assert "stackTrace" not in answer.text and "Internal.Auth" not in answer.text


def test_token_quoted_in_a_server_error_is_blanked_out(quoted: str) -> None:
    token = _forged_ops_jwt()

    answer = _post(quoted, token, "{ sellers { totalCount } }")

    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_ERROR"
    assert token not in answer.text
    assert error["extensions"]["upstream"]["detail"] == f"Crash for Bearer {REDACTED}"


def test_password_quoted_by_the_upstream_is_blanked_out(quoted: str) -> None:
    password = "Quoted-Password-" + secrets.token_hex(8)

    answer = _post(quoted, _forged_ops_jwt(), SET_PASSWORD, p=password)

    errors = answer.json()["data"]["setUserPassword"]["errors"]
    assert password not in answer.text
    assert errors == [{"message": f"'{REDACTED}' is too weak.", "field": ["password"]}]


# --- GraphQL's own messages, and tokens that cannot be sent --------------------


@pytest.mark.parametrize(
    ("variables", "query"),
    [
        ({"p": 9876543210123}, SET_PASSWORD),
        (
            {"i": {"name": "X", "password": "Misplaced-Secret-Value"}},
            "mutation($i: CreateAccountInput!) { createAccount(input: $i)"
            " { account { id } } }",
        ),
        (
            {
                "i": {
                    "name": "X",
                    "type": "Misplaced-Secret-Value",
                    "serviceLevel": "ELITE",
                }
            },
            "mutation($i: CreateAccountInput!) { createAccount(input: $i)"
            " { account { id } } }",
        ),
    ],
    ids=["wrong-type", "unknown-field", "not-an-enum-value"],
)
def test_validation_messages_do_not_quote_input_values(
    variables: dict[str, Any], query: str, facade_url: str, tokens: dict[str, str]
) -> None:
    answer = _post(facade_url, tokens["Operations"], query, **variables)

    errors = answer.json()["errors"]
    assert errors
    assert {e["extensions"]["code"] for e in errors} <= {
        "BAD_USER_INPUT",
        "GRAPHQL_VALIDATION_FAILED",
    }
    assert "9876543210123" not in answer.text
    assert "Misplaced-Secret-Value" not in answer.text
    assert all("$" in e["message"] for e in errors)


@pytest.mark.parametrize(
    "header",
    [b"Bearer two words", b"Bearer caf\xe9-token"],
    ids=["space", "latin-1"],
)
def test_malformed_token_is_refused_before_any_upstream_request(
    header: bytes, facade_url: str
) -> None:
    answer = httpx.post(
        facade_url + "/graphql",
        json={"query": "{ buyers { totalCount } }"},
        headers={"Authorization": header},
    )

    body = answer.json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["extensions"]["upstream"]["requests"] == 0
    assert header.split(b" ", 1)[1].decode("latin-1") not in answer.text


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        # An unbalanced term: the real sandbox's 400 quotes the RQL back.
        (
            "query($r: String) { buyers(rql: $r) { totalCount } }",
            {"r": "eq(name,idt:TKN-0172-4326:PXuLk2cVf8m1Qz0aTn5Yw7Rb"},
        ),
        # A token pasted as an id: the sandbox's 404 quotes the id back.
        (
            "query($id: ID!) { buyer(id: $id) { id } }",
            {"id": "idt:TKN-0172-4326:PXuLk2cVf8m1Qz0aTn5Yw7Rb"},
        ),
    ],
)
def test_a_credential_the_upstream_quotes_back_is_redacted(
    gql: Any, tokens: dict[str, str], query: str, variables: dict[str, Any]
) -> None:
    body = gql(query, tokens["Operations"], variables)

    assert body["errors"]
    assert "PXuLk2cVf8m1Qz0aTn5Yw7Rb" not in str(body)
