"""Buyers, read side beyond the generic routes: the transfer preview."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import AccountType
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
from accounts_graph.sandbox.shaping import shape
from accounts_graph.sandbox.store import Document

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


def routes() -> list[Route]:
    return [Route(TRANSFER, transfer_details)]
