"""GraphiQL's page and its vendored files, as the service serves them."""

import base64
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from accounts_graph.app import create_app
from accounts_graph.graphiql import ASSETS, OWN_FILES
from tests.servers import running

ROOT = Path(__file__).resolve().parents[2]
REFRESH = ROOT / "scripts" / "graphiql_assets.py"
HTML = {"Accept": "text/html"}
MANIFEST = json.loads((ASSETS / "manifest.json").read_text())


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def _loaded(page: str) -> list[tuple[str, str]]:
    """(url, integrity) of every script and stylesheet the page loads."""
    return re.findall(r'(?:src|href)="([^"]+)" integrity="([^"]+)"', page)


def test_page_loads_only_files_of_the_service_each_with_its_hash(
    facade_url: str,
) -> None:
    response = httpx.get(facade_url + "/graphql", headers=HTML)

    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert "//" not in re.sub(r"<!--.*?-->", "", response.text.split("<body>")[0])
    loaded = _loaded(response.text)
    assert len(loaded) == 8
    for url, integrity in loaded:
        assert url.startswith("graphiql-assets/"), url
        asset = httpx.get(f"{facade_url}/{url}")
        assert asset.status_code == 200, url
        assert _sri(asset.content) == integrity
        kind = "text/css" if url.endswith(".css") else "javascript"
        assert kind in asset.headers["content-type"]


def test_vendored_files_are_those_the_manifest_records() -> None:
    recorded = {"manifest.json", *OWN_FILES}
    for package in MANIFEST["packages"]:
        recorded.add(package["licence_file"])
        recorded.update(filter(None, [package.get("bundled_licences")]))
        for file in package["files"]:
            recorded.add(file["path"])

            assert _sri((ASSETS / file["path"]).read_bytes()) == file["sri"]

    present = {str(p.relative_to(ASSETS)) for p in ASSETS.rglob("*") if p.is_file()}
    assert present == recorded


def test_each_vendored_package_is_mit_and_keeps_its_licence() -> None:
    for package in MANIFEST["packages"]:
        licence = (ASSETS / package["licence_file"]).read_text()

        assert package["license"] == "MIT"
        assert licence.startswith("MIT License")
        assert "Copyright" in licence


def test_graphiql_bundle_lists_the_licence_of_every_package_inside() -> None:
    [graphiql] = [p for p in MANIFEST["packages"] if p["name"] == "graphiql"]
    notices = (ASSETS / graphiql["bundled_licences"]).read_text()

    listed = re.findall(r"^(\S+) \S+ — (\S+)$", notices, re.M)
    assert [name for name, _ in listed] == graphiql["bundled"]
    assert "codemirror" in graphiql["bundled"]
    assert {licence for _, licence in listed} <= {
        "MIT",
        "ISC",
        "0BSD",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "Apache-2.0",
    }


def test_assets_cannot_reach_outside_their_folder(facade_url: str) -> None:
    for path in ("/graphiql-assets/../graphiql.py", "/graphiql-assets/%2e%2e/app.py"):
        response = httpx.get(facade_url + path)

        assert response.status_code == 404
        assert b"import" not in response.content


def test_assets_missing_answer_404(facade_url: str) -> None:
    response = httpx.get(facade_url + "/graphiql-assets/react/react.development.js")

    assert response.status_code == 404


@pytest.fixture(scope="module")
def without_graphiql(sandbox_url: str) -> Iterator[str]:
    with running(create_app(sandbox_url, graphiql=False)) as url:
        yield url


def test_disabled_graphiql_serves_neither_page_nor_files(without_graphiql: str) -> None:
    page = httpx.get(without_graphiql + "/graphql", headers=HTML)
    asset = httpx.get(without_graphiql + "/graphiql-assets/accounts-graph.js")

    assert "graphiql" not in page.text.lower()
    assert asset.status_code == 404


def test_refresh_script_reproduces_the_vendored_files(tmp_path: Path) -> None:
    # Real npm: the script packs the pinned versions from the registry.
    subprocess.run(
        [sys.executable, str(REFRESH), "--into", str(tmp_path)],
        check=True,
        capture_output=True,
        # A stalled registry fails this test, not the whole CI run.
        timeout=300,
    )

    fresh = json.loads((tmp_path / "manifest.json").read_text())
    assert fresh == MANIFEST
    for package in fresh["packages"]:
        for name in [package["licence_file"], *(f["path"] for f in package["files"])]:
            assert (tmp_path / name).read_bytes() == (ASSETS / name).read_bytes()
    # The notices list the licences of the versions npm resolves today: the
    # packages named are fixed by the bundle, their versions may move on.
    names = re.compile(r"^(\S+) \S+ — ", re.M)
    notices = "graphiql/THIRD-PARTY-LICENSES.txt"
    assert names.findall((tmp_path / notices).read_text()) == names.findall(
        (ASSETS / notices).read_text()
    )
