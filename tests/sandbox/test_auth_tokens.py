"""The sandbox as identity provider: RS256 user tokens, its JWKS, forgeries refused."""

from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.conftest import auth
from tests.sandbox.test_auth_scope import assert_problem
from tests.tokens import hs256_jwt, unsigned_jwt

from accounts_graph.platform.tokens import CLAIM_ACCOUNT_ID, CLAIM_ACCOUNT_TYPE


def _public_pem(sandbox_app: Any) -> bytes:
    public = sandbox_app.state.sandbox.signing_key.private_key.public_key()
    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("forge", ["alg-none", "hs256-with-public-key"])
def test_jwt_unsigned_or_signed_with_the_public_key_answers_401(
    forge: str, rest: httpx.Client, sandbox_app: Any, demo_accounts: dict[str, str]
) -> None:
    claims = {
        CLAIM_ACCOUNT_ID: demo_accounts["Operations"],
        CLAIM_ACCOUNT_TYPE: "Operations",
    }
    token = (
        unsigned_jwt(claims)
        if forge == "alg-none"
        # The classic algorithm confusion: HS256 keyed with the public key.
        else hs256_jwt(claims, _public_pem(sandbox_app))
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
