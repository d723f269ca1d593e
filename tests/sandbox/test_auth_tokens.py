"""The sandbox as identity provider: RS256 user tokens, its JWKS, forgeries refused."""

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.conftest import auth
from tests.sandbox.test_auth_scope import assert_problem

from accounts_graph.platform.tokens import CLAIM_ACCOUNT_ID, CLAIM_ACCOUNT_TYPE


def _confused(sandbox_app: Any, claims: dict[str, str]) -> str:
    # The classic algorithm confusion: HS256 keyed with the published public key.
    public = sandbox_app.state.sandbox.signing_key.private_key.public_key()
    pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return _raw_jwt({"alg": "HS256", "typ": "JWT"}, claims, hmac_key=pem)


def _raw_jwt(
    header: dict[str, str], claims: dict[str, str], hmac_key: bytes | None = None
) -> str:
    def part(value: dict[str, str]) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{part(header)}.{part(claims)}"
    signature = b""
    if hmac_key is not None:
        signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    return f"{signing_input}.{encoded}"


@pytest.mark.parametrize("forge", ["alg-none", "hs256-with-public-key"])
def test_jwt_unsigned_or_signed_with_the_public_key_answers_401(
    forge: str, rest: httpx.Client, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    claims = {
        CLAIM_ACCOUNT_ID: demo_accounts["Operations"],
        CLAIM_ACCOUNT_TYPE: "Operations",
    }
    token = (
        _raw_jwt({"alg": "none", "typ": "JWT"}, claims)
        if forge == "alg-none"
        else _confused(sandbox_app, claims)
    )

    response = rest.get("/accounts", headers=auth(token))

    assert_problem(response, 401, "Unauthorized")


def test_jwks_publishes_the_public_key_that_verifies_its_tokens(
    sandbox_url: str, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    key = sandbox_app.state.sandbox.signing_key
    claims = {
        CLAIM_ACCOUNT_ID: demo_accounts["Client"],
        CLAIM_ACCOUNT_TYPE: "Client",
    }

    jwks = httpx.get(sandbox_url + "/.well-known/jwks.json").json()

    [published] = jwks["keys"]
    assert published["kid"] == key.kid
    assert "d" not in published and "p" not in published
    public = jwt.PyJWK(published).key
    verified = jwt.decode(key.sign(claims), public, algorithms=["RS256"])
    assert verified == claims
