"""API tokens: credentials an account issues to its integrations."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import Audit, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.enums import ApiTokenStatus, to_enum
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    DateTimeFilter,
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node
from accounts_graph.graph.relations import reference, references
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import API_TOKEN, Resource

ApiTokenFilter = filter_input(
    "ApiTokenFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "status": (EnumFilter[ApiTokenStatus], "status"),
        "account_id": (IdFilter, "account.id"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
ApiTokenOrderField, ApiTokenOrder = order_input(
    "ApiToken",
    {"ID": "id", "NAME": "name", "STATUS": "status", "CREATED_AT": "audit.created.at"},
)


@strawberry.federation.type(
    keys=["id"],
    description="A credential an account issues to an integration; it acts for the "
    "account within the modules it is given. The secret itself is never shown.",
)
class ApiToken(Node, Entity):
    RESOURCE: ClassVar[Resource] = API_TOKEN
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset({"__typename", "id", "icon"})

    name: str | None = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="Free description.")
    icon: str | None = strawberry.field(
        description="Icon, as a plain string set by the account."
    )
    status: ApiTokenStatus | None = strawberry.field(
        description="Whether the token authenticates."
    )
    last_access_at: str | None = strawberry.field(
        description="When the token was last used, as ISO-8601 UTC."
    )
    audit: Audit | None = embedded(
        Audit,
        "audit",
        description="When it was created and changed.",
    )
    _raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            name=data.get("name"),
            description=data.get("description"),
            icon=data.get("icon"),
            status=to_enum(ApiTokenStatus, data.get("status")),
            last_access_at=data.get("lastAccessAt"),
            _raw=data,
        )

    account = reference(
        "account", "Account", "account", description="The account the token acts for."
    )

    modules = references(
        "module", "Module", "modules", description="Modules the token may use."
    )


RESOURCE_TYPES["ApiToken"] = API_TOKEN

ApiTokenId = Annotated[
    strawberry.ID, strawberry.argument(description="The API token, e.g. TKN-1234-5678.")
]


@strawberry.type
class ApiTokenQueries:
    api_tokens: Connection[ApiToken] | None = list_field(
        ApiToken,
        ApiTokenFilter,
        ApiTokenOrder,
        capability="apiTokens",
        description="API tokens the caller may see, a page at a time.",
    )
    api_token: ApiToken | None = get_field(
        ApiToken,
        capability="apiToken",
        description="One API token by id; null when unknown or hidden.",
    )
