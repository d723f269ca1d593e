"""The running sandbox: its store and keys, and the steps every handler shares."""

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from accounts_graph.platform.resources import Resource
from accounts_graph.sandbox.auth import Caller, SigningKey, authenticate, require
from accounts_graph.sandbox.problems import ApiProblem, not_found
from accounts_graph.sandbox.rql import Query, RqlError, parse_query
from accounts_graph.sandbox.scope import scope_condition
from accounts_graph.sandbox.store import Document, Store, version_of

PREFIX = "/public/v1/accounts"


@dataclass
class Sandbox:
    """What the sandbox's handlers share: the store and the JWT signing key."""

    store: Store
    signing_key: SigningKey

    @classmethod
    def open(cls, store: Store) -> "Sandbox":
        """Attach to a store, creating its signing key on first use."""
        pem = store.get_meta("jwt_signing_key")
        if pem is None:
            key = SigningKey.generate()
            with store.transaction() as conn:
                store.set_meta(conn, "jwt_signing_key", key.to_pem())
            return cls(store, key)
        return cls(store, SigningKey.from_pem(pem))


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


def caller_for(request: Request, method: str, path: str) -> Caller:
    """Authenticate the request and check the role matrix for (method, path).

    Raises:
        ApiProblem: 401 or 403.
    """
    sandbox = sandbox_of(request)
    caller = authenticate(
        sandbox.store, request.headers.get("authorization"), sandbox.signing_key
    )
    require(caller, method, path)
    return caller


def parse(request: Request, resource: Resource, *, ignore: str = "") -> Query:
    """Parse the request's RQL query string, checking paths against `resource`.

    `ignore` names a plain query parameter of the route that is not RQL.

    Raises:
        ApiProblem: 400 naming the offending term.
    """
    raw = request.url.query
    if ignore:
        raw = "&".join(p for p in raw.split("&") if not p.startswith(ignore + "="))
    try:
        return parse_query(raw, resource=resource)
    except RqlError as error:
        raise ApiProblem(400, str(error), {"rql": [str(error)]}) from error


def etag_of(doc: Document) -> str:
    """Return the entity tag of a stored object: its state's digest, quoted.

    It names the object's version rather than one rendering of it: `select`
    and the fields embedded from references do not change it.
    """
    return f'"{version_of(doc)}"'


def fetch_visible(
    sandbox: Sandbox, resource: Resource, caller: Caller, object_id: str
) -> Document:
    """Return a stored object the caller may see.

    Raises:
        ApiProblem: 404 when it does not exist or lies outside the caller's scope.
    """
    scope, params = scope_condition(resource, caller)
    found = sandbox.store.select(
        resource, f"t.id = ? AND ({scope})", [object_id, *params], [], 1, 0
    )[0]
    if not found:
        raise not_found(resource.name.replace("_", " ").capitalize(), object_id)
    return found[0]
