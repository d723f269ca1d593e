"""Who is calling the sandbox, and whether the role matrix lets them."""

import hashlib
import hmac
from dataclasses import dataclass

import jwt

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


def authenticate(store: Store, authorization: str | None, jwt_key: str) -> Caller:
    """Identify the caller of a request.

    Raises:
        ApiProblem: 401 when the token is missing, malformed, unknown or disabled.
    """
    token = bearer_of(authorization)
    if token is None:
        raise _UNAUTHENTICATED
    if looks_like_jwt(token):
        return _from_jwt(store, token, jwt_key)
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


def _from_jwt(store: Store, token: str, jwt_key: str) -> Caller:
    try:
        claims = jwt.decode(token, jwt_key, algorithms=["HS256"])
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
