"""Corrections of the published document's operations (see `openapi.py`).

Each function takes the whole document and changes it in place. New operations
are copied from a published sibling (the † endpoints behave like their
neighbours), so a newer published document keeps its own wording and an
endpoint it already has is left alone.
"""

import copy
import re
from typing import Any

from accounts_graph.sandbox.openapi_schemas import (
    JSON_TYPES,
    Doc,
    operations,
    ref,
    ref_name,
    schemas_of,
)

API = "/public/v1/accounts"
DOCUMENT = API + "/openapi.json"
PROBLEM_TYPES = ("application/problem+json", "application/json")
ICON_CONTENT = "image/png"
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    415: "Unsupported Media Type",
}


def is_public(path: str) -> bool:
    """Icon reads and the document itself need no token."""
    return path.endswith("/icon") or path == DOCUMENT


def _problem(status: int) -> dict[str, Any]:
    schema = ref("ProblemDetails")
    return {
        "description": _REASONS[status],
        "content": {media: {"schema": schema} for media in PROBLEM_TYPES},
    }


def _add(doc: Doc, path: str, method: str, operation: dict[str, Any]) -> None:
    """Add an operation unless the document already has one there."""
    item = doc.setdefault("paths", {}).setdefault(path, {})
    item.setdefault(method, operation)


def _copy_of(doc: Doc, path: str, method: str) -> dict[str, Any] | None:
    operation = doc.get("paths", {}).get(path, {}).get(method)
    return copy.deepcopy(operation) if operation is not None else None


def json_part_multipart(doc: Doc) -> None:
    """Describe multipart uploads as one JSON part and one file part.

    The published multipart bodies flatten the object into generator keys
    (`Address.City`, `Audit.Created.At`, …) that no client sends. Clients send the
    object as JSON in a part named after the resource (`account`, `buyer`,
    `licensee`, `seller`, `erpLink`, `user`) and the image in `logo` (`icon` for
    users); the JSON part has the operation's JSON body schema.
    """
    for _, _, operation in operations(doc):
        content = operation.get("requestBody", {}).get("content", {})
        multipart = content.get("multipart/form-data")
        json_body = next((content[t] for t in JSON_TYPES if t in content), None)
        if multipart is None or json_body is None:
            continue
        members = multipart.get("schema", {}).get("properties", {})
        files = [n for n, s in members.items() if s.get("format") == "binary"]
        parts = [n for n in members if n not in files]
        if len(files) != 1 or len(parts) != 1:
            continue
        part, file = parts[0], files[0]
        content["multipart/form-data"] = {
            "schema": {
                "type": "object",
                "properties": {
                    part: copy.deepcopy(json_body["schema"]),
                    file: {"type": "string", "format": "binary"},
                },
            },
            "encoding": {
                part: {"contentType": "application/json"},
                file: {"contentType": ICON_CONTENT},
            },
        }


def add_unpublished_endpoints(doc: Doc) -> None:
    """Add the † endpoints the role matrix names but the document lacks.

    POST /buyers/{id}/synchronize (like enable), POST /sellers/{id}/enable (like
    activate), GET /erp-links/{id}/icon (like the buyer icon) and GET
    /users/{id}/accounts (the accounts list, of one user's memberships).
    """
    copies = (
        ("/buyers/{id}/synchronize", "post", "/buyers/{id}/enable", "post"),
        ("/sellers/{id}/enable", "post", "/sellers/{id}/activate", "post"),
        ("/erp-links/{id}/icon", "get", "/buyers/{id}/icon", "get"),
        ("/users/{id}/accounts", "get", "/accounts", "get"),
    )
    for path, method, sibling, sibling_method in copies:
        operation = _copy_of(doc, API + sibling, sibling_method)
        if operation is None:
            continue
        operation["tags"] = [_tag_of(doc, API + "/" + path.split("/")[1])]
        if "{id}" in path and not any(
            p.get("name") == "id" for p in operation.get("parameters", [])
        ):
            parameter = {"name": "id", "in": "path", "required": True}
            operation.setdefault("parameters", []).insert(
                0, {**parameter, "schema": {"type": "string"}}
            )
        _add(doc, API + path, method, operation)


