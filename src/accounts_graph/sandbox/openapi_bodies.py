"""Request bodies that list only what the platform reads (see `openapi.py`).

The published create, update and action bodies reuse the whole response model:
`BuyerCreate` has `status`, `errors` and `sellers`, `AccountActivate` has an
address. The platform sets those members itself (the state moves through
actions, the icon through an upload, the sellers through ERP links) and ignores
them in a body, so the corrected document leaves them out: a client need not
send them, and no value of theirs is an error.
"""

import copy
import re
from typing import Any

from accounts_graph.sandbox.openapi_schemas import (
    JSON_TYPES,
    Doc,
    operations,
    ref_name,
    schemas_of,
)

# Members the platform sets itself, by collection, in creates and updates.
PLATFORM_SET: dict[str, tuple[str, ...]] = {
    # Status moves through the actions (`/enable`, …); an icon is an upload;
    # groups are created under /user-groups.
    "accounts": ("status", "icon", "groups"),
    # Errors come from the ERP sync, sellers from the buyer's ERP links.
    "buyers": ("status", "icon", "errors", "sellers"),
    "licensees": ("status", "icon"),
    # The ERP link of a seller is made by the ERP sync.
    "sellers": ("status", "icon", "erpLink"),
    # An ERP link joins one buyer and one seller for good, and is named after them.
    "erp-links": ("status", "icon", "buyer", "seller", "name"),
}
# Members an update cannot change: fixed when the object is created.
FIXED_AT_CREATION: dict[str, tuple[str, ...]] = {
    "accounts": ("type",),
    # A buyer moves to another account only through a transfer or activation.
    "buyers": ("account",),
    "licensees": ("account", "buyer", "seller"),
}
# What an action reads besides the members its body requires.
ACTION_READS: dict[str, tuple[str, ...]] = {
    "/accounts/{id}/activate": ("externalName",),
    "/erp-links/{id}/block": ("note",),
    "/erp-links/{id}/unblock": ("note",),
}
_COLLECTION = re.compile(r"^/public/v1/accounts/([a-z-]+)(/\{id\})?(/[a-z-]+)?$")


def _inline(doc: Doc, schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of a body's top-level schema, its own to trim."""
    name = ref_name(schema)
    if name is None:
        return copy.deepcopy(schema)
    return copy.deepcopy(schemas_of(doc).get(name, {}))


def _keep_only(schema: dict[str, Any], keep: set[str]) -> None:
    properties = schema.get("properties", {})
    for member in [m for m in properties if m not in keep]:
        del properties[member]
    if "required" in schema:
        schema["required"] = [m for m in schema["required"] if m in properties]


def _drop(schema: dict[str, Any], members: tuple[str, ...]) -> None:
    properties = schema.get("properties", {})
    _keep_only(schema, {m for m in properties if m not in members})


def bodies_list_what_the_platform_reads(doc: Doc) -> None:
    """Leave out of each create, update and action body what the platform sets.

    Creates and updates lose the members of `PLATFORM_SET` (and updates those
    of `FIXED_AT_CREATION`); an action's body keeps the members it requires and
    those of `ACTION_READS`.
    """
    for path, method, operation in operations(doc):
        found = _COLLECTION.match(path)
        content = operation.get("requestBody", {}).get("content", {})
        if found is None or method not in ("post", "put"):
            continue
        collection, by_id, action = found.groups()
        for media_type in JSON_TYPES:
            if media_type not in content:
                continue
            schema = _inline(doc, content[media_type]["schema"])
            if schema.get("type") != "object":
                continue
            if action:
                template = f"/{collection}/{{id}}{action}"
                reads = set(schema.get("required", [])) | set(
                    ACTION_READS.get(template, ())
                )
                _keep_only(schema, reads)
            else:
                _drop(schema, PLATFORM_SET.get(collection, ()))
                if by_id:
                    _drop(schema, FIXED_AT_CREATION.get(collection, ()))
            content[media_type]["schema"] = schema
