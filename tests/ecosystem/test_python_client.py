"""A typed Python client for the example operations, by ariadne-codegen.

`ecosystem/ariadne-codegen.toml` as the README runs it generates the package
`accounts_client` from `schema.graphql` and `examples/`; the tests call the
live service through it. The README's mutations change data, so they run
against a sandbox of their own.
"""

import importlib
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.sandbox.app import create_sandbox_app
from tests.conftest import GraphQLClient
from tests.e2e.test_readme import PNG
from tests.ecosystem.conftest import NODE_DIR, ROOT, lay_out
from tests.servers import running

TOOL = NODE_DIR / ".venv-codegen"
REQUIREMENTS = NODE_DIR / "requirements-codegen.txt"


@pytest.fixture(scope="session")
def ariadne_codegen() -> Path:
    """The ariadne-codegen command, in a virtualenv of its own (see requirements).

    `scripts/test` installs it; when it is missing, it is installed here.
    """
    command = TOOL / "bin" / "ariadne-codegen"
    if not command.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOL)], check=True)
        done = subprocess.run(
            [str(TOOL / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    return command


@pytest.fixture(scope="module")
def accounts_client(
    ariadne_codegen: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The generated package, imported."""
    tools = lay_out(tmp_path_factory.mktemp("python-client"))
    done = subprocess.run(
        [str(ariadne_codegen), "--config", "ariadne-codegen.toml", "client"],
        cwd=tools,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    sys.path.insert(0, str(tools))
    try:
        yield importlib.import_module("accounts_client")
    finally:
        sys.path.remove(str(tools))
        for name in [n for n in sys.modules if n.split(".")[0] == "accounts_client"]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def private_facade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A facade over a sandbox of its own, for the README's mutations."""
    app = create_sandbox_app(tmp_path_factory.mktemp("client") / "db.sqlite3", 1)
    with running(app) as upstream, running(create_app(upstream)) as facade:
        yield facade


def _client(module: ModuleType, facade: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return module.Client(url=f"{facade}/graphql", headers=headers)


def test_client_overview_parses_into_typed_models(
    accounts_client: ModuleType,
    facade_url: str,
    gql: GraphQLClient,
    tokens: dict[str, str],
) -> None:
    enums = importlib.import_module("accounts_client.enums")
    query = (ROOT / "examples" / "client_overview.graphql").read_text()

    with _client(accounts_client, facade_url, tokens["Client"]) as client:
        overview = client.client_overview()

    assert overview.viewer.role is enums.Role.CLIENT
    [account] = overview.accounts.nodes
    assert account.status is enums.AccountStatus.ACTIVE
    assert account.buyers[0].erp_links[0].seller.external_id
    # The models hold exactly the answer the service gives over plain HTTP.
    direct = gql(query, tokens["Client"])["data"]
    assert overview.model_dump(by_alias=True, mode="json") == direct


def test_enum_variables_travel_typed(
    accounts_client: ModuleType, facade_url: str, tokens: dict[str, str]
) -> None:
    enums = importlib.import_module("accounts_client.enums")

    with _client(accounts_client, facade_url, tokens["Operations"]) as client:
        active = client.buyers_by_status(status=enums.BuyerStatus.ACTIVE, first=5)
        disabled = client.buyers_by_status(status=enums.BuyerStatus.DISABLED)

    assert 0 < len(active.buyers.nodes) <= 5
    assert {b.status for b in active.buyers.nodes} == {enums.BuyerStatus.ACTIVE}
    assert all(b.status is enums.BuyerStatus.DISABLED for b in disabled.buyers.nodes)
    assert active.buyers.total_count >= len(active.buyers.nodes)


def test_readme_mutations_run_through_the_client(
    accounts_client: ModuleType, private_facade: str, tokens: dict[str, str]
) -> None:
    enums = importlib.import_module("accounts_client.enums")

    with _client(accounts_client, private_facade, tokens["Client"]) as client:
        created = client.create_group()
        disabled = client.disable_buyer()

    assert created.create_user_group.errors == []
    assert created.create_user_group.user_group.name == "Auditors"
    assert disabled.disable_buyer.errors == []
    buyer = disabled.disable_buyer.buyer
    assert buyer.status is enums.BuyerStatus.DISABLED
    assert buyer.audit.disabled.at


def test_an_icon_uploads_as_a_multipart_request(
    accounts_client: ModuleType, private_facade: str, tokens: dict[str, str]
) -> None:
    base_model = importlib.import_module("accounts_client.base_model")
    icon = base_model.Upload("logo.png", io.BytesIO(PNG), "image/png")

    with _client(accounts_client, private_facade, tokens["Client"]) as client:
        uploaded = client.upload_buyer_icon(id="BUY-3931-5076", icon=icon)

    payload = uploaded.upload_buyer_icon
    assert payload.errors == []
    served = httpx.get(private_facade + payload.buyer.icon_url)
    assert served.content == PNG


def test_errors_surface_as_exceptions_with_their_codes(
    accounts_client: ModuleType, facade_url: str, tokens: dict[str, str]
) -> None:
    exceptions = importlib.import_module("accounts_client.exceptions")
    enums = importlib.import_module("accounts_client.enums")

    refused = exceptions.GraphQLClientGraphQLMultiError
    anonymous = _client(accounts_client, facade_url, None)
    client = _client(accounts_client, facade_url, tokens["Client"])

    with anonymous, pytest.raises(refused) as unauthenticated:
        anonymous.client_overview()
    # A page is at most 100 items.
    with client, pytest.raises(refused) as too_many:
        client.buyers_by_status(status=enums.BuyerStatus.ACTIVE, first=500)

    [error] = unauthenticated.value.errors
    assert error.extensions["code"] == "UNAUTHENTICATED"
    assert too_many.value.errors[0].extensions["code"] == "BAD_USER_INPUT"
