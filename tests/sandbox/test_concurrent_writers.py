"""Twenty writers at once over real HTTP: nothing acknowledged is lost, no 500.

Each writer has its own connection to the sandbox server on loopback, and all
start together at a barrier, so their requests really interleave in the server.
"""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from tests.conftest import API, auth
from tests.sandbox.factories import (
    Actor,
    forgotten,
    invite,
    new_group,
    new_token,
    ok,
    scratch_actor,
    store_of,
)

WRITERS = 20
INCREMENTS = 5
# A writer that loses this many races in a row is stuck, not unlucky.
MAX_ATTEMPTS = 400


@pytest.fixture(scope="module", autouse=True)
def _forget_scratch(sandbox_app: Any) -> Iterator[None]:
    with forgotten(store_of(sandbox_app)):
        yield


@pytest.fixture(scope="module")
def client(rest: httpx.Client, tokens: dict[str, str], sandbox_app: Any) -> Actor:
    return scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")


def _all_at_once[T](work: Callable[[int], T]) -> list[T]:
    """Run `work(i)` for each writer on its own thread, all released together."""
    barrier = threading.Barrier(WRITERS)

    def run(index: int) -> T:
        barrier.wait(timeout=30)
        return work(index)

    with ThreadPoolExecutor(WRITERS) as pool:
        return list(pool.map(run, range(WRITERS)))


def _increment(url: str, headers: dict[str, str], path: str) -> list[tuple[str, int]]:
    """Add one to the object's description INCREMENTS times, read-then-write.

    Each write names the version it read in `If-Match`: when another writer got
    there first the sandbox answers 409, and the writer reads again.
    """
    done: list[tuple[str, int]] = []
    with httpx.Client(base_url=url + API, headers=headers, timeout=60) as http:
        for _ in range(MAX_ATTEMPTS):
            read = http.get(path)
            done.append(("GET", read.status_code))
            if read.status_code != 200:
                break
            current = read.json()
            write = http.put(
                path,
                json={
                    "name": current["name"],
                    "description": str(int(current.get("description") or 0) + 1),
                },
                headers={"If-Match": read.headers["ETag"]},
            )
            done.append(("PUT", write.status_code))
            if write.status_code not in (200, 409):
                break
            if done.count(("PUT", 200)) == INCREMENTS:
                break
    return done


def test_twenty_writers_on_three_objects_lose_no_acknowledged_update(
    rest: httpx.Client, sandbox_url: str, client: Actor
) -> None:
    group = new_group(rest, client.headers)
    token = new_token(rest, client.headers)
    paths = [
        f"/accounts/{client.account_id}",
        f"/user-groups/{group['id']}",
        f"/api-tokens/{token['id']}",
    ]

    results = _all_at_once(
        lambda i: (
            paths[i % 3],
            _increment(sandbox_url, client.headers, paths[i % 3]),
        )
    )

    statuses = Counter(status for _, done in results for status in done)
    assert set(statuses) <= {("GET", 200), ("PUT", 200), ("PUT", 409)}, statuses
    assert statuses["PUT", 200] == WRITERS * INCREMENTS
    for path in paths:
        acknowledged = sum(
            done.count(("PUT", 200)) for at, done in results if at == path
        )
        final = ok(rest.get(path, headers=client.headers))
        assert int(final["description"]) == acknowledged


def test_twenty_writers_adding_groups_to_one_member_keep_every_group(
    rest: httpx.Client, sandbox_url: str, client: Actor
) -> None:
    first = new_group(rest, client.headers)
    member = invite(rest, client.headers, client.account_id, first["id"])
    groups = [new_group(rest, client.headers)["id"] for _ in range(WRITERS)]
    path = f"/{client.account_id}/users/{member['id']}"

    def assign(index: int) -> int:
        with httpx.Client(base_url=sandbox_url + API, timeout=60) as http:
            answer = http.post(
                path + "/groups", json={"id": groups[index]}, headers=client.headers
            )
        return answer.status_code

    statuses = _all_at_once(assign)

    assert statuses == [200] * WRITERS
    final = ok(rest.get(path, headers=client.headers, params={"select": "+groups"}))
    kept = {ref["id"] for ref in final["groups"]}
    assert kept == {first["id"], *groups}


def test_twenty_groups_created_at_once_all_reach_their_account(
    rest: httpx.Client, sandbox_url: str, tokens: dict[str, str], sandbox_app: Any
) -> None:
    actor = scratch_actor(rest, auth(tokens["Operations"]), sandbox_app, "Client")
    before = ok(rest.get(f"/accounts/{actor.account_id}", headers=actor.headers))

    def create(index: int) -> tuple[int, str]:
        with httpx.Client(base_url=sandbox_url + API, timeout=60) as http:
            answer = http.post(
                "/user-groups",
                json={"name": f"Concurrent {index}", "modules": []},
                headers=actor.headers,
            )
        return answer.status_code, answer.json().get("id", "")

    created = _all_at_once(create)

    assert [status for status, _ in created] == [201] * WRITERS
    after = ok(rest.get(f"/accounts/{actor.account_id}", headers=actor.headers))
    listed = {ref["id"] for ref in after["groups"]}
    assert listed == {ref["id"] for ref in before["groups"]} | {i for _, i in created}
