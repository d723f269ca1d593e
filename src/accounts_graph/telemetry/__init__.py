"""Telemetry of the facade: Prometheus metrics, OpenTelemetry traces, request
ids and log output.

The middleware makes one app's `Telemetry` current for each request it serves;
the points that record (GraphQL operations, loader batches, upstream requests)
find it there, so they need no plumbing and record nothing outside a request.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from opentelemetry.trace import Tracer

from accounts_graph.telemetry.metrics import Metrics


@dataclass(frozen=True)
class Telemetry:
    """Where one app records: its metrics (None when off) and its tracer (None
    unless tracing is configured)."""

    metrics: Metrics | None
    tracer: Tracer | None


_current: ContextVar[Telemetry | None] = ContextVar(
    "accounts_graph_telemetry", default=None
)


def current_telemetry() -> Telemetry | None:
    """Return the telemetry of the app serving the current request."""
    return _current.get()


@contextmanager
def recording_to(telemetry: Telemetry) -> Iterator[None]:
    """Make `telemetry` current for the duration of the block."""
    token = _current.set(telemetry)
    try:
        yield
    finally:
        _current.reset(token)
