"""Configuration: one table of settings, read from flags and the environment.

`Settings` is that table. Each field declares its type (the annotation), its
default and its help with `setting()`; `Settings.from_env`, the flags of the
commands (`add_flags`) and the README's table (`markdown_table`) are generated
from it, so a new setting is one field here. Flags win over `ACCOUNTS_GRAPH_*`
variables, variables over defaults.
"""

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from accounts_graph import settings_table
from accounts_graph.settings_table import ENV_PREFIX, Row, SettingError, setting

__all__ = ["ENV_PREFIX", "Row", "SettingError", "Settings", "setting"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
# prometheus-client reads this variable itself, when it is first imported.
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
COMMANDS = ("serve", "sandbox", "tokens")
# The platform's own page limit: a connection page is one upstream page.
PLATFORM_PAGE_LIMIT = 100


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "accounts-graph" / "sandbox.sqlite3"


_OTLP_EXPORTERS = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}


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


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with a safe default."""

    host: str = setting("127.0.0.1", "address the GraphQL API listens on")
    port: int = setting(
        8000, "port the GraphQL API listens on", minimum=0, maximum=65535
    )
    upstream_url: str | None = setting(
        None,
        "base URL of a real Accounts API, e.g. `https://api.platform.softwareone.com`;"
        " unset, the embedded sandbox runs in-process and is used",
        flags={"serve": "--upstream"},
        shown_default="embedded sandbox",
    )
    upstream_connect_timeout: float = setting(
        3.0, "seconds to connect to the upstream", minimum=0.001
    )
    upstream_read_timeout: float = setting(
        10.0,
        "seconds to wait for each read of an answer; a read that times out is not"
        " retried",
        minimum=0.001,
    )
    upstream_timeout: float = setting(
        20.0,
        "seconds for one upstream request in all, retries and waits included",
        minimum=0.001,
    )
    upstream_attempts: int = setting(
        3, "tries of one upstream read (GET); writes are sent once", minimum=1
    )
    upstream_backoff: float = setting(
        0.1,
        "bound of the first jittered wait between tries, in seconds; doubles each"
        " try, at most 2 s",
        minimum=0,
    )
    jwks_url: str | None = setting(
        None,
        "verify user tokens (JWTs) against this JSON Web Key Set",
        shown_default="the embedded sandbox's, else none",
    )
    jwt_key: str | None = setting(
        None,
        "or against this key: a PEM public key, or else a shared HMAC secret",
        shown_default="none",
        secret=True,
    )
    jwt_audience: str | None = setting(
        None, "when verifying: the `aud` a token must carry", shown_default="none"
    )
    jwt_issuer: str | None = setting(
        None, "when verifying: the `iss` a token must carry", shown_default="none"
    )
    readiness_timeout: float = setting(
        2.0,
        "seconds `/readyz` waits for the upstream to answer before reporting 503",
        minimum=0.001,
    )
    identity_ttl: float = setting(
        60.0,
        "seconds the identity behind an API token (`viewer`) stays cached",
        minimum=0,
    )
    graphiql: bool | None = setting(
        None,
        "serve GraphiQL at `/graphql` to browsers",
        shown_default="`true`; `false` in production",
    )
    production: bool = setting(
        False,
        "no introspection, no name suggestions in errors, GraphiQL only if asked",
    )
    max_depth: int = setting(
        12, "fields nested in one another in one operation", minimum=1
    )
    max_aliases: int = setting(30, "aliases in one operation", minimum=1)
    max_tokens: int = setting(5000, "tokens in one GraphQL document", minimum=1)
    max_page_size: int = setting(
        PLATFORM_PAGE_LIMIT,
        "`first` / `last` of a connection; may only be lowered (one page is one"
        " upstream page)",
        minimum=1,
        maximum=PLATFORM_PAGE_LIMIT,
    )
    max_cost: int = setting(
        25_000,
        "objects one operation's lists may return, page sizes multiplied down the"
        " tree (see [Security](#security))",
        minimum=1,
    )
    max_body_bytes: int = setting(
        1024 * 1024, "bytes of one request body (JSON); larger is 413", minimum=1
    )
    max_upload_bytes: int = setting(
        512 * 1024, "bytes of one uploaded file; larger is 413", minimum=1
    )
    graphql_get: bool = setting(True, "accept queries (never mutations) over GET")
    csrf_prevention: bool = setting(
        True,
        "refuse cookie-less simple requests (GET, multipart) without a preflight"
        " header",
    )
    workers: int = setting(
        1,
        "facade processes behind one port; the embedded sandbox still runs once",
        minimum=1,
    )
    shutdown_timeout: float = setting(
        30.0,
        "seconds a stopping server lets requests in flight finish before it"
        " cancels them",
        commands=("serve", "sandbox"),
        minimum=0,
    )
    log_level: str = setting(
        "INFO",
        "one line per request at INFO, upstream calls at DEBUG; never tokens",
        commands=("serve", "sandbox"),
        choices=LOG_LEVELS,
    )
    log_format: str = setting(
        "text",
        "`text` for people, `json` (one object a line) for log shippers",
        commands=("serve", "sandbox"),
        choices=LOG_FORMATS,
    )
    metrics: bool = setting(True, "serve Prometheus metrics at `/metrics`")
    metrics_dir: Path | None = setting(
        None,
        "where the workers share their metric values (see"
        " [Observability](#observability))",
        variable=METRICS_DIR_VARIABLE,
        shown_default="none; a temporary directory with `--workers`",
    )
    traces_exporters: tuple[str, ...] = setting(
        (),
        "trace exporters, chosen by the standard OpenTelemetry variables (see"
        " [Observability](#observability))",
        commands=(),
        reader=traces_exporters,
        shown_variable="`OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`,"
        " `OTEL_SERVICE_NAME`, …",
        shown_default="tracing off",
    )
    db_path: Path = setting(
        factory=default_db_path,
        help="the sandbox's SQLite file, kept across restarts",
        commands=COMMANDS,
        flags=dict.fromkeys(COMMANDS, "--db"),
        shown_default="`~/.local/share/accounts-graph/sandbox.sqlite3`",
    )
    scale: int = setting(
        1,
        "multiplies the sandbox's demo dataset (100 ≈ 100k objects) when a new"
        " file is seeded",
        commands=COMMANDS,
        minimum=1,
    )
    sandbox_host: str = setting(
        "127.0.0.1",
        "address the embedded Accounts API listens on",
        commands=("serve", "sandbox"),
        flags={"sandbox": "--host"},
    )
    sandbox_latency: float = setting(
        0.0,
        "the sandbox adds this many seconds to every API request",
        commands=("serve", "sandbox"),
        flags={"sandbox": "--latency"},
        minimum=0,
    )
    sandbox_error_rate: float = setting(
        0.0,
        "the sandbox answers this share of API requests with a random 500/502/503/504",
        commands=("serve", "sandbox"),
        flags={"sandbox": "--error-rate"},
        minimum=0,
        maximum=1,
    )
    sandbox_faults: str = setting(
        "",
        "fixed faults of the sandbox, `;`-separated rules (see"
        " [The embedded Accounts API](#the-embedded-accounts-api))",
        commands=("serve", "sandbox"),
        flags={"sandbox": "--faults"},
        shown_default="none",
    )
    sandbox_fault_seed: int | None = setting(
        None,
        "seed of the random faults, to repeat a run",
        commands=("serve", "sandbox"),
        flags={"sandbox": "--fault-seed"},
        shown_default="random",
    )
    sandbox_port: int = setting(
        0,
        "port of the embedded Accounts API; 0 picks a free one",
        commands=("serve", "sandbox"),
        flags={"sandbox": "--port"},
        shown_default="`0` (any free port); `8001` for `sandbox`",
        minimum=0,
        maximum=65535,
        command_defaults={"sandbox": 8001},
    )

    def __post_init__(self) -> None:
        for row in rows():
            object.__setattr__(
                self, row.name, row.check(getattr(self, row.name), row.name)
            )

    @property
    def serves_graphiql(self) -> bool:
        """Serve GraphiQL: when asked, else everywhere but in production."""
        return self.graphiql if self.graphiql is not None else not self.production

    @classmethod
    def from_env(
        cls,
        command: str | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> "Settings":
        """Build settings from `ACCOUNTS_GRAPH_*` variables, then `overrides`.

        `command` picks that command's own defaults (`sandbox` listens on 8001);
        an empty variable counts as unset; a `None` override is no override.

        Raises:
            SettingError: a variable's value is not valid; the message names it.
            ValueError: the OpenTelemetry variables ask for an unknown protocol.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for row in rows():
            if command is not None and command in row.spec.command_defaults:
                values[row.name] = row.spec.command_defaults[command]
            if row.spec.reader is not None:
                values[row.name] = row.spec.reader(env)
                continue
            raw = env.get(row.variable)
            if raw:
                values[row.name] = row.parse(raw, row.variable)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def export(self) -> None:
        """Write every setting to its variable; one that is None is unset.

        Worker processes started afterwards build the same settings from them
        with `Settings.from_env()`. Settings read from another standard's
        variables (`OTEL_*`) reach them as they are.
        """
        for row in rows():
            value = getattr(self, row.name)
            if row.spec.reader is not None:
                continue
            if value is None:
                os.environ.pop(row.variable, None)
            else:
                os.environ[row.variable] = row.to_text(value)


def rows() -> tuple[Row, ...]:
    """Return the table's rows in the order `Settings` declares them."""
    return settings_table.rows_of(Settings)


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Add a flag to `parser` for every setting `command` takes."""
    settings_table.add_flags(parser, command, rows())


def markdown_table() -> str:
    """Render the table as the README's: one row per setting."""
    return settings_table.markdown_table(rows())


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """Name the `ACCOUNTS_GRAPH_*` variables that are no setting (typos, mostly)."""
    return settings_table.unknown_variables(
        rows(), os.environ if environ is None else environ
    )
