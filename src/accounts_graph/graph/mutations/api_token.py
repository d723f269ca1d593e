"""API token capabilities: create (shows the secret once), update, state, delete."""

from typing import Any

import strawberry

from accounts_graph.graph.api_token import ApiToken
from accounts_graph.graph.mutations.base import mutation
from accounts_graph.graph.mutations.inputs import UNSET


@strawberry.input(description="A new API token.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="Display name.")
    account_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The account it acts for (default: the caller's)."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="Free description."
    )
    icon: str | None = strawberry.field(default=UNSET, description="Icon, as a string.")
    module_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Modules it may use."
    )


@strawberry.input(description="New values for an API token.")
class UpdateApiTokenInput:
    name: str | None = strawberry.field(default=UNSET, description="Display name.")
    description: str | None = strawberry.field(
        default=UNSET, description="Free description."
    )
    icon: str | None = strawberry.field(default=UNSET, description="Icon, as a string.")
    module_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Modules it may use."
    )


def _secret(data: dict[str, Any]) -> str | None:
    token = data.get("token") if isinstance(data, dict) else None
    return str(token) if token else None


def _action(name: str, description: str) -> object:
    return mutation(ApiToken, name, description=description)


@strawberry.type
class ApiTokenMutations:
    create_api_token = mutation(
        ApiToken,
        "createApiToken",
        description="Issue an API token; its secret is in the payload, this once.",
        input_type=CreateApiTokenInput,
        extra={
            "secret": (
                str | None,
                "The token to send as a bearer; shown only now.",
                _secret,
            )
        },
    )
    update_api_token = mutation(
        ApiToken,
        "updateApiToken",
        description="Update an API token.",
        input_type=UpdateApiTokenInput,
    )
    delete_api_token = _action("deleteApiToken", "Delete an API token.")
    enable_api_token = _action("enableApiToken", "Enable a disabled API token.")
    disable_api_token = _action(
        "disableApiToken", "Disable an API token: it stops authenticating."
    )
