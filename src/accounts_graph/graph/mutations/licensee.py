"""Licensee capabilities: create, update, state actions, delete, icon."""

import strawberry

from accounts_graph.graph.licensee import Licensee
from accounts_graph.graph.mutations.base import icon_upload, mutation
from accounts_graph.graph.mutations.inputs import (
    UNSET,
    AddressInput,
    ContactInput,
    EligibilityInput,
)


@strawberry.input(description="A new licensee.")
class CreateLicenseeInput:
    buyer_id: strawberry.ID = strawberry.field(description="The buyer it buys through.")
    seller_id: strawberry.ID = strawberry.field(description="The seller it buys from.")
    use_buyer_address: bool = strawberry.field(
        description="Whether it uses the buyer's address instead of its own."
    )
    name: str | None = strawberry.field(
        default=UNSET, description="Name (≤ 500 chars)."
    )
    external_id: str | None = strawberry.field(
        default=UNSET, description="External id (≤ 250 chars)."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="Free description (≤ 2000 chars)."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Its own address, when not the buyer's."
    )
    contact: ContactInput | None = strawberry.field(
        default=UNSET, description="Contact person."
    )
    eligibility: EligibilityInput | None = strawberry.field(
        default=UNSET, description="Whether it may act as client, as partner."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The client account (default: the buyer's)."
    )


@strawberry.input(description="New values for a licensee.")
class UpdateLicenseeInput:
    name: str | None = strawberry.field(
        default=UNSET, description="Name (≤ 500 chars)."
    )
    external_id: str | None = strawberry.field(
        default=UNSET, description="External id (≤ 250 chars)."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="Free description (≤ 2000 chars)."
    )
    use_buyer_address: bool | None = strawberry.field(
        default=UNSET, description="Whether it uses the buyer's address."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Its own address, when not the buyer's."
    )
    contact: ContactInput | None = strawberry.field(
        default=UNSET, description="Contact person."
    )
    eligibility: EligibilityInput | None = strawberry.field(
        default=UNSET, description="Whether it may act as client, as partner."
    )


def _action(name: str, description: str) -> object:
    return mutation(Licensee, name, description=description)


@strawberry.type
class LicenseeMutations:
    create_licensee = mutation(
        Licensee,
        "createLicensee",
        description="Create a licensee under a buyer and seller.",
        input_type=CreateLicenseeInput,
    )
    update_licensee = mutation(
        Licensee,
        "updateLicensee",
        description="Update a licensee.",
        input_type=UpdateLicenseeInput,
    )
    disable_licensee = _action("disableLicensee", "Disable a licensee.")
    enable_licensee = _action("enableLicensee", "Enable a disabled licensee.")
    delete_licensee = _action("deleteLicensee", "Delete a licensee.")
    upload_licensee_icon = icon_upload(
        Licensee,
        "uploadLicenseeIcon",
        part="licensee",
        file_part="logo",
        keep=(
            "name",
            "externalId",
            "description",
            "useBuyerAddress",
            "address",
            "contact",
            "eligibility",
        ),
    )
