"""Corrections of the published document's component schemas (see `openapi.py`).

Each function takes the whole document and changes it in place; each fixes one
defect of the published document that makes real objects or real requests fail
against it. They work on what the document says, not on a list of its schema
names, so a newer published document can be dropped in.
"""

import copy
from collections.abc import Callable, Iterator
from typing import Any

from accounts_graph.platform.resources import RESOURCES

Doc = dict[str, Any]
SCHEMAS = "#/components/schemas/"
JSON_TYPES = ("application/json", "text/json", "application/*+json")
# Members every object has and the platform sets itself: a body's are ignored.
SERVER_SET = ("id", "audit", "$meta")


def schemas_of(doc: Doc) -> dict[str, Any]:
    found: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    return found


def ref(name: str) -> dict[str, str]:
    return {"$ref": SCHEMAS + name}


def ref_name(node: Any) -> str | None:
    """Name of the component a `{"$ref": "#/components/schemas/X"}` points at."""
    if isinstance(node, dict) and str(node.get("$ref", "")).startswith(SCHEMAS):
        return str(node["$ref"]).removeprefix(SCHEMAS)
    return None


def operations(doc: Doc) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (path, method, operation) of the document."""
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield path, method, operation


def walk(node: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    """Call `visit` on every JSON object inside `node`, depth first."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            walk(value, visit)


def merge_reference_schemas(doc: Doc) -> None:
    """Fold `allOf: [<X>Ref]` into the entity schema that names it.

    The published entities are `allOf` over a closed (`additionalProperties:
    false`) reference schema listing only the core fields, so a strict validator
    rejects any object with one more field. Merging keeps every property and
    requirement and leaves one flat schema.
    """
    schemas = schemas_of(doc)
    for schema in schemas.values():
        parts = schema.get("allOf")
        if not isinstance(parts, list) or not all(ref_name(p) for p in parts):
            continue
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in parts:
            base = schemas.get(ref_name(part) or "", {})
            properties.update(copy.deepcopy(base.get("properties", {})))
            required += base.get("required", [])
        # The entity's own declaration of a property wins over the reference's.
        properties.update(schema.get("properties", {}))
        schema["properties"] = properties
        required += schema.get("required", [])
        if required:
            schema["required"] = list(dict.fromkeys(required))
        del schema["allOf"]


def open_closed_objects(doc: Doc) -> None:
    """Drop every `additionalProperties: false`.

    The platform adds members the document does not list (references with
    `href`, docs-only fields) and ignores unknown members of request bodies, so a
    closed world is wrong both ways.
    """

    def visit(node: dict[str, Any]) -> None:
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]

    walk(doc, visit)


# OpenAPI 3.0 applies `nullable` only beside a `type`, and ignores a `$ref`'s
# siblings: a nullable reference is "the reference, or this".
NULL = "Null"
NULL_SCHEMA = {"nullable": True, "enum": [None], "description": "JSON null."}


def _admits_null(schema: dict[str, Any]) -> bool:
    return bool(schema.get("nullable")) or ref(NULL) in schema.get("anyOf", [])


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if _admits_null(schema):
        return schema
    if "type" in schema:
        return {**schema, "nullable": True}
    return {"anyOf": [schema, ref(NULL)]}


def _is_object(schemas: dict[str, Any], name: str) -> bool:
    target = schemas.get(name, {})
    return target.get("type") == "object" or "properties" in target


def nullable_object_references(doc: Doc) -> None:
    """Let optional members that embed another object be null.

    The platform answers `"address": null` for a seller without an address, but
    its generator cannot mark a `$ref` member `nullable` in OpenAPI 3.0, so every
    object-valued member reads as never null. Members listed in `required` stay
    non-null.
    """
    schemas = schemas_of(doc)
    schemas.setdefault(NULL, dict(NULL_SCHEMA))

    def visit(node: dict[str, Any]) -> None:
        properties = node.get("properties")
        if not isinstance(properties, dict):
            return
        required = set(node.get("required", []))
        for member, schema in properties.items():
            name = ref_name(schema)
            if member not in required and name and _is_object(schemas, name):
                properties[member] = _nullable(schema)

    walk(doc, visit)


