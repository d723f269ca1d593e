"""Accounts, write side: create, update (and icon), and the account state machine.

A client account is `Enabled` until it gets its CDG (customer discount group:
`externalId`), `Active` with it; vendor and operations accounts know only Active
and Disabled. Choices where the platform is silent:

- a new account comes with its default user group, "Administrators", granting
  every module its type may use (every seeded account has one);
- PUT never changes `externalId`/`externalName` (activate and deactivate assign
  and unassign the CDG), and only Operations may change `externalIds`,
  `serviceLevel` and `eligibility`; from other callers they are ignored;
- activate takes AccountActivate as "the account once active": it sets the CDG
  (`externalId`, `externalName`) and the account's `name`;
- validate answers the account with `errors`: what is wrong with the stored
  account overlaid with the body, changing nothing.
"""

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import AccountStatus, AccountType, ServiceLevel
from accounts_graph.platform.resources import ACCOUNT, MODULE, USER_GROUP
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.relations import all_of
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.uploads import checked_upload, keep_icon
from accounts_graph.sandbox.validation import (
    ADDRESS,
    ELIGIBILITY,
    Checking,
    Email,
    Obj,
    OneOf,
    Text,
    Uuid,
    as_messages,
    problems_of,
)
from accounts_graph.sandbox.writes import (
    OBJECT,
    Move,
    Write,
    created,
    merge,
    mint_id,
    move,
    multipart,
    record,
    require_row,
    route,
)

LIST = "/accounts"
ONE = "/accounts/{id}"

_FIELDS = {
    "name": Text(True, 1, 500),
    "description": Text(False, 0, 2000),
    "externalId": Text(False, 0, 250),
    "externalName": Text(),
    "externalIds": Obj(False, {"pyraTenantId": Uuid()}),
    "serviceLevel": OneOf(False, tuple(ServiceLevel)),
    "address": Obj(False, ADDRESS),
    "technicalSupportEmail": Email(False),
    "website": Text(False, 0, 2000),
    "eligibility": Obj(False, ELIGIBILITY),
}
CREATE_RULES = {
    **_FIELDS,
    "type": OneOf(True, tuple(AccountType)),
    "serviceLevel": OneOf(True, tuple(ServiceLevel)),
}
UPDATE_RULES = _FIELDS
ACTIVATE_RULES = {
    "externalId": Text(True, 1, 250),
    "name": Text(True, 1, 500),
    "externalName": Text(),
}

_EDITABLE = ("name", "description", "address", "technicalSupportEmail", "website")
_OPERATIONS_EDITABLE = ("externalIds", "serviceLevel", "eligibility")


def _reenabled(account: Document) -> str:
    # Only a client account can lack a CDG; the others go straight back to Active.
    if account.get("externalId") or account["type"] != AccountType.CLIENT:
        return AccountStatus.ACTIVE
    return AccountStatus.ENABLED


_ENABLED, _ACTIVE, _DISABLED = (str(s) for s in AccountStatus)
_MOVES = {
    "disable": Move((_ENABLED, _ACTIVE), _DISABLED),
    "enable": Move((_DISABLED,), _reenabled),
    "activate": Move((_ENABLED,), _ACTIVE),
    "deactivate": Move((_ACTIVE,), _ENABLED),
}


