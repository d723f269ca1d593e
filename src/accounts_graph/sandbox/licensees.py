"""Licensees, write side: create, update (and icon), enable, disable, delete.

A licensee belongs to its buyer's account: `account` is taken from the buyer (a
body naming another account is refused). It is Active while its buyer has an
Active ERP link to its seller, Enabled otherwise (licensee state diagram); a
Disabled or Deleted buyer takes no new licensees, nor does a Deleted seller.
With `useBuyerAddress` the buyer's address is copied; without it an address is
required. Delete marks the licensee Deleted (kept, like the seed's).
"""

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import (
    BuyerStatus,
    ErpLinkStatus,
    LicenseeStatus,
    SellerStatus,
)
from accounts_graph.platform.resources import (
    ACCOUNT,
    BUYER,
    ERP_LINK,
    LICENSEE,
    SELLER,
)
from accounts_graph.sandbox.buyers import stored_contact
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.relations import OF_BUYER, OF_SELLER
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.uploads import checked_upload, keep_icon
from accounts_graph.sandbox.validation import (
    ADDRESS,
    CONTACT,
    ELIGIBILITY,
    Flag,
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

LIST = "/licensees"
ONE = "/licensees/{id}"

UPDATE_RULES = {
    "name": Text(False, 0, 500),
    "externalId": Text(False, 0, 250),
    "description": Text(),
    "useBuyerAddress": Flag(),
    "address": Obj(False, ADDRESS),
    "contact": Obj(False, CONTACT),
    "eligibility": Obj(False, ELIGIBILITY),
}
CREATE_RULES = {
    **UPDATE_RULES,
    "useBuyerAddress": Flag(True),
    "account": Ref(False, ACCOUNT),
    "buyer": Ref(True, BUYER),
    "seller": Ref(True, SELLER),
}
_EDITABLE = ("name", "externalId", "description", "useBuyerAddress", "address")
_OPERATIONS_EDITABLE = ("eligibility",)

_S = LicenseeStatus
LIVE = (_S.ENABLED, _S.ACTIVE, _S.DISABLED)


def _linked_status(write: Write, licensee: Document) -> str:
    """Active when the buyer has an Active ERP link to the seller, else Enabled."""
    where = f"{OF_BUYER} AND {OF_SELLER} AND json_extract(t.doc, '$.status') = ?"
    params: list[object] = [
        licensee["buyer"]["id"],
        licensee["seller"]["id"],
        str(ErpLinkStatus.ACTIVE),
    ]
    linked = write.store.exists(ERP_LINK, where, params)
    return str(_S.ACTIVE if linked else _S.ENABLED)


_MOVES = {
    "disable": Move((_S.ENABLED, _S.ACTIVE), _S.DISABLED, ("disabled",)),
    "delete": Move(LIVE, _S.DELETED),
}


def _parties(write: Write) -> tuple[Document, Document]:
    """Return the buyer and seller a new licensee names, if they take one."""
    body = write.body
    buyer = write.store.get(BUYER, body["buyer"]["id"]) or {}
    seller = write.store.get(SELLER, body["seller"]["id"]) or {}
    if buyer.get("status") in (BuyerStatus.DISABLED, BuyerStatus.DELETED):
        raise invalid("buyer.id", f"Buyer {buyer['id']} is {buyer['status']}.")
    if seller.get("status") == SellerStatus.DELETED:
        raise invalid("seller.id", f"Seller {seller['id']} is Deleted.")
    account_id = ref_id(body.get("account"))
    if account_id and account_id != buyer["account"]["id"]:
        message = f"Buyer {buyer['id']} belongs to another account."
        raise invalid("account.id", message)
    return buyer, seller


def _place(licensee: Document, buyer: Document) -> None:
    """Copy the buyer's address when asked; else an address is required."""
    if licensee.get("useBuyerAddress"):
        licensee["address"] = dict(buyer.get("address") or {})
    elif not licensee.get("address"):
        raise invalid(
            "address", "The address field is required without useBuyerAddress."
        )


def create_licensee(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    buyer, seller = _parties(write)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        licensee: Document = {
            "id": mint_id(write.store, LICENSEE),
            "icon": None,
            "contact": stored_contact(body.get("contact")),
            "eligibility": body.get("eligibility")
            or {"client": True, "partner": False},
            "account": {"id": buyer["account"]["id"]},
            "buyer": {"id": buyer["id"]},
            "seller": {"id": seller["id"]},
            "audit": created(write),
        }
        for name in _EDITABLE:
            licensee[name] = body.get(name)
        _place(licensee, buyer)
        licensee["status"] = _linked_status(write, licensee)
        keep_icon(write, conn, "licensees", licensee, content_type)
        write.store.put(conn, LICENSEE, licensee)
    return write.answer(LICENSEE, licensee, 201)


def update_licensee(write: Write) -> Response:
    edits_fields = require_row(write, "PUT", ONE, "Update licensee")
    if edits_fields:
        write.check(UPDATE_RULES)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        licensee = fetch_visible(write.sandbox, LICENSEE, write.caller, write.param())
        if licensee.get("status") not in LIVE:
            raise refuse_move("Licensee", licensee, "update", LIVE)
        if edits_fields:
            merge(licensee, write.body, _EDITABLE)
            if "contact" in write.body:
                licensee["contact"] = stored_contact(write.body["contact"])
            if write.caller.is_operations:
                merge(licensee, write.body, _OPERATIONS_EDITABLE)
            _place(licensee, write.store.get(BUYER, licensee["buyer"]["id"]) or {})
        keep_icon(write, conn, "licensees", licensee, content_type)
        record(licensee, write)
        write.store.put(conn, LICENSEE, licensee)
    return write.answer(LICENSEE, licensee)


def _action(name: str, method: str = "POST") -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        with write.store.transaction() as conn:
            licensee = fetch_visible(
                write.sandbox, LICENSEE, write.caller, write.param()
            )
            move(licensee, write, "Licensee", name, rule)
            write.store.put(conn, LICENSEE, licensee)
        if method == "DELETE":
            return Response(status_code=204)
        return write.answer(LICENSEE, licensee)

    return route(method, ONE if method == "DELETE" else f"{ONE}/{name}", act)


def enable_licensee(write: Write) -> Response:
    with write.store.transaction() as conn:
        licensee = fetch_visible(write.sandbox, LICENSEE, write.caller, write.param())
        rule = Move((_S.DISABLED,), lambda doc: _linked_status(write, doc))
        move(licensee, write, "Licensee", "enable", rule)
        write.store.put(conn, LICENSEE, licensee)
    return write.answer(LICENSEE, licensee)


def routes() -> list[Route]:
    return [
        route("POST", LIST, create_licensee, multipart("licensee")),
        route("PUT", ONE, update_licensee, multipart("licensee")),
        _action("delete", "DELETE"),
        _action("disable"),
        route("POST", f"{ONE}/enable", enable_licensee),
    ]