def _request_schemas(doc: Doc) -> Iterator[dict[str, Any]]:
    """Every object schema a request body can reach, each once."""
    schemas = schemas_of(doc)
    seen: set[str] = set()
    pending: list[Any] = [
        media.get("schema")
        for _, _, operation in operations(doc)
        for media in operation.get("requestBody", {}).get("content", {}).values()
    ]
    found: list[dict[str, Any]] = []
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending += node
        elif isinstance(node, dict):
            name = ref_name(node)
            if name is not None:
                if name not in seen:
                    seen.add(name)
                    pending.append(schemas.get(name))
                continue
            if isinstance(node.get("properties"), dict):
                found.append(node)
            pending += list(node.values())
    yield from found


def null_means_absent_in_bodies(doc: Doc) -> None:
    """Let a request body say `null` for any member it need not send.

    The platform's model binding reads an optional member sent as `null` as not
    sent; the document marks only some optional scalars `nullable`.
    """
    schemas_of(doc).setdefault(NULL, dict(NULL_SCHEMA))
    for schema in _request_schemas(doc):
        required = set(schema.get("required", []))
        properties = schema["properties"]
        for member, value in properties.items():
            if member not in required and isinstance(value, dict):
                properties[member] = _nullable(value)


def entity_schemas() -> dict[str, str]:
    """Entity schema name → the `{id}` reference schema a request body uses.

    The names follow the published ones: `Account` → `AccountDto`.
    """
    names = {
        "account": "Account",
        "account_user": "AccountUser",
        "api_token": "ApiToken",
        "buyer": "Buyer",
        "cloud_tenant": "CloudTenant",
        "erp_link": "ErpLink",
        "licensee": "Licensee",
        "module": "Module",
        "seller": "Seller",
        "user": "User",
        "user_group": "UserGroup",
    }
    return {names[r.name]: names[r.name] + "Dto" for r in RESOURCES}


def _id_pattern(prefix: str, groups: int) -> str:
    return "^" + prefix + r"(-\d{4})" + "{" + str(groups) + "}$"


def _ensure_id_schemas(doc: Doc) -> None:
    """Add the `{id}` reference schemas the published document lacks."""
    schemas = schemas_of(doc)
    names = entity_schemas()
    for resource in RESOURCES:
        entity = next(e for e in names if _snake(e) == resource.name)
        dto = names[entity]
        if dto in schemas:
            continue
        schemas[dto] = {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {
                    "type": "string",
                    "pattern": _id_pattern(resource.prefix, resource.groups),
                }
            },
            "description": f"A reference to one {entity} by its id.",
        }


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


class _RequestViews:
    """Build request-side copies of schemas whose nested members name entities."""

    def __init__(self, doc: Doc) -> None:
        self.schemas = schemas_of(doc)
        self.dtos = entity_schemas()
        self.views: dict[str, str] = {}

    def top(self, node: dict[str, Any]) -> dict[str, Any]:
        """The request view of a body's top-level schema."""
        name = ref_name(node)
        if name is not None:
            return ref(self.view_of(name))
        return self.rewrite(node)

    def view_of(self, name: str) -> str:
        """Name of the request view of component `name` (itself when unchanged)."""
        if name in self.views:
            return self.views[name]
        if name in self.dtos.values():
            return name  # already a reference by id
        self.views[name] = name  # cycles (DeltaNode) resolve to the original
        original = self.schemas.get(name, {})
        rewritten = self.rewrite(original)
        if rewritten != original:
            self.views[name] = name + "Input"
            self.schemas[name + "Input"] = rewritten
        return self.views[name]

    def rewrite(self, schema: Any) -> Any:
        """Copy `schema`, nested entity references turned into `{id}` ones."""
        if isinstance(schema, list):
            return [self.rewrite(item) for item in schema]
        if not isinstance(schema, dict):
            return schema
        name = ref_name(schema)
        if name is not None:
            return (
                ref(self.dtos[name]) if name in self.dtos else ref(self.view_of(name))
            )
        result = {
            key: self.rewrite(value)
            for key, value in schema.items()
            if key != "properties"
        }
        if isinstance(schema.get("properties"), dict):
            result["properties"] = {
                member: self.rewrite(value)
                for member, value in schema["properties"].items()
                if member not in SERVER_SET
            }
            if "required" in result:
                result["required"] = [
                    m for m in result["required"] if m in result["properties"]
                ]
        return result


