"""Users, read side beyond the generic routes: SSO check and a user's accounts."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.resources import ACCOUNT, USER
from accounts_graph.sandbox.context import JSON, caller_for, fetch_visible, sandbox_of
from accounts_graph.sandbox.listing import list_page

SSO_CHECK = "/users/{id}/sso-check"
ACCOUNTS = "/users/{id}/accounts"

# E-mail domains whose users sign in through their organisation's identity
# provider; stored with the data so a restart keeps them.
SSO_DOMAINS_KEY = "sso_domains"


def sso_check(request: Request) -> Response:
    caller = caller_for(request, "GET", SSO_CHECK)
    sandbox = sandbox_of(request)
    user = fetch_visible(sandbox, USER, caller, request.path_params["id"])
    domains = (sandbox.store.get_meta(SSO_DOMAINS_KEY) or "").split(",")
    domain = str(user.get("email", "")).rpartition("@")[2].lower()
    return JSON({"id": user["id"], "sso": bool(domain) and domain in domains})


def user_accounts(request: Request) -> Response:
    caller = caller_for(request, "GET", ACCOUNTS)
    sandbox = sandbox_of(request)
    user = fetch_visible(sandbox, USER, caller, request.path_params["id"])
    member_of = (
        "t.id IN (SELECT json_extract(m.doc, '$.account.id') FROM account_users m "
        "WHERE json_extract(m.doc, '$.user.id') = ?)"
    )
    return list_page(request, sandbox, ACCOUNT, caller, (member_of, [user["id"]]))


def routes() -> list[Route]:
    return [Route(SSO_CHECK, sso_check), Route(ACCOUNTS, user_accounts)]
