"""Public icon reads: a redirect to the stored image, as the platform answers.

Objects seeded with an icon but no uploaded file get a generated initials badge,
so every `icon` the sandbox hands out can be fetched.
"""

from html import escape

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from accounts_graph.platform.resources import BY_COLLECTION
from accounts_graph.sandbox.context import PREFIX, sandbox_of
from accounts_graph.sandbox.problems import ApiProblem, not_found

ICON_COLLECTIONS = ("accounts", "buyers", "licensees", "sellers", "erp-links", "users")

# An icon is untrusted content: never sniffed into HTML, and an SVG may not run
# script or load anything.
ICON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "Cache-Control": "public, max-age=300",
}


def file_path(collection: str, object_id: str) -> str:
    return f"{PREFIX}/files/icons/{collection}/{object_id}"


def _with_icon(request: Request, collection: str) -> dict:
    resource = BY_COLLECTION[collection]
    object_id = request.path_params["id"]
    doc = sandbox_of(request).store.get(resource, object_id)
    if doc is None or not doc.get("icon"):
        raise not_found("Icon of", object_id)
    return doc


def icon_redirect(collection: str):  # type: ignore[no-untyped-def]
    def handler(request: Request) -> Response:
        doc = _with_icon(request, collection)
        return RedirectResponse(file_path(collection, doc["id"]), status_code=307)

    return handler


def icon_file(request: Request) -> Response:
    collection = request.path_params["collection"]
    if collection not in ICON_COLLECTIONS:
        raise ApiProblem(404, f"No icons are kept for '{collection}'.")
    doc = _with_icon(request, collection)
    stored = sandbox_of(request).store.get_icon(collection, doc["id"])
    if stored is None:
        content_type, data = "image/svg+xml", badge(str(doc.get("name") or doc["id"]))
    else:
        content_type, data = stored
    return Response(data, media_type=content_type, headers=ICON_HEADERS)


def badge(name: str) -> bytes:
    """Draw a 64 by 64 badge with the initials of a name."""
    initials = "".join(word[0] for word in name.split()[:2] if word).upper() or "?"
    hue = sum(map(ord, name)) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" '
        'viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="12" fill="hsl({hue},55%,45%)"/>'
        '<text x="32" y="41" font-family="sans-serif" font-size="24" '
        f'text-anchor="middle" fill="#fff">{escape(initials)}</text></svg>'
    ).encode()


def routes() -> list[Route]:
    return [
        *(
            Route(f"/{collection}/{{id}}/icon", icon_redirect(collection))
            for collection in ICON_COLLECTIONS
        ),
        Route("/files/icons/{collection}/{id}", icon_file),
    ]