def reference_by_id_in_bodies(doc: Doc) -> None:
    """Make request bodies refer to other objects by `{"id": …}` only.

    The published request schemas embed full entities (`BuyerCreate.account` is an
    `Account`, with a required name, type and status) where every client sends
    and the platform reads only the id. Request bodies get copies (`…Input`) whose
    nested entities are `{id}` reference schemas (`AccountDto`, …), without the
    members the platform sets itself on every object (`id`, `audit`, `$meta`).
    """
    _ensure_id_schemas(doc)
    views = _RequestViews(doc)
    for _, _, operation in operations(doc):
        content = operation.get("requestBody", {}).get("content", {})
        for media_type, media in content.items():
            # Multipart bodies are rebuilt from the JSON one (`json_part_multipart`).
            if "schema" in media and not media_type.startswith("multipart/"):
                media["schema"] = views.top(media["schema"])


def plain_user_update(doc: Doc) -> None:
    """Describe PUT /users/{id} with the plain profile fields clients send.

    The published body is a serializer's "delta" wrapper (`{node, path, data,
    isDefined}`); the official client sends the fields themselves. The sandbox
    accepts both; the document describes the one clients use.
    """
    schemas = schemas_of(doc)
    schemas.setdefault(
        "UserProfileUpdate",
        {
            "type": "object",
            "description": "The profile fields of a user that a PUT changes.",
            "properties": {
                "firstName": {"type": "string", "minLength": 1},
                "lastName": {"type": "string", "minLength": 1},
                "phone": ref("SetPhoneNumberDto"),
                "settings": ref("SetUserSettingsDto"),
            },
        },
    )
    for path, method, operation in operations(doc):
        if method == "put" and path.endswith("/users/{id}"):
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in JSON_TYPES:
                if media_type in content:
                    content[media_type]["schema"] = ref("UserProfileUpdate")


def require_list_envelope(doc: Doc) -> None:
    """Require `{"$meta": {"pagination": {offset, limit, total}, "omitted"}, "data"}`.

    The published list schemas make every member optional, so an empty object
    passes as a list answer.
    """
    schemas = schemas_of(doc)
    for name, schema in schemas.items():
        if name.endswith("ListResponse"):
            schema["required"] = ["$meta", "data"]
    if "ListMetadata" in schemas:
        schemas["ListMetadata"]["required"] = ["pagination", "omitted"]
    if "PaginationMetadata" in schemas:
        schemas["PaginationMetadata"]["required"] = ["offset", "limit", "total"]


def problem_details_members(doc: Doc) -> None:
    """Declare the members every problem the platform answers carries.

    `traceId` and `errors` are the platform's extensions of RFC 7807; `title` is
    the reason phrase clients match on.
    """
    problem = schemas_of(doc).setdefault("ProblemDetails", {"type": "object"})
    problem["required"] = ["type", "title", "status"]
    properties = problem.setdefault("properties", {})
    properties.setdefault("traceId", {"type": "string", "nullable": True})
    properties.setdefault(
        "errors",
        {
            "description": "Field → messages (validation), or a list of business "
            "rule messages.",
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {}},
                },
                {"type": "array", "items": {"type": "object"}},
            ],
        },
    )
