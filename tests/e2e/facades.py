"""Facades with settings of their own, and a sandbox that counts its requests:
for the limits, production mode and the HTTP rules, each over real HTTP."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from accounts_graph.app import create_app
from accounts_graph.settings import Settings
from tests.servers import running

PREFLIGHT = {"GraphQL-Require-Preflight": "1"}


@dataclass
class RequestCounter:
    """ASGI middleware in front of the sandbox: how many requests reached it."""

    app: ASGIApp
    count: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.count += 1
        await self.app(scope, receive, send)


@contextmanager
def counting(sandbox_app: Any) -> Iterator[tuple[RequestCounter, str]]:
    """Serve the sandbox behind a counter on a port of its own; yield both."""
    counter = RequestCounter(sandbox_app)
    with running(counter) as url:
        yield counter, url


@contextmanager
def facade(upstream_url: str, **settings: Any) -> Iterator[httpx.Client]:
    """Serve a facade over `upstream_url` with these settings; yield a client."""
    app = create_app(upstream_url, settings=Settings(**settings), identity_ttl=3600)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield http


def post(
    http: httpx.Client,
    query: str,
    token: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post one operation as JSON; the answer must be HTTP 200."""
    response = http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
