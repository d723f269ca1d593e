"""What a caller may see: Operations sees everything, others their own account's.

Each rule is an SQL condition on the listed table (aliased `t`), so scoping is one
more term of the same query rather than a filter applied after the fact.
"""

from accounts_graph.platform.resources import (
    ACCOUNT,
    ACCOUNT_USER,
    API_TOKEN,
    BUYER,
    CLOUD_TENANT,
    ERP_LINK,
    LICENSEE,
    MODULE,
    SELLER,
    USER,
    USER_GROUP,
    Resource,
)
from accounts_graph.sandbox.auth import Caller

_OWN = "json_extract(t.doc, '$.account.id') = ?"
_OWN_BUYERS = "SELECT b.id FROM buyers b WHERE json_extract(b.doc, '$.account.id') = ?"
_LINKED_SELLERS = (
    "SELECT json_extract(e.doc, '$.seller.id') FROM erp_links e "
    f"WHERE json_extract(e.doc, '$.buyer.id') IN ({_OWN_BUYERS})"
)
_MEMBERS = (
    "SELECT json_extract(m.doc, '$.user.id') FROM account_users m "
    "WHERE json_extract(m.doc, '$.account.id') = ?"
)

_RULES: dict[str, str] = {
    ACCOUNT.name: "t.id = ?",
    ACCOUNT_USER.name: _OWN,
    # Deleted tokens stay visible to Operations only.
    API_TOKEN.name: _OWN + " AND json_extract(t.doc, '$.status') != 'Deleted'",
    BUYER.name: _OWN,
    CLOUD_TENANT.name: _OWN,
    LICENSEE.name: _OWN,
    USER_GROUP.name: _OWN,
    ERP_LINK.name: f"json_extract(t.doc, '$.buyer.id') IN ({_OWN_BUYERS})",
    SELLER.name: f"t.id IN ({_LINKED_SELLERS})",
    USER.name: f"t.id IN ({_MEMBERS})",
    # The catalogue of modules is not owned by an account.
    MODULE.name: "1",
}


def scope_condition(resource: Resource, caller: Caller) -> tuple[str, list[object]]:
    """Return the SQL condition limiting `resource` to what `caller` may see."""
    if caller.is_operations:
        return "1", []
    rule = _RULES[resource.name]

    return rule, [caller.account_id] * rule.count("?")
