"""What the HTTP surface refuses before any GraphQL work: bodies over their size
(413) and cross-site "simple" requests that a browser sends without a preflight.
"""

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A browser sends a cross-site request with one of these content types (or none)
# without asking the server first (CORS "simple" requests): a page on any site
# could make a visitor's browser send it.
SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)
# Any of these, non-empty, makes a browser ask first (Apollo's names, and the one
# proposed for GraphQL over HTTP and the multipart request spec): a page of
# another origin cannot set them without the server's consent.
PREFLIGHT_HEADERS = (
    "x-apollo-operation-name",
    "apollo-require-preflight",
    "graphql-require-preflight",
)
CSRF_REFUSAL = (
    "This request has been blocked as a possible cross-site request forgery: send "
    "it with a 'Content-Type' other than text/plain, "
    "application/x-www-form-urlencoded or multipart/form-data (e.g. "
    "application/json), or with a non-empty 'GraphQL-Require-Preflight' (or "
    "'Apollo-Require-Preflight') header. GET requests and file uploads need the "
    "header."
)


def media_type(content_type: str | None) -> str:
    """Return the media type of a Content-Type value, lower case, no parameters."""
    return (content_type or "").partition(";")[0].strip().lower()


def is_preflighted(headers: Mapping[str, str]) -> bool:
    """Tell whether a browser would have asked before sending this request."""
    content_type = media_type(headers.get("content-type"))
    if content_type and content_type not in SIMPLE_CONTENT_TYPES:
        return True
    return any(headers.get(name, "").strip() for name in PREFLIGHT_HEADERS)


def kib(size: int) -> str:
    return f"{size // 1024} KiB" if size % 1024 == 0 else f"{size} bytes"


class _TooLarge(Exception):
    """The body grew past its limit while the application was reading it."""


class BodyLimit:
    """Answer 413 to a request body over its limit, without reading the rest.

    A declared `Content-Length` over the limit is refused at once; a chunked body
    is counted as the application reads it. Multipart bodies (file uploads) have
    their own, larger limit.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, max_multipart: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_multipart = max_multipart

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v for k, v in scope.get("headers") or []}
        multipart = media_type(
            headers.get("content-type", b"").decode("latin-1")
        ).startswith("multipart/")
        limit = self.max_multipart if multipart else self.max_body
        what = "upload" if multipart else "request body"
        declared = headers.get("content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, what, limit)
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _TooLarge:
            if started:
                raise
            await _refuse(send, what, limit)


async def _refuse(send: Send, what: str, limit: int) -> None:
    body = f"The {what} is larger than {kib(limit)}.".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
