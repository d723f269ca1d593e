"""Seller capabilities: create, update, state actions, delete, icon."""

import strawberry

from accounts_graph.graph.mutations.base import icon_upload, mutation
from accounts_graph.graph.mutations.inputs import UNSET, AddressInput
from accounts_graph.graph.seller import Seller


@strawberry.input(description="A new seller.")
class CreateSellerInput:
    name: str = strawberry.field(description="Legal name (1 to 500 chars).")
    currencies: list[str] = strawberry.field(
        description="Currencies it sells in, ISO 4217 codes (at least one)."
    )
    external_id: str | None = strawberry.field(
        default=UNSET, description="Code of the selling entity, e.g. SWO_CH."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Postal address."
    )


@strawberry.input(description="New values for a seller.")
class UpdateSellerInput:
    name: str = strawberry.field(description="Legal name (1 to 500 chars).")
    currencies: list[str] = strawberry.field(
        description="Currencies it sells in, ISO 4217 codes (at least one)."
    )
    external_id: str | None = strawberry.field(
        default=UNSET, description="Code of the selling entity, e.g. SWO_CH."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="Postal address."
    )


def _action(name: str, description: str) -> object:
    return mutation(Seller, name, description=description)


@strawberry.type
class SellerMutations:
    create_seller = mutation(
        Seller,
        "createSeller",
        description="Create a seller.",
        input_type=CreateSellerInput,
    )
    update_seller = mutation(
        Seller,
        "updateSeller",
        description="Update a seller.",
        input_type=UpdateSellerInput,
    )
    activate_seller = _action("activateSeller", "Put a seller back into trading.")
    deactivate_seller = _action(
        "deactivateSeller", "Take a seller offline (maintenance)."
    )
    disable_seller = _action("disableSeller", "Disable a seller.")
    enable_seller = _action("enableSeller", "Enable a disabled seller.")
    delete_seller = _action("deleteSeller", "Delete a seller.")
    upload_seller_icon = icon_upload(
        Seller,
        "uploadSellerIcon",
        part="seller",
        file_part="logo",
        keep=("name", "currencies", "externalId", "address"),
    )