def create_account(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    content_type = checked_upload(write)
    kind = body["type"]
    with_cdg = kind == AccountType.CLIENT and bool(body.get("externalId"))
    with write.store.transaction() as conn:
        account: Document = {
            "id": mint_id(write.store, ACCOUNT),
            "type": kind,
            "status": str(
                _ACTIVE if with_cdg or kind != AccountType.CLIENT else _ENABLED
            ),
            "icon": None,
            "externalId": body.get("externalId") if with_cdg else None,
            "externalName": body.get("externalName") if with_cdg else None,
            "eligibility": {
                "client": kind != AccountType.VENDOR,
                "partner": kind != AccountType.CLIENT,
            },
            "groups": [],
            "audit": created(write),
        }
        merge(account, body, (*_EDITABLE, *_OPERATIONS_EDITABLE))
        keep_icon(write, conn, "accounts", account, content_type)
        group = _default_group(write, account)
        account["groups"] = [{"id": group["id"]}]
        write.store.put(conn, USER_GROUP, group)
        write.store.put(conn, ACCOUNT, account)
    return write.answer(ACCOUNT, account, 201)


def _default_group(write: Write, account: Document) -> Document:
    usable = (
        "EXISTS (SELECT 1 FROM json_each(t.doc, '$.accountTypes') j WHERE j.value = ?)"
    )
    modules = all_of(write.store, MODULE, usable, [account["type"]])
    return {
        "id": mint_id(write.store, USER_GROUP),
        "name": "Administrators",
        "description": "Full access to every module.",
        "logo": None,
        "isDefault": True,
        "account": {"id": account["id"]},
        "modules": [{"id": m["id"]} for m in modules],
        "users": [],
        "buyers": None,
        "audit": created(write),
    }


def update_account(write: Write) -> Response:
    edits_fields = require_row(write, "PUT", ONE, "Update account details")
    if edits_fields:
        write.check(UPDATE_RULES)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        account = fetch_visible(write.sandbox, ACCOUNT, write.caller, write.param())
        if edits_fields:
            merge(account, write.body, _EDITABLE)
            if write.caller.is_operations:
                merge(account, write.body, _OPERATIONS_EDITABLE)
        keep_icon(write, conn, "accounts", account, content_type)
        record(account, write)
        write.store.put(conn, ACCOUNT, account)
    return write.answer(ACCOUNT, account)


def _action(name: str) -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        with write.store.transaction() as conn:
            account = fetch_visible(write.sandbox, ACCOUNT, write.caller, write.param())
            move(account, write, "Account", name, rule)
            write.store.put(conn, ACCOUNT, account)
        return write.answer(ACCOUNT, account)

    return route("POST", f"{ONE}/{name}", act)


def activate_account(write: Write) -> Response:
    write.check(ACTIVATE_RULES)
    with write.store.transaction() as conn:
        account = fetch_visible(write.sandbox, ACCOUNT, write.caller, write.param())
        move(account, write, "Account", "activate", _MOVES["activate"])
        account["externalId"] = write.body["externalId"]
        account["externalName"] = write.body.get("externalName")
        account["name"] = write.body["name"]
        write.store.put(conn, ACCOUNT, account)
    return write.answer(ACCOUNT, account)


def deactivate_account(write: Write) -> Response:
    with write.store.transaction() as conn:
        account = fetch_visible(write.sandbox, ACCOUNT, write.caller, write.param())
        if account["type"] != AccountType.CLIENT:
            # Vendor and operations accounts have no CDG and no Enabled state.
            message = (
                f"Account {account['id']} is a {account['type']} account; "
                "deactivate needs a client account."
            )
            raise ApiProblem(400, message, {"type": [message]})
        move(account, write, "Account", "deactivate", _MOVES["deactivate"])
        account["externalId"] = account["externalName"] = None
        write.store.put(conn, ACCOUNT, account)
    return write.answer(ACCOUNT, account)


def validate_account(write: Write) -> Response:
    account = fetch_visible(write.sandbox, ACCOUNT, write.caller, write.param())
    candidate = {**account, **{k: v for k, v in write.body.items() if k in _FIELDS}}
    found = problems_of(candidate, UPDATE_RULES, Checking(write.store, write.caller))
    is_client = candidate["type"] == AccountType.CLIENT
    if is_client and candidate["status"] == _ACTIVE and not candidate.get("externalId"):
        found.setdefault("externalId", []).append("An active client needs a CDG.")
    return write.answer(ACCOUNT, account, extra={"errors": as_messages(found)})


def routes() -> list[Route]:
    return [
        route("POST", LIST, create_account, multipart("account")),
        route("PUT", ONE, update_account, multipart("account")),
        _action("disable"),
        _action("enable"),
        route("POST", f"{ONE}/activate", activate_account, OBJECT),
        route("POST", f"{ONE}/deactivate", deactivate_account),
        route("POST", f"{ONE}/validate", validate_account),
    ]
