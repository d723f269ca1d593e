"""Account-user capabilities: invite, remove, invitations, group membership."""

from typing import Annotated, Any

import strawberry

from accounts_graph.graph.account_user import AccountUser, membership
from accounts_graph.graph.mutations.base import mutation
from accounts_graph.graph.mutations.inputs import (
    UNSET,
    PhoneInput,
    UserSettingsInput,
)
from accounts_graph.platform.resources import ACCOUNT_USER, resource_of_id
from accounts_graph.upstream import rql
from accounts_graph.upstream.client import Session

_ACCOUNT = Annotated[
    strawberry.ID, strawberry.argument(description="The account, e.g. ACC-1234-5678.")
]
_USER = Annotated[
    strawberry.ID, strawberry.argument(description="The user, e.g. USR-1234-5678.")
]
_MEMBER = {"account_id": _ACCOUNT, "user_id": _USER}
_MEMBER_PATH = "/{accountId}/users/{userId}"


@strawberry.input(description="The person to invite.")
class InvitedUserInput:
    email: str = strawberry.field(description="E-mail address the invitation goes to.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    phone: PhoneInput | None = strawberry.field(default=UNSET, description="Phone.")
    settings: UserSettingsInput | None = strawberry.field(
        default=UNSET, description="Language and regional settings."
    )


@strawberry.input(description="A user to invite into an account.")
class CreateAccountUserInput:
    user: InvitedUserInput = strawberry.field(description="The person.")
    group_ids: list[strawberry.ID] = strawberry.field(
        description="The account's user groups to put the user in (at least one)."
    )


async def _as_queried(session: Session, answer: Any) -> Any:
    """Return the membership an answer describes as queries show it.

    The `/{accountId}/users` paths answer some changes with the member named by
    its user's id and without `lastLoginAt`; queries read memberships from
    `/account-users`, by their `AUSR-…` ids. A client's cache keys objects by
    type and id, so the payload must carry the id the queries carry.
    """
    if not isinstance(answer, dict) or (
        resource_of_id(str(answer.get("id", ""))) is ACCOUNT_USER
    ):
        return answer
    account_id = (answer.get("account") or {}).get("id")
    user_id = (answer.get("user") or {}).get("id")
    if not account_id or not user_id:
        return answer
    select = rql.Projection(add=ACCOUNT_USER.optional_fields)
    return await membership(session, account_id, user_id, select) or answer


def _member_mutation(name: str, description: str, **options: Any) -> object:
    return mutation(
        AccountUser, name, description=description, settle=_as_queried, **options
    )


def _invitation(name: str, description: str) -> object:
    return _member_mutation(name, description, extra_args=_MEMBER)


@strawberry.type
class AccountUserMutations:
    create_account_user = _member_mutation(
        "createAccountUser",
        description="Invite a user into an account, in the given groups.",
        input_type=CreateAccountUserInput,
        extra_args={"account_id": _ACCOUNT},
    )
    delete_account_user = mutation(
        AccountUser,
        "deleteAccountUser",
        description="Remove a user from an account; it stays in its other accounts. "
        "`deletedId` is the user's id.",
        extra_args=_MEMBER,
    )
    accept_account_user_invitation = _invitation(
        "acceptAccountUserInvitation", "Accept a user's invitation into an account."
    )
    resend_account_user_invitation = _invitation(
        "resendAccountUserInvitation", "Send a pending invitation again."
    )
    send_new_account_user_invitation = _invitation(
        "sendNewAccountUserInvitation",
        "Send a new invitation, replacing an expired one.",
    )
    assign_account_user_to_groups = _member_mutation(
        "assignAccountUserToGroups",
        description="Add an account user to one more of the account's user groups.",
        extra_args={
            **_MEMBER,
            "group_id": Annotated[
                strawberry.ID,
                strawberry.argument(description="The user group to add the user to."),
            ],
        },
        body=lambda args: {"id": str(args["group_id"])},
        errors_at="groupId",
    )
    update_account_user_groups = _member_mutation(
        "updateAccountUserGroups",
        description="Replace the set of user groups an account user belongs to.",
        extra_args={
            **_MEMBER,
            "group_ids": Annotated[
                list[strawberry.ID],
                strawberry.argument(description="All the user groups, after."),
            ],
        },
        body=lambda args: [{"id": str(i)} for i in args["group_ids"]],
        errors_at="groupIds",
    )
    remove_account_user_from_group = _member_mutation(
        "removeAccountUserFromGroup",
        description="Take an account user out of one user group; returns the "
        "account user after.",
        extra_args={
            **_MEMBER,
            "user_group_id": Annotated[
                strawberry.ID,
                strawberry.argument(description="The user group to leave."),
            ],
        },
        reread=_MEMBER_PATH,
        errors_at="userGroupId",
    )
