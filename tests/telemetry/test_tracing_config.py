"""Which exporters the standard `OTEL_*` variables turn on, and the provider
built from them."""

import pytest
from opentelemetry.sdk.resources import SERVICE_NAME

from accounts_graph.settings import Settings, traces_exporters
from accounts_graph.telemetry.tracing import SERVICE, build_tracer_provider


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ()),
        ({"OTEL_TRACES_EXPORTER": "none"}, ()),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, ("otlp_proto_http",)),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"},
            ("otlp_proto_http",),
        ),
        (
            {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"},
            ("otlp_proto_http",),
        ),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
            ("otlp_proto_grpc",),
        ),
        (
            {
                "OTEL_TRACES_EXPORTER": "otlp",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
            },
            ("otlp_proto_http",),
        ),
        ({"OTEL_TRACES_EXPORTER": "console, otlp"}, ("console", "otlp_proto_http")),
        (
            {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"},
            (),
        ),
    ],
)
def test_exporters_from_the_standard_variables(
    env: dict[str, str], expected: tuple[str, ...]
) -> None:
    assert traces_exporters(env) == expected


def test_unknown_otlp_protocol_is_refused() -> None:
    env = {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "carrier-pigeon",
    }

    with pytest.raises(ValueError, match="Unsupported OTLP protocol 'carrier-pigeon'"):
        traces_exporters(env)


def test_settings_read_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")

    assert Settings.from_env().traces_exporters == ("otlp_proto_http",)


def test_no_exporter_no_provider() -> None:
    assert build_tracer_provider(()) is None


def test_missing_exporter_package_is_named() -> None:
    with pytest.raises(RuntimeError, match="opentelemetry-exporter-otlp-proto-grpc"):
        build_tracer_provider(("otlp_proto_grpc",))


def test_service_name_defaults_to_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)

    provider = build_tracer_provider(("otlp_proto_http",))

    assert provider is not None
    assert provider.resource.attributes[SERVICE_NAME] == SERVICE
    provider.shutdown()


def test_service_name_from_otel_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "accounts-graph-eu")

    provider = build_tracer_provider(("otlp_proto_http",))

    assert provider is not None
    assert provider.resource.attributes[SERVICE_NAME] == "accounts-graph-eu"
    provider.shutdown()
