"""User tokens (JWTs): verified against the sandbox's published keys when so
configured, as `serve` does with the embedded sandbox; unverified claims never
grant anything, a forged Operations claim gets no data either way."""

import logging
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from accounts_graph.app import create_app
from accounts_graph.graph.identity import TokenVerifier
from accounts_graph.platform.tokens import CLAIM_ACCOUNT_ID, CLAIM_ACCOUNT_TYPE
from accounts_graph.sandbox.auth import JWKS_PATH, SigningKey
from tests.conftest import auth
from tests.servers import free_port, process_serving, running
from tests.tokens import unsigned_jwt

OPS_DATA = "{ accounts(first: 100) { nodes { id } } buyers { totalCount } }"


def _claims(account_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {CLAIM_ACCOUNT_ID: account_id, CLAIM_ACCOUNT_TYPE: kind, **extra}


def _forged(forge: str, sandbox_app: Any, account_id: str) -> str:
    """An Operations token the sandbox did not issue."""
    key: SigningKey = sandbox_app.state.sandbox.signing_key
    claims = _claims(account_id, "Operations")
    if forge == "wrong-key":
        # Signed with another key, under the sandbox key's id.
        other = SigningKey.generate()
        return SigningKey(other.private_key, key.kid).sign(claims)
    if forge == "alg-none":
        return unsigned_jwt(claims)
    if forge == "expired":
        return key.sign({**claims, "exp": int(time.time()) - 3600})
    raise AssertionError(forge)


def _post(url: str, token: str, query: str = OPS_DATA) -> dict[str, Any]:
    response = httpx.post(
        url + "/graphql", json={"query": query}, headers=auth(token), timeout=30
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _requests(body: dict[str, Any]) -> int:
    return int(body["extensions"]["upstream"]["requests"])


FORGERIES = ["wrong-key", "alg-none", "expired"]


@pytest.mark.parametrize("forge", FORGERIES)
def test_forged_operations_claim_is_refused_before_any_upstream_request(
    forge: str, facade_url: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    token = _forged(forge, sandbox_app, demo_accounts["Operations"])

    body = _post(facade_url, token)

    assert body["data"] == {"accounts": None, "buyers": None}
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHENTICATED"}
    assert _requests(body) == 0


@pytest.fixture(scope="module")
def unverified(sandbox_url: str) -> Iterator[str]:
    """A facade that verifies no token: claims only decide early refusals."""
    with running(create_app(sandbox_url)) as url:
        yield url


@pytest.mark.parametrize("forge", FORGERIES)
def test_forged_operations_claim_unverified_gets_the_upstream_refusal(
    forge: str, unverified: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    token = _forged(forge, sandbox_app, demo_accounts["Operations"])

    body = _post(unverified, token)

    assert body["data"] == {"accounts": None, "buyers": None}
    for error in body["errors"]:
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert error["extensions"]["upstream"]["status"] == 401
    assert _requests(body) >= 1


def test_signed_token_that_lies_about_the_account_type_gets_no_data(
    facade_url: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    key: SigningKey = sandbox_app.state.sandbox.signing_key
    token = key.sign(_claims(demo_accounts["Client"], "Operations"))

    body = _post(facade_url, token)

    assert body["data"] == {"accounts": None, "buyers": None}
    assert {e["extensions"]["upstream"]["status"] for e in body["errors"]} == {401}


def test_token_the_sandbox_issued_is_accepted(
    facade_url: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    key: SigningKey = sandbox_app.state.sandbox.signing_key
    token = key.sign(_claims(demo_accounts["Client"], "Client"))

    body = _post(facade_url, token, "{ viewer { role } accounts { nodes { id } } }")

    assert "errors" not in body
    assert body["data"]["viewer"]["role"] == "CLIENT"
    assert body["data"]["accounts"]["nodes"] == [{"id": demo_accounts["Client"]}]


def test_keys_out_of_reach_leave_the_upstream_to_decide(
    sandbox_url: str,
    sandbox_app: Any,
    demo_accounts: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, "accounts_graph.graph.identity")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}{JWKS_PATH}"
    key: SigningKey = sandbox_app.state.sandbox.signing_key
    verifier = TokenVerifier(jwks_url=nowhere, refresh=0)

    with running(create_app(sandbox_url, verifier=verifier)) as url:
        good = _post(url, key.sign(_claims(demo_accounts["Client"], "Client")))
        forged = _post(
            url, _forged("wrong-key", sandbox_app, demo_accounts["Operations"])
        )

    assert good["data"]["buyers"]["totalCount"] >= 0
    assert forged["data"] == {"accounts": None, "buyers": None}
    assert {e["extensions"]["upstream"]["status"] for e in forged["errors"]} == {401}
    assert "JWT keys unavailable" in caplog.text


def test_audience_and_issuer_are_checked_when_configured(
    sandbox_url: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    key: SigningKey = sandbox_app.state.sandbox.signing_key
    claims = _claims(demo_accounts["Client"], "Client")
    verifier = TokenVerifier(
        jwks_url=sandbox_url + JWKS_PATH, audience="accounts-graph", issuer="sandbox"
    )
    query = "{ viewer { role } }"

    with running(create_app(sandbox_url, verifier=verifier)) as url:
        right = _post(
            url, key.sign({**claims, "aud": "accounts-graph", "iss": "sandbox"}), query
        )
        no_audience = _post(url, key.sign({**claims, "iss": "sandbox"}), query)
        other_issuer = _post(
            url, key.sign({**claims, "aud": "accounts-graph", "iss": "x"}), query
        )

    assert right["data"]["viewer"]["role"] == "CLIENT"
    for body in (no_audience, other_issuer):
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert _requests(body) == 0


def test_configured_public_key_verifies_like_the_key_set(
    sandbox_url: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    key: SigningKey = sandbox_app.state.sandbox.signing_key
    pem = key.private_key.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    verifier = TokenVerifier(key=pem.decode())

    with running(create_app(sandbox_url, verifier=verifier)) as url:
        good = _post(url, key.sign(_claims(demo_accounts["Client"], "Client")))
        forged = _post(
            url, _forged("wrong-key", sandbox_app, demo_accounts["Operations"])
        )

    assert "errors" not in good
    assert forged["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _requests(forged) == 0


def test_serve_verifies_tokens_against_the_embedded_sandbox_keys(
    tmp_path: Path, demo_accounts: dict[str, str]
) -> None:
    port = free_port()
    db = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "ACCOUNTS_GRAPH_PORT": str(port),
        "ACCOUNTS_GRAPH_DB_PATH": str(db),
    }
    url = f"http://127.0.0.1:{port}"
    argv = [str(Path(sys.executable).parent / "accounts-graph"), "serve"]
    log = tmp_path / "serve.log"
    with process_serving(argv, url, "/healthz", log, env=env, stdout_too=True):
        with sqlite3.connect(db) as conn:
            [pem] = conn.execute(
                "SELECT value FROM meta WHERE key = 'jwt_signing_key'"
            ).fetchone()
        key = SigningKey.from_pem(pem)
        # The demo dataset is the same in every new file.
        claims = _claims(demo_accounts["Operations"], "Operations")
        impostor = SigningKey(SigningKey.generate().private_key, key.kid)
        issued = _post(url, key.sign(claims))
        forged = _post(url, impostor.sign(claims))

    assert "errors" not in issued
    assert issued["data"]["accounts"]["nodes"]
    assert forged["data"] == {"accounts": None, "buyers": None}
    assert _requests(forged) == 0
