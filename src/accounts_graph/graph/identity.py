"""Who the caller is, read from its token: role, account, user or API token.

A JWT carries its claims; an opaque API token is looked up upstream once
(`GET /api-tokens/{id}` answers with its account and that account's type) and
remembered briefly by a hash of the token, never the token itself. The identity
only lets the facade refuse early what the upstream would refuse anyway; the
upstream stays the authority and grants nothing on these grounds.

With a `TokenVerifier` (a key, or the identity provider's JWKS URL) a JWT whose
signature, dates, audience or issuer do not check out is refused at once. While
the key set cannot be fetched, claims are read unverified, as without a
verifier: they still decide nothing but early refusals.
"""

import asyncio
import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from accounts_graph.platform.enums import Role
from accounts_graph.platform.tokens import (
    CLAIM_ACCOUNT_ID,
    CLAIM_ACCOUNT_TYPE,
    CLAIM_API_TOKEN_ID,
    CLAIM_USER_ID,
    looks_like_jwt,
    parse_api_token,
)
from accounts_graph.upstream.client import Session, path
from accounts_graph.upstream.errors import Unauthenticated

logger = logging.getLogger(__name__)

_RSA = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
_EC = ("ES256", "ES384", "ES512")
_HMAC = ("HS256", "HS384", "HS512")


class KeysUnavailable(Exception):
    """The identity provider's key set could not be fetched."""


def _algorithms_of_pem(pem: str) -> tuple[Any, Sequence[str]]:
    key = load_pem_public_key(pem.encode())
    if isinstance(key, rsa.RSAPublicKey):
        return key, _RSA
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key, _EC
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key, ("EdDSA",)
    raise ValueError("The JWT key must be an RSA, EC or Ed25519 public key.")


class TokenVerifier:
    """Checks JWTs against a configured key or the keys a JWKS URL publishes.

    `key` is a PEM public key, or else a shared HMAC secret. Only the algorithms
    of the key's own kind are accepted, so neither `alg: none` nor a token
    signed with the public key as an HMAC secret passes. A JWKS is fetched on
    first use and again for an unknown `kid`, at most every `refresh` seconds.
    """

    def __init__(
        self,
        *,
        key: str | None = None,
        jwks_url: str | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        http: httpx.AsyncClient | None = None,
        refresh: float = 60.0,
    ) -> None:
        if (key is None) == (jwks_url is None):
            raise ValueError("Give either a JWT key or a JWKS URL.")
        self.audience = audience
        self.issuer = issuer
        self.jwks_url = jwks_url
        self.refresh = refresh
        self._http = http
        self._static: tuple[Any, Sequence[str]] | None = None
        if key is not None:
            pem = key.strip().startswith("-----BEGIN")
            self._static = _algorithms_of_pem(key) if pem else (key, _HMAC)
        self._jwks: dict[str | None, jwt.PyJWK] = {}
        self._fetched = -float("inf")
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> dict[str, Any]:
        """Return the token's claims once they check out.

        Raises:
            jwt.PyJWTError: the token is malformed, forged, expired or not ours.
            KeysUnavailable: the key set could not be fetched.
        """
        key, algorithms = self._static or await self._key_for(token)
        options: dict[str, Any] = {"verify_aud": self.audience is not None}
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            audience=self.audience,
            issuer=self.issuer,
            options=options,  # type: ignore[arg-type]
            leeway=30,
        )
        return claims

    async def _key_for(self, token: str) -> tuple[Any, Sequence[str]]:
        kid = jwt.get_unverified_header(token).get("kid")
        found = self._pick(kid)
        if found is None and time.monotonic() - self._fetched >= self.refresh:
            await self._fetch()
            found = self._pick(kid)
        if found is None:
            raise jwt.InvalidKeyError("No published key matches the token.")
        return found.key, (found.algorithm_name,)

    def _pick(self, kid: object) -> jwt.PyJWK | None:
        if kid is None and len(self._jwks) == 1:
            return next(iter(self._jwks.values()))
        return self._jwks.get(kid) if isinstance(kid, str) else None

    async def _fetch(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched < self.refresh:
                return
            assert self.jwks_url is not None
            try:
                response = await self._client().get(self.jwks_url)
                response.raise_for_status()
                keys = response.json().get("keys", [])
            except (httpx.HTTPError, ValueError, AttributeError) as error:
                raise KeysUnavailable(type(error).__name__) from error
            found: dict[str | None, jwt.PyJWK] = {}
            for data in keys if isinstance(keys, list) else []:
                # A shared secret has no business in a published key set.
                if not isinstance(data, dict) or data.get("kty") == "oct":
                    continue
                try:
                    found[data.get("kid")] = jwt.PyJWK(data)
                except jwt.PyJWTError:
                    continue
            self._jwks = found
            self._fetched = time.monotonic()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=5.0, trust_env=False, follow_redirects=False
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()


@dataclass(frozen=True)
class Identity:
    """The caller as far as the facade knows it."""

    role: Role
    account_id: str | None = None
    user_id: str | None = None
    token_id: str | None = None


PUBLIC = Identity(Role.PUBLIC)


class IdentityCache:
    """Identities of recently seen API tokens, keyed by the token's hash, and
    the verifier of JWTs, when one is configured."""

    def __init__(
        self,
        ttl: float = 60.0,
        size: int = 4096,
        verifier: TokenVerifier | None = None,
    ) -> None:
        self.ttl = ttl
        self.size = size
        self.verifier = verifier
        self._entries: dict[str, tuple[float, Identity]] = {}

    def get(self, key: str) -> Identity | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: str, identity: Identity) -> None:
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (time.monotonic() + self.ttl, identity)


def _claim(claims: dict[str, object], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) else None


async def identity_from_jwt(
    token: str, verifier: TokenVerifier | None
) -> Identity | None:
    """Read a JWT's platform claims, verified when a verifier is configured.

    Returns None for a token that is not a valid JWT (or fails verification).
    """
    try:
        claims = await _claims(token, verifier)
    except jwt.PyJWTError:
        return None
    try:
        role = Role(str(claims.get(CLAIM_ACCOUNT_TYPE)))
    except ValueError:
        return None
    return Identity(
        role,
        _claim(claims, CLAIM_ACCOUNT_ID),
        _claim(claims, CLAIM_USER_ID),
        _claim(claims, CLAIM_API_TOKEN_ID),
    )


async def _claims(token: str, verifier: TokenVerifier | None) -> dict[str, Any]:
    if verifier is not None:
        try:
            return await verifier.verify(token)
        except KeysUnavailable as error:
            logger.warning("JWT keys unavailable (%s); claims read unverified", error)
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def resolve_identity(session: Session, cache: IdentityCache) -> Identity | None:
    """Return the caller's identity; None when the token is not valid.

    Raises:
        UpstreamError: the token lookup failed for another reason than 401.
    """
    token = session.token
    if not token:
        return PUBLIC
    if looks_like_jwt(token):
        return await identity_from_jwt(token, cache.verifier)
    parts = parse_api_token(token)
    if parts is None:
        return None
    key = hashlib.sha256(token.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        doc = await session.send(
            "GET",
            path("/api-tokens/{id}", id=parts.token_id),
            template="/api-tokens/{id}",
        )
    except Unauthenticated:
        return None
    account = doc.get("account") or {}
    identity = Identity(
        Role(str(account.get("type", Role.PUBLIC.value))),
        account.get("id"),
        token_id=parts.token_id,
    )
    cache.put(key, identity)
    return identity
