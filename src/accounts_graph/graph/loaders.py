"""Per-request DataLoaders: every relation level costs one batched RQL request.

`ObjectByIdLoader` fetches objects by id with `in(id,(…))`; `ObjectsByParentLoader`
fetches the children of many parents at once with `in(<parent path>,(…))` and
groups them back by parent. Keys are chunked to keep URLs short, chunks go out
concurrently, duplicate keys are merged, results come back in key order.
"""

import asyncio
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any

from aiodataloader import DataLoader

from accounts_graph.platform.resources import Kind, Resource
from accounts_graph.telemetry.batches import loader_batch
from accounts_graph.upstream import rql
from accounts_graph.upstream.client import PAGE_LIMIT, Session

Raw = dict[str, Any]

# A full page of ids: platform ids are 13 to 18 characters, so 100 quoted ids keep
# a URL near 2 KB, well below the 8 KB many proxies allow.
CHUNK = PAGE_LIMIT


def chunks(keys: list[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(keys))
    return [unique[i : i + CHUNK] for i in range(0, len(unique), CHUNK)]


async def _together[R](calls: list[Coroutine[Any, Any, R]]) -> list[R]:
    """Await the calls concurrently; a single one (the usual batch) without the
    task `asyncio.gather` would make for it."""
    if len(calls) == 1:
        return [await calls[0]]
    return list(await asyncio.gather(*calls))


class ObjectByIdLoader(DataLoader[str, Raw | None]):
    """Objects of one resource by id; an unknown id loads as None."""

    def __init__(
        self, session: Session, resource: Resource, select: rql.Projection
    ) -> None:
        super().__init__()
        self.session = session
        self.resource = resource
        self.select = select

    async def batch_load_fn(self, keys: list[str]) -> list[Raw | None]:
        with loader_batch(self.resource.name, "id", len(keys)):
            pages = await _together(
                [
                    self.session.fetch_page(
                        self.resource.collection,
                        filter=rql.in_("id", chunk),
                        select=self.select,
                        limit=min(len(chunk), PAGE_LIMIT),
                    )
                    for chunk in chunks(keys)
                ]
            )
        found = {item["id"]: item for page in pages for item in page.data}
        return [found.get(key) for key in keys]


class ObjectsByParentLoader(DataLoader[str, list[Raw]]):
    """Objects of one resource grouped by the id a reference of theirs holds.

    `via` is the referencing field: a single reference (`account`) is matched
    with `in(account.id,(…))`, a list of references (`sellers`) with
    `any(sellers,in(id,(…)))`.
    """

    def __init__(
        self,
        session: Session,
        resource: Resource,
        via: str,
        select: rql.Projection,
    ) -> None:
        super().__init__()
        self.session = session
        self.resource = resource
        self.via = resource.by_name[via]
        self.select = select

    def _filter(self, chunk: list[str]) -> str:
        if self.via.kind is Kind.REFS:
            return rql.any_(self.via.name, rql.in_("id", chunk))
        return rql.in_(f"{self.via.name}.id", chunk)

    def _parents_of(self, item: Raw) -> list[str]:
        value = item.get(self.via.name)
        refs = value if isinstance(value, list) else [value]
        return [ref["id"] for ref in refs if isinstance(ref, dict) and "id" in ref]

    async def batch_load_fn(self, keys: list[str]) -> list[list[Raw]]:
        with loader_batch(self.resource.name, self.via.name, len(keys)):
            results = await _together(
                [
                    self.session.fetch_all(
                        self.resource.collection,
                        filter=self._filter(chunk),
                        select=self.select,
                    )
                    for chunk in chunks(keys)
                ]
            )
        grouped: dict[str, list[Raw]] = defaultdict(list)
        for items in results:
            for item in items:
                for parent in self._parents_of(item):
                    grouped[parent].append(item)
        return [grouped.get(key, []) for key in keys]
