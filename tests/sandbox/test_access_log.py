"""`accounts-graph sandbox` logs one line per request: the caller's request id,
method, path, status and duration; never the query string or a header. Run as a
real process, its output read from its stderr."""

import json
from pathlib import Path

import httpx
from tests.servers import cli_process

from accounts_graph.sandbox.bootstrap import bootstrap, demo_tokens
from accounts_graph.sandbox.store import Store

API = "/public/v1/accounts"


def _serve_and_ask(
    tmp_path: Path, requests: list[tuple[str, dict[str, str]]], *options: str
) -> str:
    output = tmp_path / "sandbox.log"
    db = str(tmp_path / "sandbox.sqlite3")
    with cli_process(
        "sandbox", "--db", db, *options, output=output, probe=API + "/modules"
    ) as base:
        for path, headers in requests:
            httpx.get(base + path, headers=headers)
    return output.read_text()


def _seeded(tmp_path: Path) -> str:
    """Seed the sandbox's file; return the Client's bearer token."""
    store = Store(tmp_path / "sandbox.sqlite3")
    bootstrap(store, 1)
    bearer = next(t["bearer"] for t in demo_tokens(store) if t["role"] == "Client")
    store.close()
    return bearer


def test_each_request_is_one_line_without_its_query_or_token(tmp_path: Path) -> None:
    bearer = _seeded(tmp_path)
    email = "ada.lovelace@example.com"
    asked = f"{API}/users?eq(email,'{email}')"

    stderr = _serve_and_ask(
        tmp_path,
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
    bearer = _seeded(tmp_path)
    headers = {"Authorization": f"Bearer {bearer}", "X-Request-Id": "req-7"}

    stderr = _serve_and_ask(
        tmp_path, [(f"{API}/buyers?limit=1", headers)], "--log-format", "json"
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
