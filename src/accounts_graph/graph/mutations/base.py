"""Mutations made from declarations: each capability is a role check, one REST
call (two for an icon upload), and a payload with the object or the caller's
errors.

The role check runs first, from the capability table: a denied call fails with
FORBIDDEN before any upstream request. What the caller can fix (400, 409, 415)
comes back in the payload; everything else is a top-level error.
"""

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, Any

import orjson
import strawberry
from strawberry.file_uploads import Upload
from strawberry.types.base import StrawberryList, StrawberryOptional

from accounts_graph.graph.common import ParametrisedMessage
from accounts_graph.graph.context import Info
from accounts_graph.graph.errors import (
    ErrorCode,
    FacadeError,
    from_upstream,
    not_found,
)
from accounts_graph.graph.mutations.errors import (
    UserError,
    UserErrorCode,
    user_errors,
)
from accounts_graph.graph.resolve import kind_name
from accounts_graph.graph.signatures import sign
from accounts_graph.platform.capabilities import capability
from accounts_graph.platform.icons import NotAnIcon, icon_type
from accounts_graph.upstream import rql
from accounts_graph.upstream.client import Session, path
from accounts_graph.upstream.errors import Forbidden, InvalidInput, UpstreamError

Raw = dict[str, Any]

ID_ARGUMENT = Annotated[
    strawberry.ID, strawberry.argument(description="The platform id of the object.")
]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _holds_ids(field: dataclasses.Field[Any]) -> bool:
    """Tell whether an input field is typed `ID` (or a list of them)."""
    kind: Any = field.type
    while isinstance(kind, StrawberryOptional | StrawberryList):
        kind = kind.of_type
    return kind is strawberry.ID


def to_rest(value: Any) -> Any:
    """Convert an input object to a REST body.

    Unset fields are left out; an `ID` field `x_id` becomes `x: {id}`, an `x_ids`
    list of them `xs: [{id}]`. Other fields named `…_id` (`externalId`, `taxId`)
    are plain strings and keep their name.
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [to_rest(item) for item in value]
    if not dataclasses.is_dataclass(value):
        return value
    body: Raw = {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if item is strawberry.UNSET:
            continue
        name = field.name
        if name.endswith("_ids") and _holds_ids(field):
            body[_camel(name[:-4]) + "s"] = (
                None if item is None else [{"id": i} for i in item]
            )
        elif name.endswith("_id") and _holds_ids(field):
            body[_camel(name[:-3])] = None if item is None else {"id": item}
        else:
            body[_camel(name)] = to_rest(item)
    return body


def rest_renames(input_type: Any) -> dict[str, str]:
    """REST member → input field, for the `ID` fields `to_rest` renames:
    `account` → `accountId`, `groups` → `groupIds`."""
    if input_type is None:
        return {}
    renames = {}
    for field in dataclasses.fields(input_type):
        if field.name.endswith("_ids") and _holds_ids(field):
            renames[_camel(field.name[:-4]) + "s"] = _camel(field.name)
        elif field.name.endswith("_id") and _holds_ids(field):
            renames[_camel(field.name[:-3])] = _camel(field.name)
    return renames


def payload(
    mutation: str,
    field: str | None,
    kind: Any,
    *,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Create `<Mutation>Payload`: `errors`, the object under `field` (none for a
    deletion), and the `extra` fields."""
    title = mutation[0].upper() + mutation[1:]
    namespace: dict[str, Any] = {
        "__annotations__": {"errors": list[UserError]},
        "errors": strawberry.field(
            default_factory=list,
            description="What the caller can fix; empty when the change was made.",
        ),
    }
    if field is not None:
        namespace["__annotations__"][field] = kind | None
        namespace[field] = strawberry.field(
            default=None, description="The object after the change; null on errors."
        )
    for name, (annotation, description) in (extra or {}).items():
        namespace["__annotations__"][name] = annotation
        namespace[name] = strawberry.field(default=None, description=description)
    cls = type(f"{title}Payload", (), namespace)
    return strawberry.type(cls, description=f"The result of `{mutation}`.")


DELETED = {"deleted_id": (strawberry.ID | None, "The id of the deleted object.")}

Extra = dict[str, tuple[Any, str, Callable[[Raw], Any]]]
"""Payload fields beside the object: name → (annotation, description, value taken
from the REST answer)."""

PROBLEMS: Extra = {
    "problems": (
        list[ParametrisedMessage] | None,
        "What the validation found wrong (`parameters.field` names the field); "
        "empty when the data is valid.",
        lambda data: [
            ParametrisedMessage.from_rest(item) for item in data.get("errors") or []
        ],
    )
}
"""The payload field of a validation: the problems the Accounts API reports in
the answer's `errors` (the object is not changed)."""


async def attempt(
    info: Info,
    mutation: str,
    call: Callable[[], Awaitable[Any]],
    input_name: str | None,
    renames: dict[str, str] | None = None,
) -> tuple[Any, list[UserError]]:
    """Check the matrix, make the call, sort its failure into payload or top level."""
    row = capability(mutation)
    await info.context.require(mutation, row.name[0].lower() + row.name[1:])
    try:
        return await call(), []
    except InvalidInput as error:
        return None, user_errors(error, input_name, renames)
    except UpstreamError as error:
        raise from_upstream(error) from error


