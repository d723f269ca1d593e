"""The Accounts API over HTTP: one pooled httpx client per process.

A `Session` binds that client to one GraphQL request: the caller's bearer token
(forwarded unchanged, never logged) and a counter of the REST requests the
operation cost, which the response reports in `extensions.upstream.requests`.
Its `Policy` bounds each request in time and retries failed reads.
"""

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import quote

import httpx

from accounts_graph.telemetry.upstream import upstream_call
from accounts_graph.upstream import rql
from accounts_graph.upstream.answers import body_of, secrets_in
from accounts_graph.upstream.dropping import DropMemory
from accounts_graph.upstream.errors import (
    InvalidInput,
    Overloaded,
    Unauthenticated,
    Unsendable,
    UpstreamError,
    UpstreamStatusError,
    UpstreamUnavailable,
)
from accounts_graph.upstream.retries import DEFAULT_POLICY, Policy

logger = logging.getLogger(__name__)

API_PREFIX = "/public/v1/accounts"
PAGE_LIMIT = 100
NO_PROJECTION = rql.Projection()
# Pages of one list fetched at the same time once the first told the total.
PAGES_AT_ONCE = 8
# Characters a URL cannot carry raw (controls, space) or that would end the query
# (`#`); RQL values are the caller's text and may hold any of them.
_RAW_UNSAFE = re.compile(r"[\x00-\x20\x7f#]")
_TOKEN = re.compile(r"[\x21-\x7e]+")
# Methods whose repetition changes nothing: the only ones retried.
_IDEMPOTENT = frozenset({"GET", "HEAD"})
# Failures that happen before the upstream could act on the request, or that
# broke the connection: worth another try for a read. A read timeout is not
# (the upstream is slow, and asking again adds to its load).
_Retriable = (httpx.NetworkError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


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
    policy: Policy = DEFAULT_POLICY,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """Create the process-wide client: keep-alive pool, no env proxies, no redirects.

    It keeps no cookies: every caller's requests share it, so a cookie set in
    answer to one (a session, a load balancer's affinity) would be sent for all.
    """
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/") + API_PREFIX,
        timeout=httpx.Timeout(
            connect=policy.connect_timeout,
            read=policy.read_timeout,
            write=policy.read_timeout,
            pool=policy.total_timeout,
        ),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
        trust_env=False,
        follow_redirects=False,
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        transport=transport,
    )


