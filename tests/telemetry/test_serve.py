"""`accounts-graph serve --workers 2` configured the way a deployment would be:
JSON logs, metrics shared by the workers (PROMETHEUS_MULTIPROC_DIR) and traces
sent to an OTLP endpoint named by the standard variables — here a receiver in
the test that decodes what arrives."""

import gzip
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import auth
from tests.servers import free_port, running
from tests.telemetry.conftest import sample_value

BIN = Path(sys.executable).parent
OPERATIONS = "accounts_graph_graphql_operation_duration_seconds_count"
SERVICE = "accounts-graph-under-test"


@dataclass(frozen=True)
class ExportedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    parent_id: str


class OtlpReceiver:
    """The OTLP/HTTP traces endpoint of a collector, keeping what it decodes."""

    def __init__(self) -> None:
        self.spans: list[ExportedSpan] = []
        self.app = Starlette(
            routes=[Route("/v1/traces", self.receive, methods=["POST"])]
        )

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        if request.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        export = ExportTraceServiceRequest.FromString(body)
        for resource_spans in export.resource_spans:
            attributes = {
                a.key: a.value.string_value for a in resource_spans.resource.attributes
            }
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(
                        ExportedSpan(
                            attributes.get("service.name", ""),
                            span.name,
                            span.trace_id.hex(),
                            span.span_id.hex(),
                            span.parent_span_id.hex(),
                        )
                    )
        return Response(
            ExportTraceServiceResponse().SerializeToString(),
            media_type="application/x-protobuf",
        )


@dataclass(frozen=True)
class Served:
    url: str
    token: str
    stderr: Path
    metrics_dir: Path
    receiver: OtlpReceiver


def _wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    home = tmp_path_factory.mktemp("serve")
    receiver = OtlpReceiver()
    port = free_port()
    with running(receiver.app) as collector:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith("ACCOUNTS_GRAPH_")
            },
            "PROMETHEUS_MULTIPROC_DIR": str(home / "metrics"),
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
            "OTEL_SERVICE_NAME": SERVICE,
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        }
        command = [
            str(BIN / "accounts-graph"),
            "serve",
            "--workers",
            "2",
            "--log-format",
            "json",
            "--port",
            str(port),
            "--db",
            str(home / "db"),
        ]
        with (home / "out").open("w") as out, (home / "err").open("w") as err:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(lambda: _healthy(url, process, home), "serve --workers 2")
            [token] = re.findall(
                r"Client\s+ACC-\S+\s+(\S+)", (home / "out").read_text()
            )
            yield Served(url, token, home / "err", home / "metrics", receiver)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _healthy(url: str, process: subprocess.Popen[bytes], home: Path) -> bool:
    assert process.poll() is None, (home / "err").read_text()
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _query(served: Served, query: str, **headers: str) -> httpx.Response:
    # A new connection each time, so that both workers get some of them.
    response = httpx.post(
        served.url + "/graphql",
        json={"query": query},
        headers={**auth(served.token), **headers},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response


def _workers_with_values(metrics_dir: Path) -> set[str]:
    return {p.stem.rsplit("_", 1)[1] for p in metrics_dir.glob("histogram_*.db")}


def test_any_worker_answers_the_scrape_for_all_of_them(served: Served) -> None:
    sent = 0
    while len(_workers_with_values(served.metrics_dir)) < 2 and sent < 200:
        _query(served, "query Counted { viewer { role } }")
        sent += 1

    scrapes = [httpx.get(served.url + "/metrics").text for _ in range(6)]

    assert len(_workers_with_values(served.metrics_dir)) == 2
    counted = {"operation": "Counted", "type": "query", "outcome": "ok"}
    assert [sample_value(s, OPERATIONS, **counted) for s in scrapes] == [sent] * 6


def test_logs_are_json_lines_with_the_request_id(served: Served) -> None:
    _query(served, "query Logged { viewer { role } }", **{"X-Request-Id": "json-log-1"})

    lines = [json.loads(line) for line in served.stderr.read_text().splitlines()]

    mine = [line for line in lines if line["request_id"] == "json-log-1"]
    [access] = [line for line in mine if line["logger"] == "accounts_graph.access"]
    assert access["status"] == 200 and access["path"] == "/graphql"
    assert access["message"].startswith("request id=json-log-1 POST /graphql")
    assert isinstance(access["upstream_requests"], int)
    assert any("operation=Logged" in line["message"] for line in mine)
    assert len({line["pid"] for line in lines}) >= 2
    assert served.token.rsplit(":", 1)[-1] not in served.stderr.read_text()


def test_spans_reach_the_otlp_endpoint(served: Served) -> None:
    _query(served, "query Traced { accounts(first: 2) { nodes { id buyers { id } } } }")

    def operation() -> ExportedSpan | None:
        found = [s for s in served.receiver.spans if s.name == "query Traced"]
        return found[0] if found else None

    _wait_for(lambda: operation() is not None, "the operation's span")
    traced = operation()
    assert traced is not None
    # The request's span ends last, and a worker exports its spans in order.
    _wait_for(
        lambda: any(
            s.trace_id == traced.trace_id and s.name == "POST /graphql"
            for s in served.receiver.spans
        ),
        "the whole trace",
    )
    trace = {
        s.span_id: s for s in served.receiver.spans if s.trace_id == traced.trace_id
    }
    assert {s.service for s in trace.values()} == {SERVICE}
    assert trace[traced.parent_id].name == "POST /graphql"
    names = sorted(s.name for s in trace.values())
    assert "load buyer by account" in names
    assert "GET /public/v1/accounts/accounts" in names
    assert "GET /public/v1/accounts/buyers" in names
    # Every span but the request's hangs from another span of the trace.
    roots = [s for s in trace.values() if s.parent_id not in trace]
    assert [s.name for s in roots] == ["POST /graphql"]
