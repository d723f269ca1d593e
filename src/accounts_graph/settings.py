"""Configuration: one frozen object, read once from flags and the environment."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "ACCOUNTS_GRAPH_"
# prometheus-client reads this variable itself, when it is first imported.
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# The platform's own page limit: a connection page is one upstream page.
PLATFORM_PAGE_LIMIT = 100
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "accounts-graph" / "sandbox.sqlite3"


def _flag(name: str, raw: str) -> bool:
    """Read a boolean variable; a value that is neither fails at start-up."""
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError(f"{ENV_PREFIX}{name.upper()} must be true or false, not {raw!r}.")


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
    # None: GraphiQL is served unless in production mode.
    graphiql: bool | None = None
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
    # Introspection off, no "Did you mean" hints, GraphiQL off unless asked.
    production: bool = False
    # Bounds on one operation, checked before any upstream request.
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = PLATFORM_PAGE_LIMIT
    max_cost: int = 25_000
    # Bounds on one HTTP request.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 512 * 1024
    graphql_get: bool = True
    csrf_prevention: bool = True

    def __post_init__(self) -> None:
        for name in _FACADE_LIMITS:
            if _KINDS[name] is int and getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1.")
        if self.max_page_size > PLATFORM_PAGE_LIMIT:
            raise ValueError(
                f"max_page_size may not exceed the platform's page limit "
                f"({PLATFORM_PAGE_LIMIT}): a connection page is one upstream page."
            )

    @property
    def serves_graphiql(self) -> bool:
        """Serve GraphiQL: when asked, else everywhere but in production."""
        return self.graphiql if self.graphiql is not None else not self.production

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Build settings from `ACCOUNTS_GRAPH_*` variables, then `overrides`.

        Raises:
            ValueError: a variable does not hold a value of its setting's kind,
                or a limit is out of range.
        """
        env = os.environ
        values: dict[str, object] = {}
        for name, kind in _KINDS.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw:
                values[name] = _flag(name, raw) if kind is bool else kind(raw)
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
        exported = {
            ENV_PREFIX + "UPSTREAM_URL": self.upstream_url or "",
            ENV_PREFIX + "LOG_LEVEL": self.log_level,
            ENV_PREFIX + "LOG_FORMAT": self.log_format,
            ENV_PREFIX + "METRICS": "true" if self.metrics else "false",
        }
        if self.graphiql is not None:
            exported[ENV_PREFIX + "GRAPHIQL"] = "true" if self.graphiql else "false"
        for name in _UPSTREAM:
            value = getattr(self, name)
            exported[ENV_PREFIX + name.upper()] = "" if value is None else str(value)
        for name in _FACADE_LIMITS:
            value = getattr(self, name)
            text = ("true" if value else "false") if isinstance(value, bool) else value
            exported[ENV_PREFIX + name.upper()] = str(text)
        os.environ.update(exported)
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


# Settings read from `ACCOUNTS_GRAPH_<NAME>`, and how.
_KINDS: dict[str, type] = {
    "host": str,
    "port": int,
    "upstream_url": str,
    "db_path": Path,
    "scale": int,
    "sandbox_host": str,
    "sandbox_port": int,
    "upstream_connect_timeout": float,
    "upstream_read_timeout": float,
    "upstream_timeout": float,
    "upstream_attempts": int,
    "upstream_backoff": float,
    "jwks_url": str,
    "jwt_key": str,
    "jwt_audience": str,
    "jwt_issuer": str,
    "sandbox_latency": float,
    "sandbox_error_rate": float,
    "sandbox_faults": str,
    "sandbox_fault_seed": int,
    "log_level": str,
    "graphiql": bool,
    "workers": int,
    "log_format": str,
    "metrics": bool,
    "production": bool,
    "max_depth": int,
    "max_aliases": int,
    "max_tokens": int,
    "max_page_size": int,
    "max_cost": int,
    "max_body_bytes": int,
    "max_upload_bytes": int,
    "graphql_get": bool,
    "csrf_prevention": bool,
}
# What worker processes must see to build the same facade: how it talks to the
# upstream, and its limits.
_UPSTREAM = (
    "upstream_connect_timeout",
    "upstream_read_timeout",
    "upstream_timeout",
    "upstream_attempts",
    "upstream_backoff",
    "jwks_url",
    "jwt_key",
    "jwt_audience",
    "jwt_issuer",
)
_FACADE_LIMITS = (
    "production",
    "max_depth",
    "max_aliases",
    "max_tokens",
    "max_page_size",
    "max_cost",
    "max_body_bytes",
    "max_upload_bytes",
    "graphql_get",
    "csrf_prevention",
)
