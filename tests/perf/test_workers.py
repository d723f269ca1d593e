"""`accounts-graph serve --workers N`: several facade processes behind one port,
the embedded sandbox started once, in the parent, and reached by every worker."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from accounts_graph.app import app_from_env
from tests.servers import free_port

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, int, Path]]:
    """`serve --workers 2` on a fresh file; yields its URL, pid and output file."""
    port = free_port()
    log = tmp_path_factory.mktemp("workers") / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTS_GRAPH_")}
    command = [str(BIN / "accounts-graph"), "serve", "--workers", "2"]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--db", str(log.parent / "db.sqlite3")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve --workers did not start"
            time.sleep(0.1)
        yield url, process.pid, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def _started(log: Path, what: str) -> list[int]:
    found = re.findall(rf"Started {what} process \[(\d+)\]", log.read_text())
    return [int(pid) for pid in found]


def test_workers_answer_from_the_one_embedded_sandbox(
    served: tuple[str, int, Path],
) -> None:
    url, pid, log = served
    [token] = re.findall(r"Client\s+ACC-\S+\s+(\S+)", log.read_text())

    answers = [
        httpx.post(
            url + "/graphql",
            json={"query": "{ viewer { role } accounts { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        for _ in range(10)
    ]

    assert all(a["data"] == answers[0]["data"] for a in answers)
    assert answers[0]["data"]["viewer"]["role"] == "CLIENT"
    deadline = time.monotonic() + 20
    while len(_started(log, "server")) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    # uvicorn logs each server it starts: the sandbox's, in the parent process,
    # then one per worker; the workers are other processes.
    sandbox, *workers = _started(log, "server")
    assert _started(log, "parent") == [pid] == [sandbox]
    assert len(set(workers)) == 2 and pid not in workers
    assert log.read_text().count("upstream Accounts API: ") == 1


def test_app_from_env_needs_an_upstream_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCOUNTS_GRAPH_UPSTREAM_URL", raising=False)

    with pytest.raises(RuntimeError, match="ACCOUNTS_GRAPH_UPSTREAM_URL"):
        app_from_env()
