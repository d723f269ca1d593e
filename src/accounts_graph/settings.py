"""Configuration: one table of settings, read from flags and the environment.

`Settings` is that table. Each field declares its type (the annotation), its
default and its help with `setting()`; `Settings.from_env`, the flags of the
commands (`add_flags`) and the README's table (`markdown_table`) are generated
from it, so a new setting is one field here. Flags win over `ACCOUNTS_GRAPH_*`
variables, variables over defaults.
"""

import argparse
import os
import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints, overload

ENV_PREFIX = "ACCOUNTS_GRAPH_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
# prometheus-client reads this variable itself, when it is first imported.
METRICS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
COMMANDS = ("serve", "sandbox", "tokens")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_KIND_NAMES = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "boolean",
    Path: "path",
    tuple: "names",
}

T = TypeVar("T")


class SettingError(ValueError):
    """A setting's value is not valid; the message names where it came from."""


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "accounts-graph" / "sandbox.sqlite3"


@dataclass(frozen=True)
class Spec:
    """What the table says of one setting besides its name, type and default."""

    help: str
    # Command → its flag for this setting.
    flags: Mapping[str, str]
    # How the README and `--help` show the default, where the value says too little.
    shown_default: str | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    # Command → the default that command uses instead of the table's.
    command_defaults: Mapping[str, object] = field(default_factory=dict)
    # The variable, where a standard one is read instead of ACCOUNTS_GRAPH_<NAME>.
    variable: str | None = None
    # Reads the value from the whole environment, for a setting that follows
    # another standard's variables (OpenTelemetry's); such a setting has no flag.
    reader: Callable[[Mapping[str, str]], object] | None = None
    # How the README names the variables a `reader` reads.
    shown_variable: str | None = None


@overload
def setting(
    default: T,
    help: str,
    *,
    commands: tuple[str, ...] = ("serve",),
    flags: Mapping[str, str] | None = None,
    shown_default: str | None = None,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    command_defaults: Mapping[str, object] | None = None,
    variable: str | None = None,
    reader: Callable[[Mapping[str, str]], object] | None = None,
    shown_variable: str | None = None,
) -> T: ...


@overload
def setting(
    default: None = None,
    help: str = "",
    *,
    factory: Callable[[], T],
    commands: tuple[str, ...] = ("serve",),
    flags: Mapping[str, str] | None = None,
    shown_default: str | None = None,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    command_defaults: Mapping[str, object] | None = None,
    variable: str | None = None,
    reader: Callable[[Mapping[str, str]], object] | None = None,
    shown_variable: str | None = None,
) -> T: ...


def setting(
    default: Any = None,
    help: str = "",
    *,
    factory: Callable[[], Any] | None = None,
    commands: tuple[str, ...] = ("serve",),
    flags: Mapping[str, str] | None = None,
    shown_default: str | None = None,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    command_defaults: Mapping[str, object] | None = None,
    variable: str | None = None,
    reader: Callable[[Mapping[str, str]], object] | None = None,
    shown_variable: str | None = None,
) -> Any:
    """Declare one row of the table: a field of `Settings` with its `Spec`.

    Args:
        default: the value when neither a flag nor a variable gives one.
        help: one line for `--help` and the README.
        factory: computes the default instead, when it depends on the machine.
        commands: the commands that take it as a flag (`--<name-with-dashes>`).
        flags: command → flag, where a command spells it otherwise.
        variable: a standard variable read instead of `ACCOUNTS_GRAPH_<NAME>`.
        reader: reads the value from the environment instead (no flag then).
    """
    spec = Spec(
        help=help,
        flags=dict(flags or {}),
        shown_default=shown_default,
        choices=choices,
        minimum=minimum,
        maximum=maximum,
        command_defaults=dict(command_defaults or {}),
        variable=variable,
        reader=reader,
        shown_variable=shown_variable,
    )
    metadata = {"setting": spec, "commands": commands}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


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


