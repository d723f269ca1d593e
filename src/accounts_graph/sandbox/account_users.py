"""Account users, read side: an account's users under three spellings of the path.

`/{accountId}/users` is what the published document has, `/accounts/{accountId}/users`
what the official client calls; both address a member by its user id. The legacy
`/account-users` collection addresses the same memberships by their `AUSR-…` ids.
"""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.resources import ACCOUNT, ACCOUNT_USER, USER_GROUP
from accounts_graph.sandbox.auth import Caller
from accounts_graph.sandbox.context import (
    JSON,
    Sandbox,
    caller_for,
    etag_of,
    fetch_visible,
    parse,
    sandbox_of,
)
from accounts_graph.sandbox.listing import list_page
from accounts_graph.sandbox.problems import not_found
from accounts_graph.sandbox.shaping import shape
from accounts_graph.sandbox.store import Document

LIST = "/{accountId}/users"
ONE = LIST + "/{userId}"

_OF_ACCOUNT = "json_extract(t.doc, '$.account.id') = ?"
_OF_USER = "json_extract(t.doc, '$.user.id') = ?"


def membership(
    sandbox: Sandbox, caller: Caller, account_id: str, user_id: str
) -> Document:
    """Return the stored membership of a user in an account the caller sees.

    Raises:
        ApiProblem: 404 when the account or the membership is not visible.
    """
    fetch_visible(sandbox, ACCOUNT, caller, account_id)
    docs, _ = sandbox.store.select(
        ACCOUNT_USER, f"{_OF_ACCOUNT} AND {_OF_USER}", [account_id, user_id], [], 1, 0
    )
    if not docs:
        raise not_found("Account user", user_id)
    return docs[0]


def list_account_users(request: Request) -> Response:
    caller = caller_for(request, "GET", LIST)
    sandbox = sandbox_of(request)
    account_id = request.path_params["accountId"]
    fetch_visible(sandbox, ACCOUNT, caller, account_id)
    return list_page(
        request,
        sandbox,
        ACCOUNT_USER,
        caller,
        (_OF_ACCOUNT, [account_id]),
        user_view=True,
    )


def get_account_user(request: Request) -> Response:
    caller = caller_for(request, "GET", ONE)
    sandbox = sandbox_of(request)
    query = parse(request, ACCOUNT_USER)
    doc = membership(
        sandbox, caller, request.path_params["accountId"], request.path_params["userId"]
    )
    shaped = shape(
        sandbox.store, ACCOUNT_USER, [doc], caller, query.select, user_view=True
    )
    return JSON(shaped[0], headers={"ETag": etag_of(doc)})


def list_account_user_groups(request: Request) -> Response:
    """List the groups of one member (the official client reads this path)."""
    caller = caller_for(request, "GET", ONE)
    sandbox = sandbox_of(request)
    doc = membership(
        sandbox, caller, request.path_params["accountId"], request.path_params["userId"]
    )
    ids = [ref["id"] for ref in doc.get("groups") or []]
    marks = ",".join("?" * len(ids)) or "NULL"
    return list_page(request, sandbox, USER_GROUP, caller, (f"t.id IN ({marks})", ids))


def get_account_user_group(request: Request) -> Response:
    """Get one group of a member (the official client reads this path too)."""
    caller = caller_for(request, "GET", ONE)
    sandbox = sandbox_of(request)
    query = parse(request, USER_GROUP)
    doc = membership(
        sandbox, caller, request.path_params["accountId"], request.path_params["userId"]
    )
    group_id = request.path_params["userGroupId"]
    if group_id not in {ref["id"] for ref in doc.get("groups") or []}:
        raise not_found("User group", group_id)
    group = fetch_visible(sandbox, USER_GROUP, caller, group_id)
    return JSON(shape(sandbox.store, USER_GROUP, [group], caller, query.select)[0])


def list_legacy(request: Request) -> Response:
    caller = caller_for(request, "GET", LIST)
    return list_page(request, sandbox_of(request), ACCOUNT_USER, caller)


def get_legacy(request: Request) -> Response:
    caller = caller_for(request, "GET", ONE)
    sandbox = sandbox_of(request)
    query = parse(request, ACCOUNT_USER)
    doc = fetch_visible(sandbox, ACCOUNT_USER, caller, request.path_params["id"])
    shaped = shape(sandbox.store, ACCOUNT_USER, [doc], caller, query.select)[0]
    return JSON(shaped, headers={"ETag": etag_of(doc)})


def routes() -> list[Route]:
    """The read routes, literal `/account-users` before the `{accountId}` ones."""
    spelled = []
    for base in ("/accounts/{accountId}/users", "/{accountId}/users"):
        spelled += [
            Route(base, list_account_users),
            Route(base + "/{userId}", get_account_user),
            Route(base + "/{userId}/groups", list_account_user_groups),
            Route(
                base + "/{userId}/groups/{userGroupId}",
                get_account_user_group,
                methods=["GET"],
            ),
        ]
    return [
        Route("/account-users", list_legacy),
        Route("/account-users/{id}", get_legacy),
        *spelled,
    ]
