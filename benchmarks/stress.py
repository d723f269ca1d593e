"""Load under trouble: concurrent clients mix GraphQL queries and mutations
through the service for a fixed time, against a sandbox that answers a share of
its requests with injected 500/502/503/504s.

Wanted: no HTTP 500 from the service, no acknowledged write lost (every one is
read back at the end), and the service's memory flat after the warm-up.

    python -m benchmarks --only load            # 60 s, with the other scenarios
    python -m benchmarks.stress --seconds 60    # alone
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.measure import percentile
from benchmarks.report import Section, render
from benchmarks.servers import Server, demo_tokens_of, facade, sandbox, seeded_file
from benchmarks.stress_operations import (
    Client,
    Tally,
    create_owned,
    lost_writes,
    post,
    step,
)

CLIENTS = 50
ERROR_RATE = 0.05
MB = 1024 * 1024
# The service's memory may move this much between the warm-up and the end.
FLAT = 0.10


class MemoryTrace:
    """Samples the resident memory of servers on a thread, with timestamps."""

    def __init__(self, servers: dict[str, Server], interval: float = 0.5) -> None:
        self.servers = servers
        self.interval = interval
        self.samples: dict[str, list[tuple[float, int]]] = {n: [] for n in servers}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for name, server in self.servers.items():
                self.samples[name].append((now, server.rss()))
            self._stop.wait(self.interval)

    def __enter__(self) -> "MemoryTrace":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self, name: str, warm_at: float, end_at: float) -> dict[str, Any]:
        """RSS at the end of the warm-up and of the run, the peak after the
        warm-up, and the least-squares slope after it, in MB and MB/min."""
        after = [
            (t, rss / MB) for t, rss in self.samples[name] if warm_at <= t <= end_at
        ]
        before = [rss / MB for t, rss in self.samples[name] if t < warm_at]
        warm = before[-1] if before else after[0][1]
        times = [t for t, _ in after]
        sizes = [rss for _, rss in after]
        slope = (
            statistics.linear_regression(times, sizes).slope if len(times) > 2 else 0
        )
        start = self.samples[name][0][0]
        every = max(1, round(5 / self.interval))
        return {
            "series_mb": [
                (round(t - start), round(rss / MB, 1))
                for t, rss in self.samples[name][::every]
                if t <= end_at
            ],
            "warm_mb": warm,
            "end_mb": sizes[-1],
            "peak_mb": max(sizes),
            "growth": sizes[-1] / warm - 1,
            "slope_mb_per_min": slope * 60,
        }


async def _run_clients(
    url: str, clients: list[Client], seconds: float, tally: Tally
) -> None:
    limits = httpx.Limits(max_connections=len(clients))
    async with httpx.AsyncClient(
        base_url=url, limits=limits, timeout=60, trust_env=False
    ) as http:
        await asyncio.gather(*(create_owned(http, c) for c in clients))
        deadline = time.monotonic() + seconds

        async def run(client: Client) -> None:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                await step(http, client, tally)
                tally.latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(run(c) for c in clients))


async def _check(url: str, token: str, clients: list[Client]) -> tuple[int, list[str]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as http:
        # A first answer proves the service still serves after the run.
        await post(http, None, headers, "{ viewer { role } }")
        return await lost_writes(http, headers, clients)


def _clients(scale: int, count: int) -> tuple[list[Client], str]:
    """Half the clients act as the Client demo token, half as Operations, all in
    the Client demo account; return them and the Operations bearer."""
    tokens = demo_tokens_of(seeded_file(scale))
    account = tokens["Client"]["account"]
    clients = []
    for index in range(count):
        role = "Client" if index % 2 == 0 else "Operations"
        headers = {"Authorization": f"Bearer {tokens[role]['bearer']}"}
        clients.append(Client(index, headers, account, random.Random(index)))
    return clients, tokens["Operations"]["bearer"]


def stress(
    workdir: Path,
    *,
    seconds: float,
    clients: int = CLIENTS,
    error_rate: float = ERROR_RATE,
    scale: int = 1,
) -> dict[str, Any]:
    """Run the load once on fresh servers and return its figures."""
    team, operations = _clients(scale, clients)
    tally = Tally()
    faults = ["--error-rate", str(error_rate), "--fault-seed", "6"]
    warm_up = max(5.0, seconds * 0.2)
    with (
        sandbox(scale, workdir, faults) as upstream,
        facade(upstream.url, workdir) as service,
        MemoryTrace({"service": service, "sandbox": upstream}) as memory,
    ):
        started = time.monotonic()
        asyncio.run(_run_clients(service.url, team, seconds, tally))
        ended = time.monotonic()
        checked, lost = asyncio.run(_check(service.url, operations, team))
    elapsed = ended - started
    done = len(tally.latencies)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "error_rate": error_rate,
        "requests": done,
        "requests_per_second": done / elapsed,
        "p50_ms": percentile(tally.latencies, 0.5) * 1000,
        "p99_ms": percentile(tally.latencies, 0.99) * 1000,
        "statuses": dict(tally.statuses),
        "http_500": tally.statuses.get(500, 0),
        "codes": dict(tally.codes),
        "injected_seen": tally.injected_seen,
        "other_upstream": dict(tally.other_upstream.most_common(5)),
        "operations": dict(tally.operations),
        "acknowledged": dict(tally.acknowledged),
        "writes_checked": checked,
        "lost_writes": lost,
        "unexpected": tally.unexpected,
        "surprises": tally.surprises,
        "memory": {
            name: memory.summary(name, started + warm_up, ended)
            for name in ("service", "sandbox")
        },
        "warm_up_seconds": warm_up,
    }


def stress_section(run: dict[str, Any]) -> Section:
    """Tabulate one run and check the issue's targets."""
    section = Section(
        f"load: {run['clients']} clients, queries and mutations, "
        f"{run['error_rate']:.0%} injected upstream faults, {run['seconds']:g} s",
        ["process", "RSS warm MB", "end MB", "peak MB", "growth", "MB/min"],
    )
    for name, mem in run["memory"].items():
        section.rows.append(
            [
                name,
                f"{mem['warm_mb']:.1f}",
                f"{mem['end_mb']:.1f}",
                f"{mem['peak_mb']:.1f}",
                f"{mem['growth']:+.1%}",
                f"{mem['slope_mb_per_min']:+.2f}",
            ]
        )
    section.notes += [
        f"{run['requests']} requests, {run['requests_per_second']:.1f}/s, "
        f"p50 {run['p50_ms']:.0f} ms, p99 {run['p99_ms']:.0f} ms",
        f"HTTP statuses: {run['statuses']}",
        f"GraphQL error codes: {run['codes']}",
        f"errors carrying the sandbox's injected detail: {run['injected_seen']}",
        f"other upstream errors: {run['other_upstream']}",
        f"acknowledged writes: {run['acknowledged']}, read back: "
        f"{run['writes_checked']}",
        f"warm-up: the first {run['warm_up_seconds']:g} s of the run",
        "service RSS every 5 s (s, MB): "
        + " ".join(f"{t}:{mb:g}" for t, mb in run["memory"]["service"]["series_mb"]),
        *(f"unexpected: {text}" for text in run["surprises"]),
        *(f"LOST: {text}" for text in run["lost_writes"][:10]),
    ]
    section.data = run
    service = run["memory"]["service"]
    section.check(
        "HTTP 500 from the service", str(run["http_500"]), "0", not run["http_500"]
    )
    lost = len(run["lost_writes"])
    section.check("acknowledged writes lost", str(lost), "0", lost == 0)
    unexpected = run["unexpected"]
    section.check(
        "errors no injected fault explains",
        str(unexpected),
        "0",
        unexpected == 0,
    )
    section.check(
        "service RSS end vs warm-up",
        f"{service['growth']:+.1%}",
        f"within {FLAT:.0%}",
        abs(service["growth"]) <= FLAT,
    )
    return section


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.stress", description=__doc__
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--error-rate", type=float, default=ERROR_RATE)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="accounts-graph-stress-") as tmp:
        run = stress(
            Path(tmp),
            seconds=args.seconds,
            clients=args.clients,
            error_rate=args.error_rate,
            scale=args.scale,
        )
    section = stress_section(run)
    print(render([section], [f"python -m benchmarks.stress {' '.join(sys.argv[1:])}"]))
    if not all(check.met for check in section.checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
