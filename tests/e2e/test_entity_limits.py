"""A gateway's `_entities` call under the same budget as any operation: each
representation is one object, multiplied by what its type's fragments select,
and one call carries at most ten pages of representations. Refused while
validating, before any request reaches the Accounts API."""

from typing import Any

import httpx

from tests.conformance.test_regressions import codes
from tests.e2e.facades import RequestCounter, facade, post
from tests.e2e.test_query_limits import refused_upstream_free

# The tester's operation: per account 1 + 20 account users + 20 x 20 groups.
ACCOUNT_WITH_MEMBERS = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Account {
      id
      name
      users { user { id name email } groups { id name } }
    }
    ... on Buyer { id name }
  }
}
"""
PER_ACCOUNT = 1 + 20 + 20 * 20

TYPENAMES_ONLY = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { __typename }
}
"""


def _accounts(account: str, n: int) -> list[dict[str, Any]]:
    return [{"__typename": "Account", "id": account}] * n


def test_many_representations_are_refused_by_the_cost_before_any_request(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    variables = {"representations": _accounts(demo_accounts["Client"], 20_000)}

    body = refused_upstream_free(http, counter, ACCOUNT_WITH_MEMBERS, ops, variables)

    assert codes(body) == {"QUERY_TOO_COSTLY"}
    [error] = body["errors"]
    assert error["extensions"]["cost"] == 20_000 * PER_ACCOUNT
    assert error["extensions"]["maxCost"] == 25_000
    assert "fewer representations per '_entities' call" in error["message"]


def test_each_representation_multiplies_its_types_fragments(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    # 59 accounts fit the budget of 25,000, 60 do not; the Buyer fragment
    # costs an account nothing.
    account = demo_accounts["Client"]
    over = {"representations": _accounts(account, 60)}

    refused = refused_upstream_free(http, counter, ACCOUNT_WITH_MEMBERS, ops, over)
    allowed = post(
        http, ACCOUNT_WITH_MEMBERS, ops, {"representations": _accounts(account, 59)}
    )

    assert refused["errors"][0]["extensions"]["cost"] == 60 * PER_ACCOUNT
    assert "errors" not in allowed, allowed
    assert len(allowed["data"]["_entities"]) == 59
    assert allowed["extensions"]["cost"] == {
        "estimate": 59 * PER_ACCOUNT,
        "max": 25_000,
    }


def test_representations_of_several_types_cost_their_own_fragments(
    http: httpx.Client, ops: str, demo_accounts: dict[str, str]
) -> None:
    buyers = post(http, "{ buyers(first: 2) { nodes { id } } }", ops)
    representations = [
        *_accounts(demo_accounts["Client"], 3),
        *(
            {"__typename": "Buyer", "id": b["id"]}
            for b in buyers["data"]["buyers"]["nodes"]
        ),
        {"__typename": "Nothing", "id": "ACC-0000-0000"},
    ]

    body = post(http, ACCOUNT_WITH_MEMBERS, ops, {"representations": representations})

    # Three accounts, two buyers (one object each), and the malformed one.
    assert body["extensions"]["cost"]["estimate"] == 3 * PER_ACCOUNT + 2 + 1
    assert [e and e["id"] for e in body["data"]["_entities"][3:5]] == [
        b["id"] for b in buyers["data"]["buyers"]["nodes"]
    ]
    assert codes(body) == {"BAD_USER_INPUT"}


def test_literal_representations_and_variable_defaults_count(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    account = demo_accounts["Client"]
    one = f'{{__typename: "Account", id: "{account}"}}'
    selection = "{ ... on Account { users { groups { id } } } }"
    literal = f"{{ _entities(representations: [{one}, {one}]) {selection} }}"
    by_default = (
        f"query($r: [_Any!]! = [{', '.join([one] * 60)}]) "
        f"{{ _entities(representations: $r) {selection} }}"
    )
    # A single value where a list is expected is a list of one to GraphQL.
    single = f"query($r: [_Any!]!) {{ _entities(representations: $r) {selection} }}"
    inside = (
        f"query($a: _Any!) {{ _entities(representations: [$a, $a, $a]) {selection} }}"
    )
    per_account = 1 + 20 + 20 * 20

    runs = post(http, literal, ops)
    refused = refused_upstream_free(http, counter, by_default, ops)
    alone = post(http, single, ops, {"r": {"__typename": "Account", "id": account}})
    three = post(http, inside, ops, {"a": {"__typename": "Account", "id": account}})

    assert "errors" not in runs, runs
    assert runs["extensions"]["cost"]["estimate"] == 2 * per_account
    assert refused["errors"][0]["extensions"]["cost"] == 60 * per_account
    assert alone["extensions"]["cost"]["estimate"] == per_account
    assert len(alone["data"]["_entities"]) == 1
    assert three["extensions"]["cost"]["estimate"] == 3 * per_account
    # One variable listed three times is three representations, each answered.
    assert "errors" not in three, three
    assert len(three["data"]["_entities"]) == 3


def test_more_representations_than_ten_pages_are_refused_however_cheap(
    http: httpx.Client,
    counter: RequestCounter,
    ops: str,
    demo_accounts: dict[str, str],
) -> None:
    account = demo_accounts["Client"]
    over = {"representations": _accounts(account, 1_001)}

    post(http, "{ viewer { role } }", ops)  # the token's identity, cached
    refused = refused_upstream_free(http, counter, TYPENAMES_ONLY, ops, over)
    allowed = post(
        http, TYPENAMES_ONLY, ops, {"representations": _accounts(account, 1_000)}
    )

    assert codes(refused) == {"QUERY_TOO_COSTLY"}
    [error] = refused["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "representations": 1_001,
        "maxRepresentations": 1_000,
    }
    assert "at most 1,000 representations; 1,001 were sent" in error["message"]
    assert "errors" not in allowed, allowed
    assert len(allowed["data"]["_entities"]) == 1_000
    # One account id, however often named: one request.
    assert allowed["extensions"]["upstream"]["requests"] == 1


def test_the_representation_bound_follows_the_page_size(
    counted: tuple[RequestCounter, str], ops: str, demo_accounts: dict[str, str]
) -> None:
    account = demo_accounts["Client"]

    with facade(counted[1], max_page_size=10) as http:
        refused = post(
            http, TYPENAMES_ONLY, ops, {"representations": _accounts(account, 101)}
        )
        allowed = post(
            http, TYPENAMES_ONLY, ops, {"representations": _accounts(account, 100)}
        )

    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["maxRepresentations"] == 100
    assert "errors" not in allowed, allowed
