"""Account users, invitations: invite (create), accept, resend, send a new one.

Inviting an e-mail the platform does not know creates the user (Invited);
a known e-mail reuses the user (a Disabled one, detached from every account,
becomes Invited again; Blocked and Deleted users cannot be invited). The
membership gets `invitation {url, status: Invited}` and a secret code, which the
platform would e-mail: the sandbox stores only its hash and never returns or
logs it; the url carries an unrelated random invitation id. Choices where the
platform is silent:

- accept-invite takes an optional body `{"code"}`; when given it must be the
  code of the latest invitation (send-new-invite makes earlier codes invalid);
- accept-invite makes the membership Active and the user Active, recording
  `joined` on the membership and `invitationAcceptedAt` on both;
- expiry after 7 days is not simulated; InvitationExpired comes from the seed.
"""

import secrets
import sqlite3

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import InvitationStatus, UserStatus
from accounts_graph.platform.resources import ACCOUNT, ACCOUNT_USER, USER, USER_GROUP
from accounts_graph.sandbox.auth import hash_secret
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.memberships import (
    PROFILE_RULES,
    answer,
    groups_of_account,
    is_legacy,
    member_of,
    member_routes,
)
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.relations import (
    OF_ACCOUNT,
    OF_USER,
    group_users,
    member_reach,
    user_accounts,
)
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.validation import (
    Email,
    Obj,
    Ref,
    Text,
    refs,
)
from accounts_graph.sandbox.writes import (
    NO_BODY,
    OBJECT,
    Write,
    created,
    either,
    invalid,
    mint_id,
    record,
    ref_id,
    route,
)

INVITE = "/{accountId}/users"
PORTAL = "https://portal.platform.softwareone.com/invitation/"

CREATE_RULES = {
    "user": Obj(
        True,
        {
            **PROFILE_RULES,
            "email": Email(True),
            "firstName": Text(True, 1, 0),
            "lastName": Text(True, 1, 0),
        },
    ),
    "groups": refs(USER_GROUP, required=True, low=1),
    "account": Ref(False, ACCOUNT),
    "invitation": Obj(False, {"status": Text()}),
}
CODE_RULES = {"code": Text(False, 1, 200)}
_INVITED = str(InvitationStatus.INVITED)
_PENDING = (_INVITED, str(InvitationStatus.INVITATION_EXPIRED))
_BARRED = (UserStatus.BLOCKED, UserStatus.DELETED)


def new_code() -> str:
    """Draw an invitation code: what the platform would e-mail to the invitee."""
    return secrets.token_urlsafe(32)


def invite(member: Document) -> None:
    """Open a new invitation on a membership; earlier codes stop working."""
    member["invitation"] = {"url": PORTAL + secrets.token_hex(8), "status": _INVITED}
    member["invitationCodeHash"] = hash_secret(new_code())


def _refuse(member: Document, action: str, allowed: tuple[str, ...]) -> ApiProblem:
    state = (member.get("invitation") or {}).get("status")
    message = (
        f"The invitation of account user {member['id']} is {state}; "
        f"{action} needs {either(allowed)}."
    )
    return ApiProblem(400, message, {"status": [message]})