def _tag_of(doc: Doc, collection_path: str) -> str:
    for operation in doc.get("paths", {}).get(collection_path, {}).values():
        if isinstance(operation, dict) and operation.get("tags"):
            return str(operation["tags"][0])
    return "Accounts"


def add_client_account_user_paths(doc: Doc) -> None:
    """Serve the account users also under `/accounts/{accountId}/users…`.

    The official client calls that spelling (the document has only
    `/{accountId}/users…`), including PUT of a member (groups and profile) and
    GET of a member's groups, which the document lacks.
    """
    paths = doc.get("paths", {})
    published = API + "/{accountId}/users"
    for path in [p for p in paths if p.startswith(published)]:
        client = API + "/accounts" + path.removeprefix(API)
        for method, operation in paths[path].items():
            _add(doc, client, method, copy.deepcopy(operation))
    member = API + "/accounts/{accountId}/users/{userId}"
    get_member = _copy_of(doc, member, "get")
    if get_member is None:
        return
    schemas_of(doc).setdefault(
        "AccountUserUpdate",
        {
            "type": "object",
            "description": "A member's new group set and profile fields.",
            "properties": {
                "groups": {
                    "type": "array",
                    "minItems": 1,
                    "items": ref("UserGroupDto"),
                },
                "user": ref("UserProfileUpdate"),
            },
        },
    )
    parameters = [p for p in get_member.get("parameters", []) if p["in"] == "path"]
    update = {
        **get_member,
        "parameters": parameters,
        "requestBody": {
            "content": {"application/json": {"schema": ref("AccountUserUpdate")}}
        },
    }
    _add(doc, member, "put", update)
    groups = _copy_of(doc, API + "/user-groups", "get")
    if groups is not None:
        groups["parameters"] = copy.deepcopy(parameters)
        groups["tags"] = get_member.get("tags", [])
        _add(doc, member + "/groups", "get", groups)


def _is_list(operation: dict[str, Any]) -> bool:
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return str(ref_name(schema) or "").endswith("ListResponse")


def declare_rql_parameters(doc: Doc) -> None:
    """Declare RQL on list endpoints: select, order, limit, offset and the filter.

    The published lists declare no parameters. The filter is free-form: RQL terms
    (`eq(status,Active)`, `name=Contoso`) written straight into the query string,
    which OpenAPI describes as a free-form object exploded into the query.
    """
    # No upper bound: the platform clamps a larger limit, and the sandbox any
    # offset past SQLite's integers, rather than refusing them.
    size = {"type": "integer", "minimum": 0}
    parameters = [
        _query("select", {"type": "string"}, "Fields to add (+) or drop (-)."),
        _query("order", {"type": "string"}, "Sort fields, `-` for descending."),
        _query("limit", size, "Page size (default 10, larger than 100 is clamped)."),
        _query("offset", size, "Objects to skip."),
        {
            **_query(
                "filter",
                {"type": "object", "additionalProperties": {"type": "string"}},
                "RQL terms written straight into the query string, ANDed: "
                "`eq(status,Active)`, `and(…)`, `name=Contoso`.",
            ),
            "style": "form",
            "explode": True,
        },
    ]
    for _, method, operation in operations(doc):
        if method == "get" and _is_list(operation):
            declared = {p.get("name") for p in operation.get("parameters", [])}
            operation.setdefault("parameters", []).extend(
                copy.deepcopy(p) for p in parameters if p["name"] not in declared
            )


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def declare_problem_responses(doc: Doc) -> None:
    """Declare the problems every operation can answer, as problem details.

    400 (invalid body, RQL or state move), 401 (no or bad token), 403 (the role
    may not), 404 (unknown or out-of-scope id), 409 (state conflict) and 415 (a
    body of another media type): the document declares 400/404 on some operations
    only, never 401/403/409/415. Problems are `application/problem+json`.
    """
    for path, method, operation in operations(doc):
        if path == DOCUMENT:
            continue
        responses = operation.setdefault("responses", {})
        statuses = [404] if is_public(path) else [400, 401, 403]
        if "{" in path:
            statuses.append(404)
        if method != "get":
            statuses.append(409)
        if "requestBody" in operation:
            statuses.append(415)
        for status in statuses:
            responses.setdefault(str(status), _problem(status))
        for status, response in responses.items():
            content = response.get("content", {})
            if ref_name(content.get("application/json", {}).get("schema")) == (
                "ProblemDetails"
            ):
                response["content"] = _problem(int(status))["content"]