def mutation(
    kind: Any,
    name: str,
    *,
    description: str,
    input_type: Any = None,
    input_required: bool = True,
    method: str | None = None,
    extra_args: dict[str, Any] | None = None,
    body: Callable[[dict[str, Any]], Any] | None = None,
    field: str | None = None,
    extra: Extra | None = None,
    reread: str | None = None,
    settle: Callable[[Session, Any], Awaitable[Any]] | None = None,
    errors_at: str | None = None,
) -> Any:
    """Make the root field of one capability that changes one object.

    The REST method and path come from the capability table; `{id}` and the other
    path parameters are filled from arguments of the same name. `body` builds the
    request body from the arguments (default: the `input` converted to REST).
    `extra` adds payload fields read from the REST answer. `reread` is a path
    (same parameters) to GET the object from when the answer has no body, e.g.
    a DELETE of a relation: the payload then carries the object, not `deletedId`.
    `settle` turns the answer into the object as queries show it, when the path
    answers another shape of it.
    `errors_at` names the argument a refused field is blamed on (default: the
    `input`; a mutation without one blames no argument).
    """
    row = capability(name)
    field = field or _camel(kind.RESOURCE.name)
    is_delete = (method or row.method) == "DELETE" and reread is None
    fields = {k: (a, d) for k, (a, d, _) in (extra or {}).items()}
    if is_delete:
        fields.update(DELETED)
    result_type = payload(name, None if is_delete else field, kind, extra=fields)
    blame = errors_at or ("input" if input_type is not None else None)
    renames = rest_renames(input_type)
    params: dict[str, Any] = {**(extra_args or {})}
    if "{id}" in row.path:
        params = {"id": ID_ARGUMENT, **params}
    if input_type is not None:
        params["input"] = Annotated[
            input_type if input_required else input_type | None,
            strawberry.argument(description="The fields to set."),
        ]

    async def resolver(info: Info, **args: Any) -> Any:
        ids = {
            _camel(k): str(v)
            for k, v in args.items()
            if "{" + _camel(k) + "}" in row.path
        }
        target = path(row.path, **ids)
        json_body = body(args) if body else to_rest(args.get("input"))
        session = info.context.session

        async def call() -> Any:
            # The platform answers an unknown id, however malformed, with 404; a
            # blank one would not even name a resource, so it goes no further.
            blank = next((v for v in ids.values() if not v.strip()), None)
            if blank is not None:
                raise not_found(kind_name(kind.RESOURCE), repr(blank))
            data = await session.send(
                method or row.method, target, json=json_body, template=row.path
            )
            if data is None and reread is not None:
                data = await session.send("GET", path(reread, **ids), template=reread)
            if settle is not None:
                data = await settle(session, data)
            return data

        data, errors = await attempt(info, name, call, blame, renames)
        if errors:
            return result_type(errors=errors)
        if is_delete:
            return result_type(deleted_id=args.get("id") or args.get("user_id"))
        values = {k: get(data) for k, (_, _, get) in (extra or {}).items()}
        return result_type(**{field: kind.from_rest(data)}, **values)

    optional = frozenset() if input_required else frozenset({"input"})
    sign(resolver, params, result_type | None, optional=optional)
    return strawberry.mutation(resolver=resolver, description=description)


def not_an_icon(message: str) -> UserError:
    return UserError(
        message=message,
        field=["icon"],
        # The code the platform's own refusal of the same file gets.
        code=UserErrorCode.INVALID,
        platform_code=None,
    )


def icon_upload(
    kind: Any, name: str, *, part: str, file_part: str, keep: tuple[str, ...]
) -> Any:
    """Make `upload<Kind>Icon(id, icon: Upload!)`: a multipart PUT of the object.

    The platform has no upload endpoint of its own: the icon travels as a file
    part of the object's update, so the object's updatable fields (`keep`) are
    read first and sent back unchanged beside the file. A caller that may upload
    but not read (a vendor and a buyer) sends the file alone.
    """
    row = capability(name)
    field = _camel(kind.RESOURCE.name)
    result_type = payload(name, field, kind)
    params = {
        "id": ID_ARGUMENT,
        "icon": Annotated[Upload, strawberry.argument(description="The image file.")],
    }
    # Kept fields the platform leaves out unless asked must be read too, or the
    # PUT would send them back empty.
    hidden = [k for k in keep if k in kind.RESOURCE.optional_fields]
    select = "select=" + rql.select(hidden) if hidden else ""

    async def resolver(info: Info, id: str, icon: Any) -> Any:
        session = info.context.session
        target = path(row.path, id=id)

        async def call() -> Any:
            if not callable(getattr(icon, "read", None)):
                # An inline literal instead of a file part of the request.
                raise FacadeError(
                    "Send the icon as a file part of a GraphQL multipart request.",
                    ErrorCode.BAD_USER_INPUT,
                )
            data = await icon.read()
            # Checked here too, before any upstream request: the platform may
            # be laxer, and whatever it keeps is served to browsers.
            # Decoding is CPU work: off the event loop, other requests go on.
            content_type = await asyncio.to_thread(icon_type, data)
            files: dict[str, Any] = {}
            try:
                current = await session.send(
                    "GET", target, query=select, template=row.path
                )
            except Forbidden:
                # The matrix lets some roles upload an icon of what they may not
                # read (a vendor, a buyer's icon): the file then goes alone, which
                # changes the icon only, and the upstream decides.
                pass
            else:
                fields = {k: current[k] for k in keep if k in current}
                files[part] = (None, orjson.dumps(fields), "application/json")
            files[file_part] = (icon.filename or "icon", data, content_type)
            return await session.send("PUT", target, files=files, template=row.path)

        try:
            data, errors = await attempt(info, name, call, "icon")
        except NotAnIcon as refusal:
            data, errors = None, [not_an_icon(str(refusal))]
        if errors:
            return result_type(errors=errors)
        return result_type(**{field: kind.from_rest(data)})

    sign(resolver, params, result_type | None)
    return strawberry.mutation(
        resolver=resolver,
        description=f"Upload the {kind.RESOURCE.name.replace('_', ' ')}'s icon "
        "(GraphQL multipart request).",
    )