def create_member(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    account = _target_account(write)
    group_ids = [ref["id"] for ref in body["groups"]]
    draft = {"account": {"id": account["id"]}}
    groups_of_account(write, draft, group_ids, "groups[{}].id")
    with write.store.transaction() as conn:
        user = _invitee(write, conn, account["id"])
        member: Document = {
            "id": mint_id(write.store, ACCOUNT_USER),
            "user": {"id": user["id"]},
            "account": {"id": account["id"]},
            "groups": [{"id": i} for i in dict.fromkeys(group_ids)],
            "buyers": [],
            "modules": [],
            "lastLoginAt": None,
            "audit": created(write),
        }
        invite(member)
        write.store.put(conn, ACCOUNT_USER, member)
        group_users(write.store, conn, group_ids)
        user_accounts(write.store, conn, user)
        member_reach(write.store, conn, account["id"])
    stored = write.store.get(ACCOUNT_USER, member["id"]) or member
    return answer(write, stored, 201)


def _target_account(write: Write) -> Document:
    named = ref_id(write.body.get("account"))
    if is_legacy(write):
        return fetch_visible(
            write.sandbox, ACCOUNT, write.caller, named or write.caller.account_id
        )
    account = fetch_visible(
        write.sandbox, ACCOUNT, write.caller, write.param("accountId")
    )
    if named and named != account["id"]:
        raise invalid("account.id", f"The path names account {account['id']}.")
    return account


def _invitee(write: Write, conn: sqlite3.Connection, account_id: str) -> Document:
    """Return the user an invitation is for, creating it for a new e-mail."""
    profile = write.body["user"]
    email = profile["email"].strip()
    found, _ = write.store.select(
        USER, "lower(json_extract(t.doc, '$.email')) = ?", [email.lower()], [], 1, 0
    )
    if not found:
        return _new_user(write, conn, profile, email)
    user = found[0]
    where = f"{OF_USER} AND {OF_ACCOUNT}"
    if write.store.exists(ACCOUNT_USER, where, [user["id"], account_id]):
        raise invalid(
            "user.email", f"{email} is already a member of account {account_id}."
        )
    if user.get("status") in _BARRED:
        raise invalid("user.email", f"The user with {email} is {user['status']}.")
    if user.get("status") == UserStatus.DISABLED:
        user["status"] = str(UserStatus.INVITED)
        record(user, write)
    return user


def _new_user(
    write: Write, conn: sqlite3.Connection, profile: dict[str, object], email: str
) -> Document:
    user: Document = {
        "id": mint_id(write.store, USER),
        "name": f"{profile['firstName']} {profile['lastName']}",
        "icon": None,
        "phone": profile.get("phone"),
        "email": email,
        "firstName": profile["firstName"],
        "lastName": profile["lastName"],
        "status": str(UserStatus.INVITED),
        "lastLoginAt": None,
        "settings": profile.get("settings"),
        "accounts": [],
        "currentAccount": None,
        "audit": created(write),
    }
    write.store.put(conn, USER, user)
    return user


def accept_invite(write: Write) -> Response:
    write.check(CODE_RULES)
    with write.store.transaction() as conn:
        member = member_of(write)
        if (member.get("invitation") or {}).get("status") != _INVITED:
            raise _refuse(member, "accept-invite", (_INVITED,))
        code = write.body.get("code")
        if code is not None and hash_secret(code) != member.get("invitationCodeHash"):
            raise invalid("code", "The invitation code is not valid (any more).")
        user = write.store.get(USER, member["user"]["id"]) or {}
        if user.get("status") in _BARRED:
            raise invalid("user", f"User {user['id']} is {user['status']}.")
        member["invitation"] = {"url": None, "status": str(InvitationStatus.ACTIVE)}
        member.pop("invitationCodeHash", None)
        record(member, write)
        member["audit"]["joined"] = {"at": write.now}
        member["audit"]["invitationAcceptedAt"] = write.now
        write.store.put(conn, ACCOUNT_USER, member)
        user["status"] = str(UserStatus.ACTIVE)
        record(user, write)
        user["audit"]["invitationAcceptedAt"] = write.now
        write.store.put(conn, USER, user)
    return answer(write, member)


def resend_invite(write: Write) -> Response:
    with write.store.transaction() as conn:
        member = member_of(write)
        if (member.get("invitation") or {}).get("status") != _INVITED:
            raise _refuse(member, "resend-invite", (_INVITED,))
        record(member, write)
        write.store.put(conn, ACCOUNT_USER, member)
    return answer(write, member)


def send_new_invite(write: Write) -> Response:
    with write.store.transaction() as conn:
        member = member_of(write)
        if (member.get("invitation") or {}).get("status") not in _PENDING:
            raise _refuse(member, "send-new-invite", _PENDING)
        invite(member)
        record(member, write)
        write.store.put(conn, ACCOUNT_USER, member)
        user = write.store.get(USER, member["user"]["id"]) or {}
        if user.get("status") == UserStatus.INVITATION_EXPIRED:
            user["status"] = str(UserStatus.INVITED)
            record(user, write)
            write.store.put(conn, USER, user)
    return answer(write, member)


def routes() -> list[Route]:
    """Invite under the three spellings, then the invitation actions."""
    member = INVITE + "/{userId}"
    return [
        route("POST", INVITE, create_member, OBJECT, path="/account-users"),
        route("POST", INVITE, create_member, OBJECT, path="/accounts" + INVITE),
        route("POST", INVITE, create_member, OBJECT),
        *member_routes(
            "POST", "/accept-invite", member + "/accept-invite", accept_invite, NO_BODY
        ),
        *member_routes(
            "POST", "/resend-invite", member + "/resend-invite", resend_invite, NO_BODY
        ),
        *member_routes(
            "POST",
            "/send-new-invite",
            member + "/send-new-invite",
            send_new_invite,
            NO_BODY,
        ),
    ]
