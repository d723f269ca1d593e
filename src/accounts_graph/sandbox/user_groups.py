"""User groups, write side: create, update, delete.

A group belongs to one account (the caller's own unless Operations names
another); it may grant only modules the account's type can use and only buyers of
that account (`buyers: null` grants them all). The first group of an account is
its default one. A group with users cannot be deleted (409); a deleted group is
removed, since groups have no status field to keep a Deleted state in. Every
change refreshes what the account's members reach.
"""

from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.resources import ACCOUNT, BUYER, MODULE, USER_GROUP
from accounts_graph.sandbox.context import fetch_visible
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.relations import account_groups, member_reach
from accounts_graph.sandbox.store import Document
from accounts_graph.sandbox.validation import (
    VALIDATION_FAILED,
    Ref,
    Text,
    refs,
    unusable_modules,
)
from accounts_graph.sandbox.writes import (
    OBJECT,
    Write,
    created,
    merge,
    mint_id,
    record,
    ref_id,
    route,
)

LIST = "/user-groups"
ONE = "/user-groups/{id}"

UPDATE_RULES = {
    "name": Text(True, 1, 0),
    "description": Text(),
    "logo": Text(),
    "modules": refs(MODULE),
    "buyers": refs(BUYER),
}
CREATE_RULES = {**UPDATE_RULES, "account": Ref(False, ACCOUNT)}


def granted(write: Write, account: Document) -> None:
    """Check that a group body grants only what its account may have.

    Raises:
        ApiProblem: 400 naming each module or buyer the account cannot grant.
    """
    found = unusable_modules(write.store, account, write.body.get("modules"))
    for index, ref in enumerate(write.body.get("buyers") or []):
        buyer = write.store.get(BUYER, ref["id"]) or {}
        if (buyer.get("account") or {}).get("id") != account["id"]:
            found[f"buyers[{index}].id"] = [
                f"Buyer {ref['id']} does not belong to account {account['id']}."
            ]
    if found:
        raise ApiProblem(400, VALIDATION_FAILED, found)


def _stored_refs(value: object) -> list[dict[str, str]] | None:
    if not isinstance(value, list):
        return None
    return [{"id": ref["id"]} for ref in value]


def create_user_group(write: Write) -> Response:
    body = write.check(CREATE_RULES)
    account_id = ref_id(body.get("account")) or write.caller.account_id
    account = fetch_visible(write.sandbox, ACCOUNT, write.caller, account_id)
    granted(write, account)
    with write.store.transaction() as conn:
        group: Document = {
            "id": mint_id(write.store, USER_GROUP),
            "name": body["name"],
            "description": body.get("description"),
            "logo": body.get("logo"),
            "isDefault": not account.get("groups"),
            "account": {"id": account["id"]},
            "modules": _stored_refs(body.get("modules")) or [],
            "users": [],
            "buyers": _stored_refs(body.get("buyers")),
            "audit": created(write),
        }
        write.store.put(conn, USER_GROUP, group)
        account_groups(write.store, conn, account["id"])
    return write.answer(USER_GROUP, group, 201)


def update_user_group(write: Write) -> Response:
    write.check(UPDATE_RULES)
    with write.store.transaction() as conn:
        group = fetch_visible(write.sandbox, USER_GROUP, write.caller, write.param())
        account = write.store.get(ACCOUNT, group["account"]["id"]) or {}
        granted(write, account)
        merge(group, write.body, ("name", "description", "logo"))
        for name in ("modules", "buyers"):
            if name in write.body:
                group[name] = _stored_refs(write.body[name])
        group["modules"] = group["modules"] or []
        record(group, write)
        write.store.put(conn, USER_GROUP, group)
        member_reach(write.store, conn, account["id"])
    return write.answer(USER_GROUP, group)


def delete_user_group(write: Write) -> Response:
    with write.store.transaction() as conn:
        group = fetch_visible(write.sandbox, USER_GROUP, write.caller, write.param())
        _refuse_if_used(group)
        write.store.delete(conn, USER_GROUP, group["id"])
        account_groups(write.store, conn, group["account"]["id"])
        member_reach(write.store, conn, group["account"]["id"])
    return Response(status_code=204)


def _refuse_if_used(group: Document) -> None:
    users = group.get("users") or []
    if users:
        message = (
            f"User group {group['id']} still has {len(users)} user(s); "
            "remove them from the group first."
        )
        raise ApiProblem(409, message, {"users": [message]})


def routes() -> list[Route]:
    return [
        route("POST", LIST, create_user_group, OBJECT),
        route("PUT", ONE, update_user_group, OBJECT),
        route("DELETE", ONE, delete_user_group),
    ]
