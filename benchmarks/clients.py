"""The measuring side's clients: GraphQL to the facade, REST straight to the sandbox,
each pooled (keep-alive) and counting the requests it sends."""

from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from benchmarks.servers import API


@dataclass
class Counter:
    """Counts requests through an httpx event hook."""

    requests: int = 0

    def hook(self, request: httpx.Request) -> None:
        self.requests += 1

    async def async_hook(self, request: httpx.Request) -> None:
        self.requests += 1


class GraphQL:
    """Posts operations to the facade as one bearer token."""

    def __init__(self, url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
            trust_env=False,
        )

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Return the decoded answer; fail on an HTTP error or a GraphQL error."""
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        response.raise_for_status()
        body = orjson.loads(response.content)
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        return body

    def close(self) -> None:
        self.http.close()


@dataclass
class Rest:
    """Sync and async httpx clients of the sandbox's REST API, one token."""

    url: str
    token: str
    counter: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._options: dict[str, Any] = {
            "base_url": self.url + API,
            "headers": {"Authorization": f"Bearer {self.token}"},
            "timeout": 120,
            "trust_env": False,
        }
        self.sync = httpx.Client(
            **self._options, event_hooks={"request": [self.counter.hook]}
        )
        self._aio: httpx.AsyncClient | None = None

    @property
    def aio(self) -> httpx.AsyncClient:
        """The async client, made on first use inside the benchmark's event loop."""
        if self._aio is None:
            self._aio = httpx.AsyncClient(
                **self._options,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
                event_hooks={"request": [self.counter.async_hook]},
            )
        return self._aio

    def get(self, path: str) -> Any:
        response = self.sync.get(path)
        response.raise_for_status()
        return orjson.loads(response.content)

    async def aget(self, path: str) -> Any:
        response = await self.aio.get(path)
        response.raise_for_status()
        return orjson.loads(response.content)

    async def aclose(self) -> None:
        if self._aio is not None:
            await self._aio.aclose()

    def close(self) -> None:
        self.sync.close()
