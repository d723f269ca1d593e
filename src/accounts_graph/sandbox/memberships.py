"""Account users, write side: leaving an account, group assignment, member update.

Every route is served under the three spellings of the path (see
`account_users.py`): by account and user id on the published and the official
client's paths (answering the member with its user id), and by `AUSR-…` id on the
legacy `/account-users` collection (answering the legacy object). Choices where
the platform is silent:

- a member keeps at least one group (invitations require one): removing the
  last group or replacing the set with an empty one is refused;
- assigning a group the member is already in changes nothing and answers 200;
- removing a member deletes the membership; a user left without any account
  goes to Disabled (a Blocked user will unblock to Disabled).
"""

import sqlite3
from collections.abc import Iterable

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.enums import UserStatus
from accounts_graph.platform.resources import ACCOUNT_USER, USER, USER_GROUP
from accounts_graph.sandbox.account_users import membership
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.problems import ApiProblem, not_found
from accounts_graph.sandbox.relations import group_users, member_reach, user_accounts
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.validation import (
    PHONE,
    SETTINGS,
    VALIDATION_FAILED,
    Checking,
    IdOf,
    Obj,
    Text,
    refs,
    validate,
)
from accounts_graph.sandbox.writes import (
    ARRAY,
    OBJECT,
    Action,
    BodySpec,
    Write,
    invalid,
    record,
    route,
)

MEMBER = "/{accountId}/users/{userId}"
SPELLINGS = ("/accounts/{accountId}/users/{userId}", MEMBER, "/account-users/{id}")

GROUP_RULES = {"id": IdOf(True, USER_GROUP)}
GROUPS_RULES = {"groups": refs(USER_GROUP, required=True, low=1)}
PROFILE_RULES = {
    "firstName": Text(False, 1, 0),
    "lastName": Text(False, 1, 0),
    "phone": Obj(False, PHONE),
    "settings": Obj(False, SETTINGS),
}
UPDATE_RULES = {
    "groups": refs(USER_GROUP, low=1),
    "user": Obj(False, PROFILE_RULES),
}
_DETACHED = (UserStatus.ACTIVE, UserStatus.INVITED, UserStatus.INVITATION_EXPIRED)


def member_routes(
    method: str, suffix: str, template: str, action: Action, body: BodySpec
) -> list[Route]:
    """Serve one member route under its three spellings."""
    return [
        route(method, template, action, body, path=base + suffix, locate=member_of)
        for base in SPELLINGS
    ]


def is_legacy(write: Write) -> bool:
    """Tell whether the path is the legacy `/account-users` spelling."""
    return "accountId" not in write.request.path_params


def member_of(write: Write) -> Document:
    """Return the membership the path names, if the caller may see it.

    Raises:
        ApiProblem: 404 when it does not exist or lies outside the caller's scope.
    """
    if is_legacy(write):
        return fetch_visible(write.sandbox, ACCOUNT_USER, write.caller, write.param())
    return membership(
        write.sandbox, write.caller, write.param("accountId"), write.param("userId")
    )


def answer(write: Write, member: Document, status: int = 200) -> Response:
    """Answer a member: by user id on the new paths, by `AUSR-…` id on legacy ones."""
    return write.answer(ACCOUNT_USER, member, status, user_view=not is_legacy(write))


def groups_of_account(
    write: Write, member: Document, ids: Iterable[str], at: str
) -> None:
    """Refuse groups of another account than the member's.

    Raises:
        ApiProblem: 400 naming each group (`at` formats its path by position).
    """
    account_id = member["account"]["id"]
    found = {}
    for index, group_id in enumerate(ids):
        group = write.store.get(USER_GROUP, group_id) or {}
        if (group.get("account") or {}).get("id") != account_id:
            found[at.format(index)] = [
                f"User group {group_id} does not belong to account {account_id}."
            ]
    if found:
        raise ApiProblem(400, VALIDATION_FAILED, found)


def regroup(
    write: Write, conn: sqlite3.Connection, member: Document, ids: list[str]
) -> None:
    """Give a member exactly the groups `ids`, keeping derived lists true."""
    before = [ref["id"] for ref in member.get("groups") or []]
    member["groups"] = [{"id": i} for i in dict.fromkeys(ids)]
    record(member, write)
    write.store.put(conn, ACCOUNT_USER, member)
    group_users(write.store, conn, [*before, *ids])
    member_reach(write.store, conn, member["account"]["id"])
    # member_reach rewrote the stored membership with what it now reaches.
    member.update(write.store.get(ACCOUNT_USER, member["id"]) or {})


