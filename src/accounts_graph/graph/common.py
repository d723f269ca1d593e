"""Objects embedded in the resources: addresses, contacts, audit trails, settings."""

from typing import Any, Self

import strawberry
from strawberry.scalars import JSON

from accounts_graph.graph.enums import ActorType

Raw = dict[str, Any]


def embedded(kind: Any, key: str, *, description: str) -> Any:
    """A field for the object embedded under `key` in the REST document (the
    parent's `_raw`), converted when a query asks for it rather than for every
    object loaded."""

    def resolver(self: Any) -> Any:
        return kind.from_rest(self._raw.get(key))

    resolver.__annotations__ = {"return": kind | None}
    # Read by graph/execution.py, which converts without Strawberry's wrappers.
    resolver.embedded = (kind.from_rest, key)  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolver, description=description)


def _get(data: Raw | None, key: str) -> Any:
    return None if data is None else data.get(key)


@strawberry.type(description="A postal address.")
class Address:
    address_line1: str | None = strawberry.field(description="First address line.")
    address_line2: str | None = strawberry.field(description="Second address line.")
    post_code: str | None = strawberry.field(description="Postal code.")
    city: str | None = strawberry.field(description="City.")
    state: str | None = strawberry.field(description="State or region.")
    country: str | None = strawberry.field(
        description="Country, as an ISO 3166 alpha-2 code."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(
            address_line1=data.get("addressLine1"),
            address_line2=data.get("addressLine2"),
            post_code=data.get("postCode"),
            city=data.get("city"),
            state=data.get("state"),
            country=data.get("country"),
        )


@strawberry.type(description="A phone number split into its prefix and number.")
class PhoneNumber:
    prefix: str | None = strawberry.field(description="International prefix, e.g. +41.")
    number: str | None = strawberry.field(description="The number without prefix.")

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(prefix=data.get("prefix"), number=data.get("number"))


@strawberry.type(description="Who performed an audited action: a user or an API token.")
class Actor:
    id: strawberry.ID = strawberry.field(description="The user's or API token's id.")
    name: str | None = strawberry.field(description="Its display name.")
    icon: str | None = strawberry.field(description="Path of its icon, if any.")

    @strawberry.field(description="Whether a user or an API token acted.")
    def type(self) -> ActorType:
        return ActorType.API_TOKEN if self.id.startswith("TKN") else ActorType.USER

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict) or "id" not in data:
            return None
        return cls(
            id=strawberry.ID(data["id"]), name=data.get("name"), icon=data.get("icon")
        )


@strawberry.type(description="One audited event: when it last happened and who did it.")
class AuditEvent:
    at: str | None = strawberry.field(description="When, as ISO-8601 UTC.")
    by: Actor | None = strawberry.field(
        description="Who; absent for events the system performs."
    )

    @classmethod
    def from_rest(cls, data: Any) -> Self | None:
        if isinstance(data, str):
            return cls(at=data, by=None)
        if not isinstance(data, dict):
            return None
        return cls(at=data.get("at"), by=Actor.from_rest(data.get("by")))


@strawberry.type(
    description="The latest occurrence of each audited event of an object; an "
    "event that never happened is null."
)
class Audit:
    created: AuditEvent | None = strawberry.field(description="Creation.")
    updated: AuditEvent | None = strawberry.field(description="Last update.")
    activated: AuditEvent | None = strawberry.field(description="Buyers: activation.")
    unassigned: AuditEvent | None = strawberry.field(
        description="Buyers: unassignment from their account."
    )
    disabled: AuditEvent | None = strawberry.field(
        description="Buyers and licensees: disabling."
    )
    blocked: AuditEvent | None = strawberry.field(description="ERP links: blocking.")
    unblocked: AuditEvent | None = strawberry.field(
        description="ERP links: unblocking."
    )
    access: AuditEvent | None = strawberry.field(
        description="Account users: last access to the account."
    )
    joined: AuditEvent | None = strawberry.field(
        description="Account users: joining the account."
    )
    invitation_accepted: AuditEvent | None = strawberry.field(
        description="Users and account users: acceptance of the invitation."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        event = AuditEvent.from_rest
        return cls(
            created=event(data.get("created")),
            updated=event(data.get("updated")),
            activated=event(data.get("activated")),
            unassigned=event(data.get("unassigned")),
            disabled=event(data.get("disabled")),
            blocked=event(data.get("blocked")),
            unblocked=event(data.get("unblocked")),
            access=event(data.get("access")),
            joined=event(data.get("joined")),
            invitation_accepted=event(data.get("invitationAcceptedAt")),
        )


@strawberry.type(description="What an account or licensee is eligible to be.")
class Eligibility:
    client: bool | None = strawberry.field(description="May act as a client.")
    partner: bool | None = strawberry.field(description="May act as a partner.")

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(client=data.get("client"), partner=data.get("partner"))


@strawberry.type(description="A contact person of a buyer or licensee.")
class Contact:
    name: str | None = strawberry.field(description="Full name.")
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    email: str | None = strawberry.field(description="E-mail address.")
    phone: PhoneNumber | None = strawberry.field(description="Phone number.")
    user_id: strawberry.ID | None = strawberry.field(
        description="Id of the platform user this contact is, if any."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        user = data.get("user")
        return cls(
            name=data.get("name"),
            first_name=data.get("firstName"),
            last_name=data.get("lastName"),
            email=data.get("email"),
            phone=PhoneNumber.from_rest(data.get("phone")),
            user_id=_get(user, "id") if isinstance(user, dict) else None,
        )


@strawberry.type(description="An account's identifiers in other SoftwareOne systems.")
class AccountExternalIds:
    pyra_tenant_id: str | None = strawberry.field(description="Pyra tenant (uuid).")

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(pyra_tenant_id=data.get("pyraTenantId"))


@strawberry.type(description="A buyer's identifiers in a seller's ERP.")
class BuyerExternalIds:
    erp_company_contact: str | None = strawberry.field(
        description="ERP company contact id."
    )
    erp_customer: str | None = strawberry.field(description="ERP customer number.")
    account_external_id: str | None = strawberry.field(
        description="External id (CDG) of the buyer's account."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(
            erp_company_contact=data.get("erpCompanyContact"),
            erp_customer=data.get("erpCustomer"),
            account_external_id=data.get("accountExternalId"),
        )


@strawberry.type(description="A cloud tenant's identifiers in other systems.")
class CloudTenantExternalIds:
    pyra_tenant_id: str | None = strawberry.field(description="Pyra tenant (uuid).")
    cloud_consumption_id: str | None = strawberry.field(
        description="Cloud consumption id (uuid)."
    )
    provider_id: str | None = strawberry.field(
        description="The cloud provider's own tenant id."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(
            pyra_tenant_id=data.get("pyraTenantId"),
            cloud_consumption_id=data.get("cloudConsumptionId"),
            provider_id=data.get("providerId"),
        )


@strawberry.type(
    description="A message with parameters, as the platform reports issues."
)
class ParametrisedMessage:
    id: str | None = strawberry.field(description="Message code.")
    message: str = strawberry.field(description="Human-readable text.")
    parameters: JSON | None = strawberry.field(description="Values the message cites.")

    @classmethod
    def from_rest(cls, data: Raw) -> Self:
        return cls(
            id=data.get("id"),
            message=str(data.get("message", "")),
            parameters=data.get("parameters"),
        )


def many[T](convert: Any, items: Any) -> list[T] | None:
    """Convert a REST list item by item; null stays null."""
    if items is None:
        return None
    return [convert(item) for item in items if item is not None]
