"""Configuration: one frozen object, read once from flags and the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "ACCOUNTS_GRAPH_"
# prometheus-client reads this variable itself, when it is first imported.
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "accounts-graph" / "sandbox.sqlite3"


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with a safe default."""

    host: str = "127.0.0.1"
    port: int = 8000
    # None: run the embedded Accounts API in-process and use it.
    upstream_url: str | None = None
    db_path: Path = field(default_factory=default_db_path)
    scale: int = 1
    sandbox_host: str = "127.0.0.1"
    # 0: any free port (the embedded sandbox of `serve`).
    sandbox_port: int = 0
    # Seconds: to connect to the upstream, to wait for each read, and for one
    # upstream request in all (retries and waits included).
    upstream_connect_timeout: float = 3.0
    upstream_read_timeout: float = 10.0
    upstream_timeout: float = 20.0
    # Tries of one upstream read (writes get one), and the first backoff's bound.
    upstream_attempts: int = 3
    upstream_backoff: float = 0.1
    # Verify user tokens (JWTs) against a JWKS URL or a key (a PEM public key,
    # or an HMAC secret); without both, their claims only decide early refusals.
    # `serve` with the embedded sandbox uses the sandbox's JWKS.
    jwks_url: str | None = None
    jwt_key: str | None = field(default=None, repr=False)
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    # Faults the sandbox injects (see sandbox/faults.py): seconds added to each
    # request, the share answered with a random 5xx, `;`-separated rules.
    sandbox_latency: float = 0.0
    sandbox_error_rate: float = 0.0
    sandbox_faults: str = ""
    # A fixed seed repeats the random faults from run to run.
    sandbox_fault_seed: int | None = None
    log_level: str = "INFO"
    graphiql: bool = True
    # Facade processes behind one socket; the embedded sandbox still runs once.
    workers: int = 1
    # "text" (human-readable) or "json" (one object a line, for log shippers).
    log_format: str = "text"
    # Serve Prometheus metrics on /metrics.
    metrics: bool = True
    # Where the workers of `serve --workers N` share their metric values
    # (PROMETHEUS_MULTIPROC_DIR); None in one process, or a fresh temporary
    # directory for several workers.
    metrics_dir: Path | None = None
    # Trace exporters (entry point names) from the standard OTEL_* variables;
    # empty: tracing off.
    traces_exporters: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Build settings from `ACCOUNTS_GRAPH_*` variables, then `overrides`."""
        env = os.environ
        values: dict[str, object] = {}
        for name, kind in (
            ("host", str),
            ("port", int),
            ("upstream_url", str),
            ("db_path", Path),
            ("scale", int),
            ("sandbox_host", str),
            ("sandbox_port", int),
            ("upstream_connect_timeout", float),
            ("upstream_read_timeout", float),
            ("upstream_timeout", float),
            ("upstream_attempts", int),
            ("upstream_backoff", float),
            ("jwks_url", str),
            ("jwt_key", str),
            ("jwt_audience", str),
            ("jwt_issuer", str),
            ("sandbox_latency", float),
            ("sandbox_error_rate", float),
            ("sandbox_faults", str),
            ("sandbox_fault_seed", int),
            ("log_level", str),
            ("workers", int),
            ("log_format", str),
        ):
            raw = env.get(ENV_PREFIX + name.upper())
            if raw:
                values[name] = kind(raw)
        if ENV_PREFIX + "GRAPHIQL" in env:
            values["graphiql"] = env[ENV_PREFIX + "GRAPHIQL"].lower() in ("1", "true")
        if ENV_PREFIX + "METRICS" in env:
            values["metrics"] = env[ENV_PREFIX + "METRICS"].lower() in ("1", "true")
        if env.get(METRICS_DIR_VARIABLE):
            values["metrics_dir"] = Path(env[METRICS_DIR_VARIABLE])
        values["traces_exporters"] = traces_exporters(env)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]

    def export(self) -> None:
        """Write the facade's settings to `ACCOUNTS_GRAPH_*` variables.

        Worker processes started afterwards build the same facade from them with
        `Settings.from_env()`.
        """
        os.environ.update(
            {
                ENV_PREFIX + "UPSTREAM_URL": self.upstream_url or "",
                ENV_PREFIX + "UPSTREAM_CONNECT_TIMEOUT": str(
                    self.upstream_connect_timeout
                ),
                ENV_PREFIX + "UPSTREAM_READ_TIMEOUT": str(self.upstream_read_timeout),
                ENV_PREFIX + "UPSTREAM_TIMEOUT": str(self.upstream_timeout),
                ENV_PREFIX + "UPSTREAM_ATTEMPTS": str(self.upstream_attempts),
                ENV_PREFIX + "UPSTREAM_BACKOFF": str(self.upstream_backoff),
                ENV_PREFIX + "JWKS_URL": self.jwks_url or "",
                ENV_PREFIX + "JWT_KEY": self.jwt_key or "",
                ENV_PREFIX + "JWT_AUDIENCE": self.jwt_audience or "",
                ENV_PREFIX + "JWT_ISSUER": self.jwt_issuer or "",
                ENV_PREFIX + "LOG_LEVEL": self.log_level,
                ENV_PREFIX + "GRAPHIQL": "true" if self.graphiql else "false",
                ENV_PREFIX + "LOG_FORMAT": self.log_format,
                ENV_PREFIX + "METRICS": "true" if self.metrics else "false",
            }
        )
        if self.metrics_dir is not None:
            os.environ[METRICS_DIR_VARIABLE] = str(self.metrics_dir)


def traces_exporters(env: Mapping[str, str]) -> tuple[str, ...]:
    """Return the trace exporters the standard `OTEL_*` variables ask for.

    `OTEL_TRACES_EXPORTER` names them (`none` or unset: none, so tracing is off
    by default); an OTLP endpoint alone means `otlp`; `OTEL_SDK_DISABLED=true`
    turns tracing off. `otlp` becomes the exporter of the protocol in
    `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`, by default http/protobuf (the
    OpenTelemetry default; it needs no gRPC stack).

    Raises:
        ValueError: the OTLP protocol is not one of grpc, http/protobuf.
    """
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return ()
    names = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if not names and (
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        names = "otlp"
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    if chosen == ["none"]:
        return ()
    protocol = (
        env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()
    if "otlp" in chosen and protocol not in _OTLP_EXPORTERS:
        raise ValueError(
            f"Unsupported OTLP protocol {protocol!r}: use grpc or http/protobuf."
        )
    return tuple(
        _OTLP_EXPORTERS[protocol] if name == "otlp" else name for name in chosen
    )


_OTLP_EXPORTERS = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}
