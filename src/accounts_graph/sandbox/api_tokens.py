"""API tokens, write side: create (the secret shown once), update, states, delete.

The secret is `idt:TKN-dddd-dddd:<40 letters and digits>`, drawn from `secrets`,
returned in `token` by the create answer only and stored as its hash; no read
returns it again. A token belongs to the caller's account unless Operations names
another, and may hold only modules its account's type can use. States: Active ⇄
Disabled; Active or Disabled → Deleted on DELETE (kept, hidden from clients and
vendors). Only an Active token authenticates (`auth.authenticate`).
"""

import secrets
import string

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import ApiTokenStatus
from accounts_graph.platform.resources import ACCOUNT, API_TOKEN, MODULE
from accounts_graph.sandbox.auth import hash_secret
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.validation import (
    VALIDATION_FAILED,
    Ref,
    Text,
    refs,
    unusable_modules,
)
from accounts_graph.sandbox.writes import (
    OBJECT,
    Move,
    Write,
    created,
    merge,
    mint_id,
    move,
    record,
    ref_id,
    refuse_move,
    route,
)

LIST = "/api-tokens"
ONE = "/api-tokens/{id}"
SECRET_LENGTH = 40
_ALPHANUMERIC = string.ascii_letters + string.digits

# An update changes the fields it sends (the spec's UpdateApiTokenDto requires
# none); a name, when sent, may not be empty.
UPDATE_RULES = {
    "name": Text(False, 1, 0),
    "description": Text(),
    "icon": Text(),
    "modules": refs(MODULE),
}
CREATE_RULES = {
    **UPDATE_RULES,
    "name": Text(True, 1, 0),
    "account": Ref(False, ACCOUNT),
}

_S = ApiTokenStatus
LIVE = (_S.ACTIVE, _S.DISABLED)
_MOVES = {
    "disable": Move((_S.ACTIVE,), _S.DISABLED),
    "enable": Move((_S.DISABLED,), _S.ACTIVE),
}


def _usable_modules(write: Write, account: Document) -> None:
    found = unusable_modules(write.store, account, write.body.get("modules"))
    if found:
        raise ApiProblem(400, VALIDATION_FAILED, found)


def _module_refs(write: Write) -> list[dict[str, str]]:
    return [{"id": ref["id"]} for ref in write.body.get("modules") or []]


def create_api_token(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    account_id = ref_id(body.get("account")) or write.caller.account_id
    account = fetch_visible(write.sandbox, ACCOUNT, write.caller, account_id)
    _usable_modules(write, account)
    secret = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(SECRET_LENGTH))
    with write.store.transaction() as conn:
        token: Document = {
            "id": mint_id(write.store, API_TOKEN),
            "icon": body.get("icon"),
            "name": body["name"],
            "description": body.get("description"),
            "status": str(_S.ACTIVE),
            "tokenHash": hash_secret(secret),
            "lastAccessAt": None,
            "account": {"id": account["id"]},
            "modules": _module_refs(write),
            "audit": created(write),
        }
        write.store.put(conn, API_TOKEN, token)
    # The only answer that carries the secret: the store keeps its hash.
    bearer = f"idt:{token['id']}:{secret}"
    return write.answer(API_TOKEN, token, 201, extra={"token": bearer})


def update_api_token(write: Write) -> Response:
    write.check(UPDATE_RULES)
    with write.store.transaction() as conn:
        token = fetch_visible(write.sandbox, API_TOKEN, write.caller, write.param())
        if token.get("status") not in LIVE:
            raise refuse_move("API token", token, "update", LIVE)
        account = write.store.get(ACCOUNT, token["account"]["id"]) or {}
        _usable_modules(write, account)
        merge(token, write.body, ("name", "description", "icon"))
        if "modules" in write.body:
            token["modules"] = _module_refs(write)
        record(token, write)
        write.store.put(conn, API_TOKEN, token)
    return write.answer(API_TOKEN, token)


def _action(name: str) -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        with write.store.transaction() as conn:
            token = fetch_visible(write.sandbox, API_TOKEN, write.caller, write.param())
            move(token, write, "API token", name, rule)
            write.store.put(conn, API_TOKEN, token)
        return write.answer(API_TOKEN, token)

    return route("POST", f"{ONE}/{name}", act)


def delete_api_token(write: Write) -> Response:
    with write.store.transaction() as conn:
        token = fetch_visible(write.sandbox, API_TOKEN, write.caller, write.param())
        move(token, write, "API token", "delete", Move(LIVE, _S.DELETED))
        write.store.put(conn, API_TOKEN, token)
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        route("POST", LIST, create_api_token, OBJECT),
        route("PUT", ONE, update_api_token, OBJECT),
        route("DELETE", ONE, delete_api_token),
        *(_action(name) for name in _MOVES),
    ]
