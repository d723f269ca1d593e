"""Every operation of the published (and the corrected) document exists on the sandbox.

Each operation is sent once, as Operations (who sees everything), with seeded ids
in its path and an empty body where it takes one: whatever the answer (200, 204,
400 for the empty body, 307 for an icon), it is never 404 or 405, which would
mean the sandbox lacks that method on that path. Deletes go last, each on an
object of its own, so no operation finds its object already gone.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accounts_graph.platform.resources import ACCOUNT_USER, BY_COLLECTION
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.sandbox.openapi import corrected, published
from accounts_graph.sandbox.openapi_paths import API
from accounts_graph.sandbox.store import Document, Store
from tests.servers import running

PUBLISHED = {(m.upper(), p) for p, item in published()["paths"].items() for m in item}
ALL = sorted(
    {(m.upper(), p) for p, item in corrected()["paths"].items() for m in item},
    key=lambda op: (op[0] == "DELETE", op[1], op[0]),
)


class Seeded:
    """Seeded ids for path templates; each delete gets objects of its own."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.members = self._all(ACCOUNT_USER)
        self.taken = 0

    def _all(self, resource: Any, where: str = "1") -> list[Document]:
        docs: list[Document] = self.store.select(resource, where, [], [], 10_000, 0)[0]
        return docs

    def url(self, method: str, template: str) -> str:
        path = template.removeprefix(API)
        if "{accountId}" in path or path.startswith("/account-users/"):
            member = self._member(method)
            groups = member.get("groups") or [{"id": "UGR-0000-0000"}]
            return API + path.format(
                accountId=member["account"]["id"],
                userId=member["user"]["id"],
                userGroupId=groups[0]["id"],
                id=member["id"],
            )
        if "{id}" not in path:
            return template
        collection = path.split("/")[1]
        where = "json_extract(t.doc, '$.icon') IS NOT NULL" if "/icon" in path else "1"
        docs = self._all(BY_COLLECTION[collection], where)
        doc = docs[self._next() % len(docs)] if method == "DELETE" else docs[0]
        return API + path.format(id=doc["id"])

    def _member(self, method: str) -> Document:
        if method != "DELETE":
            return self.members[0]
        return self.members[1 + self._next() % (len(self.members) - 1)]

    def _next(self) -> int:
        self.taken += 1
        return self.taken


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    path: Path = tmp_path_factory.mktemp("operations") / "db.sqlite3"
    app = create_sandbox_app(path, scale=1)
    store = app.state.sandbox.store
    bearer = {t["role"]: t["bearer"] for t in demo_tokens(store)}["Operations"]
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http, Seeded(store), {"Authorization": f"Bearer {bearer}"}


def _body(method: str, template: str) -> dict[str, Any]:
    operation = corrected()["paths"][template][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    schema = content["application/json"]["schema"]
    return {"json": [] if schema.get("type") == "array" else {}}


def test_corrected_document_covers_the_published_operations() -> None:
    assert set(ALL) >= PUBLISHED
    assert len(PUBLISHED) == 93


@pytest.mark.parametrize(("method", "template"), ALL, ids=[f"{m} {p}" for m, p in ALL])
def test_operation_exists_on_the_sandbox(
    method: str, template: str, seeded: tuple[Any, ...]
) -> None:
    http, ids, headers = seeded
    url = ids.url(method, template)
    query = {"destinationAccountId": "ACC-0000-0000"} if "transfer" in url else {}

    response = http.request(
        method, url, params=query, headers=headers, **_body(method, template)
    )

    assert response.status_code not in (404, 405), (url, response.text[:300])
