"""The nested walk three ways: one GraphQL query, the official client calling per
parent, and hand-batched REST (one `in(…)` call per level), all giving one answer.

Each walk returns the same canonical shape, so the benchmark can check that the
three sides fetched the same data before it compares their cost:
account id -> {"users": {user id: (email, group ids)},
              "buyers": {buyer id: {ERP link id: (seller id, seller status)}}}.
"""

import asyncio
from typing import Any

from mpt_api_client import MPTClient, RQLQuery

from accounts_graph.upstream import rql
from benchmarks.clients import GraphQL, Rest

WALK = """
query Walk($first: Int!) {
  accounts(first: $first, orderBy: [{field: NAME}]) {
    nodes {
      id
      name
      users { id user { id name email } groups { id name } }
      buyers { id name erpLinks { id name seller { id name externalId status } } }
    }
  }
}
"""
# accounts, users, user, groups, buyers, erpLinks, seller
RELATION_LEVELS = 7
PAGE = 100
# What the facade's `select` asks of each collection for WALK (tests/perf pins
# it): the floor asks for the same fields, so that the two sides differ only in
# who batches the requests, not in what the upstream has to send.
SELECT = {
    "accounts": "select=-address,-groups",
    "account-users": "select=-invitation,-buyers,-modules",
    "buyers": "select=-address",
    "erp-links": "select=-address",
    "sellers": "select=-currencies,-address,%2Bstatus",
}

Canon = dict[str, Any]


def _status(value: Any) -> str:
    return str(value).upper().replace(" ", "_")


def walk_graphql(gql: GraphQL, first: int) -> tuple[Canon, int]:
    """Walk with one GraphQL query; return the data and its upstream requests."""
    body = gql(WALK, {"first": first})
    walked: Canon = {}
    for account in body["data"]["accounts"]["nodes"]:
        users = {
            m["user"]["id"]: (
                m["user"]["email"],
                frozenset(g["id"] for g in m["groups"]),
            )
            for m in account["users"]
        }
        buyers = {
            b["id"]: {
                link["id"]: (link["seller"]["id"], _status(link["seller"]["status"]))
                for link in b["erpLinks"]
            }
            for b in account["buyers"]
        }
        walked[account["id"]] = {"users": users, "buyers": buyers}
    return walked, int(body["extensions"]["upstream"]["requests"])


def walk_per_parent(mpt: MPTClient, first: int) -> Canon:
    """Walk as a REST user writes it with the official client: a call per parent."""
    walked: Canon = {}
    for account in mpt.accounts.accounts.order_by("name").fetch_page(limit=first):
        users = {}
        for member in mpt.accounts.accounts.users(account.id).iterate():
            data = member.to_dict()
            groups = frozenset(g["id"] for g in data.get("groups", []))
            users[data["user"]["id"]] = (data["user"]["email"], groups)
        buyers = {}
        by_account = RQLQuery(account__id=account.id)
        for buyer in mpt.accounts.buyers.filter(by_account).iterate():
            links = {}
            by_buyer = RQLQuery(buyer__id=buyer.id)
            for link in mpt.accounts.erp_links.filter(by_buyer).iterate():
                seller = mpt.accounts.sellers.get(link.seller.id, select=["+status"])
                links[link.id] = (seller.id, _status(seller.status))
            buyers[buyer.id] = links
        walked[account.id] = {"users": users, "buyers": buyers}
    return walked


async def _fetch_all(rest: Rest, collection: str, query: str) -> list[Any]:
    """Every object matching `query`: first page, then the others concurrently."""
    query += "&" + SELECT[collection]
    first = await rest.aget(f"/{collection}?{query}&limit={PAGE}&offset=0")
    total = first["$meta"]["pagination"]["total"]
    rest_pages = await asyncio.gather(
        *(
            rest.aget(f"/{collection}?{query}&limit={PAGE}&offset={offset}")
            for offset in range(PAGE, total, PAGE)
        )
    )
    return [item for page in (first, *rest_pages) for item in page["data"]]


async def _fetch_in(
    rest: Rest, collection: str, path: str, ids: list[str]
) -> list[Any]:
    """Objects whose `path` is one of `ids`: one `in(…)` call per 100 ids."""
    unique = list(dict.fromkeys(ids))
    chunks = [unique[i : i + PAGE] for i in range(0, len(unique), PAGE)]
    found = await asyncio.gather(
        *(_fetch_all(rest, collection, rql.in_(path, c)) for c in chunks)
    )
    return [item for items in found for item in items]


async def walk_batched(rest: Rest, first: int) -> Canon:
    """Walk with the fewest REST calls: one per level (and page), sibling levels
    together, each asking for the fields the walk reads as the facade does."""
    page = await rest.aget(f"/accounts?order=name&limit={first}&{SELECT['accounts']}")
    ids = [a["id"] for a in page["data"]]
    members, buyers = await asyncio.gather(
        _fetch_in(rest, "account-users", "account.id", ids),
        _fetch_in(rest, "buyers", "account.id", ids),
    )
    links = await _fetch_in(rest, "erp-links", "buyer.id", [b["id"] for b in buyers])
    seller_ids = [link["seller"]["id"] for link in links]
    sellers = await _fetch_in(rest, "sellers", "id", seller_ids)

    status = {s["id"]: _status(s["status"]) for s in sellers}
    walked: Canon = {i: {"users": {}, "buyers": {}} for i in ids}
    for m in members:
        groups = frozenset(g["id"] for g in m.get("groups", []))
        walked[m["account"]["id"]]["users"][m["user"]["id"]] = (
            m["user"]["email"],
            groups,
        )
    owner = {b["id"]: b["account"]["id"] for b in buyers}
    for b in buyers:
        walked[b["account"]["id"]]["buyers"][b["id"]] = {}
    for link in links:
        buyer = link["buyer"]["id"]
        seller = link["seller"]["id"]
        walked[owner[buyer]]["buyers"][buyer][link["id"]] = (seller, status[seller])
    return walked
