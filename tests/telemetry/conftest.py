"""Fixtures for telemetry tests: the sandbox behind a recorder that keeps what
each upstream request carried, and facades built with telemetry options."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.servers import running


@dataclass(frozen=True)
class Received:
    """One request as the sandbox received it."""

    method: str
    path: str
    headers: dict[str, str]


class Recorder:
    """An ASGI wrapper of the sandbox that keeps every request it receives.

    The test reads the upstream's side of the wire: real HTTP arrived here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.received: list[Received] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {
                name.decode("latin-1"): value.decode("latin-1")
                for name, value in scope["headers"]
            }
            self.received.append(Received(scope["method"], scope["path"], headers))
        await self.app(scope, receive, send)

    def take(self) -> list[Received]:
        """Return the requests received so far and forget them."""
        taken, self.received = self.received, []
        return taken


@pytest.fixture(scope="session")
def recorder(sandbox_app: Any) -> Recorder:
    return Recorder(sandbox_app)


@pytest.fixture(scope="session")
def recorded_sandbox_url(recorder: Recorder) -> Iterator[str]:
    """The session's sandbox (same store), served again behind the recorder."""
    with running(recorder) as url:
        yield url


def sample_value(exposition: str, name: str, **labels: str) -> float:
    """Return the value of the sample `name{labels}` in a Prometheus scrape;
    0 when the series does not exist (a counter that never moved)."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def label_values(exposition: str, label: str) -> set[str]:
    """Return every value `label` takes in a scrape."""
    return {
        sample.labels[label]
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if label in sample.labels
    }
