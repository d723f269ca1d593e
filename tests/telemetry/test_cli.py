"""`accounts-graph serve` refuses telemetry settings it cannot honour, before it
starts anything, with a message that says what to change."""

import logging
from collections.abc import Iterator

import pytest

from accounts_graph.cli import main


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """`main` configures logging for the process; give the suite its own back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"ACCOUNTS_GRAPH_LOG_FORMAT": "xml"},
            "ACCOUNTS_GRAPH_LOG_FORMAT: expected one of text, json, got 'xml'",
        ),
        (
            {
                "OTEL_TRACES_EXPORTER": "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            },
            "Unsupported OTLP protocol 'http/json': use grpc or http/protobuf.",
        ),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            "The 'otlp_proto_grpc' trace exporter is not installed: "
            "install opentelemetry-exporter-otlp-proto-grpc.",
        ),
        (
            {"OTEL_TRACES_EXPORTER": "jaeger-by-pigeon"},
            "The 'jaeger-by-pigeon' trace exporter is not installed",
        ),
    ],
)
def test_serve_refuses_what_it_cannot_honour(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SystemExit) as exit:
        main(["serve", "--port", "1"])

    assert str(exit.value.code).startswith(f"accounts-graph: {message}")
