"""`ETag` and `If-Match`: a write on a version the caller has not seen is a 409."""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    ADDRESS,
    Actor,
    forgotten,
    invite,
    new_buyer,
    new_group,
    new_seller,
    new_token,
    ok,
    scratch_actor,
    snapshot,
    store_of,
    unique,
)

from accounts_graph.platform.resources import ACCOUNT_USER, API_TOKEN, USER_GROUP


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def ops(tokens: dict[str, str]) -> dict[str, str]:
    return auth(tokens["Operations"])


@pytest.fixture(scope="module")
def client(rest: httpx.Client, ops: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, ops, sandbox_app, "Client")


# Each updatable kind: how to make one (path, headers) and a body that changes it.
Maker = Callable[[httpx.Client, dict[str, str], Actor], tuple[str, dict[str, str]]]
KINDS: dict[str, tuple[Maker, Callable[[], dict[str, Any]]]] = {
    "account": (
        lambda rest, ops, client: (f"/accounts/{client.account_id}", client.headers),
        lambda: {"name": unique("Account ")},
    ),
    "user group": (
        lambda rest, ops, client: (
            f"/user-groups/{new_group(rest, client.headers)['id']}",
            client.headers,
        ),
        lambda: {"name": unique("Group ")},
    ),
    "api token": (
        lambda rest, ops, client: (
            f"/api-tokens/{new_token(rest, client.headers)['id']}",
            client.headers,
        ),
        lambda: {"name": unique("Token ")},
    ),
    "buyer": (
        lambda rest, ops, client: (
            f"/buyers/{new_buyer(rest, ops, client.account_id)['id']}",
            ops,
        ),
        lambda: {"name": unique("Buyer "), "address": ADDRESS},
    ),
    "seller": (
        lambda rest, ops, client: (f"/sellers/{new_seller(rest, ops)['id']}", ops),
        lambda: {"name": unique("Seller "), "currencies": ["EUR"]},
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_write_answers_the_tag_a_later_read_shows(
    kind: str, rest: httpx.Client, ops: dict[str, str], client: Actor
) -> None:
    make, body = KINDS[kind]
    path, headers = make(rest, ops, client)
    read = rest.get(path, headers=headers)

    written = rest.put(
        path, json=body(), headers={**headers, "If-Match": read.headers["ETag"]}
    )
    again = rest.get(path, headers=headers, params={"select": "+audit"})

    assert written.status_code == 200, written.text
    assert written.headers["ETag"] != read.headers["ETag"]
    assert again.headers["ETag"] == written.headers["ETag"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_write_on_a_stale_tag_is_409_and_changes_nothing(
    kind: str,
    rest: httpx.Client,
    ops: dict[str, str],
    client: Actor,
    sandbox_app: Any,
) -> None:
    make, body = KINDS[kind]
    path, headers = make(rest, ops, client)
    stale = rest.get(path, headers=headers).headers["ETag"]
    ok(rest.put(path, json=body(), headers=headers))
    current = rest.get(path, headers=headers).headers["ETag"]

    refused = rest.put(path, json=body(), headers={**headers, "If-Match": stale})

    assert refused.status_code == 409
    assert refused.json()["title"] == "Conflict"
    assert "If-Match" in refused.json()["detail"]
    assert rest.get(path, headers=headers).headers["ETag"] == current


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        (["*"], 200),
        (["{tag}"], 200),
        (['"stale", {tag}'], 200),
        (['"zzz",{tag} , "other"'], 200),
        (['"stale"', "{tag}"], 200),
        (["", "{tag}"], 200),
        (["{bare}"], 200),
        (['"with, comma", {tag}'], 200),
        (["W/{tag}"], 409),
        (['W/{tag}, "stale"'], 409),
        (['"stale"'], 409),
        (['"stale"', '"older"'], 409),
        (["{tag}x"], 409),
    ],
    ids=[
        "any",
        "current",
        "stale-then-current",
        "current-among-several",
        "current-on-a-second-line",
        "empty-line-then-current",
        "current-unquoted",
        "quoted-comma-then-current",
        "weak-current",
        "weak-current-and-stale",
        "stale",
        "stale-on-two-lines",
        "longer-than-current",
    ],
)
def test_if_match_holds_when_any_listed_tag_matches_strongly(
    lines: list[str],
    status: int,
    rest: httpx.Client,
    client: Actor,
    sandbox_app: Any,
) -> None:
    path = f"/user-groups/{new_group(rest, client.headers)['id']}"
    tag = rest.get(path, headers=client.headers).headers["ETag"]
    conditions = [line.format(tag=tag, bare=tag.strip('"')) for line in lines]
    before = snapshot(store_of(sandbox_app), USER_GROUP)

    answer = rest.put(
        path,
        json={"name": "Renamed"},
        headers=[*client.headers.items(), *(("If-Match", c) for c in conditions)],
    )

    assert answer.status_code == status, answer.text
    after = snapshot(store_of(sandbox_app), USER_GROUP)
    if status == 200:
        assert answer.headers["ETag"] != tag
        assert ok(rest.get(path, headers=client.headers))["name"] == "Renamed"
    else:
        assert "If-Match" in answer.json()["detail"]
        assert after == before


@pytest.mark.parametrize("condition", ["", ",", ", ,"])
def test_an_empty_if_match_is_400_and_changes_nothing(
    condition: str, rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    group = f"/user-groups/{new_group(rest, client.headers)['id']}"
    token = f"/api-tokens/{new_token(rest, client.headers)['id']}"
    groups, tokens = (
        snapshot(store_of(sandbox_app), USER_GROUP),
        snapshot(store_of(sandbox_app), API_TOKEN),
    )
    conditional = {**client.headers, "If-Match": condition}

    answers = [
        rest.put(group, json={"name": "Renamed"}, headers=conditional),
        rest.delete(group, headers=conditional),
        rest.post(token + "/disable", headers=conditional),
    ]

    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert answer.json()["detail"].startswith("If-Match is empty")
    assert snapshot(store_of(sandbox_app), USER_GROUP) == groups
    assert snapshot(store_of(sandbox_app), API_TOKEN) == tokens


def test_delete_and_actions_on_a_stale_tag_are_409(
    rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    path = f"/api-tokens/{new_token(rest, client.headers)['id']}"
    stale = rest.get(path, headers=client.headers).headers["ETag"]
    ok(rest.put(path, json={"name": "Moved on"}, headers=client.headers))
    before = snapshot(store_of(sandbox_app), API_TOKEN)
    conditional = {**client.headers, "If-Match": stale}

    deleted = rest.delete(path, headers=conditional)
    disabled = rest.post(path + "/disable", headers=conditional)

    assert (deleted.status_code, disabled.status_code) == (409, 409)
    assert snapshot(store_of(sandbox_app), API_TOKEN) == before


def test_action_on_the_current_tag_runs(rest: httpx.Client, client: Actor) -> None:
    path = f"/api-tokens/{new_token(rest, client.headers)['id']}"
    tag = rest.get(path, headers=client.headers).headers["ETag"]

    disabled = rest.post(path + "/disable", headers={**client.headers, "If-Match": tag})

    assert disabled.status_code == 200
    assert disabled.json()["status"] == "Disabled"


def test_if_match_on_an_unknown_object_is_404(
    rest: httpx.Client, client: Actor
) -> None:
    answer = rest.put(
        "/user-groups/UGR-0000-0000",
        json={"name": "Nobody"},
        headers={**client.headers, "If-Match": "*"},
    )

    assert answer.status_code == 404


def test_write_without_if_match_still_wins_as_on_the_platform(
    rest: httpx.Client, client: Actor
) -> None:
    path = f"/user-groups/{new_group(rest, client.headers)['id']}"
    ok(rest.put(path, json={"name": "First"}, headers=client.headers))

    last = rest.put(path, json={"name": "Second"}, headers=client.headers)

    assert last.status_code == 200
    assert ok(rest.get(path, headers=client.headers))["name"] == "Second"


def test_tag_names_the_object_not_its_selection(
    rest: httpx.Client, client: Actor
) -> None:
    path = f"/user-groups/{new_group(rest, client.headers)['id']}"

    plain = rest.get(path, headers=client.headers)
    selected = rest.get(path, headers=client.headers, params={"select": "+audit"})

    assert plain.headers["ETag"] == selected.headers["ETag"]


@pytest.mark.parametrize(
    "spelling", ["/{a}/users/{u}", "/accounts/{a}/users/{u}", "/account-users/{m}"]
)
def test_member_writes_take_preconditions_under_every_spelling(
    spelling: str, rest: httpx.Client, client: Actor, sandbox_app: Any
) -> None:
    group = new_group(rest, client.headers)
    other = new_group(rest, client.headers)
    member = invite(rest, client.headers, client.account_id, group["id"])
    stored = store_of(sandbox_app).select(
        ACCOUNT_USER,
        "json_extract(t.doc, '$.user.id') = ?",
        [member["id"]],
        [],
        1,
        0,
    )[0][0]
    path = spelling.format(a=client.account_id, u=member["id"], m=stored["id"])
    stale = rest.get(path, headers=client.headers).headers["ETag"]
    ok(rest.post(path + "/groups", json={"id": other["id"]}, headers=client.headers))
    current = rest.get(path, headers=client.headers).headers["ETag"]
    groups_before = snapshot(store_of(sandbox_app), USER_GROUP)

    refused = rest.put(
        path + "/groups",
        json=[{"id": group["id"]}],
        headers={**client.headers, "If-Match": stale},
    )
    accepted = rest.put(
        path + "/groups",
        json=[{"id": group["id"]}],
        headers={**client.headers, "If-Match": current},
    )

    assert refused.status_code == 409
    assert accepted.status_code == 200, accepted.text
    assert stale != current != accepted.headers["ETag"]
    assert snapshot(store_of(sandbox_app), USER_GROUP) != groups_before