@dataclass
class Session:
    """The upstream as one GraphQL request sees it.

    `send` is the one door every request of the facade to the Accounts API goes
    through: the place to count, time, retry and observe them.
    """

    http: httpx.AsyncClient
    token: str | None
    policy: Policy = DEFAULT_POLICY
    # Shared by the sessions of one process: a refusal costs one extra request.
    dropping: DropMemory = field(default_factory=DropMemory)
    requests: int = 0
    bytes_received: int = 0

    def _headers(self, method: str, shown: str) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            # Anything but visible ASCII cannot be a bearer token (RFC 6750), and
            # would only make the HTTP library raise with the value in its message.
            if not _TOKEN.fullmatch(self.token):
                raise Unauthenticated(
                    401,
                    {
                        "title": "Unauthorized",
                        "detail": "The bearer token is malformed.",
                    },
                    method=method,
                    path=shown,
                )
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

        `template` names the path without ids, for logs. A read is retried as
        `policy` says; a write is sent once.

        Raises:
            UpstreamError: the request failed or answered an error status.
        """
        # An absolute URL, parsed once: httpx would parse a relative one three
        # times (merging it with the base URL), which shows on 2 KB `in(…)` lists.
        # Built on the base URL with the leading slashes stripped, it cannot leave
        # the upstream's origin, and redirects are not followed: the caller's
        # token goes there and nowhere else.
        shown = template or path
        try:
            url = httpx.URL(
                f"{self.http.base_url}{path.lstrip('/')}"
                + (f"?{url_safe(query)}" if query else "")
            )
        except (httpx.InvalidURL, UnicodeError) as error:
            raise _unsendable(method, shown) from error
        headers = self._headers(method, shown)
        secrets = [self.token or "", *secrets_in(json), *secrets_in(data)]
        deadline = time.monotonic() + self.policy.total_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._attempt(
                    method, url, shown, headers, deadline, json, files, data
                )
                return body_of(response, method, shown, secrets)
            except _Retriable as error:
                failure: UpstreamError = UpstreamUnavailable(
                    "The Accounts API cannot be reached.", method=method, path=shown
                )
                cause: BaseException | None = error
            except Overloaded as error:
                failure, cause = error, None
            except UnicodeError as error:
                # A JSON body with a lone surrogate: httpx cannot encode it.
                raise _unsendable(method, shown) from error
            # Never sooner than a `Retry-After` asks; the jitter spreads the
            # callers told the same moment.
            wait = (failure.retry_after or 0) + self.policy.backoff_before(attempt)
            if (
                method not in _IDEMPOTENT
                or attempt >= self.policy.attempts
                or time.monotonic() + wait >= deadline
            ):
                raise failure from cause
            logger.warning(
                "upstream %s %s failed (%s); try %d of %d in %.2f s",
                method,
                shown,
                _reason(cause or failure),
                attempt + 1,
                self.policy.attempts,
                wait,
            )
            await asyncio.sleep(wait)

    async def _attempt(
        self,
        method: str,
        url: httpx.URL,
        shown: str,
        headers: dict[str, str],
        deadline: float,
        json: Any,
        files: Any,
        data: Any,
    ) -> httpx.Response:
        """Make one HTTP exchange, bounded by the request's deadline.

        Raises:
            UpstreamUnavailable: it timed out.
            httpx.TransportError: the connection failed (the caller may retry).
        """
        left = deadline - time.monotonic()
        if left <= 0:
            raise UpstreamUnavailable(
                "The Accounts API did not answer in time.", method=method, path=shown
            )
        policy = self.policy
        timeout = httpx.Timeout(
            connect=min(policy.connect_timeout, left),
            read=min(policy.read_timeout, left),
            write=min(policy.read_timeout, left),
            pool=left,
        )
        self.requests += 1
        started = time.perf_counter()
        try:
            with upstream_call(method, shown) as call:
                async with asyncio.timeout(left):
                    response = await self.http.request(
                        method,
                        url,
                        headers=headers,
                        json=json,
                        files=files,
                        data=data,
                        timeout=timeout,
                        follow_redirects=False,
                    )
                call.status = response.status_code
        except (TimeoutError, httpx.ReadTimeout, httpx.WriteTimeout) as error:
            raise UpstreamUnavailable(
                "The Accounts API did not answer in time.", method=method, path=shown
            ) from error
        except httpx.PoolTimeout as error:
            raise UpstreamUnavailable(
                "Too many requests to the Accounts API are waiting.",
                method=method,
                path=shown,
            ) from error
        except httpx.TransportError as error:
            if isinstance(error, _Retriable):
                raise
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
        return response

    async def fetch_page(
        self,
        collection: str,
        *,
        filter: str = "",
        select: rql.Projection = NO_PROJECTION,
        order: str = "",
        limit: int = PAGE_LIMIT,
        offset: int = 0,
    ) -> Page:
        """Fetch one page of a collection.

        Fields of `select.drop` are left out unless the filter or the order
        names them; `DropMemory` decides what a 400 to such a read means.
        """
        drop = tuple(
            name
            for name in select.drop
            if not rql.mentions(filter, name) and not rql.mentions(order, name)
        )
        drop = self.dropping.allowed(collection, drop)
        try:
            body = await self._list(
                collection, filter, select.add, drop, order, limit, offset
            )
        except InvalidInput as error:
            if error.status != 400 or not self.dropping.worth_retrying(
                collection, drop
            ):
                raise
            body = await self._list(
                collection, filter, select.add, (), order, limit, offset
            )
            self.dropping.refuse(collection, drop)
        else:
            self.dropping.accept(collection, drop)
        pagination = body.get("$meta", {}).get("pagination", {})
        return Page(
            body.get("data", []),
            int(pagination.get("total", 0)),
            int(pagination.get("offset", offset)),
            int(pagination.get("limit", limit)),
        )

    async def _list(
        self,
        collection: str,
        filter: str,
        add: tuple[str, ...],
        drop: tuple[str, ...],
        order: str,
        limit: int,
        offset: int,
    ) -> Any:
        parts = [filter] if filter else []
        if add or drop:
            parts.append(f"select={rql.select(add, drop)}")
        if order:
            parts.append(f"order={order}")
        parts += [f"limit={limit}", f"offset={offset}"]
        return await self.send(
            "GET", f"/{collection}", query="&".join(parts), template=f"/{collection}"
        )

    async def fetch_all(
        self,
        collection: str,
        *,
        filter: str = "",
        select: rql.Projection = NO_PROJECTION,
    ) -> list[dict[str, Any]]:
        """Fetch every object matching `filter`: the first page, then the others
        concurrently (at most `PAGES_AT_ONCE` in flight).

        The pages are ordered by id: without a total order, pages fetched side
        by side could repeat one object and skip another.
        """
        first = await self.fetch_page(
            collection, filter=filter, select=select, order="id"
        )
        if first.limit <= 0:
            return list(first.data)
        gate = asyncio.Semaphore(PAGES_AT_ONCE)

        async def page_at(offset: int) -> Page:
            async with gate:
                return await self.fetch_page(
                    collection, filter=filter, select=select, order="id", offset=offset
                )

        offsets = range(first.offset + first.limit, first.total, first.limit)
        others = await asyncio.gather(*(page_at(offset) for offset in offsets))
        return [item for page in (first, *others) for item in page.data]


def _unsendable(method: str, shown: str) -> Unsendable:
    return Unsendable(
        "The request cannot be sent to the Accounts API: a value is too long "
        "(the whole URL is limited to 64 KiB) or is not valid Unicode text.",
        method=method,
        path=shown,
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, UpstreamStatusError):
        return str(error.status)
    return type(error).__name__
