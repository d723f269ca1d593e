"""RQL compiled to SQLite: a parsed filter becomes a condition on JSON documents.

Paths into a reference become correlated subqueries into the target's table,
`any`/`all` become `json_each` over the collection; values are always bound as
parameters, never written into the SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from accounts_graph.platform.resources import BY_NAME, Field, Kind, Resource
from accounts_graph.sandbox.rql_syntax import (
    PATH,
    And,
    Compare,
    In,
    Like,
    Node,
    Not,
    Number,
    Or,
    Quantified,
    Query,
    RqlError,
    Scalar,
)

_COMPARE: Final = {
    "eq": "=",
    # IS NOT, unlike !=, also keeps the objects that lack the value.
    "ne": "IS NOT",
    "gt": ">",
    "ge": ">=",
    "lt": "<",
    "le": "<=",
}
_LIKE_ESCAPES: Final = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})
_GLOB_ESCAPES: Final = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})
# SQLite's LIKE ignores the case of ASCII letters only; `ilike` folds both sides
# with Python's casefold, so "ESPAÑA" finds "España".
FOLD: Final = "rql_fold"


def fold(value: str | float | None) -> str | float | None:
    return value.casefold() if isinstance(value, str) else value


def install(conn: sqlite3.Connection) -> None:
    """Give a connection the SQL functions compiled filters call."""
    conn.create_function(FOLD, 1, fold, deterministic=True)


def compile_filter(node: Node, resource: Resource) -> tuple[str, list[object]]:
    """Compile a filter to a SQL condition on the table aliased `t`, and its params.

    The condition may be NULL where it is false: use it in WHERE, or COALESCE it.

    Raises:
        RqlError: a path that `resource` does not have.
    """
    sql, params = _compile_cached(node, resource)
    return sql, list(params)


def compile_order(order: Sequence[tuple[bool, str]], resource: Resource) -> list[str]:
    """Compile `order` to SQL ORDER BY items over the table aliased `t`.

    Raises:
        RqlError: a path that `resource` does not have.
    """
    sql, scope = _Sql(), _Doc(resource, "t.doc", "t.id")
    return [
        f"{scope.value(sql, _segments(path), path)} {'DESC' if desc else 'ASC'}"
        for desc, path in order
    ]


def field_sql(path: str, resource: Resource, alias: str = "t") -> str:
    """Return the SQL expression reading a dotted path of `resource` at `alias`.

    Raises:
        RqlError: a malformed path, or one that `resource` does not have.
    """
    scope = _Doc(resource, f"{alias}.doc", f"{alias}.id")
    return scope.value(_Sql(), _segments(path), path)


def check_paths(query: Query, resource: Resource) -> None:
    for _, path in query.select:
        if path.split(".", 1)[0] not in resource.by_name:
            raise RqlError(f"Unknown expression {path}.", path)
    compile_order(query.order, resource)
    if query.filter is not None:
        compile_filter(query.filter, resource)


# Compiling to SQLite.

type _Segments = tuple[str, ...]


class _Sql:
    """Params in the order of their `?`, and a counter that keeps aliases unique."""

    __slots__ = ("aliases", "params")

    def __init__(self) -> None:
        self.params: list[object] = []
        self.aliases = 0

    def alias(self, prefix: str) -> str:
        self.aliases += 1
        return f"{prefix}{self.aliases}"


@dataclass(frozen=True, slots=True)
class _Doc:
    """A stored object of `resource`; `doc` and `id` are SQL for its JSON and id."""

    resource: Resource
    doc: str
    id: str

    def value(self, sql: _Sql, segments: _Segments, path: str) -> str:
        field, rest = self.field(segments, path), segments[1:]
        if field.kind is Kind.REF and rest:
            return self.ref(field).value(sql, rest, path)
        if rest and field.kind is Kind.REFS:
            raise RqlError(f"Unknown expression {path}: use any({field.name},…)", path)
        if rest and field.kind is Kind.SCALAR:
            raise RqlError(f"Unknown expression {path}.", path)
        return self.id if field.name == "id" else self.extract(segments)

    def collection(self, sql: _Sql, segments: _Segments, path: str) -> _Rows:
        field, rest = self.field(segments, path), segments[1:]
        if field.kind is Kind.REF and rest:
            return self.ref(field).collection(sql, rest, path)
        source = f"{self.doc}, '{_json_path(segments)}'"
        if field.kind is Kind.REFS and not rest:
            target = _target(field)
            return source, lambda j: _Ref(target, f"json_extract({j}.value, '$.id')")
        if field.kind in (Kind.OBJECT, Kind.LIST):
            return source, _Json
        raise RqlError(f"{path} is not a collection", path)

    def field(self, segments: _Segments, path: str) -> Field:
        found = self.resource.by_name.get(segments[0])
        if found is None:
            raise RqlError(f"Unknown expression {path}.", path)
        return found

    def ref(self, field: Field) -> _Ref:
        return _Ref(_target(field), self.extract((field.name, "id")))

    def extract(self, segments: _Segments) -> str:
        return f"json_extract({self.doc}, '{_json_path(segments)}')"


@dataclass(frozen=True, slots=True)
class _Ref:
    """An object of `resource` known by its id only (SQL `id`), as references are."""

    resource: Resource
    id: str

    def value(self, sql: _Sql, segments: _Segments, path: str) -> str:
        if segments == ("id",):
            return self.id
        alias = sql.alias("r")
        scope = _Doc(self.resource, f"{alias}.doc", f"{alias}.id")
        return f"(SELECT {scope.value(sql, segments, path)} {self.rows(alias)})"

    def collection(self, sql: _Sql, segments: _Segments, path: str) -> _Rows:
        alias = sql.alias("r")
        doc = f"(SELECT {alias}.doc {self.rows(alias)})"
        return _Doc(self.resource, doc, self.id).collection(sql, segments, path)

    def rows(self, alias: str) -> str:
        table = self.resource.collection.replace("-", "_")
        return f"FROM {table} {alias} WHERE {alias}.id = {self.id}"


@dataclass(frozen=True, slots=True)
class _Json:
    """An element of a JSON list under json_each; the path `value` is the element."""

    alias: str

    def value(self, sql: _Sql, segments: _Segments, path: str) -> str:
        rest = segments[1:] if segments[0] == "value" else segments
        if not rest:
            return f"{self.alias}.value"
        return f"json_extract({self.container()}, '{_json_path(rest)}')"

    def collection(self, sql: _Sql, segments: _Segments, path: str) -> _Rows:
        rest = segments[1:] if segments[0] == "value" else segments
        return self.container() + (f", '{_json_path(rest)}'" if rest else ""), _Json

    def container(self) -> str:
        # json_each gives a string element as bare text, which json_extract rejects.
        a = self.alias
        return f"CASE WHEN {a}.type IN ('object', 'array') THEN {a}.value END"


type _Scope = _Doc | _Ref | _Json
# The arguments of json_each, and the scope of one of its rows given their alias.
type _Rows = tuple[str, Callable[[str], _Scope]]


@lru_cache(maxsize=1024)
def _compile_cached(node: Node, resource: Resource) -> tuple[str, tuple[object, ...]]:
    sql = _Sql()
    text = _compile(node, _Doc(resource, "t.doc", "t.id"), sql)
    return text, tuple(sql.params)


def _compile(node: Node, scope: _Scope, sql: _Sql) -> str:
    match node:
        case Compare(op, path, value):
            return _compare(scope.value(sql, _segments(path), path), op, value, sql)
        case Like(path, chunks, ignore_case):
            expr = scope.value(sql, _segments(path), path)
            if ignore_case:
                folded = (c.casefold().translate(_LIKE_ESCAPES) for c in chunks)
                sql.params.append("%".join(folded))
                return f"{FOLD}({expr}) LIKE ? ESCAPE '\\'"
            # GLOB is the case-sensitive LIKE; brackets make `*?[` literal.
            sql.params.append("*".join(c.translate(_GLOB_ESCAPES) for c in chunks))
            return f"{expr} GLOB ?"
        case In(path, values, negate):
            return _in(scope.value(sql, _segments(path), path), values, negate, sql)
        case And(children) | Or(children):
            joiner = " AND " if isinstance(node, And) else " OR "
            return f"({joiner.join(_compile(c, scope, sql) for c in children)})"
        case Not(child):
            # A comparison with a missing value is NULL; NOT must read it as false.
            return f"NOT COALESCE({_compile(child, scope, sql)}, 0)"
        case Quantified(every, path, condition):
            source, element = scope.collection(sql, _segments(path), path)
            alias = sql.alias("j")
            inner = _compile(condition, element(alias), sql)
            rows = f"SELECT 1 FROM json_each({source}) AS {alias}"
            if every:
                return f"NOT EXISTS ({rows} WHERE NOT COALESCE({inner}, 0))"
            return f"EXISTS ({rows} WHERE {inner})"


def _compare(expr: str, op: str, value: Scalar, sql: _Sql) -> str:
    if value is None:
        return f"{expr} IS NULL" if op == "eq" else f"{expr} IS NOT NULL"
    if isinstance(value, Number) and op in ("eq", "ne"):
        return _in(expr, (value,), op == "ne", sql)
    if isinstance(value, Number):
        sql.params.append(value.value)
        # The CAST's NUMERIC affinity carries over to the JSON side: "10" > 9.
        return f"{expr} {_COMPARE[op]} CAST(? AS NUMERIC)"
    sql.params.append(value)
    return f"{expr} {_COMPARE[op]} ?"


def _in(expr: str, values: tuple[Scalar, ...], negate: bool, sql: _Sql) -> str:
    params: list[object] = []
    for value in values:
        if isinstance(value, Number):
            params += (value.value, value.text)
        elif value is not None:
            params.append(value)
    with_null = any(value is None for value in values)
    if not params and with_null:
        return f"{expr} IS NOT NULL" if negate else f"{expr} IS NULL"
    if not params:
        return "1" if negate else "0"

    sql.params += params
    marks = ", ".join("?" * len(params))
    if negate:
        # As with `ne`, objects missing the value are kept unless null() is listed.
        return f"COALESCE({expr} NOT IN ({marks}), {0 if with_null else 1})"
    if with_null:
        return f"COALESCE({expr} IN ({marks}), 1)"
    return f"{expr} IN ({marks})"


def _segments(path: str) -> _Segments:
    if not PATH.fullmatch(path):
        raise RqlError(f"Invalid path {path!r}", path)
    return tuple(path.split("."))


def _json_path(segments: Sequence[str]) -> str:
    return "$" + "".join(f"[{s}]" if s.isdigit() else f".{s}" for s in segments)


def _target(field: Field) -> Resource:
    if field.target is None:
        raise ValueError(f"Reference field {field.name} names no target")
    return BY_NAME[field.target]
