"""What every write of the sandbox shares: bodies, audit, ids, state moves, answers.

A write route is built by `route()`: it checks the role matrix first, reads the
body (JSON, or multipart with a JSON part and a file part) in the event loop, and
runs the resource's action in a worker thread, where the SQLite store lives. An
action reads and changes the store inside one `store.transaction()`.

A write to one existing object (`PUT`, `DELETE` or an action under
`/<collection>/{id}`, or a member route) answers with the object's `ETag` and,
sent with `If-Match`, runs only on that version (see `preconditions.py`).
"""

import secrets
import string
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.platform.resources import BY_COLLECTION, Resource
from accounts_graph.sandbox.auth import Caller, holds
from accounts_graph.sandbox.context import (
    JSON,
    Sandbox,
    caller_for,
    etag_of,
    fetch_visible,
    sandbox_of,
)
from accounts_graph.sandbox.preconditions import condition_of, run_if_match
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.rql import RqlError, parse_query
from accounts_graph.sandbox.shaping import Selection, shape
from accounts_graph.sandbox.store import Document, Store
from accounts_graph.sandbox.validation import (
    VALIDATION_FAILED,
    Checking,
    Rules,
    validate,
)

# A file part larger than this is refused without being kept.
MAX_ICON_BYTES = 512 * 1024
_JSON_TYPES = ("application/json", "text/json")


@dataclass(frozen=True)
class Upload:
    """The file part of a multipart body; its declared type is not trusted."""

    field: str
    data: bytes


@dataclass(frozen=True)
class BodySpec:
    """What a route reads from the request body.

    `shape` is "object", "optional" (an object, or nothing) or "array"; `part`
    and `file` name the multipart parts of a route that accepts an icon.
    """

    shape: str = "optional"
    part: str | None = None
    file: str | None = None


NO_BODY = BodySpec()
OBJECT = BodySpec("object")
ARRAY = BodySpec("array")


def multipart(part: str, file: str = "logo") -> BodySpec:
    """The body of a create or update that may carry an icon."""
    return BodySpec("object", part, file)


