"""Real servers on loopback for tests: uvicorn in a thread, started when ready."""

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from accounts_graph.servers import BACKLOG


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port; yield its base URL."""
    # IPPROTO_TCP explicitly: asyncio turns Nagle's algorithm off only on sockets
    # that say they are TCP, and accepted sockets inherit the listener's proto.
    # With Nagle on, every response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(BACKLOG)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def process_serving(
    argv: list[str],
    url: str,
    probe: str,
    output: Path,
    *,
    env: dict[str, str] | None = None,
    stdout_too: bool = False,
) -> Iterator[None]:
    """Run `argv` as a process of its own until `url + probe` answers; its
    stderr (and stdout with `stdout_too`) goes to `output`. Stopped on exit."""
    with output.open("w") as sink:
        process = subprocess.Popen(
            argv,
            env=env,
            stdout=sink if stdout_too else subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + probe, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(output.read_text()) from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def cli_process(command: str, *options: str, output: Path, probe: str) -> Iterator[str]:
    """Run `accounts-graph COMMAND --port P OPTIONS…` as a process of its own,
    its stderr written to `output`; yield its base URL once `probe` answers."""
    port = free_port()
    argv = [sys.executable, "-m", "accounts_graph.cli", command, "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with process_serving([*argv, *options], url, probe, output):
        yield url


@dataclass
class WireRecorder:
    """ASGI middleware that keeps each request's path and raw query string.

    The query is kept as sent, still percent-encoded, so tests see exactly what
    crossed the wire (a `%2B` and a `+` differ there).
    """

    app: ASGIApp
    seen: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append((scope["path"], scope["query_string"].decode()))
        await self.app(scope, receive, send)


Endpoint = Callable[[Request], Awaitable[Response]]
# The Operations token a canned Accounts API knows: `canned_accounts_api`.
CANNED_TOKEN = "idt:TKN-1111-2222:" + "x" * 32


def canned_accounts_api(accounts: Endpoint, buyers: Endpoint) -> Starlette:
    """An Accounts API with two lists answered as the test says (what the sandbox
    never answers), which knows `CANNED_TOKEN` as an Operations token."""

    async def token(request: Request) -> JSONResponse:
        account = {"id": "ACC-1111-0000", "type": "Operations", "name": "Ops"}
        return JSONResponse({"id": "TKN-1111-2222", "account": account})

    return Starlette(
        routes=[
            Route("/public/v1/accounts/accounts", accounts),
            Route("/public/v1/accounts/buyers", buyers),
            Route("/public/v1/accounts/api-tokens/{id}", token),
        ]
    )
