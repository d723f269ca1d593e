"""Throughput: concurrent clients posting the nested walk to a facade process for a
fixed time, with the facade's memory watched from outside (psutil)."""

import asyncio
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from benchmarks.measure import percentile
from benchmarks.report import Section
from benchmarks.servers import Server, facade
from benchmarks.walk import WALK

CLIENTS = 32
MB = 1024 * 1024


@dataclass
class Load:
    """What one load run saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    def fail(self, reason: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or reason[:300]


async def _client(
    http: httpx.AsyncClient, payload: bytes, deadline: float, load: Load
) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await http.post("/graphql", content=payload)
            body = orjson.loads(response.content)
        except (httpx.HTTPError, orjson.JSONDecodeError) as error:
            load.fail(f"{type(error).__name__}: {error}")
            continue
        if response.status_code != 200 or body.get("errors"):
            load.fail(f"{response.status_code}: {response.text}")
            continue
        load.latencies.append(time.perf_counter() - started)


async def _load(http: httpx.AsyncClient, payload: bytes, seconds: float) -> Load:
    """Keep every client busy for `seconds`."""
    load = Load()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_client(http, payload, deadline, load) for _ in range(CLIENTS))
    )
    load.seconds = time.perf_counter() - started
    return load


async def _warm_then_run(
    server: Server, token: str, seconds: float, first: int
) -> tuple[int, int, Load]:
    """Warm up, then run; return RSS after warm-up, peak RSS, and the run.

    One client for both, so each worker keeps the connections it accepted
    during the warm-up: it then reaches the memory the run will need.
    """
    payload = orjson.dumps({"query": WALK, "variables": {"first": first}})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=server.url, headers=headers, limits=limits, timeout=60, trust_env=False
    ) as http:
        await _load(http, payload, max(5.0, seconds / 2))
        warm = server.rss()
        with PeakMemory(server) as memory:
            load = await _load(http, payload, seconds)
    return warm, memory.peak, load


class PeakMemory:
    """Samples a server's resident memory on a thread while a run goes on."""

    def __init__(self, server: Server, interval: float = 0.05) -> None:
        self.server = server
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def throughput(
    upstream: str,
    token: str,
    workdir: Path,
    *,
    workers: int,
    seconds: float,
    first: int = 50,
) -> dict[str, Any]:
    """Run the load against a fresh facade with `workers` processes."""
    with facade(upstream, workdir, workers) as server:
        warm, peak, load = asyncio.run(_warm_then_run(server, token, seconds, first))
        after = server.rss()
    done = len(load.latencies)
    return {
        "workers": workers,
        "clients": CLIENTS,
        "seconds": round(load.seconds, 2),
        "queries": done,
        "queries_per_second": done / load.seconds,
        "p50_ms": percentile(load.latencies, 0.5) * 1000,
        "p99_ms": percentile(load.latencies, 0.99) * 1000,
        "errors": load.errors,
        "first_error": load.first_error,
        "rss_after_warmup_mb": warm / MB,
        "rss_peak_mb": max(peak, after) / MB,
        "rss_after_run_mb": after / MB,
        "rss_growth": after / warm - 1,
    }


COLUMNS = ["facade", "q/s", "p50 ms", "p99 ms", "errors"]
COLUMNS += ["RSS warm MB", "peak MB", "after MB", "growth"]


def _row(label: str, run: dict[str, Any]) -> list[str]:
    return [
        label,
        f"{run['queries_per_second']:.1f}",
        f"{run['p50_ms']:.1f}",
        f"{run['p99_ms']:.1f}",
        str(run["errors"]),
        f"{run['rss_after_warmup_mb']:.1f}",
        f"{run['rss_peak_mb']:.1f}",
        f"{run['rss_after_run_mb']:.1f}",
        f"{run['rss_growth']:+.1%}",
    ]


def throughput_section(
    upstream: str, token: str, workdir: Path, seconds: float, first: int = 50
) -> Section:
    """Measure with one worker, then with two."""
    section = Section(
        f"throughput: {CLIENTS} concurrent clients, nested walk "
        f"(accounts(first: {first})), {seconds:g} s each",
        COLUMNS,
    )
    for workers in (1, 2):
        run = throughput(
            upstream, token, workdir, workers=workers, seconds=seconds, first=first
        )
        label = f"--workers {workers}"
        section.data[label] = run
        section.rows.append(_row(label, run))
        if run["first_error"]:
            section.notes.append(f"{label} first error: {run['first_error']}")
        errors, growth = run["errors"], run["rss_growth"]
        section.check(f"throughput errors ({label})", str(errors), "0", errors == 0)
        section.check(
            f"RSS after run vs warm ({label})",
            f"{growth:+.1%}",
            "within 10 %",
            abs(growth) <= 0.10,
        )
    section.notes.append(
        "RSS sums the service's processes (with 2 workers: supervisor and workers); "
        "the sandbox runs in its own process and is not counted"
    )
    return section
