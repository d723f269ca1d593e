"""The role matrix: which roles hold each capability, and where it is served.

This table is the only place that says who may do what. The sandbox's permission
checks, the facade's early refusals, `viewer.capabilities`, the README's table and
the tests all read it. Rows with `in_seed=False` are operations the platform's
published document has but its role matrix does not list; they are granted to
Operations only.
"""

from dataclasses import dataclass

from accounts_graph.platform.enums import Role

P, C, V, O = Role.PUBLIC, Role.CLIENT, Role.VENDOR, Role.OPERATIONS  # noqa: E741


@dataclass(frozen=True)
class Capability:
    """One row of the matrix."""

    collection: str
    name: str
    roles: frozenset[Role]
    method: str
    path: str
    graphql: str
    in_seed: bool = True

    def allows(self, role: Role) -> bool:
        """Tell whether a caller of this role holds the capability."""
        return role in self.roles


def _row(
    collection: str,
    name: str,
    roles: tuple[Role, ...],
    method: str,
    path: str,
    graphql: str,
    *,
    in_seed: bool = True,
) -> Capability:
    return Capability(
        collection, name, frozenset(roles), method, path, graphql, in_seed
    )


_AU = "/{accountId}/users"
_AUU = _AU + "/{userId}"

CAPABILITIES: tuple[Capability, ...] = (
    # Accounts
    _row("Accounts", "List accounts", (C, V, O), "GET", "/accounts", "accounts"),
    _row(
        "Accounts",
        "Get a specific account",
        (C, V, O),
        "GET",
        "/accounts/{id}",
        "account",
    ),
    _row("Accounts", "Create account", (O,), "POST", "/accounts", "createAccount"),
    _row(
        "Accounts",
        "Update account details",
        (C, V, O),
        "PUT",
        "/accounts/{id}",
        "updateAccount",
    ),
    _row(
        "Accounts",
        "Disable account",
        (V, O),
        "POST",
        "/accounts/{id}/disable",
        "disableAccount",
    ),
    _row(
        "Accounts",
        "Enable account",
        (O,),
        "POST",
        "/accounts/{id}/enable",
        "enableAccount",
    ),
    _row(
        "Accounts",
        "Activate account",
        (O,),
        "POST",
        "/accounts/{id}/activate",
        "activateAccount",
    ),
    _row(
        "Accounts",
        "Validate account",
        (O,),
        "POST",
        "/accounts/{id}/validate",
        "validateAccount",
    ),
    _row(
        "Accounts",
        "Deactivate account",
        (O,),
        "POST",
        "/accounts/{id}/deactivate",
        "deactivateAccount",
    ),
    _row(
        "Accounts",
        "Get an account icon",
        (P,),
        "GET",
        "/accounts/{id}/icon",
        "Account.iconUrl",
    ),
    _row(
        "Accounts",
        "Upload an icon",
        (C, V, O),
        "PUT",
        "/accounts/{id}",
        "uploadAccountIcon",
    ),
    # Account users
    _row(
        "Account Users",
        "List all account users",
        (C, V, O),
        "GET",
        _AU,
        "accountUsers",
    ),
    _row("Account Users", "Get account user", (C, V, O), "GET", _AUU, "accountUser"),
    _row(
        "Account Users",
        "Create account user",
        (C, V, O),
        "POST",
        _AU,
        "createAccountUser",
    ),
    _row(
        "Account Users",
        "Delete account user",
        (C, V, O),
        "DELETE",
        _AUU,
        "deleteAccountUser",
    ),
    _row(
        "Account Users",
        "Accept user invitation",
        (C, V, O),
        "POST",
        _AUU + "/accept-invite",
        "acceptAccountUserInvitation",
    ),
    _row(
        "Account Users",
        "Resend user account invitation",
        (C, V, O),
        "POST",
        _AUU + "/resend-invite",
        "resendAccountUserInvitation",
    ),
    _row(
        "Account Users",
        "Send new invitation",
        (C, V, O),
        "POST",
        _AUU + "/send-new-invite",
        "sendNewAccountUserInvitation",
    ),
    _row(
        "Account Users",
        "Assign user to the user group",
        (C, V, O),
        "POST",
        _AUU + "/groups",
        "assignAccountUserToGroups",
    ),
    _row(
        "Account Users",
        "Update user to group assignment",
        (C, V, O),
        "PUT",
        _AUU + "/groups",
        "updateAccountUserGroups",
    ),
    _row(
        "Account Users",
        "Remove user from the user group",
        (C, V, O),
        "DELETE",
        _AUU + "/groups/{userGroupId}",
        "removeAccountUserFromGroup",
    ),
    # API tokens
    _row("API tokens", "List API tokens", (C, V, O), "GET", "/api-tokens", "apiTokens"),
    _row(
        "API tokens",
        "Get API token",
        (C, V, O),
        "GET",
        "/api-tokens/{id}",
        "apiToken",
    ),
    _row(
        "API tokens",
        "Create API token",
        (C, V, O),
        "POST",
        "/api-tokens",
        "createApiToken",
    ),
    _row(
        "API tokens",
        "Delete API token",
        (C, V, O),
        "DELETE",
        "/api-tokens/{id}",
        "deleteApiToken",
    ),
    _row(
        "API tokens",
        "Update API token",
        (C, V, O),
        "PUT",
        "/api-tokens/{id}",
        "updateApiToken",
    ),
    _row(
        "API tokens",
        "Disable API token",
        (C, V, O),
        "POST",
        "/api-tokens/{id}/disable",
        "disableApiToken",
    ),
    _row(
        "API tokens",
        "Enable API token",
        (C, V, O),
        "POST",
        "/api-tokens/{id}/enable",
        "enableApiToken",
    ),
    # Buyers
    _row("Buyers", "List buyers", (C, O), "GET", "/buyers", "buyers"),
    _row("Buyers", "Get a specific buyer", (C, O), "GET", "/buyers/{id}", "buyer"),
    _row("Buyers", "Create buyer", (O,), "POST", "/buyers", "createBuyer"),
    _row("Buyers", "Update buyer", (C, O), "PUT", "/buyers/{id}", "updateBuyer"),
    _row(
        "Buyers",
        "Disable buyer",
        (C, O),
        "POST",
        "/buyers/{id}/disable",
        "disableBuyer",
    ),
    _row("Buyers", "Enable buyer", (O,), "POST", "/buyers/{id}/enable", "enableBuyer"),
    _row(
        "Buyers",
        "Validate buyer",
        (O,),
        "POST",
        "/buyers/{id}/validate",
        "validateBuyer",
    ),
    _row("Buyers", "Delete buyer", (O,), "DELETE", "/buyers/{id}", "deleteBuyer"),
    _row(
        "Buyers",
        "Deactivate buyer",
        (O,),
        "POST",
        "/buyers/{id}/deactivate",
        "deactivateBuyer",
    ),
    _row(
        "Buyers",
        "Synchronize buyer",
        (O,),
        "POST",
        "/buyers/{id}/synchronize",
        "synchronizeBuyer",
    ),
    _row(
        "Buyers",
        "Buyer transfer",
        (O,),
        "POST",
        "/buyers/{id}/transfer",
        "transferBuyer",
    ),
    _row(
        "Buyers",
        "Buyer transfer details",
        (O,),
        "GET",
        "/buyers/{id}/transfer",
        "buyerTransfer",
    ),
    _row("Buyers", "Get buyer icon", (P,), "GET", "/buyers/{id}/icon", "Buyer.iconUrl"),
    _row(
        "Buyers", "Upload an icon", (C, V, O), "PUT", "/buyers/{id}", "uploadBuyerIcon"
    ),
    _row(
        "Buyers",
        "Activate buyer",
        (O,),
        "POST",
        "/buyers/{id}/activate",
        "activateBuyer",
        in_seed=False,
    ),
    # Cloud tenants
    _row(
        "Cloud tenants",
        "List cloud tenants",
        (O,),
        "GET",
        "/cloud-tenants",
        "cloudTenants",
    ),
    _row(
        "Cloud tenants",
        "Get cloud tenant",
        (O,),
        "GET",
        "/cloud-tenants/{id}",
        "cloudTenant",
    ),
    _row(
        "Cloud tenants",
        "Create cloud tenant",
        (O,),
        "POST",
        "/cloud-tenants",
        "createCloudTenant",
    ),
    _row(
        "Cloud tenants",
        "Delete cloud tenant",
        (O,),
        "DELETE",
        "/cloud-tenants/{id}",
        "deleteCloudTenant",
    ),
    _row(
        "Cloud tenants",
        "Update cloud tenant",
        (O,),
        "PUT",
        "/cloud-tenants/{id}",
        "updateCloudTenant",
    ),
    # Sellers
    _row("Sellers", "List sellers", (C, O), "GET", "/sellers", "sellers"),
    _row("Sellers", "Get seller", (C, O), "GET", "/sellers/{id}", "seller"),
    _row("Sellers", "Create seller", (O,), "POST", "/sellers", "createSeller"),
    _row("Sellers", "Update seller", (O,), "PUT", "/sellers/{id}", "updateSeller"),
    _row(
        "Sellers",
        "Activate seller",
        (O,),
        "POST",
        "/sellers/{id}/activate",
        "activateSeller",
    ),
    _row(
        "Sellers",
        "Deactivate seller",
        (O,),
        "POST",
        "/sellers/{id}/deactivate",
        "deactivateSeller",
    ),
    _row(
        "Sellers",
        "Disable seller",
        (O,),
        "POST",
        "/sellers/{id}/disable",
        "disableSeller",
    ),
    _row(
        "Sellers",
        "Enable seller",
        (O,),
        "POST",
        "/sellers/{id}/enable",
        "enableSeller",
    ),
    _row("Sellers", "Delete seller", (O,), "DELETE", "/sellers/{id}", "deleteSeller"),
    _row(
        "Sellers",
        "Get seller icon",
        (P,),
        "GET",
        "/sellers/{id}/icon",
        "Seller.iconUrl",
    ),
    _row("Sellers", "Upload an icon", (O,), "PUT", "/sellers/{id}", "uploadSellerIcon"),
    # ERP links
    _row("ERP Link", "List ERP links", (C, O), "GET", "/erp-links", "erpLinks"),
    _row("ERP Link", "Get ERP link", (C, O), "GET", "/erp-links/{id}", "erpLink"),
    _row(
        "ERP Link",
        "Update ERP link",
        (O,),
        "PUT",
        "/erp-links/{id}",
        "updateErpLink",
    ),
    _row(
        "ERP Link",
        "Unblock ERP link",
        (O,),
        "POST",
        "/erp-links/{id}/unblock",
        "unblockErpLink",
    ),
    _row(
        "ERP Link",
        "Block ERP link",
        (O,),
        "POST",
        "/erp-links/{id}/block",
        "blockErpLink",
    ),
    _row(
        "ERP Link",
        "Get an ERP link icon",
        (P,),
        "GET",
        "/erp-links/{id}/icon",
        "ErpLink.iconUrl",
    ),
    _row(
        "ERP Link",
        "Upload an icon",
        (O,),
        "PUT",
        "/erp-links/{id}",
        "uploadErpLinkIcon",
    ),
    # Licensees
    _row("Licensees", "List licensees", (C, O), "GET", "/licensees", "licensees"),
    _row("Licensees", "Get licensee", (C, O), "GET", "/licensees/{id}", "licensee"),
    _row(
        "Licensees",
        "Create licensee",
        (C, O),
        "POST",
        "/licensees",
        "createLicensee",
    ),
    _row(
        "Licensees",
        "Update licensee",
        (C, O),
        "PUT",
        "/licensees/{id}",
        "updateLicensee",
    ),
    _row(
        "Licensees",
        "Disable licensee",
        (C, O),
        "POST",
        "/licensees/{id}/disable",
        "disableLicensee",
    ),
    _row(
        "Licensees",
        "Enable licensee",
        (C, O),
        "POST",
        "/licensees/{id}/enable",
        "enableLicensee",
    ),
    _row(
        "Licensees",
        "Delete licensee",
        (O,),
        "DELETE",
        "/licensees/{id}",
        "deleteLicensee",
    ),
    _row(
        "Licensees",
        "Get a licensee icon",
        (P,),
        "GET",
        "/licensees/{id}/icon",
        "Licensee.iconUrl",
    ),
    _row(
        "Licensees",
        "Upload an icon",
        (C, V, O),
        "PUT",
        "/licensees/{id}",
        "uploadLicenseeIcon",
    ),
    # Modules
    _row("Modules", "List modules", (O,), "GET", "/modules", "modules"),
    _row(
        "Modules",
        "Get module",
        (O,),
        "GET",
        "/modules/{id}",
        "module",
        in_seed=False,
    ),
    # Users
    _row("Users", "List users", (C, V, O), "GET", "/users", "users"),
    _row("Users", "Get user", (C, V, O), "GET", "/users/{id}", "user"),
    _row(
        "Users",
        "Check SSO configuration for the user",
        (C, V, O),
        "GET",
        "/users/{id}/sso-check",
        "userSsoCheck",
    ),
    _row(
        "Users",
        "Get the accounts collections for the user",
        (O,),
        "GET",
        "/users/{id}/accounts",
        "User.accounts",
    ),
    _row("Users", "Update user", (C, V, O), "PUT", "/users/{id}", "updateUser"),
    _row(
        "Users",
        "Set user password",
        (C, V, O),
        "POST",
        "/users/{id}/set-password",
        "setUserPassword",
    ),
    _row("Users", "Block user", (O,), "POST", "/users/{id}/block", "blockUser"),
    _row("Users", "Unblock user", (O,), "POST", "/users/{id}/unblock", "unblockUser"),
    _row(
        "Users",
        "Delete user",
        (O,),
        "DELETE",
        "/users/{id}",
        "deleteUser",
        in_seed=False,
    ),
    _row(
        "Users",
        "Get user icon",
        (P,),
        "GET",
        "/users/{id}/icon",
        "User.iconUrl",
        in_seed=False,
    ),
    # User groups
    _row(
        "User Groups",
        "List all user groups",
        (C, V, O),
        "GET",
        "/user-groups",
        "userGroups",
    ),
    _row(
        "User Groups",
        "Get user group",
        (C, V, O),
        "GET",
        "/user-groups/{id}",
        "userGroup",
    ),
    _row(
        "User Groups",
        "Create user group",
        (C, V, O),
        "POST",
        "/user-groups",
        "createUserGroup",
    ),
    _row(
        "User Groups",
        "Update user group",
        (C, V, O),
        "PUT",
        "/user-groups/{id}",
        "updateUserGroup",
    ),
    _row(
        "User Groups",
        "Delete user group",
        (C, V, O),
        "DELETE",
        "/user-groups/{id}",
        "deleteUserGroup",
    ),
)

BY_GRAPHQL: dict[str, Capability] = {c.graphql: c for c in CAPABILITIES}


def capability(graphql_name: str) -> Capability:
    """Return the row a GraphQL field maps to.

    Raises:
        KeyError: no row maps to that field.
    """
    return BY_GRAPHQL[graphql_name]


def markdown_table() -> str:
    """Render the matrix as the README's table: one row per capability."""
    order = (P, C, V, O)
    head = "| collection | capability | " + " | ".join(r.value for r in order)
    lines = [
        head + " | REST | GraphQL |",
        "|---|---|" + "---|" * len(order) + "---|---|",
    ]
    for row in CAPABILITIES:
        marks = " | ".join("✅" if role in row.roles else "" for role in order)
        note = "" if row.in_seed else " ¹"
        lines.append(
            f"| {row.collection} | {row.name}{note} | {marks} | "
            f"`{row.method} {row.path}` | `{row.graphql}` |"
        )
    return "\n".join(lines)
