"""Modules: the read-only catalogue of platform features accounts may use."""

from typing import Annotated, Any, ClassVar, Self

import strawberry

from accounts_graph.graph.common import Audit, embedded
from accounts_graph.graph.connection import Connection
from accounts_graph.graph.context import RESOURCE_TYPES
from accounts_graph.graph.embedded import ModuleFilters, ModuleSettings
from accounts_graph.graph.enums import AccountType, to_enum
from accounts_graph.graph.federation import Entity
from accounts_graph.graph.filters import (
    BooleanFilter,
    IdFilter,
    StringFilter,
    filter_input,
    order_input,
)
from accounts_graph.graph.node import Node
from accounts_graph.graph.roots import get_field, list_field
from accounts_graph.platform.resources import MODULE, Resource

ModuleFilter = filter_input(
    "ModuleFilter",
    {
        "id": (IdFilter, "id"),
        "name": (StringFilter, "name"),
        "code": (StringFilter, "code"),
        "paid": (BooleanFilter, "paid"),
    },
)
ModuleOrderField, ModuleOrder = order_input(
    "Module", {"ID": "id", "NAME": "name", "CODE": "code"}
)


def _account_types(values: Any) -> list[AccountType] | None:
    if not isinstance(values, list):
        return None
    found = (to_enum(AccountType, value) for value in values)
    return [value for value in found if value is not None]


@strawberry.federation.type(
    keys=["id"],
    description="A feature of the platform that user groups and API tokens are "
    "given access to; the catalogue is read-only.",
)
class Module(Node, Entity):
    RESOURCE: ClassVar[Resource] = MODULE
    FROM_REFERENCE: ClassVar[frozenset[str]] = frozenset(
        {"__typename", "id", "name", "description", "paid", "filters", "settings"}
    )

    name: str | None = strawberry.field(description="Display name.")
    code: str | None = strawberry.field(description="Stable code of the module.")
    description: str | None = strawberry.field(description="What the module offers.")
    paid: bool | None = strawberry.field(
        description="Whether the module costs extra (deprecated upstream: see "
        "`settings.paid`)."
    )
    is_configurable: bool | None = strawberry.field(
        description="Whether accounts may switch it (deprecated upstream: see "
        "`settings.configurable`)."
    )
    is_enabled_by_default: bool | None = strawberry.field(
        description="Whether it is on by default (deprecated upstream: see "
        "`settings.default`)."
    )
    account_types: list[AccountType] | None = strawberry.field(
        description="Kinds of account that may use the module."
    )
    settings: ModuleSettings | None = embedded(
        ModuleSettings,
        "settings",
        description="How the module behaves in the accounts that use it.",
    )
    filters: ModuleFilters | None = embedded(
        ModuleFilters,
        "filters",
        description="Which scopes the module may be restricted to.",
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
            _raw=data,
            name=data.get("name"),
            code=data.get("code"),
            description=data.get("description"),
            paid=data.get("paid"),
            is_configurable=data.get("isConfigurable"),
            is_enabled_by_default=data.get("isEnabledByDefault"),
            account_types=_account_types(data.get("accountTypes")),
        )


RESOURCE_TYPES["Module"] = MODULE

ModuleId = Annotated[
    strawberry.ID, strawberry.argument(description="The module, e.g. MOD-1234.")
]


@strawberry.type
class ModuleQueries:
    modules: Connection[Module] | None = list_field(
        Module,
        ModuleFilter,
        ModuleOrder,
        capability="modules",
        description="The platform's modules (operations only), a page at a time.",
    )
    module: Module | None = get_field(
        Module,
        capability="module",
        description="One module by id; null when unknown.",
    )
