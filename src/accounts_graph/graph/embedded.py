"""Objects embedded in one resource only: invitations, module and user settings."""

from typing import Any, Self

import strawberry

from accounts_graph.graph.enums import InvitationStatus, to_enum

Raw = dict[str, Any]


def _strings(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [str(item) for item in value if item is not None]


@strawberry.type(description="The invitation that brought a user into an account.")
class Invitation:
    url: str | None = strawberry.field(
        description="Link the invitee follows to accept the invitation."
    )
    status: InvitationStatus | None = strawberry.field(
        description="Whether the invitation is open, accepted or expired."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(
            url=data.get("url"), status=to_enum(InvitationStatus, data.get("status"))
        )


@strawberry.type(description="How a module behaves in the accounts that use it.")
class ModuleSettings:
    shared_account: bool | None = strawberry.field(
        description="Whether the module is shared across the account's users."
    )
    configurable: bool | None = strawberry.field(
        description="Whether an account may switch the module on or off."
    )
    default: bool | None = strawberry.field(
        description="Whether the module is on by default."
    )
    paid: bool | None = strawberry.field(description="Whether the module costs extra.")
    type: list[str] | None = strawberry.field(
        description="Kinds of account the setting applies to."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(
            shared_account=data.get("sharedAccount"),
            configurable=data.get("configurable"),
            default=data.get("default"),
            paid=data.get("paid"),
            type=_strings(data.get("type")),
        )


@strawberry.type(description="Which scopes a module may be restricted to.")
class ModuleFilters:
    group_buyers: list[str] | None = strawberry.field(
        description="How a user group may scope the module's buyers "
        "(REST `group.buyers`, e.g. `selected`, `all`)."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        buyers = data.get("group.buyers")
        group = data.get("group")
        if buyers is None and isinstance(group, dict):
            # Tolerate the nested spelling `{"group": {"buyers": [...]}}`.
            buyers = group.get("buyers")
        return cls(group_buyers=_strings(buyers))


@strawberry.type(description="A user's regional preferences.")
class UserSettings:
    culture_code: str | None = strawberry.field(
        description="Culture for dates and numbers, e.g. en-US."
    )
    language_code: str | None = strawberry.field(
        description="Language of the user interface, e.g. en."
    )

    @classmethod
    def from_rest(cls, data: Raw | None) -> Self | None:
        if not isinstance(data, dict):
            return None
        return cls(
            culture_code=data.get("cultureCode"),
            language_code=data.get("languageCode"),
        )
