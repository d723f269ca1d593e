"""The Accounts API's enumerations, with their exact REST spellings."""

from enum import StrEnum


class Role(StrEnum):
    """Who is calling: the account type of the caller, or nobody at all."""

    PUBLIC = "Public"
    CLIENT = "Client"
    VENDOR = "Vendor"
    OPERATIONS = "Operations"


class AccountType(StrEnum):
    CLIENT = "Client"
    VENDOR = "Vendor"
    OPERATIONS = "Operations"


class AccountStatus(StrEnum):
    ENABLED = "Enabled"
    ACTIVE = "Active"
    DISABLED = "Disabled"


class ServiceLevel(StrEnum):
    EXPRESS = "Express"
    ELITE = "Elite"
    DSC = "Dsc"
    FOCUS = "Focus"
    RUNNERS = "Runners"
    STRATEGICS = "Strategics"
    NOT_APPLICABLE = "NotApplicable"


class BuyerStatus(StrEnum):
    ENABLED = "Enabled"
    ACTIVE = "Active"
    DISABLED = "Disabled"
    DELETED = "Deleted"
    UNASSIGNED = "Unassigned"
    CONFLICT = "Conflict"
    MISMATCH = "Mismatch"


class LicenseeStatus(StrEnum):
    ENABLED = "Enabled"
    ACTIVE = "Active"
    DISABLED = "Disabled"
    DELETED = "Deleted"


class SellerStatus(StrEnum):
    ACTIVE = "Active"
    OFFLINE = "Offline"
    DISABLED = "Disabled"
    DELETED = "Deleted"


class ErpLinkStatus(StrEnum):
    ACTIVE = "Active"
    BLOCKED = "Blocked"


class CloudTenantStatus(StrEnum):
    ACTIVE = "Active"
    DISABLED = "Disabled"
    DELETED = "Deleted"


class CloudTenantType(StrEnum):
    AWS_DIRECT = "AwsDirect"
    AWS_SERVICE = "AwsService"
    CSP_365 = "Csp365"
    CSP_AZURE = "CspAzure"
    EA_365 = "Ea365"
    EA_AZURE = "EaAzure"
    SLM = "Slm"
    VIRTUAL = "Virtual"


class ApiTokenStatus(StrEnum):
    ACTIVE = "Active"
    DISABLED = "Disabled"
    DELETED = "Deleted"


class UserStatus(StrEnum):
    INVITED = "Invited"
    INVITATION_EXPIRED = "InvitationExpired"
    ACTIVE = "Active"
    BLOCKED = "Blocked"
    DISABLED = "Disabled"
    DELETED = "Deleted"


class InvitationStatus(StrEnum):
    INVITED = "Invited"
    ACTIVE = "Active"
    INVITATION_EXPIRED = "InvitationExpired"


class UserGroupStatus(StrEnum):
    ACTIVE = "Active"
    DELETED = "Deleted"


class ActorType(StrEnum):
    USER = "User"
    API_TOKEN = "ApiToken"
