"""Keeping the sandbox's derived lists true after a write.

Some lists are stored denormalised, as the seed builds them: a buyer's `sellers`
(from its ERP links), a group's `users` and a user's `accounts` (from the
memberships), an account's `groups`, and what a member reaches through its groups
(`buyers`, `modules`). A write that changes the source calls the matching
function here, inside its transaction, so reads never see a stale list.
"""

import sqlite3
from collections.abc import Iterable

from accounts_graph.platform.enums import LicenseeStatus
from accounts_graph.platform.resources import (
    ACCOUNT,
    ACCOUNT_USER,
    BUYER,
    ERP_LINK,
    LICENSEE,
    USER,
    USER_GROUP,
    Resource,
)
from accounts_graph.sandbox.store import Document, Store
from accounts_graph.sandbox.writes import Write, record

OF_ACCOUNT = "json_extract(t.doc, '$.account.id') = ?"
OF_BUYER = "json_extract(t.doc, '$.buyer.id') = ?"
OF_SELLER = "json_extract(t.doc, '$.seller.id') = ?"
OF_USER = "json_extract(t.doc, '$.user.id') = ?"
IN_GROUP = (
    "EXISTS (SELECT 1 FROM json_each(t.doc, '$.groups') j "
    "WHERE json_extract(j.value, '$.id') = ?)"
)


def all_of(
    store: Store, resource: Resource, where: str, params: list[object]
) -> list[Document]:
    """Return every stored object of `resource` matching `where`."""
    return store.select(resource, where, params, [], 1_000_000_000, 0)[0]


def ordered(
    old: Iterable[dict[str, str]] | None, ids: Iterable[str]
) -> list[dict[str, str]]:
    """Build a reference list of `ids`, keeping the order `old` already had.

    Lists the seed built keep their order; new members go to the end.
    """
    wanted = list(dict.fromkeys(ids))
    kept = [ref["id"] for ref in old or [] if ref.get("id") in wanted]
    return [{"id": i} for i in [*kept, *(i for i in wanted if i not in kept)]]


def buyer_sellers(store: Store, conn: sqlite3.Connection, buyer_id: str) -> None:
    """Refill a buyer's `sellers` from its ERP links."""
    buyer = store.get(BUYER, buyer_id)
    if buyer is None:
        return
    links = all_of(store, ERP_LINK, OF_BUYER, [buyer_id])
    sellers = (link["seller"]["id"] for link in links)
    buyer["sellers"] = ordered(buyer.get("sellers"), sellers)
    store.put(conn, BUYER, buyer)


def group_users(
    store: Store, conn: sqlite3.Connection, group_ids: Iterable[str]
) -> None:
    """Refill the `users` of groups from the memberships that list them."""
    for group_id in set(group_ids):
        group = store.get(USER_GROUP, group_id)
        if group is None:
            continue
        members = all_of(store, ACCOUNT_USER, IN_GROUP, [group_id])
        group["users"] = ordered(group.get("users"), (m["user"]["id"] for m in members))
        store.put(conn, USER_GROUP, group)


def user_accounts(store: Store, conn: sqlite3.Connection, user: Document) -> None:
    """Refill a user's `accounts` (and `currentAccount`) from its memberships."""
    members = all_of(store, ACCOUNT_USER, OF_USER, [user["id"]])
    user["accounts"] = ordered(
        user.get("accounts"), (m["account"]["id"] for m in members)
    )
    current = (user.get("currentAccount") or {}).get("id")
    if current not in {ref["id"] for ref in user["accounts"]}:
        user["currentAccount"] = user["accounts"][0] if user["accounts"] else None
    store.put(conn, USER, user)


def account_groups(store: Store, conn: sqlite3.Connection, account_id: str) -> None:
    """Refill an account's `groups` from the user groups it owns."""
    account = store.get(ACCOUNT, account_id)
    if account is None:
        return
    groups = all_of(store, USER_GROUP, OF_ACCOUNT, [account_id])
    account["groups"] = ordered(account.get("groups"), (g["id"] for g in groups))
    store.put(conn, ACCOUNT, account)


def member_reach(store: Store, conn: sqlite3.Connection, account_id: str) -> None:
    """Recompute what every member of an account reaches through its groups.

    A member reaches the union of its groups' modules and buyers; a group whose
    `buyers` is null grants every buyer of the account, as in the seed.
    """
    groups = {g["id"]: g for g in all_of(store, USER_GROUP, OF_ACCOUNT, [account_id])}
    buyers = [b["id"] for b in all_of(store, BUYER, OF_ACCOUNT, [account_id])]
    for member in all_of(store, ACCOUNT_USER, OF_ACCOUNT, [account_id]):
        mine = [
            groups[r["id"]] for r in member.get("groups") or [] if r["id"] in groups
        ]
        if any(g.get("buyers") is None for g in mine):
            reached = buyers
        else:
            granted = {r["id"] for g in mine for r in g["buyers"]}
            reached = [b for b in buyers if b in granted]
        modules = (r["id"] for g in mine for r in g.get("modules") or [])
        member["buyers"] = ordered(member.get("buyers"), reached)
        member["modules"] = ordered(member.get("modules"), modules)
        store.put(conn, ACCOUNT_USER, member)


def follow_link(
    write: Write, conn: sqlite3.Connection, link: Document, usable: bool
) -> None:
    """Move the licensees under an ERP link with it (licensee state diagram).

    A licensee is Active while its buyer has a usable link to its seller and
    Enabled otherwise; Disabled and Deleted licensees stay as they are.
    """
    store = write.store
    before, after = (
        (LicenseeStatus.ENABLED, LicenseeStatus.ACTIVE)
        if usable
        else (LicenseeStatus.ACTIVE, LicenseeStatus.ENABLED)
    )
    where = f"{OF_BUYER} AND {OF_SELLER}"
    for licensee in all_of(
        store, LICENSEE, where, [link["buyer"]["id"], link["seller"]["id"]]
    ):
        if licensee.get("status") == before:
            licensee["status"] = str(after)
            record(licensee, write)
            store.put(conn, LICENSEE, licensee)


def drop_links(
    write: Write, conn: sqlite3.Connection, where: str, value: str
) -> set[str]:
    """Delete the ERP links matching `where`; return the buyers they linked.

    Licensees under a removed link fall back to Enabled, and each buyer's
    `sellers` is refilled.
    """
    store = write.store
    buyers = set()
    for link in all_of(store, ERP_LINK, where, [value]):
        follow_link(write, conn, link, usable=False)
        store.delete(conn, ERP_LINK, link["id"])
        buyers.add(link["buyer"]["id"])
    for buyer_id in buyers:
        buyer_sellers(store, conn, buyer_id)
    return buyers
