"""The servers a benchmark measures: the sandbox and the facade, each a separate
process on a loopback port, so the load generator never shares their GIL."""

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.sandbox.store import Store

CACHE = Path(tempfile.gettempdir()) / "accounts-graph-bench"
API = "/public/v1/accounts"
_SANDBOX_SOURCES = Path(create_sandbox_app.__code__.co_filename).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dataset_digest() -> str:
    """Hash the code that seeds and stores the dataset, to key the cached files."""
    digest = hashlib.sha256()
    for path in sorted(_SANDBOX_SOURCES.glob("*.py")):
        if path.name.startswith(("seed", "store", "bootstrap")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def seeded_file(scale: int) -> Path:
    """Return the cached SQLite file seeded at `scale`, building it once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"scale-{scale}-{_dataset_digest()}.sqlite3"
    if not path.exists():
        print(f"  seeding the sandbox at scale {scale} (cached in {CACHE}) …")
        building = path.with_suffix(".building")
        for leftover in CACHE.glob(building.name + "*"):
            leftover.unlink()
        app = create_sandbox_app(building, scale)
        app.state.sandbox.store.close()
        building.rename(path)
    return path


def demo_tokens_of(path: Path) -> dict[str, dict[str, str]]:
    """Role -> the demo token row (role, account, bearer) stored in a seeded file."""
    store = Store(path)
    try:
        return {t["role"]: t for t in demo_tokens(store)}
    finally:
        store.close()


@dataclass
class Server:
    """One server process and the URL it answers on."""

    name: str
    process: subprocess.Popen[bytes]
    url: str

    def rss(self) -> int:
        """Resident memory of the process and its workers, in bytes."""
        try:
            root = psutil.Process(self.process.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(
    name: str,
    args: list[str],
    url: str,
    probe: str,
    log: Path,
    runner: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Server:
    """Start `accounts-graph` with `args` (under `runner`, e.g. a profiler)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, *runner, "-m", "accounts_graph.cli", *args],
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, process, url)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log.read_text()[-2000:]}")
        try:
            httpx.get(url + probe, timeout=1)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"{name} did not start") from None
            time.sleep(0.05)


@contextmanager
def sandbox(scale: int, workdir: Path, options: Sequence[str] = ()) -> Iterator[Server]:
    """Run `accounts-graph sandbox` on a temporary copy of the seeded file.

    `options` are further command-line options, e.g. the faults to inject.
    """
    db = workdir / f"sandbox-{scale}.sqlite3"
    shutil.copyfile(seeded_file(scale), db)
    port = free_port()
    args = ["sandbox", "--port", str(port), "--db", str(db), "--scale", str(scale)]
    args += options
    server = _start(
        f"sandbox (scale {scale})",
        [*args, "--log-level", "WARNING"],
        f"http://127.0.0.1:{port}",
        API + "/modules",
        workdir / f"sandbox-{scale}.log",
    )
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def facade(
    upstream: str, workdir: Path, workers: int = 1, runner: tuple[str, ...] = ()
) -> Iterator[Server]:
    """Run `accounts-graph serve --upstream … --workers N`."""
    port = free_port()
    args = ["serve", "--upstream", upstream, "--port", str(port)]
    server = _start(
        f"facade ({workers} worker{'s' if workers > 1 else ''})",
        [*args, "--workers", str(workers), "--log-level", "WARNING"],
        f"http://127.0.0.1:{port}",
        "/healthz",
        workdir / f"facade-{workers}.log",
        runner,
        # The walk asks for 50 accounts with two levels of lists below: 42,051
        # objects by the cost budget's count, over the default budget.
        env={"ACCOUNTS_GRAPH_MAX_COST": "100000"},
    )
    try:
        if workers > 1:
            _wait_for_workers(server, workers)
        yield server
    finally:
        server.stop()


def _wait_for_workers(server: Server, workers: int) -> None:
    """Wait until uvicorn has spawned every worker (the warm-up then reaches them)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = psutil.Process(server.process.pid).children()
        spawned = [p for p in children if "spawn_main" in " ".join(p.cmdline())]
        if len(spawned) >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name}: workers did not start")
