"""User groups: the groups of an account that give users modules and buyers."""

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.common import Audit, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES, Info
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    BooleanFilter,
    DateTimeFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node
from accounts_graph.graph.relations import reference, references
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import USER_GROUP, Resource

if TYPE_CHECKING:
    from accounts_graph.graph.buyer import Buyer

UserGroupFilter = filter_input(
    "UserGroupFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "is_default": (BooleanFilter, "isDefault"),
        "account_id": (IdFilter, "account.id"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
UserGroupOrderField, UserGroupOrder = order_input(
    "UserGroup",
    {"ID": "id", "NAME": "name", "CREATED_AT": "audit.created.at"},
)


@strawberry.federation.type(
    keys=["id"],
    description="A group of an account's users; it gives its members modules and, "
    "for clients, buyers.",
)
class UserGroup(Node, Entity):
    RESOURCE: ClassVar[Resource] = USER_GROUP
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {"__typename", "id", "name", "description", "logo", "isDefault"}
    )

    name: str | None = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="Free description.")
    logo: str | None = strawberry.field(
        description="Logo, as a plain string set by the account."
    )
    is_default: bool | None = strawberry.field(
        description="Whether new users join this group (one per account)."
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
            logo=data.get("logo"),
            is_default=data.get("isDefault"),
            _raw=data,
        )

    account = reference(
        "account", "Account", "account", description="The account the group belongs to."
    )

    modules = references(
        "module",
        "Module",
        "modules",
        description="Modules the group gives its members.",
    )

    users = references("user", "User", "users", description="The group's members.")

    @strawberry.field(
        description="Buyers the group gives its members; null means all the "
        "account's buyers."
    )
    async def buyers(
        self, info: Info
    ) -> list[Annotated["Buyer", strawberry.lazy("accounts_graph.graph.buyer")]] | None:
        from accounts_graph.graph.buyer import Buyer

        refs = self._raw.get("buyers")
        if refs is None:
            return None
        return await resolve.load_references(info, Buyer, refs)


RESOURCE_TYPES["UserGroup"] = USER_GROUP

UserGroupId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The user group, e.g. UGR-1234-5678."),
]


@strawberry.type
class UserGroupQueries:
    user_groups: Connection[UserGroup] | None = list_field(
        UserGroup,
        UserGroupFilter,
        UserGroupOrder,
        capability="userGroups",
        description="User groups the caller may see, a page at a time.",
    )
    user_group: UserGroup | None = get_field(
        UserGroup,
        capability="userGroup",
        description="One user group by id; null when unknown or hidden.",
    )