@dataclass(frozen=True)
class Row:
    """One setting as the table's readers see it."""

    name: str
    kind: type
    optional: bool
    default: object
    spec: Spec
    commands: tuple[str, ...]

    @property
    def variable(self) -> str:
        return self.spec.variable or ENV_PREFIX + self.name.upper()

    def flag(self, command: str) -> str:
        return self.spec.flags.get(command, "--" + self.name.replace("_", "-"))

    def parse(self, raw: str, source: str) -> object:
        """Turn the text of a variable or flag into a valid value.

        Raises:
            SettingError: the text is not a value of this setting.
        """
        text = raw.strip()
        if self.optional and not text:
            return None
        value: object
        if self.kind is bool:
            if text.lower() not in _TRUE + _FALSE:
                raise SettingError(f"{source}: expected true or false, got {raw!r}")
            value = text.lower() in _TRUE
        elif self.kind in (int, float):
            try:
                value = self.kind(text)
            except ValueError:
                expected = "an integer" if self.kind is int else "a number"
                raise SettingError(
                    f"{source}: expected {expected}, got {raw!r}"
                ) from None
        else:
            value = self.kind(text)
        return self.check(value, source)

    def check(self, value: object, source: str) -> object:
        """Return `value` if the table allows it (a choice in the table's spelling).

        Raises:
            SettingError: it is out of range or not one of the choices.
        """
        spec = self.spec
        if value is None and self.optional:
            return value
        if spec.choices:
            canonical = {choice.lower(): choice for choice in spec.choices}
            if str(value).lower() not in canonical:
                raise SettingError(
                    f"{source}: expected one of {', '.join(spec.choices)},"
                    f" got {value!r}"
                )
            value = canonical[str(value).lower()]
        if isinstance(value, int | float) and not isinstance(value, bool):
            if spec.minimum is not None and value < spec.minimum:
                raise SettingError(f"{source}: must be at least {spec.minimum:g}")
            if spec.maximum is not None and value > spec.maximum:
                raise SettingError(f"{source}: must be at most {spec.maximum:g}")
        return value

    def to_text(self, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def shown_default(self, command: str | None = None) -> str:
        if command is not None and command in self.spec.command_defaults:
            return f"`{self.to_text(self.spec.command_defaults[command])}`"
        if self.spec.shown_default is not None:
            return self.spec.shown_default
        return f"`{self.to_text(self.default)}`"


@cache
def rows() -> tuple[Row, ...]:
    """Return the table's rows in the order `Settings` declares them."""
    hints = get_type_hints(Settings)
    found = []
    for item in fields(Settings):
        kind, optional = _unwrap_optional(hints[item.name])
        default = (
            item.default_factory()
            if item.default is MISSING and item.default_factory is not MISSING
            else item.default
        )
        found.append(
            Row(
                name=item.name,
                kind=kind,
                optional=optional,
                default=default,
                spec=item.metadata["setting"],
                commands=item.metadata["commands"],
            )
        )
    return tuple(found)


def _unwrap_optional(hint: Any) -> tuple[type, bool]:
    if get_origin(hint) in (Union, types.UnionType):
        kinds = [k for k in get_args(hint) if k is not type(None)]
        return kinds[0], True
    return get_origin(hint) or hint, False


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """Name the `ACCOUNTS_GRAPH_*` variables that are no setting (typos, mostly)."""
    env = os.environ if environ is None else environ
    known = {row.variable for row in rows()}
    return sorted(k for k in env if k.startswith(ENV_PREFIX) and k not in known)


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Add a flag to `parser` for every setting `command` takes.

    A flag left out is absent from the parsed arguments (not `None`), so the
    variable or the default applies.
    """
    for row in rows():
        if command not in row.commands:
            continue
        text = (
            f"{row.spec.help} (env {row.variable};"
            f" default {row.shown_default(command)})"
        ).replace("%", "%%")
        if row.kind is bool:
            parser.add_argument(
                row.flag(command),
                dest=row.name,
                action=argparse.BooleanOptionalAction,
                default=argparse.SUPPRESS,
                help=text,
            )
            continue
        parser.add_argument(
            row.flag(command),
            dest=row.name,
            type=_flag_parser(row, command),
            default=argparse.SUPPRESS,
            metavar=_metavar(row),
            help=text,
        )


def _flag_parser(row: Row, command: str) -> Callable[[str], object]:
    def parse(raw: str) -> object:
        try:
            return row.parse(raw, row.flag(command))
        except SettingError as error:
            # argparse shows this message after "argument --flag:".
            raise argparse.ArgumentTypeError(
                str(error).removeprefix(row.flag(command) + ": ")
            ) from error

    return parse


def _metavar(row: Row) -> str:
    return {float: "SECONDS", Path: "FILE"}.get(
        row.kind, row.name.split("_")[-1].upper()
    )


def markdown_table() -> str:
    """Render the table as the README's: one row per setting."""
    lines = [
        "| variable | flag | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for row in rows():
        variable = row.spec.shown_variable or f"`{row.variable}`"
        lines.append(
            f"| {variable} | {_flags_cell(row)} | {_kind_cell(row)} "
            f"| {row.shown_default()} | {row.spec.help} |"
        )
    return "\n".join(lines)


def _kind_cell(row: Row) -> str:
    if row.spec.choices:
        return "one of " + ", ".join(f"`{choice}`" for choice in row.spec.choices)
    return _KIND_NAMES[row.kind]


def _flags_cell(row: Row) -> str:
    if not row.commands:
        return "—"
    spelled = {command: f"`{row.flag(command)}`" for command in row.commands}
    if row.kind is bool:
        spelled = {c: f"{f}, `--no-{f[3:]}" for c, f in spelled.items()}
    if len(set(spelled.values())) == 1:
        [flag] = set(spelled.values())
        return f"{flag} ({', '.join(spelled)})"
    return ", ".join(f"{flag} ({command})" for command, flag in spelled.items())
