"""The eleven resources of the Accounts API: paths, id prefixes and fields.

Each field says what kind of value it holds, whether it is part of the reference
other objects embed (`core`), whether the platform leaves it out unless asked with
`select=+field` (`optional`), and whether only Operations may read it. The sandbox
shapes its answers from this table and the facade decides its `select` from it.
"""

import re
from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """What a field holds."""

    SCALAR = "scalar"
    OBJECT = "object"
    LIST = "list"
    REF = "ref"
    REFS = "refs"


@dataclass(frozen=True)
class Field:
    """One field of a resource as the REST API returns it."""

    name: str
    kind: Kind = Kind.SCALAR
    target: str | None = None
    core: bool = False
    optional: bool = False
    operations_only: bool = False

    @property
    def is_reference(self) -> bool:
        return self.kind in (Kind.REF, Kind.REFS)


@dataclass(frozen=True)
class Resource:
    """A collection of the Accounts API and the shape of its objects."""

    name: str
    collection: str
    prefix: str
    groups: int
    fields: tuple[Field, ...]
    audit_events: tuple[str, ...] = ("created", "updated")
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    @property
    def core_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.core)

    @property
    def optional_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.optional)

    @property
    def operations_only_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.operations_only)

    @property
    def droppable_fields(self) -> tuple[str, ...]:
        """Default fields a read may leave out with `select=-field`: the bulky
        ones (objects, lists, references) outside the reference core. Scalars
        stay: dropping them saves little and every request would carry them."""
        return tuple(
            f.name
            for f in self.fields
            if not f.optional and not f.core and f.kind is not Kind.SCALAR
        )


def _ref(name: str, target: str, *, optional: bool = False) -> Field:
    return Field(name, Kind.REF, target, optional=optional)


def _refs(
    name: str, target: str, *, optional: bool = False, operations_only: bool = False
) -> Field:
    return Field(
        name, Kind.REFS, target, optional=optional, operations_only=operations_only
    )


def _obj(name: str, *, core: bool = False, optional: bool = False) -> Field:
    return Field(name, Kind.OBJECT, core=core, optional=optional)


def _list(name: str, *, optional: bool = False, operations_only: bool = False) -> Field:
    return Field(name, Kind.LIST, optional=optional, operations_only=operations_only)


_ID = Field("id", core=True)
_ICON = Field("icon", core=True)
# The platform's docs show `audit` in `$meta.omitted` of list answers: audit comes
# only when selected, which keeps the default payloads small.
_AUDIT = _obj("audit", optional=True)

ACCOUNT = Resource(
    "account",
    "accounts",
    "ACC",
    2,
    (
        _ID,
        Field("name", core=True),
        Field("type", core=True),
        Field("status", core=True),
        _ICON,
        Field("description"),
        Field("externalId"),
        Field("externalName"),
        _obj("externalIds", optional=True),
        Field("serviceLevel", optional=True),
        _obj("address"),
        Field("technicalSupportEmail"),
        Field("website"),
        _obj("eligibility", optional=True),
        _refs("groups", "user_group"),
        _AUDIT,
    ),
)

ACCOUNT_USER = Resource(
    "account_user",
    "account-users",
    "AUSR",
    3,
    (
        _ID,
        _ref("user", "user"),
        _ref("account", "account"),
        _refs("groups", "user_group"),
        _refs("buyers", "buyer"),
        _refs("modules", "module"),
        _obj("invitation"),
        Field("lastLoginAt", optional=True),
        _AUDIT,
    ),
    ("created", "updated", "access", "joined", "invitationAcceptedAt"),
)

API_TOKEN = Resource(
    "api_token",
    "api-tokens",
    "TKN",
    2,
    (
        _ID,
        _ICON,
        Field("name"),
        Field("description"),
        Field("status"),
        Field("token"),
        Field("lastAccessAt", optional=True),
        _ref("account", "account"),
        _refs("modules", "module"),
        _AUDIT,
    ),
)

BUYER = Resource(
    "buyer",
    "buyers",
    "BUY",
    2,
    (
        _ID,
        Field("name", core=True),
        _ICON,
        Field("status", optional=True),
        Field("taxId"),
        _obj("address"),
        _obj("contact", optional=True),
        _obj("externalIds", optional=True),
        _ref("account", "account"),
        _refs("sellers", "seller", optional=True),
        _list("errors", optional=True, operations_only=True),
        _AUDIT,
    ),
    ("created", "updated", "activated", "unassigned", "disabled"),
)

