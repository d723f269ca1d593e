"""Every GraphQL field of the role matrix, for every role and for no token at all.

A denied role gets a top-level FORBIDDEN (no token: UNAUTHENTICATED) before any
upstream request. An allowed role passes the gate: its call goes upstream and is
answered by the Accounts API, never refused with FORBIDDEN or UNAUTHENTICATED.
The arguments name objects that do not exist, or inputs the Accounts API refuses,
so that no case changes anything: allowed mutations end in NOT_FOUND or in
payload errors.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from graphql import GraphQLObjectType

from accounts_graph.graph.schema import schema
from accounts_graph.platform.capabilities import CAPABILITIES, Capability
from accounts_graph.platform.enums import Role
from tests.conftest import GraphQLClient
from tests.e2e.mutation_cases import (
    ADDRESS,
    GATE_CODES,
    PNG,
    mutate,
    top_code,
    upload,
    upstream_requests,
)
from tests.sandbox.factories import forgotten, store_of


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


ROLES = [None, Role.CLIENT, Role.VENDOR, Role.OPERATIONS]
ACCOUNT, USER, GROUP = "ACC-0000-0000", "USR-0000-0000", "UGR-0000-0000"
TOKEN, BUYER, TENANT = "TKN-0000-0000", "BUY-0000-0000", "CLT-0000-0000"
LINK, LICENSEE, SELLER = "ERP-0000-0000-0000", "LCE-0000-0000-0000", "SEL-0000-0000"
_UUIDS = {"pyraTenantId": "not-a-uuid", "cloudConsumptionId": "not-a-uuid"}

Variables = Callable[[str], dict[str, Any]]  # own account id → variables


def _on(object_id: str, **extra: Any) -> Variables:
    return lambda account: {"id": object_id, **extra}


def _member(**extra: Any) -> Variables:
    return lambda account: {"accountId": account, "userId": USER, **extra}


MUTATIONS: dict[str, Variables] = {
    "createAccount": lambda a: {
        "input": {"name": "x" * 501, "type": "CLIENT", "serviceLevel": "ELITE"}
    },
    "updateAccount": _on(ACCOUNT, input={"name": "M"}),
    "disableAccount": _on(ACCOUNT),
    "enableAccount": _on(ACCOUNT),
    "activateAccount": _on(ACCOUNT, input={"externalId": "CDG-M", "name": "M"}),
    "validateAccount": _on(ACCOUNT),
    "deactivateAccount": _on(ACCOUNT),
    "createAccountUser": lambda a: {
        "accountId": a,
        "input": {
            "user": {"email": "m@example.com", "firstName": "M", "lastName": "X"},
            "groupIds": [GROUP],
        },
    },
    "deleteAccountUser": _member(),
    "acceptAccountUserInvitation": _member(),
    "resendAccountUserInvitation": _member(),
    "sendNewAccountUserInvitation": _member(),
    "assignAccountUserToGroups": _member(groupId=GROUP),
    "updateAccountUserGroups": _member(groupIds=[GROUP]),
    "removeAccountUserFromGroup": _member(userGroupId=GROUP),
    "createApiToken": lambda a: {"input": {"name": "M", "accountId": ACCOUNT}},
    "deleteApiToken": _on(TOKEN),
    "updateApiToken": _on(TOKEN, input={"name": "M"}),
    "disableApiToken": _on(TOKEN),
    "enableApiToken": _on(TOKEN),
    "createBuyer": lambda a: {
        "input": {"name": "M", "address": ADDRESS, "accountId": ACCOUNT}
    },
    "updateBuyer": _on(BUYER, input={"name": "M", "address": ADDRESS}),
    "disableBuyer": _on(BUYER),
    "enableBuyer": _on(BUYER),
    "validateBuyer": lambda a: {"id": BUYER, "input": {"accountId": a}},
    "deleteBuyer": _on(BUYER),
    "deactivateBuyer": _on(BUYER),
    "synchronizeBuyer": _on(BUYER),
    "transferBuyer": _on(BUYER, accountId=ACCOUNT),
    "activateBuyer": lambda a: {
        "id": BUYER,
        "input": {"accountId": a, "externalIds": {"erpCustomer": "M-1"}},
    },
    "createCloudTenant": lambda a: {"input": {"name": "M", "externalIds": _UUIDS}},
    "deleteCloudTenant": _on(TENANT),
    "updateCloudTenant": _on(TENANT, input={"name": "M"}),
    "createSeller": lambda a: {"input": {"name": "M", "currencies": []}},
    "updateSeller": _on(SELLER, input={"name": "M", "currencies": ["EUR"]}),
    "activateSeller": _on(SELLER),
    "deactivateSeller": _on(SELLER),
    "disableSeller": _on(SELLER),
    "enableSeller": _on(SELLER),
    "deleteSeller": _on(SELLER),
    "updateErpLink": _on(LINK, input={"note": "M"}),
    "unblockErpLink": _on(LINK),
    "blockErpLink": _on(LINK),
    "createLicensee": lambda a: {
        "input": {"buyerId": BUYER, "sellerId": SELLER, "useBuyerAddress": True}
    },
    "updateLicensee": _on(LICENSEE, input={"name": "M"}),
    "disableLicensee": _on(LICENSEE),
    "enableLicensee": _on(LICENSEE),
    "deleteLicensee": _on(LICENSEE),
    "updateUser": _on(USER, input={"firstName": "M"}),
    "setUserPassword": _on(USER, password="a-long-enough-password"),
    "blockUser": _on(USER),
    "unblockUser": _on(USER),
    "deleteUser": _on(USER),
    "createUserGroup": lambda a: {
        "input": {"name": "M", "accountId": ACCOUNT, "moduleIds": []}
    },
    "updateUserGroup": _on(GROUP, input={"name": "M", "moduleIds": []}),
    "deleteUserGroup": _on(GROUP),
}
UPLOADS = {
    "uploadAccountIcon": ACCOUNT,
    "uploadBuyerIcon": BUYER,
    "uploadSellerIcon": SELLER,
    "uploadErpLinkIcon": LINK,
    "uploadLicenseeIcon": LICENSEE,
}
QUERIES: dict[str, Callable[[str], str]] = {
    "accountUsers": lambda a: f'accountUsers(accountId: "{a}") {{ totalCount }}',
    "accountUser": lambda a: (
        f'accountUser(accountId: "{a}", userId: "{USER}") {{ id }}'
    ),
    "account": lambda a: f'account(id: "{ACCOUNT}") {{ id }}',
    "apiToken": lambda a: f'apiToken(id: "{TOKEN}") {{ id }}',
    "buyer": lambda a: f'buyer(id: "{BUYER}") {{ id }}',
    "buyerTransfer": lambda a: (
        f'buyerTransfer(id: "{BUYER}", destinationAccountId: "{ACCOUNT}") '
        "{ buyer { id } }"
    ),
    "cloudTenant": lambda a: f'cloudTenant(id: "{TENANT}") {{ id }}',
    "seller": lambda a: f'seller(id: "{SELLER}") {{ id }}',
    "erpLink": lambda a: f'erpLink(id: "{LINK}") {{ id }}',
    "licensee": lambda a: f'licensee(id: "{LICENSEE}") {{ id }}',
    "module": lambda a: 'module(id: "MOD-0000") { id }',
    "user": lambda a: f'user(id: "{USER}") {{ id }}',
    "userSsoCheck": lambda a: f'userSsoCheck(id: "{USER}") {{ sso }}',
    "userGroup": lambda a: f'userGroup(id: "{GROUP}") {{ id }}',
}
_LISTS = {"accounts", "apiTokens", "buyers", "cloudTenants", "erpLinks"}
_LISTS |= {"licensees", "modules", "sellers", "users", "userGroups"}


def _fields(kind: Any) -> set[str]:
    assert isinstance(kind, GraphQLObjectType)
    return set(kind.fields)


MUTATION_ROWS = [
    r for r in CAPABILITIES if r.graphql in _fields(schema._schema.mutation_type)
]
QUERY_ROWS = [
    r for r in CAPABILITIES if r.graphql in _fields(schema._schema.query_type)
]


def _cases(rows: list[Capability]) -> list[Any]:
    return [
        pytest.param(
            row, role, id=f"{row.graphql} as {role.value if role else 'nobody'}"
        )
        for row in rows
        for role in ROLES
    ]


def test_the_cases_cover_every_mutation_and_query_row() -> None:
    assert {r.graphql for r in MUTATION_ROWS} == set(MUTATIONS) | set(UPLOADS)
    assert {r.graphql for r in QUERY_ROWS} == set(QUERIES) | _LISTS
    assert len(MUTATION_ROWS) + len(QUERY_ROWS) == len(
        [r for r in CAPABILITIES if "." not in r.graphql]
    )


def _token(role: Role | None, tokens: dict[str, str]) -> str | None:
    return tokens[role.value] if role else None


def _account(role: Role | None, demo_accounts: dict[str, str]) -> str:
    return demo_accounts[(role or Role.CLIENT).value]


def _check_gate(body: dict[str, Any], row: Capability, role: Role | None) -> None:
    if role is not None and row.allows(role):
        codes = {e["extensions"]["code"] for e in body.get("errors", [])}
        assert not codes & GATE_CODES, body
        assert upstream_requests(body) >= 1, body
    else:
        assert top_code(body) == ("FORBIDDEN" if role else "UNAUTHENTICATED"), body
        assert upstream_requests(body) == 0, body


@pytest.mark.parametrize(("row", "role"), _cases(MUTATION_ROWS))
def test_mutation_gate_for_role(
    row: Capability,
    role: Role | None,
    gql: GraphQLClient,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    name, token = row.graphql, _token(role, tokens)
    if name in UPLOADS:
        body = upload(gql, token, name, "errors { code }", UPLOADS[name], PNG)
    else:
        variables = MUTATIONS[name](_account(role, demo_accounts))
        body = mutate(gql, token, name, "errors { code field }", **variables)

    _check_gate(body, row, role)
    if role is not None and row.allows(role):
        # Nothing may change: the object is unknown or the input is refused.
        payload = body["data"][name]
        assert payload is None or payload["errors"], body
        assert payload is not None or top_code(body) == "NOT_FOUND", body


@pytest.mark.parametrize(("row", "role"), _cases(QUERY_ROWS))
def test_query_gate_for_role(
    row: Capability,
    role: Role | None,
    gql: GraphQLClient,
    tokens: dict[str, str],
    demo_accounts: dict[str, str],
) -> None:
    name = row.graphql
    if name in _LISTS:
        selection = f"{name}(first: 1) {{ totalCount }}"
    else:
        selection = QUERIES[name](_account(role, demo_accounts))

    body = gql(f"{{ {selection} }}", _token(role, tokens))

    _check_gate(body, row, role)
