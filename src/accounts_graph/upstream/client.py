"""The Accounts API over HTTP: one pooled httpx client per process.

A `Session` binds that client to one GraphQL request: the caller's bearer token
(forwarded unchanged, never logged) and a counter of the REST requests the
operation cost, which the response reports in `extensions.upstream.requests`.
"""

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from accounts_graph.telemetry.upstream import upstream_call
from accounts_graph.upstream.errors import UpstreamUnavailable, error_for_status

logger = logging.getLogger(__name__)

API_PREFIX = "/public/v1/accounts"
PAGE_LIMIT = 100
# Pages of one list fetched at the same time once the first told the total.
PAGES_AT_ONCE = 8
# Characters a URL cannot carry raw (controls, space) or that would end the query
# (`#`); RQL values are the caller's text and may hold any of them.
_RAW_UNSAFE = re.compile(r"[\x00-\x20\x7f#]")


@dataclass(frozen=True)
class Page:
    """One page of a list answer."""

    data: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


def path(template: str, **ids: str) -> str:
    """Fill a path template with ids, each percent-encoded as one segment."""
    return template.format(**{k: quote(v, safe="") for k, v in ids.items()})


def url_safe(query: str) -> str:
    """Percent-encode what a query string cannot carry raw, keeping RQL syntax."""
    return _RAW_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", query)


def build_http_client(
    base_url: str,
    *,
    timeout: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """Create the process-wide client: keep-alive pool, no env proxies, no redirects."""
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/") + API_PREFIX,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
        trust_env=False,
        follow_redirects=False,
        transport=transport,
    )


@dataclass
class Session:
    """The upstream as one GraphQL request sees it."""

    http: httpx.AsyncClient
    token: str | None
    requests: int = 0
    bytes_received: int = 0
    log: list[str] = field(default_factory=list)

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def send(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        json: Any = None,
        files: Any = None,
        data: Any = None,
        template: str | None = None,
    ) -> Any:
        """Send one request and return its decoded JSON body (None when empty).

        `template` names the path without ids, for logs.

        Raises:
            UpstreamError: the request failed or answered an error status.
        """
        # An absolute URL, parsed once: httpx would parse a relative one three
        # times (merging it with the base URL), which shows on 2 KB `in(…)` lists.
        url = httpx.URL(
            f"{self.http.base_url}{path.lstrip('/')}"
            + (f"?{url_safe(query)}" if query else "")
        )
        shown = template or path
        self.requests += 1
        started = time.perf_counter()
        try:
            with upstream_call(method, shown) as call:
                response = await self.http.request(
                    method,
                    url,
                    headers=self._headers(),
                    json=json,
                    files=files,
                    data=data,
                )
                call.status = response.status_code
        except httpx.TimeoutException as error:
            raise UpstreamUnavailable(
                "The Accounts API did not answer in time.", method=method, path=shown
            ) from error
        except httpx.TransportError as error:
            raise UpstreamUnavailable(
                "The Accounts API cannot be reached.", method=method, path=shown
            ) from error
        self.bytes_received += len(response.content)
        logger.debug(
            "upstream %s %s -> %s in %.1f ms",
            method,
            shown,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        body = _decode(response)
        # Redirects are not followed (see `build_http_client`), so a 3xx answer
        # (the sandbox's to a path with an empty id, say) has no object: an error.
        if response.status_code >= 300:
            problem = body if isinstance(body, dict) else {}
            raise error_for_status(response.status_code, problem, method, shown)
        return body

    async def fetch_page(
        self,
        collection: str,
        *,
        filter: str = "",
        select: str = "",
        order: str = "",
        limit: int = PAGE_LIMIT,
        offset: int = 0,
    ) -> Page:
        """Fetch one page of a collection."""
        parts = [filter] if filter else []
        if select:
            parts.append(f"select={select}")
        if order:
            parts.append(f"order={order}")
        parts += [f"limit={limit}", f"offset={offset}"]
        body = await self.send(
            "GET", f"/{collection}", query="&".join(parts), template=f"/{collection}"
        )
        pagination = body.get("$meta", {}).get("pagination", {})
        return Page(
            body.get("data", []),
            int(pagination.get("total", 0)),
            int(pagination.get("offset", offset)),
            int(pagination.get("limit", limit)),
        )

    async def fetch_all(
        self, collection: str, *, filter: str = "", select: str = ""
    ) -> list[dict[str, Any]]:
        """Fetch every object matching `filter`: the first page, then the others
        concurrently (at most `PAGES_AT_ONCE` in flight)."""
        first = await self.fetch_page(collection, filter=filter, select=select)
        if first.limit <= 0:
            return list(first.data)
        gate = asyncio.Semaphore(PAGES_AT_ONCE)

        async def page_at(offset: int) -> Page:
            async with gate:
                return await self.fetch_page(
                    collection, filter=filter, select=select, offset=offset
                )

        offsets = range(first.offset + first.limit, first.total, first.limit)
        others = await asyncio.gather(*(page_at(offset) for offset in offsets))
        return [item for page in (first, *others) for item in page.data]


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {"title": response.reason_phrase, "detail": "Unreadable answer."}
