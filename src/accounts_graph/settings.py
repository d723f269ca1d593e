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
    upstream_timeout: float = setting(
        10.0, "seconds one upstream request may take", minimum=0.001
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
    graphiql: bool = setting(True, "serve GraphiQL at `/graphql` to browsers")
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
