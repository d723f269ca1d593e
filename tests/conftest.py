"""Shared fixtures: the sandbox and the facade as real servers over loopback."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.graph.identity import TokenVerifier
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.auth import JWKS_PATH
from accounts_graph.sandbox.bootstrap import demo_tokens
from tests.servers import running

API = "/public/v1/accounts"


@pytest.fixture(scope="session")
def sandbox_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3"


@pytest.fixture(scope="session")
def sandbox_app(sandbox_db: Path) -> Any:
    return create_sandbox_app(sandbox_db, scale=1)


@pytest.fixture(scope="session")
def sandbox_url(sandbox_app: Any) -> Iterator[str]:
    with running(sandbox_app) as url:
        yield url


@pytest.fixture(scope="session")
def tokens(sandbox_app: Any) -> dict[str, str]:
    """Role → bearer token of the documented demo tokens."""
    return {
        t["role"]: t["bearer"] for t in demo_tokens(sandbox_app.state.sandbox.store)
    }


@pytest.fixture(scope="session")
def ops(tokens: dict[str, str]) -> str:
    """The Operations demo token."""
    return tokens["Operations"]


@pytest.fixture(scope="session")
def demo_accounts(sandbox_app: Any) -> dict[str, str]:
    """Role → account id of the demo tokens."""
    return {
        t["role"]: t["account"] for t in demo_tokens(sandbox_app.state.sandbox.store)
    }


@pytest.fixture(scope="session")
def rest(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url + API, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def facade_url(sandbox_url: str) -> Iterator[str]:
    # As `serve` runs it: user tokens verified against the sandbox's keys.
    verifier = TokenVerifier(jwks_url=sandbox_url + JWKS_PATH)
    with running(create_app(sandbox_url, identity_ttl=3600, verifier=verifier)) as url:
        yield url


class GraphQLClient:
    """Posts GraphQL operations to the facade as one role."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def __call__(
        self,
        query: str,
        token: str | None = None,
        variables: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="session")
def gql(facade_url: str, tokens: dict[str, str]) -> Iterator[GraphQLClient]:
    with httpx.Client(base_url=facade_url, timeout=30) as http:
        client = GraphQLClient(http)
        # Look each token's identity up once, so that counts in tests measure
        # the operations alone (the facade caches identities briefly).
        for token in tokens.values():
            client("{ viewer { role } }", token)
        yield client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