def leave(write: Write, conn: sqlite3.Connection, member: Document) -> None:
    """Delete a membership; a user left without accounts becomes Disabled."""
    store = write.store
    store.delete(conn, ACCOUNT_USER, member["id"])
    group_users(store, conn, [ref["id"] for ref in member.get("groups") or []])
    user = store.get(USER, member["user"]["id"])
    if user is None:
        return
    user_accounts(store, conn, user)
    if user["accounts"]:
        return
    if user.get("status") in _DETACHED:
        user["status"] = str(UserStatus.DISABLED)
    elif user.get("status") == UserStatus.BLOCKED:
        user["blockedFrom"] = str(UserStatus.DISABLED)
    record(user, write)
    store.put(conn, USER, user)


def delete_member(write: Write) -> Response:
    with write.store.transaction() as conn:
        leave(write, conn, member_of(write))
    return Response(status_code=204)


def assign_group(write: Write) -> Response:
    write.check(GROUP_RULES)
    group_id = write.body["id"]
    with write.store.transaction() as conn:
        member = member_of(write)
        groups_of_account(write, member, [group_id], "id")
        ids = [ref["id"] for ref in member.get("groups") or []]
        if group_id not in ids:
            regroup(write, conn, member, [*ids, group_id])
    return answer(write, member)


def replace_groups(write: Write) -> Response:
    validate({"groups": write.body}, GROUPS_RULES, Checking(write.store, write.caller))
    ids = [ref["id"] for ref in write.body]
    with write.store.transaction() as conn:
        member = member_of(write)
        groups_of_account(write, member, ids, "groups[{}].id")
        regroup(write, conn, member, ids)
    return answer(write, member)


def remove_group(write: Write) -> Response:
    group_id = write.param("userGroupId")
    with write.store.transaction() as conn:
        member = member_of(write)
        ids = [ref["id"] for ref in member.get("groups") or []]
        if group_id not in ids:
            raise not_found("Membership of user group", group_id)
        if len(ids) == 1:
            raise invalid("userGroupId", "An account user keeps at least one group.")
        regroup(write, conn, member, [i for i in ids if i != group_id])
    return Response(status_code=204)


def update_member(write: Write) -> Response:
    """Update a member's groups and profile (the official client's PUT)."""
    write.check(UPDATE_RULES)
    with write.store.transaction() as conn:
        member = member_of(write)
        if write.body.get("groups") is not None:
            ids = [ref["id"] for ref in write.body["groups"]]
            groups_of_account(write, member, ids, "groups[{}].id")
            regroup(write, conn, member, ids)
        profile = write.body.get("user")
        if isinstance(profile, dict):
            change_profile(write, conn, member["user"]["id"], profile)
        record(member, write)
        write.store.put(conn, ACCOUNT_USER, member)
    return answer(write, member)


def change_profile(
    write: Write, conn: sqlite3.Connection, user_id: str, profile: dict[str, object]
) -> Document:
    """Apply the profile fields a body carries to a user; the e-mail stays."""
    user = write.store.get(USER, user_id)
    if user is None:
        raise not_found("User", user_id)
    for name in PROFILE_RULES:
        if name in profile:
            user[name] = profile[name]
    user["name"] = f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()
    record(user, write)
    write.store.put(conn, USER, user)
    return user


def routes() -> list[Route]:
    """The member routes, literal spellings first (see `SPELLINGS`)."""
    groups = "/{accountId}/users/{userId}/groups"
    return [
        *member_routes("DELETE", "", MEMBER, delete_member, BodySpec()),
        *member_routes("PUT", "", groups, update_member, OBJECT),
        *member_routes("POST", "/groups", groups, assign_group, OBJECT),
        *member_routes("PUT", "/groups", groups, replace_groups, ARRAY),
        *member_routes(
            "DELETE",
            "/groups/{userGroupId}",
            groups + "/{userGroupId}",
            remove_group,
            BodySpec(),
        ),
    ]
