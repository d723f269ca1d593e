"""Users: the people who sign in to the platform, across their accounts."""

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph import resolve
from accounts_graph.graph.common import Audit, PhoneNumber, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES, Info
from accounts_graph.graph.embedded import UserSettings
from accounts_graph.graph.enums import UserStatus, to_enum
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    DateTimeFilter,
    EnumFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node, icon_url
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import USER, Resource

if TYPE_CHECKING:
    from accounts_graph.graph.account import Account

UserFilter = filter_input(
    "UserFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "email": (StringFilter, "email"),
        "first_name": (StringFilter, "firstName"),
        "last_name": (StringFilter, "lastName"),
        "status": (EnumFilter[UserStatus], "status"),
        "created_at": (DateTimeFilter, "audit.created.at"),
    },
)
UserOrderField, UserOrder = order_input(
    "User",
    {
        "ID": "id",
        "NAME": "name",
        "EMAIL": "email",
        "STATUS": "status",
        "CREATED_AT": "audit.created.at",
    },
)


@strawberry.federation.type(
    keys=["id"],
    description="A person who signs in to the platform; inside one account it is "
    "seen as an account user.",
)
class User(Node, Entity):
    RESOURCE: ClassVar[Resource] = USER
    # `phone` is core but optional: references leave it out unless selected.
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {"__typename", "id", "name", "icon", "iconUrl"}
    )

    name: str | None = strawberry.field(description="Full name.")
    email: str | None = strawberry.field(
        description="E-mail address; signs in with it."
    )
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    status: UserStatus | None = strawberry.field(description="Life-cycle state.")
    phone: PhoneNumber | None = embedded(
        PhoneNumber,
        "phone",
        description="Phone number.",
    )
    icon: str | None = strawberry.field(description="Platform path of the avatar.")
    last_login_at: str | None = strawberry.field(
        description="When the user last signed in, as ISO-8601 UTC."
    )
    settings: UserSettings | None = embedded(
        UserSettings,
        "settings",
        description="Regional preferences.",
    )
    audit: Audit | None = embedded(
        Audit,
        "audit",
        description="When it was created, changed and its invitation accepted.",
    )
    _raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_rest(cls, data: dict[str, Any]) -> Self:
        return cls(
            id=strawberry.ID(data["id"]),
            name=data.get("name"),
            email=data.get("email"),
            first_name=data.get("firstName"),
            last_name=data.get("lastName"),
            status=to_enum(UserStatus, data.get("status")),
            icon=data.get("icon"),
            last_login_at=data.get("lastLoginAt"),
            _raw=data,
        )

    @strawberry.field(description="URL of the avatar on this service (public).")
    def icon_url(self) -> str | None:
        return icon_url("users", self.id, self.icon)

    @strawberry.field(description="The account the user is currently working in.")
    async def current_account(
        self, info: Info
    ) -> Annotated["Account", strawberry.lazy("accounts_graph.graph.account")] | None:
        from accounts_graph.graph.account import Account

        return await resolve.load_reference(
            info, Account, self._raw.get("currentAccount")
        )

    @strawberry.field(
        description="Every account the user belongs to (operations only: others "
        "get null and a FORBIDDEN error)."
    )
    async def accounts(
        self, info: Info
    ) -> (
        list[Annotated["Account", strawberry.lazy("accounts_graph.graph.account")]]
        | None
    ):
        from accounts_graph.graph.account import Account

        await info.context.require("User.accounts", "read a user's accounts")
        return await resolve.load_references(info, Account, self._raw.get("accounts"))


RESOURCE_TYPES["User"] = USER

UserId = Annotated[
    strawberry.ID, strawberry.argument(description="The user, e.g. USR-1234-5678.")
]


@strawberry.type
class UserQueries:
    users: Connection[User] | None = list_field(
        User,
        UserFilter,
        UserOrder,
        capability="users",
        description="Users the caller may see, a page at a time.",
    )
    user: User | None = get_field(
        User,
        capability="user",
        description="One user by id; null when unknown or hidden.",
    )
