"""One log line per request the sandbox answers: method, path, status and
duration, on a record carrying the caller's request id (the facade sends its own
as `X-Request-Id`), which the log format shows as every line's.

Never the query string or the headers: filters hold people's names and e-mail
addresses, headers hold tokens.
"""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts_graph.telemetry.request_id import well_formed

logger = logging.getLogger("accounts_graph.sandbox.access")


class AccessLog:
    """ASGI middleware writing the line at `level`: INFO when the sandbox runs
    alone, DEBUG when it is embedded in `serve`, whose own line per request is
    the one an operator reads."""

    def __init__(self, app: ASGIApp, level: int) -> None:
        self.app = app
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(self.level):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # A request whose answer never started (the client left, or the app
        # raised) is logged as 500, what the server would have answered.
        status = 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.log(
                self.level,
                "%s %s -> %d in %.1f ms",
                scope["method"],
                scope["path"],
                status,
                duration_ms,
                # The JSON format writes these as fields of their own.
                extra={
                    "request_id": _request_id(scope),
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )


def _request_id(scope: Scope) -> str:
    """The caller's id when the facade would keep it; `-` for anything else,
    which could carry a line break into the log."""
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            received = value.decode("latin-1")
            return received if well_formed(received) else "-"
    return "-"
