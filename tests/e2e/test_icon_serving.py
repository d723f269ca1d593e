"""Icons are untrusted content served from our origins: never sniffed, never
scripted (an SVG runs nothing under the CSP), and only images leave the facade."""

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts_graph.app import create_app
from tests.conftest import API, GraphQLClient
from tests.servers import running


def assert_untrusted_content_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = [p.strip() for p in response.headers["content-security-policy"].split(";")]
    # No script source at all, and a sandbox: an SVG opened as a page runs nothing.
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert not any(p.startswith("script-src") for p in policy)


@pytest.fixture(scope="module")
def icon_url(gql: GraphQLClient, tokens: dict[str, str]) -> str:
    """The facade's URL of a seeded buyer's icon (a generated SVG badge)."""
    body = gql("{ buyers(first: 50) { nodes { iconUrl } } }", tokens["Operations"])
    urls = [n["iconUrl"] for n in body["data"]["buyers"]["nodes"] if n["iconUrl"]]
    return str(urls[0])


def test_the_facade_serves_an_svg_icon_that_cannot_script(
    gql: GraphQLClient, icon_url: str
) -> None:
    response = gql.http.get(icon_url)

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert_untrusted_content_headers(response)


def test_the_sandbox_serves_icons_with_the_same_headers(
    sandbox_url: str, icon_url: str
) -> None:
    collection, object_id = icon_url.split("/")[-2:]

    redirect = httpx.get(f"{sandbox_url}{API}/{collection}/{object_id}/icon")
    response = httpx.get(httpx.URL(sandbox_url).join(redirect.headers["location"]))

    assert redirect.status_code == 307
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert_untrusted_content_headers(response)


def _stand_in(content_type: str, body: bytes) -> Starlette:
    """An upstream that answers every icon read with this content: a platform
    misbehaving in a way the sandbox never does."""

    async def icon(request: Request) -> Response:
        return Response(body, media_type=content_type)

    return Starlette(routes=[Route(API + "/{collection}/{id}/icon", icon)])


@pytest.fixture(scope="module")
def html_upstream() -> Iterator[str]:
    page = b"<html><script>alert(document.cookie)</script></html>"
    with running(_stand_in("text/html", page)) as url:
        yield url


def test_the_facade_serves_nothing_but_images_from_its_origin(
    html_upstream: str,
) -> None:
    with running(create_app(html_upstream)) as url:
        response = httpx.get(url + "/icons/buyers/BUY-1234-5678")

    assert response.status_code == 502
    assert b"script" not in response.content


@pytest.mark.parametrize(
    "content_type", ["image/png", "image/svg+xml; charset=utf-8", "IMAGE/GIF"]
)
def test_the_facade_passes_image_types_through(content_type: str) -> None:
    with (
        running(_stand_in(content_type, b"\x89PNG")) as upstream,
        running(create_app(upstream)) as url,
    ):
        response = httpx.get(url + "/icons/buyers/BUY-1234-5678")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        content_type.split(";")[0].lower()
    )
    assert_untrusted_content_headers(response)
