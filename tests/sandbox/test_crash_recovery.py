"""A sandbox process killed mid-load keeps every write it acknowledged.

`accounts-graph sandbox --db …` runs as a real subprocess; writers create and
rename user groups over HTTP until it is killed with SIGKILL (no shutdown code
runs), then a new process on the same file must serve every acknowledged write.
"""

import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from tests.conftest import API, auth

WRITERS = 10
# Acknowledged writes to wait for before the kill: well inside the load.
KILL_AFTER = 150
_LISTENING = re.compile(r"at (http://[0-9.]+:[0-9]+)/public/v1/accounts")
_CLIENT_TOKEN = re.compile(r"Client\s+(ACC-[0-9-]+)\s+(\S+)")


@dataclass
class Sandbox:
    url: str
    client_token: str
    process: subprocess.Popen[str]


@contextmanager
def sandbox_process(db: Path) -> Iterator[Sandbox]:
    """Start `accounts-graph sandbox` on `db` at a free port; read its banner."""
    command = [sys.executable, "-m", "accounts_graph.cli", "sandbox"]
    process = subprocess.Popen(
        [*command, "--db", str(db), "--port", "0", "--log-level", "WARNING"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = ""
        while not (_LISTENING.search(banner) and _CLIENT_TOKEN.search(banner)):
            line = process.stdout.readline()
            assert line, f"the sandbox exited before listening:\n{banner}"
            banner += line
        listening, token = _LISTENING.search(banner), _CLIENT_TOKEN.search(banner)
        assert listening is not None and token is not None
        yield Sandbox(listening.group(1) + API, token.group(2), process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


@dataclass
class Writer:
    """What one writer was told: the groups it created and the names its group
    got, acknowledged; and the rename in flight when the server died, which may
    or may not have been committed."""

    group: str
    created: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    in_flight: str | None = None


def _write_until_killed(
    url: str, headers: dict[str, str], writer: Writer, acked: threading.Semaphore
) -> Writer:
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        for step in range(100_000):
            name = f"{writer.group} rename {step}"
            try:
                if step % 2:
                    writer.in_flight = None
                    answer = http.post(
                        "/user-groups", json={"name": f"Crash {step}", "modules": []}
                    )
                    assert answer.status_code == 201, answer.text
                    writer.created.append(answer.json()["id"])
                else:
                    writer.in_flight = name
                    path = f"/user-groups/{writer.group}"
                    answer = http.put(path, json={"name": name})
                    assert answer.status_code == 200, answer.text
                    writer.names.append(name)
                    writer.in_flight = None
            except httpx.TransportError:
                return writer
            acked.release()
    return writer


def test_killed_sandbox_restarts_with_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    db = tmp_path / "crash.sqlite3"
    with sandbox_process(db) as first:
        headers = auth(first.client_token)
        with httpx.Client(base_url=first.url, headers=headers, timeout=30) as http:
            writers = [
                Writer(
                    http.post("/user-groups", json={"name": f"W{i}"}).json()["id"],
                    names=[f"W{i}"],
                )
                for i in range(WRITERS)
            ]
        acked = threading.Semaphore(0)
        with ThreadPoolExecutor(WRITERS) as pool:
            running = [
                pool.submit(_write_until_killed, first.url, headers, w, acked)
                for w in writers
            ]
            for _ in range(KILL_AFTER):
                assert acked.acquire(timeout=60), "the writers stalled"
            first.process.send_signal(signal.SIGKILL)
            done = [future.result(timeout=60) for future in running]
        assert first.process.wait(timeout=30) == -signal.SIGKILL

    with sandbox_process(db) as second:
        http = httpx.Client(base_url=second.url, headers=headers, timeout=30)
        with http:
            created = [i for w in done for i in w.created]
            missing = [i for i in created if http.get(f"/user-groups/{i}").is_error]
            names = {w.group: http.get(f"/user-groups/{w.group}").json() for w in done}

    assert sum(len(w.created) + len(w.names) - 1 for w in done) >= KILL_AFTER
    assert missing == []
    for writer in done:
        # A rename in flight at the kill may have committed unacknowledged.
        assert names[writer.group]["name"] in {writer.names[-1], writer.in_flight}
