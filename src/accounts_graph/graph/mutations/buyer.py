"""Buyer capabilities: create, update, state actions, transfer, icon."""

from typing import Annotated

import strawberry

from accounts_graph.graph.buyer import Buyer
from accounts_graph.graph.mutations.base import PROBLEMS, icon_upload, mutation
from accounts_graph.graph.mutations.inputs import (
    UNSET,
    AddressInput,
    BuyerExternalIdsInput,
    ContactInput,
)


@strawberry.input(description="A new buyer.")
class CreateBuyerInput:
    name: str = strawberry.field(description="Legal name (1 to 500 chars).")
    address: AddressInput = strawberry.field(description="Billing address.")
    account_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The client account it belongs to."
    )
    tax_id: str | None = strawberry.field(
        default=UNSET, description="Tax or VAT number (≤ 18 chars)."
    )
    contact: ContactInput | None = strawberry.field(
        default=UNSET, description="Contact person."
    )
    external_ids: BuyerExternalIdsInput | None = strawberry.field(
        default=UNSET, description="Identifiers in the ERP."
    )


@strawberry.input(description="New values for a buyer.")
class UpdateBuyerInput:
    name: str = strawberry.field(description="Legal name (1 to 500 chars).")
    address: AddressInput = strawberry.field(description="Billing address.")
    tax_id: str | None = strawberry.field(
        default=UNSET, description="Tax or VAT number (≤ 18 chars)."
    )
    contact: ContactInput | None = strawberry.field(
        default=UNSET, description="Contact person."
    )
    external_ids: BuyerExternalIdsInput | None = strawberry.field(
        default=UNSET, description="Identifiers in the ERP."
    )


@strawberry.input(description="What activating a buyer assigns.")
class ActivateBuyerInput:
    account_id: strawberry.ID = strawberry.field(description="Its client account.")
    external_ids: BuyerExternalIdsInput = strawberry.field(
        description="Its identifiers in the ERP."
    )


@strawberry.input(
    description="What to check a buyer against: its account, and values to check "
    "instead of the stored ones."
)
class ValidateBuyerInput:
    account_id: strawberry.ID = strawberry.field(description="Its client account.")
    name: str | None = strawberry.field(
        default=UNSET, description="Legal name (1 to 500 chars)."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Billing address."
    )
    tax_id: str | None = strawberry.field(
        default=UNSET, description="Tax or VAT number (≤ 18 chars)."
    )
    contact: ContactInput | None = strawberry.field(
        default=UNSET, description="Contact person."
    )
    external_ids: BuyerExternalIdsInput | None = strawberry.field(
        default=UNSET, description="Identifiers in the ERP."
    )


_ACCOUNT = Annotated[
    strawberry.ID, strawberry.argument(description="The destination client account.")
]


def _action(name: str, description: str) -> object:
    return mutation(Buyer, name, description=description)


@strawberry.type
class BuyerMutations:
    create_buyer = mutation(
        Buyer, "createBuyer", description="Create a buyer.", input_type=CreateBuyerInput
    )
    update_buyer = mutation(
        Buyer, "updateBuyer", description="Update a buyer.", input_type=UpdateBuyerInput
    )
    disable_buyer = _action("disableBuyer", "Disable an active buyer.")
    enable_buyer = _action("enableBuyer", "Enable a disabled buyer.")
    deactivate_buyer = _action("deactivateBuyer", "Move an active buyer to unassigned.")
    validate_buyer = mutation(
        Buyer,
        "validateBuyer",
        description="Check a buyer's data; changes nothing. The payload's "
        "`problems` say what is wrong.",
        input_type=ValidateBuyerInput,
        extra=PROBLEMS,
    )
    synchronize_buyer = _action(
        "synchronizeBuyer", "Re-synchronise a buyer with its ERP."
    )
    delete_buyer = _action(
        "deleteBuyer", "Delete a buyer, its ERP links and licensees."
    )
    activate_buyer = mutation(
        Buyer,
        "activateBuyer",
        description="Activate a buyer: assign its account and ERP ids.",
        input_type=ActivateBuyerInput,
    )
    transfer_buyer = mutation(
        Buyer,
        "transferBuyer",
        description="Move a buyer and its dependants to another client account with "
        "the same external id.",
        extra_args={"account_id": _ACCOUNT},
        body=lambda args: {"account": {"id": str(args["account_id"])}},
        errors_at="accountId",
    )
    upload_buyer_icon = icon_upload(
        Buyer,
        "uploadBuyerIcon",
        part="buyer",
        file_part="logo",
        keep=("name", "address", "taxId", "contact", "externalIds"),
    )
