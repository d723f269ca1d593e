"""GraphQL enums over the platform's: UPPER_SNAKE names, exact REST values inside."""

from typing import TYPE_CHECKING

import strawberry

from accounts_graph.platform import enums

if TYPE_CHECKING:
    from accounts_graph.platform.enums import (
        AccountStatus,
        AccountType,
        ActorType,
        ApiTokenStatus,
        BuyerStatus,
        CloudTenantStatus,
        CloudTenantType,
        ErpLinkStatus,
        InvitationStatus,
        LicenseeStatus,
        Role,
        SellerStatus,
        ServiceLevel,
        UserStatus,
    )
else:
    Role = strawberry.enum(
        enums.Role, description="Who is calling: the caller's account type, or nobody."
    )
    AccountType = strawberry.enum(
        enums.AccountType, description="The kind of an account; it is also its role."
    )
    AccountStatus = strawberry.enum(
        enums.AccountStatus,
        description="ENABLED: created, not fully set up; ACTIVE: in use; "
        "DISABLED: users may not sign in.",
    )
    ServiceLevel = strawberry.enum(
        enums.ServiceLevel, description="The support service level of an account."
    )
    BuyerStatus = strawberry.enum(
        enums.BuyerStatus,
        description="Where a buyer stands in its life cycle and ERP synchronisation.",
    )
    LicenseeStatus = strawberry.enum(
        enums.LicenseeStatus, description="Where a licensee stands in its life cycle."
    )
    SellerStatus = strawberry.enum(
        enums.SellerStatus,
        description="ACTIVE: trading; OFFLINE: under maintenance; DISABLED; DELETED.",
    )
    ErpLinkStatus = strawberry.enum(
        enums.ErpLinkStatus, description="Whether an ERP link is usable or blocked."
    )
    CloudTenantStatus = strawberry.enum(
        enums.CloudTenantStatus, description="Where a cloud tenant stands."
    )
    CloudTenantType = strawberry.enum(
        enums.CloudTenantType, description="The cloud programme a tenant belongs to."
    )
    ApiTokenStatus = strawberry.enum(
        enums.ApiTokenStatus,
        description="ACTIVE tokens authenticate; DISABLED and DELETED ones do not.",
    )
    UserStatus = strawberry.enum(
        enums.UserStatus, description="Where a user stands: invited, active, blocked…"
    )
    InvitationStatus = strawberry.enum(
        enums.InvitationStatus, description="Where an account user's invitation stands."
    )
    ActorType = strawberry.enum(
        enums.ActorType, description="What performed an audited action."
    )


def to_enum[E](kind: type[E], value: object) -> E | None:
    """Map a REST value to its enum member; unknown values become None."""
    try:
        return kind(value)  # type: ignore[call-arg]
    except ValueError:
        return None
