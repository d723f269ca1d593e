"""ERP link capabilities: update, block, unblock, icon."""

import strawberry

from accounts_graph.graph.erp_link import ErpLink
from accounts_graph.graph.mutations.base import icon_upload, mutation
from accounts_graph.graph.mutations.inputs import (
    UNSET,
    AddressInput,
    BuyerExternalIdsInput,
)


@strawberry.input(description="New values for an ERP link.")
class UpdateErpLinkInput:
    note: str | None = strawberry.field(
        default=UNSET, description="Internal note (Operations only)."
    )
    address: AddressInput | None = strawberry.field(
        default=UNSET, description="The buyer's address as the ERP knows it."
    )
    external_ids: BuyerExternalIdsInput | None = strawberry.field(
        default=UNSET, description="The buyer's identifiers in the ERP."
    )


def _action(name: str, description: str) -> object:
    return mutation(ErpLink, name, description=description)


@strawberry.type
class ErpLinkMutations:
    update_erp_link = mutation(
        ErpLink,
        "updateErpLink",
        description="Update an ERP link.",
        input_type=UpdateErpLinkInput,
    )
    block_erp_link = _action("blockErpLink", "Block an ERP link.")
    unblock_erp_link = _action("unblockErpLink", "Unblock a blocked ERP link.")
    upload_erp_link_icon = icon_upload(
        ErpLink,
        "uploadErpLinkIcon",
        part="erpLink",
        file_part="logo",
        keep=("note", "address", "externalIds"),
    )
