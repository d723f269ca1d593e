"""User group capabilities: create, update, delete."""

import strawberry

from accounts_graph.graph.mutations.base import mutation
from accounts_graph.graph.mutations.inputs import UNSET
from accounts_graph.graph.user_group import UserGroup


@strawberry.input(description="A new user group.")
class CreateUserGroupInput:
    name: str = strawberry.field(description="Name.")
    account_id: strawberry.ID = strawberry.field(description="The account it is of.")
    module_ids: list[strawberry.ID] = strawberry.field(
        description="Modules its members may use."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="Free description."
    )
    logo: str | None = strawberry.field(default=UNSET, description="Logo, as a string.")
    buyer_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Buyers its members reach; null: all the buyers."
    )


@strawberry.input(description="New values for a user group.")
class UpdateUserGroupInput:
    name: str = strawberry.field(description="Name.")
    module_ids: list[strawberry.ID] = strawberry.field(
        description="Modules its members may use."
    )
    description: str | None = strawberry.field(
        default=UNSET, description="Free description."
    )
    logo: str | None = strawberry.field(default=UNSET, description="Logo, as a string.")
    buyer_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Buyers its members reach; null: all the buyers."
    )


@strawberry.type
class UserGroupMutations:
    create_user_group = mutation(
        UserGroup,
        "createUserGroup",
        description="Create a user group in an account.",
        input_type=CreateUserGroupInput,
    )
    update_user_group = mutation(
        UserGroup,
        "updateUserGroup",
        description="Update a user group.",
        input_type=UpdateUserGroupInput,
    )
    delete_user_group = mutation(
        UserGroup, "deleteUserGroup", description="Delete a user group."
    )
