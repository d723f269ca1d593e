"""Who the caller is, read from its token: role, account, user or API token.

A JWT carries its claims; an opaque API token is looked up upstream once
(`GET /api-tokens/{id}` answers with its account and that account's type) and
remembered briefly by a hash of the token, never the token itself. The identity
only lets the facade refuse early what the upstream would refuse anyway; the
upstream stays the authority and grants nothing on these grounds.
"""

import hashlib
import time
from dataclasses import dataclass

import jwt

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


@dataclass(frozen=True)
class Identity:
    """The caller as far as the facade knows it."""

    role: Role
    account_id: str | None = None
    user_id: str | None = None
    token_id: str | None = None


PUBLIC = Identity(Role.PUBLIC)


class IdentityCache:
    """Identities of recently seen API tokens, keyed by the token's hash."""

    def __init__(self, ttl: float = 60.0, size: int = 4096) -> None:
        self.ttl = ttl
        self.size = size
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


def identity_from_jwt(token: str) -> Identity | None:
    """Read a JWT's platform claims without verifying them (see module doc)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
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


async def resolve_identity(session: Session, cache: IdentityCache) -> Identity | None:
    """Return the caller's identity; None when the token is not valid.

    Raises:
        UpstreamError: the token lookup failed for another reason than 401.
    """
    token = session.token
    if not token:
        return PUBLIC
    if looks_like_jwt(token):
        return identity_from_jwt(token)
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
