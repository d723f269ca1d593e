"""User capabilities: profile, password, block, unblock, delete.

The matrix has no icon upload for users, so there is no `uploadUserIcon`.
"""

from typing import Annotated

import strawberry

from accounts_graph.graph.mutations.base import mutation
from accounts_graph.graph.mutations.inputs import UNSET, PhoneInput, UserSettingsInput
from accounts_graph.graph.user import User


@strawberry.input(description="New values for a user's profile.")
class UpdateUserInput:
    first_name: str | None = strawberry.field(default=UNSET, description="First name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Last name.")
    phone: PhoneInput | None = strawberry.field(default=UNSET, description="Phone.")
    settings: UserSettingsInput | None = strawberry.field(
        default=UNSET, description="Language and regional settings."
    )


_PASSWORD = Annotated[
    str,
    strawberry.argument(
        description="The new password. Write-only: never returned, echoed or logged."
    ),
]


def _action(name: str, description: str) -> object:
    return mutation(User, name, description=description)


@strawberry.type
class UserMutations:
    update_user = mutation(
        User,
        "updateUser",
        description="Update a user's profile.",
        input_type=UpdateUserInput,
    )
    set_user_password = mutation(
        User,
        "setUserPassword",
        description="Set a user's password.",
        extra_args={"password": _PASSWORD},
        body=lambda args: {"password": args["password"]},
        errors_at="password",
    )
    block_user = _action("blockUser", "Block a user: it may no longer sign in.")
    unblock_user = _action("unblockUser", "Unblock a blocked user.")
    delete_user = _action("deleteUser", "Delete a user from the platform.")
