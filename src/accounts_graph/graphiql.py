"""GraphiQL served from the package: its page and its files, no CDN.

The browser builds of React, GraphiQL and its explorer plugin are vendored
under `static/graphiql/` by `scripts/graphiql_assets.py`, which records them in
`manifest.json`; `static/graphiql/accounts-graph.*` start GraphiQL on the page.
The page loads them from `graphiql-assets/`, relative to `/graphql`, so it also
works behind a proxy that mounts the service under a path prefix.
"""

import base64
import hashlib
import html
import json
from functools import cache
from pathlib import Path
from string import Template

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
ASSETS = STATIC / "graphiql"
ASSETS_PATH = "/graphiql-assets"
# Ours, loaded after the vendored files: a stylesheet and the start script.
OWN_FILES = ("accounts-graph.css", "accounts-graph.js")
# Only what the page's own origin serves; fonts and icons come as data: URLs.
# GraphiQL sets inline styles (React style attributes), hence 'unsafe-inline'
# for styles, never for scripts.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def asset_files() -> list[str]:
    """Return the files the page loads, relative to the assets folder, in order."""
    manifest = json.loads((ASSETS / "manifest.json").read_text())
    vendored = [
        file["path"] for package in manifest["packages"] for file in package["files"]
    ]
    return [*vendored, *OWN_FILES]


def _integrity(name: str) -> str:
    digest = hashlib.sha384((ASSETS / name).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


@cache
def page() -> str:
    """Render the GraphiQL page: every file by relative URL, with its SRI hash."""
    stylesheets, scripts = [], []
    for name in asset_files():
        url = html.escape(f"{ASSETS_PATH.lstrip('/')}/{name}")
        integrity = _integrity(name)
        if name.endswith(".css"):
            stylesheets.append(
                f'    <link rel="stylesheet" href="{url}" integrity="{integrity}" />'
            )
        else:
            scripts.append(f'    <script src="{url}" integrity="{integrity}"></script>')
    template = Template((STATIC / "graphiql.html").read_text())
    return template.substitute(
        stylesheets="\n".join(stylesheets), scripts="\n".join(scripts)
    )


def page_response() -> HTMLResponse:
    """Answer a browser's GET of `/graphql` with the GraphiQL page."""
    return HTMLResponse(page(), headers=PAGE_HEADERS)


def assets_route() -> Mount:
    """Serve the page's files (and their licences) under `/graphiql-assets/`."""
    return Mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="graphiql-assets")
