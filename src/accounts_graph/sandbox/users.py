"""Users beyond the generic reads: SSO check, accounts, and the write side.

PUT changes the profile (names, phone, settings; never the e-mail, which is
the user's identity) and takes an icon as multipart (`user` + `icon`); it
accepts the published document's delta wrapper (`{"data": {...}}`) and the plain
fields the official client sends. Passwords are kept as salted scrypt hashes
(`passwordHash`), which no answer includes. Block remembers the state it blocked
(Active or Disabled) and unblock returns to it. DELETE (Operations) moves a
Disabled or Blocked user to Deleted and ends its memberships.
"""

import base64
import hashlib
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import UserStatus
from accounts_graph.platform.resources import ACCOUNT, ACCOUNT_USER, USER
from accounts_graph.sandbox.context import JSON, caller_for, fetch_visible, sandbox_of
from accounts_graph.sandbox.listing import list_page
from accounts_graph.sandbox.memberships import PROFILE_RULES, change_profile, leave
from accounts_graph.sandbox.relations import OF_USER, all_of
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.uploads import checked_upload, keep_icon
from accounts_graph.sandbox.validation import Text
from accounts_graph.sandbox.writes import (
    OBJECT,
    Move,
    Write,
    move,
    multipart,
    record,
    refuse_move,
    route,
)

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


ONE = "/users/{id}"
PASSWORD_RULES = {"password": Text(True, 12, 256)}
# scrypt's cost: 16 MiB of memory and a few tens of milliseconds per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

_S = UserStatus
LIVE = tuple(str(s) for s in UserStatus if s != UserStatus.DELETED)
_MOVES = {
    "block": Move((_S.ACTIVE, _S.DISABLED), _S.BLOCKED),
    "unblock": Move((_S.BLOCKED,), lambda user: user.get("blockedFrom") or _S.ACTIVE),
}


def hash_password(password: str) -> str:
    """Hash a password with scrypt and a random salt: `scrypt$n$r$p$salt$hash`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    encoded = (base64.b64encode(part).decode() for part in (salt, digest))
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), *encoded))


def _live_user(write: Write, action: str) -> Document:
    user = fetch_visible(write.sandbox, USER, write.caller, write.param())
    if user.get("status") not in LIVE:
        raise refuse_move("User", user, action, LIVE)
    return user


def update_user(write: Write) -> Response:
    # The published document wraps the user in a delta; the client sends it bare.
    wrapped = write.body.get("data")
    if isinstance(wrapped, dict) and not set(write.body) & set(PROFILE_RULES):
        write.body = wrapped
    body = write.check(PROFILE_RULES)
    content_type = checked_upload(write)
    with write.store.transaction() as conn:
        user = _live_user(write, "update")
        user = change_profile(write, conn, user["id"], body)
        keep_icon(write, conn, "users", user, content_type)
        write.store.put(conn, USER, user)
    return write.answer(USER, user)


def set_password(write: Write) -> Response:
    write.check(PASSWORD_RULES)
    # Hashing is slow on purpose: do it before taking the write lock.
    password_hash = hash_password(write.body["password"])
    with write.store.transaction() as conn:
        user = _live_user(write, "set-password")
        user["passwordHash"] = password_hash
        record(user, write)
        write.store.put(conn, USER, user)
    return write.answer(USER, user)


def _action(name: str) -> Route:
    rule = _MOVES[name]

    def act(write: Write) -> Response:
        with write.store.transaction() as conn:
            user = fetch_visible(write.sandbox, USER, write.caller, write.param())
            before = user.get("status")
            move(user, write, "User", name, rule)
            if name == "block":
                user["blockedFrom"] = before
            else:
                user.pop("blockedFrom", None)
            write.store.put(conn, USER, user)
        return write.answer(USER, user)

    return route("POST", f"{ONE}/{name}", act)


def delete_user(write: Write) -> Response:
    with write.store.transaction() as conn:
        user = fetch_visible(write.sandbox, USER, write.caller, write.param())
        move(user, write, "User", "delete", Move((_S.DISABLED, _S.BLOCKED), _S.DELETED))
        write.store.put(conn, USER, user)
        for member in all_of(write.store, ACCOUNT_USER, OF_USER, [user["id"]]):
            leave(write, conn, member)
    return Response(status_code=204)


def routes() -> list[Route]:
    return [
        Route(SSO_CHECK, sso_check, methods=["GET"]),
        Route(ACCOUNTS, user_accounts, methods=["GET"]),
        route("PUT", ONE, update_user, multipart("user", "icon")),
        route("POST", f"{ONE}/set-password", set_password, OBJECT),
        route("DELETE", ONE, delete_user),
        *(_action(name) for name in _MOVES),
    ]
