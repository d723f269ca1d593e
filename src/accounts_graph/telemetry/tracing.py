"""OpenTelemetry tracing, off unless the standard `OTEL_*` variables ask for it.

`Settings` decides which exporters run (`OTEL_TRACES_EXPORTER`, or `otlp` when
only an OTLP endpoint is given); the SDK's own classes read the rest: the
service name and resource attributes, the sampler, the batch processor's
limits and the exporter's endpoint, headers and timeouts.
"""

from importlib.metadata import EntryPoint, entry_points

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

SERVICE = "accounts-graph"
INSTRUMENTATION = "accounts_graph"
_EXPORTERS_GROUP = "opentelemetry_traces_exporter"
_PACKAGES = {
    "otlp_proto_http": "opentelemetry-exporter-otlp-proto-http "
    "(pip install 'accounts-graph[otlp]')",
    "otlp_proto_grpc": "opentelemetry-exporter-otlp-proto-grpc",
    "zipkin": "opentelemetry-exporter-zipkin",
}


def require_exporters(exporters: tuple[str, ...]) -> None:
    """Check that every exporter in `exporters` is installed.

    Raises:
        RuntimeError: one is not, naming the package that provides it.
    """
    for name in exporters:
        _exporter_entry_point(name)


def build_tracer_provider(exporters: tuple[str, ...]) -> TracerProvider | None:
    """Return a provider exporting through `exporters` in batches; None when
    there are none (tracing off).

    Raises:
        RuntimeError: an exporter is not installed.
    """
    if not exporters:
        return None
    provider = TracerProvider(resource=_resource())
    for name in exporters:
        provider.add_span_processor(BatchSpanProcessor(_exporter(name)))
    return provider


def _resource() -> Resource:
    found = Resource.create()
    # Resource.create() names an unnamed service after the Python executable.
    if str(found.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        found = found.merge(Resource({SERVICE_NAME: SERVICE}))
    return found


def _exporter_entry_point(name: str) -> EntryPoint:
    matches = entry_points(group=_EXPORTERS_GROUP, name=name)
    if not matches:
        package = _PACKAGES.get(name, f"the package that provides {name!r}")
        raise RuntimeError(
            f"The {name!r} trace exporter is not installed: install {package}."
        )
    return next(iter(matches))


def _exporter(name: str) -> SpanExporter:
    exporter: SpanExporter = _exporter_entry_point(name).load()()
    return exporter
