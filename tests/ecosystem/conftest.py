"""Fixtures of the ecosystem tests: the Node tools, a recorded facade, a gateway.

The Node packages (Apollo's gateway and composition, GraphQL Code Generator,
TypeScript) are pinned by `ecosystem/package-lock.json` and installed with
`npm ci`: `.ci/run` does it up front, and the `node_tools` fixture does it when
the install is missing or older than the lock file, so `pytest` alone works too.
The gateway is a real Node process, started once per session.
"""

import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from accounts_graph.app import create_app
from tests.conftest import GraphQLClient
from tests.ecosystem.agreements import AgreementRecord, AgreementsApp
from tests.ecosystem.agreements import schema as agreements_schema
from tests.perf.test_costs import Recorder
from tests.servers import running

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "ecosystem"
BIN = Path(sys.executable).parent
GATEWAY_START_SECONDS = 60


def node_run(
    *args: str, check: bool = False, cwd: Path = NODE_DIR
) -> subprocess.CompletedProcess[str]:
    """Run a command of the Node tools (in `ecosystem/`), capturing its output."""
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, check=check
    )


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """The directory whose `node_modules` holds the locked Node packages."""
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        done = node_run("npm", "ci", "--no-audit", "--no-fund")
        assert done.returncode == 0, f"npm ci failed:\n{done.stderr}"
    return NODE_DIR


@dataclass
class RecordedFacade:
    """A facade whose upstream requests a recorder in front of the sandbox sees."""

    url: str
    recorder: Recorder
    gql: GraphQLClient

    def requests_to(self, collection: str) -> list[str]:
        """The query strings of the recorded requests to one collection."""
        return [q for path, q in self.recorder.seen if path == f"/{collection}"]


@pytest.fixture(scope="session")
def recorded(sandbox_app: Any, tokens: dict[str, str]) -> Iterator[RecordedFacade]:
    recorder = Recorder(sandbox_app)
    with (
        running(recorder) as upstream,
        running(create_app(upstream, identity_ttl=3600)) as facade,
        httpx.Client(base_url=facade, timeout=30) as http,
    ):
        gql = GraphQLClient(http)
        # Each token's identity is looked up now, so that it is not counted below.
        for token in tokens.values():
            gql("{ viewer { role } }", token)
        yield RecordedFacade(facade, recorder, gql)


@pytest.fixture(scope="session")
def agreements(
    recorded: RecordedFacade, tokens: dict[str, str], demo_accounts: dict[str, str]
) -> list[AgreementRecord]:
    """Agreements of the Client demo account and of three other client accounts."""
    body = recorded.gql(
        "{ accounts(first: 4, filter: {type: {eq: CLIENT}}, orderBy: [{field: ID}]) "
        "{ nodes { id } } }",
        tokens["Operations"],
    )
    others = [
        node["id"]
        for node in body["data"]["accounts"]["nodes"]
        if node["id"] != demo_accounts["Client"]
    ][:3]
    assert len(others) == 3
    client = demo_accounts["Client"]
    records = [
        AgreementRecord("AGR-1", "Microsoft EA 2025", client),
        AgreementRecord("AGR-2", "Adobe VIP", client),
    ]
    records += [
        AgreementRecord(f"AGR-{i}", f"Agreement {i}", account)
        for i, account in enumerate(others, start=3)
    ]
    return records


@pytest.fixture(scope="session")
def agreements_url(agreements: list[AgreementRecord]) -> Iterator[str]:
    with running(AgreementsApp(agreements)) as url:
        yield url


def compose(folder: Path, accounts_url: str, agreements_url: str) -> Path:
    """Compose the supergraph of accounts-graph (its exported SDL, never its
    `_service`) at `accounts_url` and the agreements subgraph; return its file."""
    accounts_sdl = folder / "accounts.graphql"
    accounts_sdl.write_text(
        subprocess.run(
            [str(BIN / "accounts-graph"), "export-schema", "--federation"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    agreements_sdl = folder / "agreements.graphql"
    agreements_sdl.write_text(agreements_schema.as_str())

    composed = node_run(
        "node",
        "federation/compose.mjs",
        f"accounts={accounts_url}/graphql={accounts_sdl}",
        f"agreements={agreements_url}/graphql={agreements_sdl}",
    )
    assert composed.returncode == 0, composed.stderr
    path = folder / "supergraph.graphql"
    path.write_text(composed.stdout)
    return path


@contextmanager
def gateway(supergraph: Path) -> Iterator[str]:
    """Run an Apollo Gateway process over the supergraph; yield its URL once it
    listens."""
    log = supergraph.with_name("gateway.log")
    with log.open("w") as stderr:
        process = subprocess.Popen(
            ["node", "federation/gateway.mjs", str(supergraph)],
            cwd=NODE_DIR,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], GATEWAY_START_SECONDS)
        url = process.stdout.readline().strip() if ready else ""
        assert url.startswith("http://"), (
            f"the gateway did not start:\n{log.read_text()}"
        )
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def supergraph(
    node_tools: Path,
    recorded: RecordedFacade,
    agreements_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """The supergraph of accounts-graph (its exported SDL) and the agreements."""
    folder = tmp_path_factory.mktemp("federation")
    return compose(folder, recorded.url, agreements_url)


@pytest.fixture(scope="session")
def gateway_url(supergraph: Path) -> Iterator[str]:
    """An Apollo Gateway process over the supergraph."""
    with gateway(supergraph) as url:
        yield url


def lay_out(folder: Path) -> Path:
    """Copy what the typed-client tools read into `folder`, as in the repository.

    The tools then write their output there rather than into the working tree;
    the copy's `ecosystem/node_modules` links to the installed Node packages.
    Returns the copy's `ecosystem` directory, where the tools run.
    """
    shutil.copy(ROOT / "schema.graphql", folder / "schema.graphql")
    shutil.copytree(ROOT / "examples", folder / "examples")
    tools = folder / "ecosystem"
    (tools / "typescript").mkdir(parents=True)
    for name in ("package.json", "codegen.yml", "ariadne-codegen.toml"):
        shutil.copy(NODE_DIR / name, tools / name)
    for source in (NODE_DIR / "typescript").glob("*"):
        if source.name not in ("schema.ts", "operations.ts"):
            shutil.copy(source, tools / "typescript" / source.name)
    (tools / "node_modules").symlink_to(NODE_DIR / "node_modules")
    return tools
