"""Fixtures of the conformance suites: private sandboxes and facades, per role.

Generated input creates, changes and deletes whatever its tokens may touch, so
every generated run gets a sandbox of its own (a fresh temp SQLite file); the
session's shared sandbox, which the other tests read, is never a target.

`CONFORMANCE_EXAMPLES` bounds the examples Hypothesis draws per operation (and
per role); CI uses the small default, the README gives the long-run command.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from accounts_graph.app import create_app
from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.sandbox.store import Store
from tests.servers import running

ROLES = ("Client", "Vendor", "Operations")
EXAMPLES = int(os.environ.get("CONFORMANCE_EXAMPLES", "5"))
# The bounded run (CI's) draws the same examples every time, so its verdict
# does not depend on luck; a long run sets CONFORMANCE_EXAMPLES and explores.
DERANDOMIZE = "CONFORMANCE_EXAMPLES" not in os.environ


@dataclass(frozen=True)
class Private:
    """A running private sandbox (and facade over it), as one role sees it."""

    role: str
    sandbox_url: str
    token: str
    account_id: str
    store: Store
    facade_url: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def _sandbox(path: Path) -> tuple[object, dict[str, dict[str, str]]]:
    app = create_sandbox_app(path, scale=1)
    tokens = {t["role"]: t for t in demo_tokens(app.state.sandbox.store)}
    return app, tokens


@pytest.fixture(scope="module", params=ROLES)
def private_sandbox(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Private]:
    """A fresh sandbox for one role's destructive generated run."""
    role: str = request.param
    app, tokens = _sandbox(tmp_path_factory.mktemp(f"rest-{role}") / "db.sqlite3")
    with running(app) as url:
        yield Private(
            role,
            url,
            tokens[role]["bearer"],
            tokens[role]["account"],
            app.state.sandbox.store,  # type: ignore[attr-defined]
        )


@pytest.fixture(scope="module", params=ROLES)
def private_facade(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Private]:
    """A fresh sandbox and a facade over it, for one role's generated GraphQL."""
    role: str = request.param
    app, tokens = _sandbox(tmp_path_factory.mktemp(f"graph-{role}") / "db.sqlite3")
    with running(app) as url, running(create_app(url, graphiql=False)) as facade:
        yield Private(
            role,
            url,
            tokens[role]["bearer"],
            tokens[role]["account"],
            app.state.sandbox.store,  # type: ignore[attr-defined]
            facade,
        )


@dataclass(frozen=True)
class Scratch:
    """A fresh sandbox and facade with the three demo tokens."""

    sandbox_url: str
    facade_url: str
    tokens: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    """A sandbox of its own for regression tests that write."""
    app, tokens = _sandbox(tmp_path_factory.mktemp("scratch") / "db.sqlite3")
    with running(app) as url, running(create_app(url, graphiql=False)) as facade:
        yield Scratch(url, facade, {r: t["bearer"] for r, t in tokens.items()})
