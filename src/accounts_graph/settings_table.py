"""The machinery of the settings table: rows, their text, flags and README.

`setting()` declares one row as a dataclass field; `rows_of` reads them back
with their types, and the functions below turn rows into parsed and checked
values, `argparse` flags and a Markdown table. `settings.py` holds the table.
"""

import argparse
import math
import re
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints, overload

ENV_PREFIX = "ACCOUNTS_GRAPH_"
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
    secret: bool = False,
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
    secret: bool = False,
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
    secret: bool = False,
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
        secret: a key or password, left out of the settings' repr (and so logs).
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
        return field(default_factory=factory, metadata=metadata, repr=not secret)
    return field(default=default, metadata=metadata, repr=not secret)


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
            # nan passes every comparison below, and inf is no timeout at all.
            if not math.isfinite(value):
                raise SettingError(f"{source}: expected a finite number, got {value}")
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
def rows_of(table: type) -> tuple[Row, ...]:
    """Return the rows of a table dataclass, in the order it declares them."""
    hints = get_type_hints(table)
    found = []
    for item in fields(table):
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


def unknown_variables(rows: Sequence[Row], environ: Mapping[str, str]) -> list[str]:
    """Name the `ACCOUNTS_GRAPH_*` variables that are no setting (typos, mostly)."""
    known = {row.variable for row in rows}
    return sorted(k for k in environ if k.startswith(ENV_PREFIX) and k not in known)


def add_flags(
    parser: argparse.ArgumentParser, command: str, rows: Sequence[Row]
) -> None:
    """Add a flag to `parser` for every setting `command` takes.

    A flag left out is absent from the parsed arguments (not `None`), so the
    variable or the default applies.
    """
    for row in rows:
        if command not in row.commands:
            continue
        text = _plain(
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
    last = row.name.rsplit("_", 1)[-1].upper()
    if row.kind is Path:
        return "DIR" if last == "DIR" else "FILE"
    if row.kind is float:
        return "SHARE" if last == "RATE" else "SECONDS"
    if row.kind is int and last != "PORT":
        return "N"
    return last


def _plain(text: str) -> str:
    """Turn a README cell into terminal text: no backticks, links named."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1 in the README", text)
    return text.replace("`", "")


def markdown_table(rows: Sequence[Row]) -> str:
    """Render the table as the README's: one row per setting."""
    lines = [
        "| variable | flag | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
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
