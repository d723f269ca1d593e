"""What a caller can fix comes back in the payload as `UserError`s."""

import re
from collections.abc import Mapping
from enum import Enum

import strawberry

from accounts_graph.upstream.errors import UpstreamStatusError

# A problem type naming an RFC (`https://tools.ietf.org/html/rfc9110#…`).
_RFC = re.compile(r"/rfc\d+", re.IGNORECASE)


@strawberry.enum(description="Why the Accounts API refused an input.")
class UserErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "INVALID", description="A field's value is missing or not acceptable."
    )
    INVALID_STATE = strawberry.enum_value(
        "INVALID_STATE",
        description="The object's current state does not allow this action.",
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="It conflicts with other objects (e.g. still in use)."
    )
    UNSUPPORTED = strawberry.enum_value(
        "UNSUPPORTED", description="The kind of content is not accepted."
    )


@strawberry.type(description="A refusal the caller can fix by changing its input.")
class UserError:
    message: str = strawberry.field(description="What is wrong, for people.")
    field: list[str] | None = strawberry.field(
        description="Path of the offending input field, when one is to blame."
    )
    code: UserErrorCode = strawberry.field(description="What kind of refusal.")
    platform_code: str | None = strawberry.field(
        description="The Accounts API's own error code, when it gives one."
    )


def _field_path(
    rest_field: str, input_name: str | None, renames: Mapping[str, str]
) -> list[str] | None:
    """Map a REST field (`address.country`) to the input path that carried it.

    Input objects are named `input`; a refusal of a scalar argument (an icon,
    a password) names that argument alone; with no argument to blame (None),
    there is no path. `renames` maps a REST reference back to the input field
    that became it: `account.id` → `accountId`, `groups[1].id` → `groupIds.1`.
    """
    if not rest_field or rest_field == "rql" or input_name is None:
        return None
    if input_name != "input":
        return [input_name]
    parts = [p for p in rest_field.replace("[", ".").replace("]", "").split(".") if p]
    parts = [p[0].lower() + p[1:] if p else p for p in parts]
    if parts[0] in renames:
        tail = parts[1:-1] if parts[-1:] == ["id"] and len(parts) > 1 else parts[1:]
        parts = [renames[parts[0]], *tail]
    return [input_name, *parts]


def _platform_code(problem_type: str) -> str | None:
    """The code a platform-specific problem type ends in
    (`…/errors/accounts#MPTAC02-0001`); an RFC's section (the type of a plain
    `400 Bad Request`) is none."""
    base, _, anchor = problem_type.partition("#")
    if not anchor or _RFC.search(base):
        return None
    return anchor


def user_errors(
    error: UpstreamStatusError,
    input_name: str | None = "input",
    renames: Mapping[str, str] | None = None,
) -> list[UserError]:
    """Turn a 400/409/415 answer into payload errors, one per field message."""
    platform_code = _platform_code(str(error.problem.get("type") or ""))
    pairs = error.field_errors
    if error.status == 409:
        code = UserErrorCode.CONFLICT
    elif error.status == 415:
        code = UserErrorCode.UNSUPPORTED
    elif any(field == "status" for field, _ in pairs):
        code = UserErrorCode.INVALID_STATE
    else:
        code = UserErrorCode.INVALID
    if not pairs:
        message = str(
            error.problem.get("detail") or error.problem.get("title") or error
        )
        return [
            UserError(
                message=message, field=None, code=code, platform_code=platform_code
            )
        ]
    return [
        UserError(
            message=message,
            field=None
            if field == "status"
            else _field_path(field, input_name, renames or {}),
            code=UserErrorCode.INVALID_STATE if field == "status" else code,
            platform_code=platform_code,
        )
        for field, message in pairs
    ]