CLOUD_TENANT = Resource(
    "cloud_tenant",
    "cloud-tenants",
    "CLT",
    2,
    (
        _ID,
        Field("name"),
        Field("status"),
        Field("type"),
        _ref("account", "account"),
        _obj("externalIds", optional=True),
        _AUDIT,
    ),
)

ERP_LINK = Resource(
    "erp_link",
    "erp-links",
    "ERP",
    3,
    (
        _ID,
        Field("name", core=True),
        Field("status", core=True),
        _ICON,
        Field("note", optional=True, operations_only=True),
        _ref("buyer", "buyer"),
        _ref("seller", "seller"),
        _obj("externalIds", optional=True),
        _obj("address"),
        _AUDIT,
    ),
    ("created", "updated", "blocked", "unblocked"),
)

LICENSEE = Resource(
    "licensee",
    "licensees",
    "LCE",
    3,
    (
        _ID,
        Field("name", core=True),
        Field("externalId", core=True),
        _ICON,
        Field("status", optional=True),
        Field("description"),
        Field("useBuyerAddress", optional=True),
        _obj("address"),
        _obj("contact", optional=True),
        _obj("eligibility", optional=True),
        _ref("account", "account"),
        _ref("buyer", "buyer"),
        _ref("seller", "seller"),
        _AUDIT,
    ),
    ("created", "updated", "disabled"),
)

MODULE = Resource(
    "module",
    "modules",
    "MOD",
    1,
    (
        _ID,
        Field("name", core=True),
        Field("description", core=True),
        Field("paid", core=True),
        _obj("filters", core=True),
        _obj("settings", core=True),
        Field("code"),
        Field("isConfigurable"),
        Field("isEnabledByDefault"),
        _list("accountTypes"),
        _AUDIT,
    ),
)

SELLER = Resource(
    "seller",
    "sellers",
    "SEL",
    2,
    (
        _ID,
        Field("name", core=True),
        Field("externalId", core=True),
        _ICON,
        Field("status", optional=True),
        _list("currencies"),
        _obj("address"),
        _ref("erpLink", "erp_link", optional=True),
        _AUDIT,
    ),
)

USER = Resource(
    "user",
    "users",
    "USR",
    2,
    (
        _ID,
        Field("name", core=True),
        _ICON,
        _obj("phone", core=True, optional=True),
        Field("email"),
        Field("firstName"),
        Field("lastName"),
        Field("status"),
        Field("lastLoginAt", optional=True),
        _obj("settings", optional=True),
        _refs("accounts", "account", operations_only=True),
        _ref("currentAccount", "account"),
        _AUDIT,
    ),
    ("created", "updated", "invitationAcceptedAt"),
)

USER_GROUP = Resource(
    "user_group",
    "user-groups",
    "UGR",
    2,
    (
        _ID,
        Field("name", core=True),
        Field("description", core=True),
        Field("logo", core=True),
        Field("isDefault", core=True),
        _ref("account", "account"),
        _refs("modules", "module"),
        _refs("users", "user"),
        _refs("buyers", "buyer"),
        _AUDIT,
    ),
)

RESOURCES: tuple[Resource, ...] = (
    ACCOUNT,
    ACCOUNT_USER,
    API_TOKEN,
    BUYER,
    CLOUD_TENANT,
    ERP_LINK,
    LICENSEE,
    MODULE,
    SELLER,
    USER,
    USER_GROUP,
)
BY_NAME: dict[str, Resource] = {r.name: r for r in RESOURCES}
BY_COLLECTION: dict[str, Resource] = {r.collection: r for r in RESOURCES}
BY_PREFIX: dict[str, Resource] = {r.prefix: r for r in RESOURCES}

_ID_SHAPE = re.compile(r"^([A-Z]{3,4})(?:-\d{4})+$")


def resource_of_id(object_id: str) -> Resource | None:
    """Return the resource an id belongs to, by its prefix, or None."""
    match = _ID_SHAPE.match(object_id)
    if match is None:
        return None
    return BY_PREFIX.get(match.group(1))
