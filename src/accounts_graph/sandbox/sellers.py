"""Sellers, write side: create, update (and icon), state actions, delete.

States: Active → Offline (deactivate), Offline or Disabled → Active (activate),
Active → Disabled (disable), Disabled → Active (enable, not in the published
document), Active → Deleted (delete). A Deleted seller stays, as the seed keeps
them; deleting it deletes its ERP links, so licensees under them fall back to
Enabled and buyers' `sellers` lists lose it. Currencies are accepted as codes or
as the official client's `{"value": "EUR", ...}` objects and stored as codes.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import SellerStatus
from accounts_graph.platform.resources import SELLER
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.relations import OF_SELLER, drop_links
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.uploads import checked_upload, keep_icon
from accounts_graph.sandbox.validation import (
    ADDRESS,
    Checking,
    Items,
    Obj,
    Problem,
    Spec,
    Text,
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
    refuse_move,
    require_row,
    route,
)

LIST = "/sellers"
ONE = "/sellers/{id}"


@dataclass(frozen=True)
class Currency(Spec):
    """A currency code of 1 to 3 characters, bare or as `{"value": code}`."""

    def problems(self, value: Any, path: str, ctx: Checking) -> Iterator[Problem]:
        if isinstance(value, dict):
            path, value = path + ".value", value.get("value")
        if value is None:
            yield path, f"The {path} field is required."
        else:
            yield from Text(True, 1, 3).problems(value, path, ctx)


RULES = {
    "name": Text(True, 1, 500),
    "currencies": Items(True, Currency(), 1),
    "externalId": Text(),
    "address": Obj(False, ADDRESS),
}

_S = SellerStatus
LIVE = tuple(str(s) for s in SellerStatus if s != SellerStatus.DELETED)
_MOVES = {
    "activate": Move((_S.OFFLINE, _S.DISABLED), _S.ACTIVE),
    "deactivate": Move((_S.ACTIVE,), _S.OFFLINE),
    "disable": Move((_S.ACTIVE,), _S.DISABLED),
    "enable": Move((_S.DISABLED,), _S.ACTIVE),
}
_DELETE = Move((_S.ACTIVE,), _S.DELETED)


def _codes(currencies: list[Any]) -> list[str]:
    return [c["value"] if isinstance(c, dict) else c for c in currencies]


def create_seller(write: Write) -> Response:
    body = write.check(RULES)
    with write.store.transaction() as conn:
        seller: Document = {
            "id": mint_id(write.store, SELLER),
            "name": body["name"],
            "externalId": body.get("externalId"),
            "icon": None,
            "status": str(_S.ACTIVE),
            "currencies": _codes(body["currencies"]),
            "address": body.get("address"),
            "erpLink": None,
            "audit": created(write),
        }
        write.store.put(conn, SELLER, seller)
    return write.answer(SELLER, seller, 201)


def update_seller(write: Write) -> Response:
    edits_fields = require_row(write, "PUT", ONE, "Update seller")
    if edits_fields:
        write.check(RULES)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        seller = fetch_visible(write.sandbox, SELLER, write.caller, write.param())
        if seller.get("status") not in LIVE:
            raise refuse_move("Seller", seller, "update", LIVE)
        if edits_fields:
            merge(seller, write.body, ("name", "externalId", "address"))
            seller["currencies"] = _codes(write.body["currencies"])
        keep_icon(write, conn, "sellers", seller, content_type)
        record(seller, write)
        write.store.put(conn, SELLER, seller)
    return write.answer(SELLER, seller)


def _action(name: str) -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        with write.store.transaction() as conn:
            seller = fetch_visible(write.sandbox, SELLER, write.caller, write.param())
            move(seller, write, "Seller", name, rule)
            write.store.put(conn, SELLER, seller)
        return write.answer(SELLER, seller)

    return route("POST", f"{ONE}/{name}", act)


def delete_seller(write: Write) -> Response:
    with write.store.transaction() as conn:
        seller = fetch_visible(write.sandbox, SELLER, write.caller, write.param())
        move(seller, write, "Seller", "delete", _DELETE)
        write.store.put(conn, SELLER, seller)
        drop_links(write, conn, OF_SELLER, seller["id"])
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        route("POST", LIST, create_seller, OBJECT),
        route("PUT", ONE, update_seller, multipart("seller")),
        route("DELETE", ONE, delete_seller),
        *(_action(name) for name in _MOVES),
    ]
