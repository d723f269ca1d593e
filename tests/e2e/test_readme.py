"""The README's commands and examples work as written."""

import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from accounts_graph.sandbox.seed import demo_tokens
from tests.servers import free_port, process_serving

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
BIN = Path(sys.executable).parent
# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`accounts-graph serve` as the README runs it, on a fresh file and port."""
    port = free_port()
    env = {
        **os.environ,
        "ACCOUNTS_GRAPH_PORT": str(port),
        "ACCOUNTS_GRAPH_DB_PATH": str(tmp_path_factory.mktemp("readme") / "db.sqlite3"),
    }
    url = f"http://127.0.0.1:{port}"
    output = tmp_path_factory.mktemp("readme-output") / "serve.log"
    argv = [str(BIN / "accounts-graph"), "serve"]
    with process_serving(argv, url, "/healthz", output, env=env, stdout_too=True):
        yield url


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _fenced("sh")[1].strip()

    ci = (ROOT / ".ci" / "run").read_text()

    assert test_command == "./scripts/test"
    assert test_command in ci.splitlines()


def test_readme_lists_the_demo_tokens() -> None:
    for token in demo_tokens():
        assert f"| {token.role} | {token.account_id} " in README
        assert f"`{token.bearer}`" in README


def test_serve_answers_graphiql_as_html(served: str) -> None:
    response = httpx.get(served + "/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_readme_example_query_returns_nested_data(served: str) -> None:
    query = _fenced("graphql")[0]
    token = next(t.bearer for t in demo_tokens() if t.role == "Client")

    body = httpx.post(
        served + "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()

    assert "errors" not in body
    assert body["data"]["viewer"]["role"] == "CLIENT"
    [account] = body["data"]["accounts"]["nodes"]
    assert account["users"] and account["users"][0]["user"]["email"]
    buyer = account["buyers"][0]
    assert buyer["erpLinks"][0]["seller"]["name"]
    assert buyer["licensees"]


@pytest.mark.parametrize("index", [1, 2])
def test_readme_example_mutations_succeed(served: str, index: int) -> None:
    mutation = _fenced("graphql")[index]
    token = next(t.bearer for t in demo_tokens() if t.role == "Client")

    body = httpx.post(
        served + "/graphql",
        json={"query": mutation},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()

    assert "errors" not in body
    [payload] = body["data"].values()
    assert payload["errors"] == []
    assert next(v for k, v in payload.items() if k != "errors")["id"]


def test_readme_icon_upload_with_curl(served: str, tmp_path: Path) -> None:
    [command] = [b for b in _fenced("sh") if "uploadBuyerIcon" in b]
    command = command.replace("http://127.0.0.1:8000", served)
    (tmp_path / "logo.png").write_bytes(PNG)

    answer = subprocess.run(
        ["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout

    payload = json.loads(answer)["data"]["uploadBuyerIcon"]
    assert payload["errors"] == []
    icon = httpx.get(served + payload["buyer"]["iconUrl"])
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/png"
    assert icon.content == PNG


def test_schema_file_equals_the_exported_schema() -> None:
    exported = subprocess.run(
        [str(BIN / "accounts-graph"), "export-schema"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert (ROOT / "schema.graphql").read_text() == exported