@dataclass
class Write:
    """One write request as an action sees it."""

    request: Request
    sandbox: Sandbox
    caller: Caller
    body: Any
    upload: Upload | None = None
    select: Selection = ()
    now: str = field(default_factory=lambda: timestamp())

    @property
    def store(self) -> Store:
        return self.sandbox.store

    def check(self, rules: Rules) -> dict[str, Any]:
        """Validate the body against `rules`; `body` then holds only what they name.

        Raises:
            ApiProblem: 400 naming every offending field.
        """
        self.body = validate(self.body, rules, Checking(self.store, self.caller))
        return dict(self.body)

    def param(self, name: str = "id") -> str:
        value: str = self.request.path_params[name]
        return value

    def answer(
        self,
        resource: Resource,
        doc: Document,
        status: int = 200,
        *,
        user_view: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> Response:
        """Answer with the object as the caller may read it (plus `extra` fields).

        Without `select`, a write answers every field the caller may read, so the
        change is visible without a second GET.
        """
        select = self.select or tuple(("+", name) for name in resource.optional_fields)
        shaped = shape(
            self.store, resource, [doc], self.caller, select, user_view=user_view
        )
        return JSON(
            {**shaped[0], **(extra or {})},
            status_code=status,
            headers={"ETag": etag_of(doc)},
        )


Action = Callable[[Write], Response]


def timestamp() -> str:
    """Return now as the platform writes it: UTC with milliseconds."""
    now = datetime.now(UTC)
    return f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond // 1000:03d}Z"


# Finds the object a write changes, for its precondition.
Locate = Callable[[Write], Document]


def route(
    method: str,
    template: str,
    action: Action,
    body: BodySpec = NO_BODY,
    *,
    path: str | None = None,
    locate: Locate | None = None,
) -> Route:
    """Serve `action` at `path` (default: the capability's `template`).

    `locate` finds the object the write changes, for `If-Match`; routes under
    `/<collection>/{id}` find theirs without it.
    """
    handler = endpoint(method, template, action, body, locate or _locator(template))
    return Route(path or template, handler, methods=[method])


def endpoint(
    method: str,
    template: str,
    action: Action,
    body: BodySpec,
    locate: Locate | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """Build the handler: matrix check, body, then the action off the event loop."""

    async def handler(request: Request) -> Response:
        caller = await run_in_threadpool(caller_for, request, method, template)
        select = _select_of(request)
        condition = condition_of(request.headers)
        data, upload = await read_body(request, body)
        write = Write(request, sandbox_of(request), caller, data, upload, select)
        if locate is None or condition is None:
            return await run_in_threadpool(action, write)
        return await run_in_threadpool(
            run_if_match,
            write.store,
            condition,
            lambda: locate(write),
            lambda: action(write),
        )

    return handler


def _locator(template: str) -> Locate | None:
    """Find the object of a route under `/<collection>/{id}`, if it is one."""
    collection, _, rest = template.strip("/").partition("/")
    resource = BY_COLLECTION.get(collection)
    if resource is None or rest.split("/")[0] != "{id}":
        return None

    def locate(write: Write) -> Document:
        return fetch_visible(write.sandbox, resource, write.caller, write.param())

    return locate


def _select_of(request: Request) -> Selection:
    """Read `select` before the write: a bad query must not follow a done write.

    Only the syntax is checked; names the resource lacks select nothing.
    """
    try:
        return parse_query(request.url.query).select
    except RqlError as error:
        raise ApiProblem(400, str(error), {"rql": [str(error)]}) from error


def require_row(write: Write, method: str, template: str, update: str) -> bool:
    """Check the row a PUT that may carry an icon actually uses.

    Returns True when the write changes the object's fields, False when it only
    changes the icon: a file with no fields, or a caller holding "Upload an
    icon" but not the update row (its fields are then ignored).

    Raises:
        ApiProblem: 403 when the caller holds neither row it would need.
    """
    uploads = write.upload is not None and holds(
        write.caller, method, template, "Upload an icon"
    )
    if uploads and not write.body:
        return False
    if holds(write.caller, method, template, update):
        return True
    if uploads:
        return False
    raise ApiProblem(403, f"{write.caller.role.value} accounts may not use '{update}'.")


async def read_body(request: Request, spec: BodySpec) -> tuple[Any, Upload | None]:
    """Read the request body the route expects.

    Raises:
        ApiProblem: 400 for malformed JSON or the wrong JSON type, 415 for a
            content type the route does not take.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if spec.part and media == "multipart/form-data":
        return await _read_multipart(request, spec)
    raw = await request.body()
    if not raw.strip():
        if spec.shape == "optional":
            return {}, None
        return _check_shape(None, spec), None
    if not _is_json(media):
        kinds = "application/json" + (" or multipart/form-data" if spec.part else "")
        raise ApiProblem(
            415, f"Content type '{media or 'none'}' is not supported; send {kinds}."
        )
    return _check_shape(_decode(raw), spec), None


def _is_json(media: str) -> bool:
    return media in _JSON_TYPES or (
        media.startswith("application/") and media.endswith("+json")
    )


def _decode(raw: bytes | str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        message = f"The body is not valid JSON: {error}."
        raise ApiProblem(
            400, "The body is not valid JSON.", {"body": [message]}
        ) from error


def _check_shape(value: Any, spec: BodySpec) -> Any:
    expected = list if spec.shape == "array" else dict
    if isinstance(value, expected):
        return value
    kind = "array" if expected is list else "object"
    message = f"The body must be a JSON {kind}."
    raise ApiProblem(400, message, {"body": [message]})


async def _read_multipart(
    request: Request, spec: BodySpec
) -> tuple[Any, Upload | None]:
    async with request.form(max_files=4, max_fields=16) as form:
        part = form.get(spec.part or "")
        if part is None:
            data: Any = {}
        elif isinstance(part, UploadFile):
            data = _check_shape(_decode(await part.read()), spec)
        else:
            data = _check_shape(_decode(part), spec)
        upload = None
        file = form.get(spec.file or "")
        if isinstance(file, UploadFile):
            # One byte over the limit is enough to refuse the file.
            content = await file.read(MAX_ICON_BYTES + 1)
            upload = Upload(spec.file or "", content)
        elif file is not None:
            message = f"The {spec.file} part must be a file."
            raise ApiProblem(400, message, {spec.file or "": [message]})
    return data, upload


# --- audit, ids, states ---------------------------------------------------


def record(doc: Document, write: Write, *events: str) -> None:
    """Record `updated` and `events` as done now by the caller.

    The platform keeps only the latest occurrence of each event.
    """
    audit = doc.get("audit") or {}
    for name in ("updated", *events):
        audit[name] = {"at": write.now, "by": {"id": write.caller.actor_id}}
    doc["audit"] = audit


def created(write: Write) -> Document:
    """Build the audit of an object created now."""
    event = {"at": write.now, "by": {"id": write.caller.actor_id}}
    return {"created": dict(event), "updated": dict(event)}


def mint_id(store: Store, resource: Resource) -> str:
    """Draw an unused id of the resource's shape (call inside the transaction)."""
    while True:
        digits = "".join(
            secrets.choice(string.digits) for _ in range(4 * resource.groups)
        )
        groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
        object_id = "-".join((resource.prefix, *groups))
        if store.get(resource, object_id) is None:
            return object_id


def either(states: Collection[str]) -> str:
    """Spell a set of states for a message: "Active, Enabled or Disabled"."""
    names = list(states)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def refuse_move(
    kind: str, doc: Document, action: str, allowed: Collection[str]
) -> ApiProblem:
    """Build the 400 of an action the object's state does not allow."""
    message = (
        f"{kind} {doc['id']} is {doc.get('status')}; {action} needs {either(allowed)}."
    )
    return ApiProblem(400, message, {"status": [message]})


@dataclass(frozen=True)
class Move:
    """One row of a state machine: from which states an action goes where.

    `to` is a state, or a function of the object for moves whose target depends
    on it (enable: Active when it has a CDG, else Enabled). `events` are the
    audit events the move records besides `updated`.
    """

    allowed: tuple[str, ...]
    to: str | Callable[[Document], str]
    events: tuple[str, ...] = ()


def move(doc: Document, write: Write, kind: str, action: str, rule: Move) -> None:
    """Apply one state-machine row to `doc` and record it.

    Raises:
        ApiProblem: 400 naming the current state and what the action needs.
    """
    if doc.get("status") not in rule.allowed:
        raise refuse_move(kind, doc, action, rule.allowed)
    doc["status"] = str(rule.to(doc) if callable(rule.to) else rule.to)
    record(doc, write, *rule.events)


def invalid(field_path: str, message: str) -> ApiProblem:
    """Build the 400 of one field's value, as validation reports it."""
    return ApiProblem(400, VALIDATION_FAILED, {field_path: [message]})


def merge(doc: Document, body: Mapping[str, Any], fields: Collection[str]) -> None:
    """Copy the `fields` the body carries onto `doc`; absent ones stay as they are."""
    for name in fields:
        if name in body:
            doc[name] = body[name]


def ref_id(value: Any) -> str | None:
    """Return the id of a `{"id": ...}` reference in a body, or None."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None
