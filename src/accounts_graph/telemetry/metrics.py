"""Prometheus metrics of one facade: GraphQL operations, upstream requests,
loader batches and requests in flight, served as text on `/metrics`.

With `serve --workers N` the workers share one listening socket, so a scrape
reaches one worker at random and could not be told apart from the others:
counters would jump back and forth. Each worker therefore writes its values to
files in a shared directory (prometheus-client's multiprocess mode, switched on
by `PROMETHEUS_MULTIPROC_DIR`), and whichever worker answers a scrape adds up
all of them. One process per container, scraped one by one, needs none of it.
"""

import threading
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

PREFIX = "accounts_graph"
# Batches hold up to a page (100 keys) per chunk, and a wide query more.
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
# Operation names are the clients' choice: past this many distinct names a
# process counts the rest as "other", so a client sending random names cannot
# grow the scrape without bound.
MAX_OPERATION_NAMES = 200
OTHER = "other"


class Metrics:
    """The facade's metric families, in their own registry (or, in multiprocess
    mode, in the shared directory)."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, multiprocess_dir: Path | None = None) -> None:
        """Create the families.

        Raises:
            RuntimeError: `multiprocess_dir` is given but prometheus-client was
                imported before `PROMETHEUS_MULTIPROC_DIR` was set, so it keeps
                values in memory where other workers cannot see them.
        """
        if multiprocess_dir is not None and values.ValueClass is values.MutexValue:
            raise RuntimeError(
                "Set PROMETHEUS_MULTIPROC_DIR before the process starts "
                "to share metrics between workers."
            )
        self.multiprocess_dir = multiprocess_dir
        # Multiprocess values live in files; a registry would only collect this
        # process's view of them twice.
        self.registry = CollectorRegistry() if multiprocess_dir is None else None
        self._names: set[str] = set()
        self._names_lock = threading.Lock()
        self.operations = Histogram(
            f"{PREFIX}_graphql_operation_duration_seconds",
            "GraphQL operations by name, type and outcome (ok or the error code).",
            ["operation", "type", "outcome"],
            registry=self.registry,
        )
        self.upstream = Histogram(
            f"{PREFIX}_upstream_request_duration_seconds",
            "Requests to the Accounts API by endpoint template, method and status "
            "(the HTTP status, or timeout / unreachable).",
            ["endpoint", "method", "status"],
            registry=self.registry,
        )
        self.batches = Histogram(
            f"{PREFIX}_loader_batch_size",
            "Keys per DataLoader batch, by resource and the key it loads by.",
            ["resource", "key"],
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            f"{PREFIX}_requests_in_progress",
            "HTTP requests being served (scrapes and health checks excluded).",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def operation_label(self, name: str) -> str:
        """Return `name` while fewer than `MAX_OPERATION_NAMES` are in use."""
        if name in self._names:
            return name
        with self._names_lock:
            if len(self._names) >= MAX_OPERATION_NAMES:
                return OTHER
            self._names.add(name)
        return name

    def observe_operation(
        self, name: str, kind: str, outcome: str, seconds: float
    ) -> None:
        """Count one GraphQL operation and its duration."""
        label = self.operation_label(name)
        self.operations.labels(label, kind, outcome).observe(seconds)

    def render(self) -> bytes:
        """Return the exposition text of every family (all workers' together)."""
        if self.registry is not None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self.multiprocess_dir))
        return generate_latest(registry)

    def close(self, pid: int) -> None:
        """Drop this process's live gauges from the shared directory on exit."""
        if self.multiprocess_dir is not None:
            multiprocess.mark_process_dead(pid, path=str(self.multiprocess_dir))


def prepare_multiprocess_dir(path: Path) -> None:
    """Create `path` and remove the value files a previous run left in it.

    prometheus-client requires the directory to be wiped between runs: stale
    files would add the old run's counts to the new one's.
    """
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
