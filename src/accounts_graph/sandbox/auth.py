"""Who is calling the sandbox, and whether the role matrix lets them.

User tokens are JWTs the sandbox signs as the platform's identity provider
does: RS256 with a key pair kept in the store, the public half published as a
JSON Web Key Set (`GET /.well-known/jwks.json`) for anyone who verifies them.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accounts_graph.platform.capabilities import CAPABILITIES, Capability
from accounts_graph.platform.enums import AccountStatus, ApiTokenStatus, Role
from accounts_graph.platform.resources import ACCOUNT, API_TOKEN
from accounts_graph.platform.tokens import (
    CLAIM_ACCOUNT_ID,
    CLAIM_ACCOUNT_TYPE,
    CLAIM_USER_ID,
    bearer_of,
    looks_like_jwt,
    parse_api_token,
)
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.store import Store


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: its role is its account's type."""

    role: Role
    account_id: str
    user_id: str | None = None
    token_id: str | None = None

    @property
    def is_operations(self) -> bool:
        return self.role is Role.OPERATIONS

    @property
    def actor_id(self) -> str:
        """The id audit events record as `by`."""
        return self.user_id or self.token_id or self.account_id


def hash_secret(secret: str) -> str:
    """Hash an API token secret; secrets are long and random, so one round does."""
    return hashlib.sha256(secret.encode()).hexdigest()


_UNAUTHENTICATED = ApiProblem(401, "A valid bearer token is required.")

JWKS_PATH = "/.well-known/jwks.json"
ALGORITHM = "RS256"


@dataclass(frozen=True)
class SigningKey:
    """The key pair the sandbox signs user tokens with; `kid` names it in a JWKS."""

    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls.of(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def from_pem(cls, pem: str) -> "SigningKey":
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("The stored signing key is not an RSA key.")
        return cls.of(key)

    @classmethod
    def of(cls, key: rsa.RSAPrivateKey) -> "SigningKey":
        return cls(key, _thumbprint(_public_jwk(key.public_key())))

    def to_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def sign(self, claims: dict[str, Any]) -> str:
        """Issue a token carrying `claims`, as the identity provider would."""
        return jwt.encode(
            claims, self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid}
        )

    def verify(self, token: str) -> dict[str, Any]:
        """Return a token's claims once its signature and dates check out.

        Raises:
            jwt.PyJWTError: they do not.
        """
        claims: dict[str, Any] = jwt.decode(
            token,
            self.private_key.public_key(),
            algorithms=[ALGORITHM],
            options={"verify_aud": False},
        )
        return claims

    def jwks(self) -> dict[str, Any]:
        """Return the public key as a JSON Web Key Set (RFC 7517)."""
        jwk = {
            **_public_jwk(self.private_key.public_key()),
            "kid": self.kid,
            "use": "sig",
            "alg": ALGORITHM,
        }
        return {"keys": [jwk]}


def _public_jwk(key: rsa.RSAPublicKey) -> dict[str, Any]:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key, as_dict=True)
    return {name: jwk[name] for name in ("kty", "n", "e")}


def _thumbprint(jwk: dict[str, Any]) -> str:
    """The key's RFC 7638 thumbprint: a `kid` that changes only with the key."""
    canonical = json.dumps(jwk, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def jwks_routes(key: SigningKey) -> list[Route]:
    """The identity provider's discovery route: the public signing keys."""

    async def jwks(request: Request) -> Response:
        return JSONResponse(
            key.jwks(), headers={"Cache-Control": "public, max-age=300"}
        )

    return [Route(JWKS_PATH, jwks)]


def authenticate(store: Store, authorization: str | None, key: SigningKey) -> Caller:
    """Identify the caller of a request.

    Raises:
        ApiProblem: 401 when the token is missing, malformed, unknown or disabled.
    """
    token = bearer_of(authorization)
    if token is None:
        raise _UNAUTHENTICATED
    if looks_like_jwt(token):
        return _from_jwt(store, token, key)
    parts = parse_api_token(token)
    if parts is None:
        raise _UNAUTHENTICATED
    doc = store.get(API_TOKEN, parts.token_id)
    if (
        doc is None
        or doc.get("status") != ApiTokenStatus.ACTIVE
        or not hmac.compare_digest(doc.get("tokenHash", ""), hash_secret(parts.secret))
    ):
        raise _UNAUTHENTICATED
    account_id = doc["account"]["id"]
    return Caller(_role_of(store, account_id), account_id, token_id=parts.token_id)


def _from_jwt(store: Store, token: str, key: SigningKey) -> Caller:
    try:
        claims = key.verify(token)
    except jwt.PyJWTError as error:
        raise _UNAUTHENTICATED from error
    account_id = claims.get(CLAIM_ACCOUNT_ID)
    if not isinstance(account_id, str):
        raise _UNAUTHENTICATED
    role = _role_of(store, account_id)
    # A claim that contradicts the stored account type is a forged or stale token.
    if claims.get(CLAIM_ACCOUNT_TYPE) != role.value:
        raise _UNAUTHENTICATED
    user_id = claims.get(CLAIM_USER_ID)
    return Caller(
        role, account_id, user_id=user_id if isinstance(user_id, str) else None
    )


def _role_of(store: Store, account_id: str) -> Role:
    account = store.get(ACCOUNT, account_id)
    # A disabled account bars sign-in for everyone acting for it.
    if account is None or account.get("status") == AccountStatus.DISABLED:
        raise _UNAUTHENTICATED
    return Role(account["type"])


# Two rows can share a route: "Update buyer" and "Upload an icon" are both
# PUT /buyers/{id}, for different roles. A route is open to a role holding any
# of its rows; the handler then checks the row its body actually uses.
_BY_ROUTE: dict[tuple[str, str], tuple[Capability, ...]] = {}
for _row in CAPABILITIES:
    _BY_ROUTE[(_row.method, _row.path)] = (
        *_BY_ROUTE.get((_row.method, _row.path), ()),
        _row,
    )


def holds(caller: Caller, method: str, path: str, name: str | None = None) -> bool:
    """Tell whether the caller holds (method, path), or its row called `name`."""
    rows = _BY_ROUTE[(method, path)]
    return any(
        row.allows(caller.role) for row in rows if name is None or row.name == name
    )


def require(caller: Caller, method: str, path: str, name: str | None = None) -> None:
    """Refuse a caller whose role lacks the capability behind (method, path).

    `name` narrows a route that serves several rows to one of them.

    Raises:
        ApiProblem: 403 when the matrix does not grant the caller's role.
    """
    if holds(caller, method, path, name):
        return
    rows = _BY_ROUTE[(method, path)]
    row = next((r for r in rows if name is None or r.name == name), rows[0])
    raise ApiProblem(403, f"{caller.role.value} accounts may not use '{row.name}'.")
