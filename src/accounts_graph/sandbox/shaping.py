"""Turn stored documents into what the REST API returns to a given caller.

References are filled in with their target's core fields in one query per target
resource for a whole page, optional fields appear only when selected, and fields
reserved to Operations are removed for everybody else.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from accounts_graph.platform.resources import (
    ACCOUNT_USER,
    API_TOKEN,
    BY_NAME,
    USER,
    Kind,
    Resource,
)
from accounts_graph.sandbox.auth import Caller
from accounts_graph.sandbox.store import Document, Store

Selection = tuple[tuple[str, str], ...]

# An account user is "a user seen inside one account": clients expect the user's
# name and e-mail there, not only the reference's core fields.
_EXTRA_EMBEDS: dict[tuple[str, str], tuple[str, ...]] = {
    (ACCOUNT_USER.name, "user"): ("email", "firstName", "lastName", "status"),
}


def visible_fields(resource: Resource, caller: Caller, select: Selection) -> list[str]:
    """Return the fields of `resource` this caller gets with this `select`."""
    added = {path.split(".")[0] for sign, path in select if sign == "+"}
    removed = {path.split(".")[0] for sign, path in select if sign == "-"}
    names = []
    for field in resource.fields:
        if field.operations_only and not caller.is_operations:
            continue
        if field.name in removed and field.name != "id":
            continue
        if field.optional and field.name not in added:
            continue
        names.append(field.name)
    return names


def omitted_fields(resource: Resource, caller: Caller, select: Selection) -> list[str]:
    """Return the optional fields left out, for `$meta.omitted`."""
    names = visible_fields(resource, caller, select)
    return [
        f.name
        for f in resource.fields
        if f.optional
        and f.name not in names
        and (caller.is_operations or not f.operations_only)
    ]


def shape(
    store: Store,
    resource: Resource,
    docs: list[Document],
    caller: Caller,
    select: Selection = (),
    *,
    user_view: bool = False,
) -> list[Document]:
    """Return `docs` as the API answers them, references filled in.

    `user_view` presents account users by their user id, as the
    `/{accountId}/users` paths do (the legacy collection keeps `AUSR-…` ids).
    """
    names = visible_fields(resource, caller, select)
    omitted = omitted_fields(resource, caller, select)
    wanted = _wanted_references(resource, docs, names)
    found = {
        target: store.get_many(BY_NAME[target], ids) for target, ids in wanted.items()
    }
    actors = _actors(store, docs) if "audit" in names else {}

    shaped = []
    for doc in docs:
        out: Document = {}
        for name in names:
            if name in doc:
                out[name] = _resolve(resource, name, doc[name], found, actors)
        if user_view and resource is ACCOUNT_USER:
            out["id"] = doc["user"]["id"]
        if omitted:
            out["$meta"] = {"omitted": omitted}
        shaped.append(out)
    return shaped


def _wanted_references(
    resource: Resource, docs: Iterable[Document], names: list[str]
) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for name in names:
        field = resource.by_name[name]
        if field.target is None:
            continue
        for doc in docs:
            wanted[field.target].update(ref["id"] for ref in _refs_of(doc.get(name)))
    return wanted


def _refs_of(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict) and "id" in value:
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict) and "id" in item]
    return []


def _resolve(
    resource: Resource,
    name: str,
    value: Any,
    found: dict[str, dict[str, Document]],
    actors: dict[str, Document],
) -> Any:
    field = resource.by_name[name]
    if field.target is None:
        return _with_actors(value, actors) if name == "audit" else value
    target = BY_NAME[field.target]
    extra = _EXTRA_EMBEDS.get((resource.name, name), ())
    pool = found.get(field.target, {})
    if field.kind is Kind.REF:
        return None if value is None else reference(target, value["id"], pool, extra)
    if value is None:
        return None
    return [reference(target, ref["id"], pool, extra) for ref in _refs_of(value)]


def reference(
    target: Resource,
    object_id: str,
    pool: dict[str, Document],
    extra: tuple[str, ...] = (),
) -> Document:
    """Return the reference to an object: its core fields, or its id if gone."""
    doc = pool.get(object_id)
    if doc is None:
        return {"id": object_id}
    ref = {
        f.name: doc.get(f.name)
        for f in target.fields
        if f.core and not f.optional and f.kind not in (Kind.REF, Kind.REFS)
    }
    ref.update((name, doc.get(name)) for name in extra)
    return ref


def _actors(store: Store, docs: list[Document]) -> dict[str, Document]:
    ids: dict[Resource, set[str]] = defaultdict(set)
    for doc in docs:
        for event in (doc.get("audit") or {}).values():
            actor = event.get("by") if isinstance(event, dict) else None
            if isinstance(actor, dict) and "id" in actor:
                ids[API_TOKEN if actor["id"].startswith("TKN") else USER].add(
                    actor["id"]
                )
    pool: dict[str, Document] = {}
    for target, wanted in ids.items():
        pool.update(store.get_many(target, wanted))
    return pool


def _with_actors(audit: Any, actors: dict[str, Document]) -> Any:
    if not isinstance(audit, dict):
        return audit
    filled = {}
    for event, value in audit.items():
        actor = value.get("by") if isinstance(value, dict) else None
        if isinstance(actor, dict) and "id" in actor:
            doc = actors.get(actor["id"], {})
            value = {
                **value,
                "by": {
                    "id": actor["id"],
                    "name": doc.get("name"),
                    "icon": doc.get("icon"),
                },
            }
        filled[event] = value
    return filled
