"""Graceful shutdown: on SIGTERM, requests in flight finish, then the process exits 0.

The slow request is a slow upload, as curl sends a large one: the headers ask
`Expect: 100-continue`, the service answers `100 Continue` once it reads the
body (so the request is in its hands), and the body follows only after the
service has received SIGTERM and says it is waiting for that connection. The
body's GraphQL operation then still reaches the embedded sandbox, which stops
only after the facade.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

BIN = Path(sys.executable).parent
QUERY = json.dumps({"query": "{ viewer { role } accounts { totalCount } }"}).encode()
DRAINING = "Waiting for connections to close"
SANDBOX = [str(BIN / "accounts-graph"), "sandbox"]


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTS_GRAPH_")}


def _wait_for(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@contextmanager
def _serving(tmp: Path, *flags: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `accounts-graph serve` on a fresh file; yield it and its URL."""
    port = free_port()
    log = tmp / "serve.log"
    env = _clean_env()
    command = [str(BIN / "accounts-graph"), "serve", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--db", str(tmp / "db.sqlite3"), *flags],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(url + "/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _wait_for(healthy, "serve to start")
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _client_token(log: Path) -> str:
    [token] = re.findall(r"Client\s+ACC-\S+\s+(\S+)", log.read_text())
    return token


def _start_upload(url: str, token: str) -> socket.socket:
    """Send a GraphQL request's head; return once the service asks for its body."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = (
        "POST /graphql HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(QUERY)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    )
    sock.sendall(head.encode())
    interim = b""
    while not interim.endswith(b"\r\n\r\n"):
        interim += sock.recv(1)
    assert interim.startswith(b"HTTP/1.1 100 Continue"), interim
    return sock


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head)[1])  # type: ignore[index]
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, body
        body += chunk
    return int(head.split()[1]), body


@pytest.mark.parametrize("flags", [(), ("--workers", "2")], ids=["one", "workers"])
def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    log = tmp_path / "serve.log"
    with _serving(tmp_path, *flags) as (process, url):
        upload = _start_upload(url, _client_token(log))

        process.send_signal(signal.SIGTERM)
        _wait_for(lambda: DRAINING in log.read_text(), "the server to drain")
        upload.sendall(QUERY)
        status, body = _read_response(upload)
        upload.close()

        assert status == 200
        answer = json.loads(body)
        assert "errors" not in answer
        assert answer["data"]["viewer"]["role"] == "CLIENT"
        assert process.wait(timeout=60) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/healthz")


def test_shutdown_timeout_cancels_a_request_that_never_ends(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with _serving(tmp_path, "--shutdown-timeout", "0.5") as (process, url):
        upload = _start_upload(url, _client_token(log))

        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=60) == 0
        # uvicorn answers a cancelled request 500 and closes the connection.
        assert _read_response(upload)[0] == 500
        assert upload.recv(1) == b""
        upload.close()
    assert "timeout graceful shutdown exceeded" in log.read_text()


def test_sandbox_command_exits_0_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*SANDBOX, "--port", str(port), "--db", str(tmp_path / "db.sqlite3")],
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/public/v1/accounts/openapi.json"

        def answering() -> bool:
            assert process.poll() is None
            try:
                return httpx.get(url, timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        _wait_for(answering, "the sandbox to start")
        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
