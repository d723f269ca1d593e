"""Buyer state actions, activation, ERP synchronisation, validation and transfer.

The buyer state diagram leaves some arrows to interpretation; the sandbox reads
them so:

- disable: Active or Enabled → Disabled (records `disabled`); its licensees
  keep their own state;
- enable: Disabled → Active when the buyer was activated (it has an account
  and an ERP customer), else Enabled;
- activate (BuyerActivate: account with a CDG, `externalIds.erpCustomer`):
  Enabled or Unassigned → Active (records `activated`);
- deactivate: Active or Disabled → Unassigned: the ERP customer loses its
  account assignment (`externalIds.accountExternalId` cleared, records
  `unassigned`);
- synchronize (an ERP sync done now): clears `errors`; a buyer with an account
  and an ERP customer becomes Active (Mismatch, Conflict, Unassigned, Enabled);
  a Disabled buyer stays Disabled (a sync does not re-enable); Deleted is refused;
- transfer: moves the buyer and its licensees to the destination (same rules as
  the preview), and takes it out of the source account's groups;
- validate: answers the buyer with `errors`, changing nothing.
"""

import sqlite3

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import BuyerStatus
from accounts_graph.platform.resources import ACCOUNT, BUYER, LICENSEE, USER_GROUP
from accounts_graph.sandbox.buyers import (
    LIVE,
    ONE,
    UPDATE_RULES,
    client_account,
    transfer_target,
)
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.relations import OF_ACCOUNT, OF_BUYER, all_of, member_reach
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.validation import (
    BUYER_EXTERNAL_IDS,
    Checking,
    Obj,
    Ref,
    Text,
    as_messages,
    problems_of,
    validate,
)
from accounts_graph.sandbox.writes import (
    OBJECT,
    Move,
    Write,
    invalid,
    move,
    record,
    refuse_move,
    route,
)

_S = BuyerStatus
ACTIVATE_RULES = {
    "account": Ref(True, ACCOUNT),
    "externalIds": Obj(True, {**BUYER_EXTERNAL_IDS, "erpCustomer": Text(True, 1, 250)}),
}
ACCOUNT_RULES = {"account": Ref(True, ACCOUNT)}


def activated(buyer: Document) -> bool:
    """Tell whether a buyer is matched with an ERP customer and has an account."""
    return bool(
        (buyer.get("externalIds") or {}).get("erpCustomer") and buyer.get("account")
    )


def _reenabled(buyer: Document) -> str:
    return _S.ACTIVE if activated(buyer) else _S.ENABLED


_MOVES = {
    "disable": Move((_S.ACTIVE, _S.ENABLED), _S.DISABLED, ("disabled",)),
    "enable": Move((_S.DISABLED,), _reenabled),
    "deactivate": Move((_S.ACTIVE, _S.DISABLED), _S.UNASSIGNED, ("unassigned",)),
    "activate": Move((_S.ENABLED, _S.UNASSIGNED), _S.ACTIVE, ("activated",)),
}


def _action(name: str) -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        with write.store.transaction() as conn:
            buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
            move(buyer, write, "Buyer", name, rule)
            if name == "deactivate":
                buyer["externalIds"] = {
                    **(buyer.get("externalIds") or {}),
                    "accountExternalId": None,
                }
            write.store.put(conn, BUYER, buyer)
        return write.answer(BUYER, buyer)

    return route("POST", f"{ONE}/{name}", act)


def activate_buyer(write: Write) -> Response:
    write.check(ACTIVATE_RULES)
    account = client_account(write, write.body["account"]["id"])
    if not account.get("externalId"):
        raise invalid("account.id", f"Account {account['id']} has no CDG yet.")
    with write.store.transaction() as conn:
        buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
        move(buyer, write, "Buyer", "activate", _MOVES["activate"])
        buyer["externalIds"] = {
            **write.body["externalIds"],
            "accountExternalId": account["externalId"],
        }
        _move_to(write, conn, buyer, account["id"])
    return write.answer(BUYER, buyer)


