"""`accounts-graph sandbox` logs one line per request: the caller's request id,
method, path, status and duration; never the query string or a header. Run as a
real process, its output read from its stderr."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from accounts_graph.sandbox.bootstrap import bootstrap, demo_tokens
from accounts_graph.sandbox.store import Store

API = "/public/v1/accounts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_and_ask(
    db: Path, requests: list[tuple[str, dict[str, str]]], *options: str
) -> str:
    port = _free_port()
    command = ["sandbox", "--port", str(port), "--db", str(db), *options]
    process = subprocess.Popen(
        [sys.executable, "-m", "accounts_graph.cli", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + API + "/modules")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        for path, headers in requests:
            httpx.get(base + path, headers=headers)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    return stderr


def _seeded(db: Path) -> str:
    """Seed the sandbox's file; return the Client's bearer token."""
    store = Store(db)
    bootstrap(store, 1)
    bearer = next(t["bearer"] for t in demo_tokens(store) if t["role"] == "Client")
    store.close()
    return bearer


def test_each_request_is_one_line_without_its_query_or_token(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    bearer = _seeded(db)
    email = "ada.lovelace@example.com"
    asked = f"{API}/users?eq(email,'{email}')"

    stderr = _serve_and_ask(
        db,
        [
            (asked, {"Authorization": f"Bearer {bearer}", "X-Request-Id": "req-42"}),
            (f"{API}/buyers/BUY-0000-0000", {"Authorization": f"Bearer {bearer}"}),
            (f"{API}/buyers", {"X-Request-Id": "not an id"}),
        ],
    )

    lines = [line for line in stderr.splitlines() if "accounts_graph.sandbox" in line]
    assert [line.split(" [", 1)[1].rsplit(" in ", 1)[0] for line in lines[-3:]] == [
        f"req-42] GET {API}/users -> 200",
        f"-] GET {API}/buyers/BUY-0000-0000 -> 404",
        f"-] GET {API}/buyers -> 401",
    ]
    assert email not in stderr
    assert bearer.split(":")[-1] not in stderr


def test_in_json_each_part_of_the_line_is_a_field(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    bearer = _seeded(db)
    headers = {"Authorization": f"Bearer {bearer}", "X-Request-Id": "req-7"}

    stderr = _serve_and_ask(
        db, [(f"{API}/buyers?limit=1", headers)], "--log-format", "json"
    )

    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    [line] = [r for r in records if r.get("request_id") == "req-7"]
    assert line["logger"] == "accounts_graph.sandbox.access"
    assert (line["method"], line["path"], line["status"]) == (
        "GET",
        f"{API}/buyers",
        200,
    )
    assert isinstance(line["duration_ms"], float)
