"""Buyers beyond the generic reads: the transfer preview, create, update, delete.

The state actions, activation, synchronisation, validation and the transfer
itself are in `buyer_actions.py`. Choices where the platform is silent:

- a buyer belongs to a client account: `account` is required on create;
- PUT changes name, address, tax id and contact; only Operations changes
  `externalIds`; the account changes only through a transfer or activation;
- DELETE is the Deleted state, not a removal: the buyer stays (from any state but
  Deleted), its ERP links are deleted (licensees under them fall back to
  Enabled, sellers the account reached only through them drop out of its
  scope), then its licensees are marked Deleted. Groups and members keep
  referring to it, as the seed's deleted buyers show.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import AccountType, BuyerStatus, LicenseeStatus
from accounts_graph.platform.resources import (
    ACCOUNT,
    ACCOUNT_USER,
    BUYER,
    LICENSEE,
    USER_GROUP,
)
from accounts_graph.sandbox.context import (
    JSON,
    Sandbox,
    caller_for,
    fetch_visible,
    parse,
    sandbox_of,
)
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.relations import (
    OF_BUYER,
    all_of,
    drop_links,
    member_reach,
)
from accounts_graph.sandbox.shaping import shape
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.uploads import checked_upload, keep_icon
from accounts_graph.sandbox.validation import (
    ADDRESS,
    BUYER_EXTERNAL_IDS,
    CONTACT,
    Obj,
    Ref,
    Text,
)
from accounts_graph.sandbox.writes import (
    Move,
    Write,
    created,
    invalid,
    merge,
    mint_id,
    move,
    multipart,
    record,
    ref_id,
    refuse_move,
    require_row,
    route,
)

LIST = "/buyers"
ONE = "/buyers/{id}"

TRANSFER = "/buyers/{id}/transfer"
_DESTINATION = "destinationAccountId"
_LISTS_BUYER = (
    "EXISTS (SELECT 1 FROM json_each(t.doc, '$.buyers') j "
    "WHERE json_extract(j.value, '$.id') = ?)"
)
_OF_BUYER = "json_extract(t.doc, '$.buyer.id') = ?"


def _refuse(field: str, reason: str) -> ApiProblem:
    return ApiProblem(400, reason, {field: [reason]})


def transfer_target(
    sandbox: Sandbox, buyer: Document, account_id: str | None
) -> Document:
    """Return the account a buyer may move to.

    A transfer keeps the customer's CDG, so the destination must be another
    client account with the same external id.

    Raises:
        ApiProblem: 400 naming the destination when it does not qualify.
    """
    if not account_id:
        raise _refuse(_DESTINATION, "The destination account is required.")
    destination = sandbox.store.get(ACCOUNT, account_id)
    if destination is None:
        raise _refuse(_DESTINATION, f"Account {account_id} does not exist.")
    source = sandbox.store.get(ACCOUNT, buyer["account"]["id"]) or {}
    if destination["type"] != AccountType.CLIENT:
        reason = f"Account {account_id} is not a client account."
    elif destination["id"] == source.get("id"):
        reason = f"Buyer {buyer['id']} already belongs to account {account_id}."
    elif (
        not source.get("externalId")
        or destination.get("externalId") != source["externalId"]
    ):
        reason = f"Account {account_id} has another external id than the buyer's."
    else:
        return destination
    raise _refuse(_DESTINATION, reason)


def transfer_details(request: Request) -> Response:
    caller = caller_for(request, "GET", TRANSFER)
    sandbox = sandbox_of(request)
    query = parse(request, BUYER, ignore=_DESTINATION)
    buyer = fetch_visible(sandbox, BUYER, caller, request.path_params["id"])
    transfer_target(sandbox, buyer, request.query_params.get(_DESTINATION))

    store, buyer_id = sandbox.store, buyer["id"]
    users, user_count = store.select(ACCOUNT_USER, _LISTS_BUYER, [buyer_id], [], 100, 0)
    details = shape(store, BUYER, [buyer], caller, query.select)[0]
    details["stats"] = {
        "licenseeCount": store.select(LICENSEE, _OF_BUYER, [buyer_id], [], 0, 0)[1],
        "userCount": user_count,
        "userGroupCount": store.select(USER_GROUP, _LISTS_BUYER, [buyer_id], [], 0, 0)[
            1
        ],
        # Orders, subscriptions and agreements live in other APIs of the platform,
        # which the sandbox does not serve.
        "orderCount": 0,
        "subscriptionCount": 0,
        "agreementCount": 0,
    }
    details["users"] = shape(store, ACCOUNT_USER, users, caller)
    return JSON(details)


UPDATE_RULES = {
    "name": Text(True, 1, 500),
    "address": Obj(True, ADDRESS),
    "taxId": Text(False, 0, 18),
    "contact": Obj(False, CONTACT),
    "externalIds": Obj(False, BUYER_EXTERNAL_IDS),
}
CREATE_RULES = {**UPDATE_RULES, "account": Ref(True, ACCOUNT)}
LIVE = tuple(str(s) for s in BuyerStatus if s != BuyerStatus.DELETED)
_DELETE = Move(LIVE, BuyerStatus.DELETED)


def stored_contact(value: Any) -> Document | None:
    """Keep a contact as the store does: its user as a bare reference."""
    if not isinstance(value, dict):
        return None
    first, last = value.get("firstName"), value.get("lastName")
    phone = value.get("phone")
    user_id = ref_id(value.get("user"))
    return {
        "name": value.get("name") or " ".join(p for p in (first, last) if p) or None,
        "firstName": first,
        "lastName": last,
        "email": value.get("email"),
        "phone": {"prefix": phone.get("prefix"), "number": phone.get("number")}
        if isinstance(phone, dict)
        else None,
        "user": {"id": user_id} if user_id else None,
    }


def client_account(write: Write, account_id: str) -> Document:
    """Return the client account a buyer may belong to.

    Raises:
        ApiProblem: 400 naming `account.id` for a vendor or operations account.
    """
    account = write.store.get(ACCOUNT, account_id)
    if account is None or account["type"] != AccountType.CLIENT:
        raise invalid("account.id", f"Account {account_id} is not a client account.")
    return account


def create_buyer(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    account = client_account(write, body["account"]["id"])
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        buyer: Document = {
            "id": mint_id(write.store, BUYER),
            "name": body["name"],
            "icon": None,
            "status": str(BuyerStatus.ENABLED),
            "taxId": body.get("taxId"),
            "address": body["address"],
            "contact": stored_contact(body.get("contact")),
            "externalIds": body.get("externalIds"),
            "account": {"id": account["id"]},
            "sellers": [],
            "errors": [],
            "audit": created(write),
        }
        keep_icon(write, conn, "buyers", buyer, content_type)
        write.store.put(conn, BUYER, buyer)
        member_reach(write.store, conn, account["id"])
    return write.answer(BUYER, buyer, 201)


def update_buyer(write: Write) -> Response:
    edits_fields = require_row(write, "PUT", ONE, "Update buyer")
    if edits_fields:
        write.check(UPDATE_RULES)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
        if buyer.get("status") not in LIVE:
            raise refuse_move("Buyer", buyer, "update", LIVE)
        if edits_fields:
            merge(buyer, write.body, ("name", "address", "taxId"))
            if "contact" in write.body:
                buyer["contact"] = stored_contact(write.body["contact"])
            if write.caller.is_operations:
                merge(buyer, write.body, ("externalIds",))
        keep_icon(write, conn, "buyers", buyer, content_type)
        record(buyer, write)
        write.store.put(conn, BUYER, buyer)
    return write.answer(BUYER, buyer)


def delete_buyer(write: Write) -> Response:
    store = write.store
    with store.transaction() as conn:
        buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
        move(buyer, write, "Buyer", "delete", _DELETE)
        store.put(conn, BUYER, buyer)
        drop_links(write, conn, OF_BUYER, buyer["id"])
        for licensee in all_of(store, LICENSEE, OF_BUYER, [buyer["id"]]):
            if licensee.get("status") != LicenseeStatus.DELETED:
                licensee["status"] = str(LicenseeStatus.DELETED)
                record(licensee, write)
                store.put(conn, LICENSEE, licensee)
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        Route(TRANSFER, transfer_details, methods=["GET"]),
        route("POST", LIST, create_buyer, multipart("buyer")),
        route("PUT", ONE, update_buyer, multipart("buyer")),
        route("DELETE", ONE, delete_buyer),
    ]
