"""Lists over HTTP: a total order for paging, empty id lists, dates with offsets."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.conftest import auth
from tests.sandbox.factories import (
    forgotten,
    ok,
    put_accounts_created_at,
    store_of,
)

from accounts_graph.platform.resources import ACCOUNT

INSTANT = "2031-05-04T03:02:01.000Z"
# Stored in this order, which is not id order: only a tiebreaker on the id
# puts them in id order, whatever order SQLite happens to meet them in.
SAME_INSTANT = [f"ACC-9{n}00-0000" for n in (5, 2, 6, 1, 4, 3)]
EARLIER, LATER = "ACC-9700-0000", "ACC-9000-0000"
NAME = "Same instant"


@pytest.fixture(scope="module", autouse=True)
def accounts(sandbox_app: Any, demo_accounts: dict[str, str]) -> Iterator[None]:
    store = store_of(sandbox_app)
    template = store.get(ACCOUNT, demo_accounts["Client"])
    assert template is not None
    created = dict.fromkeys(SAME_INSTANT, INSTANT)
    created |= {LATER: "2031-05-04T03:02:01.001Z", EARLIER: "2031-05-04T03:02:00.999Z"}
    with forgotten(store):
        put_accounts_created_at(store, template, created, NAME)
        yield


def _walk(rest: httpx.Client, ops: dict[str, str], order: str) -> list[str]:
    """Read every page of two, following offsets as the official client does."""
    seen: list[str] = []
    offset, total = 0, 1
    while offset < total:
        page = ok(
            rest.get(
                f"/accounts?ilike(name,'{NAME} *')&select=%2Baudit"
                f"&order={order}&limit=2&offset={offset}",
                headers=ops,
            )
        )
        seen += [account["id"] for account in page["data"]]
        total = page["$meta"]["pagination"]["total"]
        offset += 2
    return seen


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("audit.created.at", [EARLIER, *sorted(SAME_INSTANT), LATER]),
        ("-audit.created.at", [LATER, *sorted(SAME_INSTANT), EARLIER]),
        ("status,audit.created.at", [EARLIER, *sorted(SAME_INSTANT), LATER]),
    ],
)
def test_pages_of_two_give_every_account_once_in_one_order(
    order: str, expected: list[str], rest: httpx.Client, tokens: dict[str, str]
) -> None:
    ops = auth(tokens["Operations"])

    walks = [_walk(rest, ops, order) for _ in range(3)]

    assert walks == [expected] * 3


def test_empty_in_list_matches_nothing(
    rest: httpx.Client, tokens: dict[str, str]
) -> None:
    page = ok(rest.get("/accounts?in(id,())", headers=auth(tokens["Operations"])))

    assert page["data"] == []
    assert page["$meta"]["pagination"]["total"] == 0


def test_empty_out_list_excludes_nothing(
    rest: httpx.Client, tokens: dict[str, str]
) -> None:
    ops = auth(tokens["Operations"])

    everything = ok(rest.get("/accounts?limit=0", headers=ops))
    page = ok(rest.get("/accounts?out(id,())&limit=0", headers=ops))

    assert page["$meta"]["pagination"]["total"] > 0
    assert page["$meta"]["pagination"] == everything["$meta"]["pagination"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # 05:02:01+02:00 is the instant itself, 03:02:01Z.
        ("ge(audit.created.at,2031-05-04T05:02:01%2B02:00)", [*SAME_INSTANT, LATER]),
        ("lt(audit.created.at,'2031-05-04T05:02:01%2B02:00')", [EARLIER]),
        ("eq(audit.created.at,2031-05-04T05:02:01.000%2B0200)", SAME_INSTANT),
        ("eq(audit.created.at,2031-05-04T01:02:01-02:00)", SAME_INSTANT),
    ],
)
def test_date_with_utc_offset_compares_as_that_instant(
    condition: str, expected: list[str], rest: httpx.Client, tokens: dict[str, str]
) -> None:
    page = ok(
        rest.get(
            f"/accounts?ilike(name,'{NAME} *')&{condition}&select=%2Baudit",
            headers=auth(tokens["Operations"]),
        )
    )

    assert sorted(account["id"] for account in page["data"]) == sorted(expected)


def test_raw_plus_in_an_offset_is_refused_with_the_fix(
    rest: httpx.Client, tokens: dict[str, str]
) -> None:
    answer = rest.get(
        "/accounts?ge(audit.created.at,2031-05-04T05:02:01+02:00)",
        headers=auth(tokens["Operations"]),
    )

    assert answer.status_code == 400
    assert "%2B02:00" in answer.json()["detail"]
