"""Account capabilities: create, update, state actions, activation, icon."""

import strawberry

from accounts_graph.graph.account import Account
from accounts_graph.graph.enums import AccountType, ServiceLevel
from accounts_graph.graph.mutations.base import PROBLEMS, icon_upload, mutation
from accounts_graph.graph.mutations.inputs import (
    UNSET,
    AddressInput,
    EligibilityInput,
)


@strawberry.input(description="An account's identifiers in other systems.")
class AccountExternalIdsInput:
    pyra_tenant_id: str | None = strawberry.field(
        default=UNSET, description="Tenant id (UUID) in Pyracloud."
    )


@strawberry.input(description="A new account.")
class CreateAccountInput:
    name: str = strawberry.field(description="Legal name (1 to 500 chars).")
    type: AccountType = strawberry.field(
        description="Client, vendor or operations; it is also the role of its users."
    )
    service_level: ServiceLevel = strawberry.field(description="Support level.")
    description: str | None = strawberry.field(
        default=UNSET, description="Free description (≤ 2000 chars)."
    )
    external_id: str | None = strawberry.field(
        default=UNSET, description="External id (CDG) of the account (≤ 250 chars)."
    )
    external_name: str | None = strawberry.field(
        default=UNSET, description="Name of the account in the external system."
    )
    external_ids: AccountExternalIdsInput | None = strawberry.field(
        default=UNSET, description="Identifiers in other systems."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Postal address."
    )
    technical_support_email: str | None = strawberry.field(
        default=UNSET, description="Where technical support answers (≤ 320 chars)."
    )
    website: str | None = strawberry.field(
        default=UNSET, description="Web site URL (≤ 2000 chars)."
    )
    eligibility: EligibilityInput | None = strawberry.field(
        default=UNSET, description="Whether it may act as client, as partner."
    )


@strawberry.input(description="New values for an account; its type cannot change.")
class UpdateAccountInput:
    name: str = strawberry.field(description="Legal name (1 to 500 chars).")
    service_level: ServiceLevel | None = strawberry.field(
        default=UNSET, description="Support level."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="Free description (≤ 2000 chars)."
    )
    external_id: str | None = strawberry.field(
        default=UNSET, description="External id (CDG) of the account (≤ 250 chars)."
    )
    external_name: str | None = strawberry.field(
        default=UNSET, description="Name of the account in the external system."
    )
    external_ids: AccountExternalIdsInput | None = strawberry.field(
        default=UNSET, description="Identifiers in other systems."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Postal address."
    )
    technical_support_email: str | None = strawberry.field(
        default=UNSET, description="Where technical support answers (≤ 320 chars)."
    )
    website: str | None = strawberry.field(
        default=UNSET, description="Web site URL (≤ 2000 chars)."
    )
    eligibility: EligibilityInput | None = strawberry.field(
        default=UNSET, description="Whether it may act as client, as partner."
    )


@strawberry.input(description="What activating an account assigns.")
class ActivateAccountInput:
    external_id: str = strawberry.field(
        description="Its external id (CDG), 1 to 250 chars."
    )
    name: str = strawberry.field(description="Its legal name (1 to 500 chars).")


def _action(name: str, description: str) -> object:
    return mutation(Account, name, description=description)


@strawberry.type
class AccountMutations:
    create_account = mutation(
        Account,
        "createAccount",
        description="Create an account.",
        input_type=CreateAccountInput,
    )
    update_account = mutation(
        Account,
        "updateAccount",
        description="Update an account's details.",
        input_type=UpdateAccountInput,
    )
    disable_account = _action(
        "disableAccount", "Disable an account: its users may not sign in."
    )
    enable_account = _action("enableAccount", "Enable a disabled account.")
    deactivate_account = _action(
        "deactivateAccount", "Move an active account back to enabled."
    )
    validate_account = mutation(
        Account,
        "validateAccount",
        description="Check an account's data; changes nothing. The payload's "
        "`problems` say what is wrong.",
        extra=PROBLEMS,
    )
    activate_account = mutation(
        Account,
        "activateAccount",
        description="Activate an account: assign its external id (CDG) and name.",
        input_type=ActivateAccountInput,
    )
    upload_account_icon = icon_upload(
        Account,
        "uploadAccountIcon",
        part="account",
        file_part="logo",
        keep=(
            "name",
            "serviceLevel",
            "description",
            "externalId",
            "externalName",
            "externalIds",
            "address",
            "technicalSupportEmail",
            "website",
            "eligibility",
        ),
    )
