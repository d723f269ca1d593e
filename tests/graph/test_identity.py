"""`TokenVerifier`: only the configured key's own algorithms pass, and a key
set is fetched as seldom as it may be.

The key sets are served by a small real HTTP server that counts its requests.
"""

import base64
import socket
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tests.servers import running
from tests.tokens import hs256_jwt, unsigned_jwt

from accounts_graph.graph.identity import KeysUnavailable, TokenVerifier
from accounts_graph.sandbox.auth import SigningKey

CLAIMS = {"sub": "someone"}


class KeySet:
    """A JWKS endpoint whose keys a test sets, counting how often it is read."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.reads = 0
        self.app = Starlette(routes=[Route("/jwks", self._serve)])

    async def _serve(self, request: Request) -> JSONResponse:
        self.reads += 1
        return JSONResponse({"keys": self.keys})


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[KeySet, str]]:
    keys = KeySet()
    with running(keys.app) as url:
        yield keys, url + "/jwks"


@pytest.fixture
def key_set(served: tuple[KeySet, str]) -> tuple[KeySet, str]:
    keys, url = served
    keys.keys, keys.reads = [], 0
    return keys, url


def _pem(key: SigningKey) -> str:
    public = key.private_key.public_key()
    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


async def test_shared_secret_accepts_its_hmac_tokens_only() -> None:
    verifier = TokenVerifier(key="a-shared-secret-of-32-characters")
    rsa_token = SigningKey.generate().sign(CLAIMS)
    unsigned = unsigned_jwt(CLAIMS)

    claims = await verifier.verify(
        jwt.encode(CLAIMS, "a-shared-secret-of-32-characters", algorithm="HS256")
    )

    assert claims == CLAIMS
    for token in (rsa_token, unsigned):
        with pytest.raises(jwt.PyJWTError):
            await verifier.verify(token)


async def test_public_key_refuses_an_hmac_token_keyed_with_itself() -> None:
    key = SigningKey.generate()
    verifier = TokenVerifier(key=_pem(key))
    # Hand-made: PyJWT itself refuses to sign HS256 with a PEM key.
    confused = hs256_jwt(CLAIMS, _pem(key).encode())

    assert await verifier.verify(key.sign(CLAIMS)) == CLAIMS
    with pytest.raises(jwt.PyJWTError):
        await verifier.verify(confused)


def test_key_and_key_set_are_exclusive() -> None:
    with pytest.raises(ValueError, match="either"):
        TokenVerifier()
    with pytest.raises(ValueError, match="either"):
        TokenVerifier(key="secret", jwks_url="http://127.0.0.1/jwks")


async def test_key_set_is_read_once_for_known_keys(key_set: tuple[KeySet, str]) -> None:
    keys, url = key_set
    signer = SigningKey.generate()
    keys.keys = signer.jwks()["keys"]
    verifier = TokenVerifier(jwks_url=url)

    for _ in range(5):
        assert await verifier.verify(signer.sign(CLAIMS)) == CLAIMS

    assert keys.reads == 1
    await verifier.aclose()


async def test_unknown_key_id_reads_the_set_again_at_most_once_a_period(
    key_set: tuple[KeySet, str],
) -> None:
    keys, url = key_set
    first, rotated = SigningKey.generate(), SigningKey.generate()
    keys.keys = first.jwks()["keys"]
    eager = TokenVerifier(jwks_url=url, refresh=0)
    patient = TokenVerifier(jwks_url=url, refresh=3600)
    for verifier in (eager, patient):
        await verifier.verify(first.sign(CLAIMS))
    keys.keys = [*first.jwks()["keys"], *rotated.jwks()["keys"]]

    # A rotated key is found by reading the set again...
    assert await eager.verify(rotated.sign(CLAIMS)) == CLAIMS
    # ...but not before the period is over, however many tokens name it.
    for _ in range(3):
        with pytest.raises(jwt.PyJWTError):
            await patient.verify(rotated.sign(CLAIMS))
    assert keys.reads == 3
    for verifier in (eager, patient):
        await verifier.aclose()


async def test_shared_secrets_in_a_key_set_are_ignored(
    key_set: tuple[KeySet, str],
) -> None:
    keys, url = key_set
    secret = b"a-shared-secret-of-32-characters"
    k = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    keys.keys = [{"kty": "oct", "kid": "shared", "k": k, "alg": "HS256"}]
    verifier = TokenVerifier(jwks_url=url)
    token = jwt.encode(CLAIMS, secret, algorithm="HS256", headers={"kid": "shared"})

    with pytest.raises(jwt.PyJWTError):
        await verifier.verify(token)
    await verifier.aclose()


async def test_key_set_out_of_reach_is_reported_as_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}/jwks"
    verifier = TokenVerifier(jwks_url=nowhere)

    with pytest.raises(KeysUnavailable):
        await verifier.verify(SigningKey.generate().sign(CLAIMS))
    await verifier.aclose()