def synchronize_buyer(write: Write) -> Response:
    with write.store.transaction() as conn:
        buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
        if buyer.get("status") not in LIVE:
            raise refuse_move("Buyer", buyer, "synchronize", LIVE)
        buyer["errors"] = []
        events: tuple[str, ...] = ()
        if buyer["status"] not in (_S.DISABLED, _S.ACTIVE) and activated(buyer):
            buyer["status"] = str(_S.ACTIVE)
            events = ("activated",)
        record(buyer, write, *events)
        write.store.put(conn, BUYER, buyer)
    return write.answer(BUYER, buyer)


def transfer_buyer(write: Write) -> Response:
    write.check(ACCOUNT_RULES)
    with write.store.transaction() as conn:
        buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
        if buyer.get("status") not in LIVE:
            raise refuse_move("Buyer", buyer, "transfer", LIVE)
        try:
            target = transfer_target(write.sandbox, buyer, write.body["account"]["id"])
        except ApiProblem as problem:
            # The preview names its query parameter; this body names `account`.
            raise invalid("account.id", problem.detail) from problem
        _move_to(write, conn, buyer, target["id"])
    return write.answer(BUYER, buyer)


def _move_to(
    write: Write, conn: sqlite3.Connection, buyer: Document, account_id: str
) -> None:
    """Put a buyer (and its licensees) in an account; record it on each."""
    store = write.store
    source = buyer["account"]["id"] if buyer.get("account") else None
    buyer["account"] = {"id": account_id}
    record(buyer, write)
    store.put(conn, BUYER, buyer)
    if source == account_id:
        return
    for licensee in all_of(store, LICENSEE, OF_BUYER, [buyer["id"]]):
        licensee["account"] = {"id": account_id}
        record(licensee, write)
        store.put(conn, LICENSEE, licensee)
    if source is not None:
        # A group of the old account can no longer grant this buyer.
        for group in all_of(store, USER_GROUP, OF_ACCOUNT, [source]):
            kept = [r for r in group.get("buyers") or [] if r["id"] != buyer["id"]]
            if group.get("buyers") is not None and len(kept) != len(group["buyers"]):
                group["buyers"] = kept
                record(group, write)
                store.put(conn, USER_GROUP, group)
        member_reach(store, conn, source)
    member_reach(store, conn, account_id)


def validate_buyer(write: Write) -> Response:
    ctx = Checking(write.store, write.caller)
    validate(write.body, ACCOUNT_RULES, ctx)
    buyer = fetch_visible(write.sandbox, BUYER, write.caller, write.param())
    candidate = {**buyer, **{k: v for k, v in write.body.items() if k in UPDATE_RULES}}
    found = problems_of(candidate, UPDATE_RULES, ctx)
    account = write.store.get(ACCOUNT, write.body["account"]["id"]) or {}
    if account.get("id") != (buyer.get("account") or {}).get("id"):
        found.setdefault("account.id", []).append(
            f"Buyer {buyer['id']} belongs to another account."
        )
    if not account.get("externalId"):
        found.setdefault("account.id", []).append(
            f"Account {account.get('id')} has no CDG."
        )
    if not (candidate.get("externalIds") or {}).get("erpCustomer"):
        found.setdefault("externalIds.erpCustomer", []).append(
            "The buyer is not matched with an ERP customer."
        )
    return write.answer(BUYER, buyer, extra={"errors": as_messages(found)})


def routes() -> list[Route]:
    return [
        _action("disable"),
        _action("enable"),
        _action("deactivate"),
        route("POST", f"{ONE}/activate", activate_buyer, OBJECT),
        route("POST", f"{ONE}/synchronize", synchronize_buyer),
        route("POST", f"{ONE}/transfer", transfer_buyer, OBJECT),
        route("POST", f"{ONE}/validate", validate_buyer, OBJECT),
    ]