# A path under one object: `/<collection>/{id}…` or a member of an account.
_ONE_OBJECT = re.compile(
    r"/(?:[a-z-]+/\{id\}|(?:accounts/)?\{accountId\}/users/\{userId\})"
)


def declare_preconditions(doc: Doc) -> None:
    """Declare `ETag` on one-object answers and `If-Match` on writes to one object.

    The platform has neither; the sandbox adds them so concurrent writers can
    avoid overwriting a change they have not seen (a stale tag answers 409).
    """
    etag = {
        "description": "The object's version, for If-Match.",
        "schema": {"type": "string"},
    }
    if_match = {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": (
            "Write only if the object still has one of these ETags, or any with"
            " `*` (else 409; weak tags never match; an empty header is 400)."
        ),
    }
    for path, method, operation in operations(doc):
        if not _ONE_OBJECT.match(path.removeprefix(API)) or path.endswith("/icon"):
            continue
        if method != "get":
            operation.setdefault("parameters", []).append(dict(if_match))
        for status in ("200", "201"):
            response = operation.get("responses", {}).get(status)
            if response is not None and "content" in response:
                response.setdefault("headers", {})["ETag"] = dict(etag)


def require_bearer_token(doc: Doc) -> None:
    """Declare the bearer token every operation but the public ones needs."""
    schemes = doc.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes.setdefault(
        "bearer",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`idt:TKN-dddd-dddd:<secret>`) or a JWT.",
        },
    )
    doc["security"] = [{"bearer": []}]
    for path, _, operation in operations(doc):
        if is_public(path):
            operation["security"] = []


def name_operations(doc: Doc) -> None:
    """Give every operation an `operationId`, which links need to name targets.

    `get /buyers/{id}/transfer` → `getBuyersByIdTransfer`.
    """
    for path, method, operation in operations(doc):
        if "operationId" in operation:
            continue
        words = []
        for segment in path.removeprefix(API).strip("/").split("/"):
            found = re.fullmatch(r"\{(\w+)\}", segment)
            name = "by-" + found.group(1) if found else segment
            words += re.split(r"[-.]", name)
        operation["operationId"] = method + "".join(
            w[:1].upper() + w[1:] for w in words if w
        )


def link_created_objects(doc: Doc) -> None:
    """Link each create answer to the operations on the created object.

    `POST /buyers` answers 201 with the buyer: its `id` feeds `GET`, `PUT`,
    `DELETE /buyers/{id}` and the actions on it. A member created under
    `/{accountId}/users` is addressed by the same account and its user id.
    """
    paths = doc.get("paths", {})
    for path, method, operation in list(operations(doc)):
        created = operation.get("responses", {}).get("201")
        if method != "post" or created is None:
            continue
        key = (
            "{userId}" if path.endswith("/users") and "{accountId}" in path else "{id}"
        )
        links = created.setdefault("links", {})
        for target, item in paths.items():
            if not target.startswith(path + "/" + key):
                continue
            for target_operation in item.values():
                parameters = {key.strip("{}"): "$response.body#/id"}
                if "{accountId}" in target:
                    parameters["accountId"] = "$request.path.accountId"
                link_name = target_operation["operationId"]
                links[link_name[:1].upper() + link_name[1:]] = {
                    "operationId": target_operation["operationId"],
                    "parameters": parameters,
                }


def describe_itself(doc: Doc) -> None:
    """Add the document's own read: `GET /openapi.json`, public."""
    _add(
        doc,
        DOCUMENT,
        "get",
        {
            "tags": ["OpenAPI"],
            "summary": "This document, with the published one's defects corrected.",
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        },
    )
