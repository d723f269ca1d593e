"""ERP links, write side: update (and icon), block and unblock.

The platform publishes no create or delete: links come from the ERP and go with
their buyer or seller (see `relations.drop_links`). A blocked link stops its
licensees from being Active, as the seed shows: blocking moves Active licensees
under it to Enabled, unblocking moves Enabled ones back to Active. Block and
unblock take an optional body of which only `note` is kept.
"""

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import ErpLinkStatus
from accounts_graph.platform.resources import ERP_LINK
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.relations import follow_link
from accounts_graph.sandbox.uploads import checked_upload, keep_icon
from accounts_graph.sandbox.validation import (
    ADDRESS,
    BUYER_EXTERNAL_IDS,
    Obj,
    Text,
)
from accounts_graph.sandbox.writes import (
    Move,
    Write,
    merge,
    move,
    multipart,
    record,
    require_row,
    route,
)

ONE = "/erp-links/{id}"
UPDATE_RULES = {
    "note": Text(),
    "address": Obj(False, ADDRESS),
    "externalIds": Obj(False, BUYER_EXTERNAL_IDS),
}
NOTE_RULES = {"note": Text()}

_S = ErpLinkStatus
_MOVES = {
    "block": Move((_S.ACTIVE,), _S.BLOCKED, ("blocked",)),
    "unblock": Move((_S.BLOCKED,), _S.ACTIVE, ("unblocked",)),
}


def update_erp_link(write: Write) -> Response:
    edits_fields = require_row(write, "PUT", ONE, "Update ERP link")
    if edits_fields:
        write.check(UPDATE_RULES)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        link = fetch_visible(write.sandbox, ERP_LINK, write.caller, write.param())
        if edits_fields:
            merge(link, write.body, tuple(UPDATE_RULES))
        keep_icon(write, conn, "erp-links", link, content_type)
        record(link, write)
        write.store.put(conn, ERP_LINK, link)
    return write.answer(ERP_LINK, link)


def _action(name: str) -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        write.check(NOTE_RULES)
        with write.store.transaction() as conn:
            link = fetch_visible(write.sandbox, ERP_LINK, write.caller, write.param())
            move(link, write, "ERP link", name, rule)
            merge(link, write.body, ("note",))
            write.store.put(conn, ERP_LINK, link)
            follow_link(write, conn, link, usable=name == "unblock")
        return write.answer(ERP_LINK, link)

    return route("POST", f"{ONE}/{name}", act)


def routes() -> list[Route]:
    return [
        route("PUT", ONE, update_erp_link, multipart("erpLink")),
        *(_action(name) for name in _MOVES),
    ]
