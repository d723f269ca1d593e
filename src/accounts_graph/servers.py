"""The uvicorn servers a command runs: bound sockets, signals, ordered shutdown.

`accounts-graph serve` runs the facade and, without an upstream, the embedded
sandbox in one process. On SIGTERM or SIGINT the servers stop one after the
other: the facade first, letting the requests in flight finish (they still reach
the sandbox), then the sandbox. The process then exits 0. A second signal
cancels whatever is still running.
"""

import asyncio
import logging
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn

from accounts_graph.settings import Settings

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


BACKLOG = 2048


def bound_socket(host: str, port: int) -> socket.socket:
    """Bind and listen on `host:port` (0: any free port), inheritable by workers."""
    # IPPROTO_TCP, not the default 0: asyncio turns Nagle's algorithm off only on
    # connections whose protocol says TCP, and they inherit it from this socket.
    # With Nagle on, a keep-alive answer written in two parts (head, body) waits
    # for the client's delayed ACK: about 40 ms a request.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        # A busy port is an everyday mistake: one line, not a traceback.
        raise SystemExit(
            f"accounts-graph: cannot listen on {host}:{port}: {error.strerror}"
        ) from error
    # uvicorn's own backlog: a burst of clients (200 at once in the tests) must
    # queue, not overflow into refused or reset connections.
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Return the event loop uvicorn itself would pick: uvloop when installed."""
    # No log_config: the default one would replace our handlers on uvicorn's loggers.
    return uvicorn.Config(app="", log_config=None).get_loop_factory()


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """Return the options every uvicorn server of ours shares."""
    return {
        "log_level": settings.log_level.lower(),
        # Our AccessLog replaces uvicorn's: its lines carry full URLs.
        "access_log": False,
        "log_config": None,
        "timeout_graceful_shutdown": settings.shutdown_timeout,
    }


class Server(uvicorn.Server):
    """A uvicorn server whose stop signals `run_servers` handles."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn's own handling suits one server per process: with two, only the
        # last one started would see the signal, and each raises it again once
        # stopped, so the process would end killed by it instead of exiting 0.
        yield


def build_server(app: object, settings: Settings) -> Server:
    """Create a server for `app` with our logging and shutdown settings."""
    return Server(uvicorn.Config(app, **uvicorn_options(settings)))  # type: ignore[arg-type]


async def run_servers(servers: list[tuple[Server, socket.socket]]) -> None:
    """Serve until SIGTERM or SIGINT, then stop the servers in the order given.

    Each server finishes the requests it has in flight (up to its graceful
    shutdown timeout) before the next one is told to stop.

    Raises:
        SystemExit: a server stopped by itself (its application failed to start).
    """
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def on_signal() -> None:
        if stopping.is_set():
            logger.warning("Second stop signal: cancelling requests in flight")
            for server, _ in servers:
                server.force_exit = True
        stopping.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal)
    tasks = [
        asyncio.create_task(server.serve(sockets=[sock])) for server, sock in servers
    ]
    stop = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait([stop, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for (server, _), task in zip(servers, tasks, strict=True):
            server.should_exit = True
            await task
    finally:
        stop.cancel()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
    if not stopping.is_set():
        raise SystemExit("accounts-graph: a server stopped unexpectedly; see above")
