"""RQL, the platform's query language: parse a query string, compile it to SQLite.

One filter term (terms are joined by `&` and ANDed)::

    term  := NAME "(" [arg ("," arg)*] ")" | path "=" value
    arg   := term | value | "(" [value ("," value)*] ")"
    value := WORD | 'quoted' | "quoted" | null() | empty()

A backslash escapes the next character when it is one of ``\\ ' " * ( ) , = &``;
in `like`/`ilike` patterns `*` is the wildcard and `\\*` a literal star.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from typing import Final
from urllib.parse import unquote

from accounts_graph.platform.resources import BY_NAME, Field, Kind, Resource


class RqlError(ValueError):
    """A query string that is not valid RQL; `term` names the offending piece."""

    def __init__(self, message: str, term: str) -> None:
        super().__init__(message)
        self.term = term


@dataclass(frozen=True, slots=True)
class Number:
    """A value spelling a number: equal to that JSON number or to the same text."""

    text: str

    @property
    def value(self) -> int | float:
        return float(self.text) if "." in self.text else int(self.text)


# None is null(); bool a bare true/false; str any other value (dates normalised).
type Scalar = str | bool | Number | None


@dataclass(frozen=True, slots=True)
class Compare:
    """`eq ne gt ge lt le`, and the `path=value` shorthand."""

    op: str
    path: str
    value: Scalar


@dataclass(frozen=True, slots=True)
class Like:
    """`like`/`ilike`: `chunks` are the literal texts between `*` wildcards."""

    path: str
    chunks: tuple[str, ...]
    ignore_case: bool


@dataclass(frozen=True, slots=True)
class In:
    """`in`, or `out` when `negate`."""

    path: str
    values: tuple[Scalar, ...]
    negate: bool


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Quantified:
    """`any`, or `all` when `every`; paths in `condition` start at the element."""

    every: bool
    path: str
    condition: Node


type Node = Compare | Like | In | And | Or | Not | Quantified


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed request: filter, `select` (sign, path), `order` and the page."""

    filter: Node | None
    select: tuple[tuple[str, str], ...] = ()
    order: tuple[tuple[bool, str], ...] = ()
    limit: int = 10
    offset: int = 0
    # The official client may append `render()`; the sandbox has no templates.
    render: bool = False


_PARAMS: Final = frozenset({"select", "order", "limit", "offset"})
_COMPARE: Final = {
    "eq": "=",
    # IS NOT, unlike !=, also keeps the objects that lack the value.
    "ne": "IS NOT",
    "gt": ">",
    "ge": ">=",
    "lt": "<",
    "le": "<=",
}
# Arguments each operator takes; 0 means one or more.
_ARITY: Final = {**dict.fromkeys(_COMPARE, 2), "not": 1, "and": 0, "or": 0}
_ARITY.update(dict.fromkeys(("like", "ilike", "in", "out", "any", "all"), 2))
_ESCAPABLE: Final = frozenset("\\'\"*(),=&")
_MAX_DEPTH: Final = 40
_MAX_COUNT: Final = 10**18

# What nests in a decoded query string: parentheses, escapes, and quoted values
# (a quote opens one only where a value starts: O'Brien is a plain word).
_STRUCTURE: Final = re.compile(
    r"""(?:(?<=[\x00(,=])|^)\s*(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|\\.|[()\x00]""",
    re.S,
)
_TOKEN: Final = re.compile(
    r"""\s*(?:
    (?P<punct>[(),=])
    |(?P<quoted>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
    |(?P<word>(?:\\.|[^\s(),='"\\])(?:(?:\\.|[^(),=\\])*(?:\\.|[^\s(),=\\]))?)
    |(?P<open>['"\\])
    )""",
    re.S | re.X,
)
_PATH: Final = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_DATETIME: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})"
)
_ESCAPE: Final = re.compile(r"\\(.)", re.S)
_WILDCARD: Final = re.compile(r"\\(.)|\*", re.S)
_LIKE_ESCAPES: Final = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})
_GLOB_ESCAPES: Final = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})


def parse_query(
    raw: str,
    *,
    default_limit: int = 10,
    max_limit: int = 100,
    resource: Resource | None = None,
) -> Query:
    """Parse a URL query string, still percent-encoded, into a `Query`.

    With `resource`, every path of the filter, `select` and `order` is checked too.

    Raises:
        RqlError: a malformed term or parameter, or (with `resource`) unknown path.
    """
    terms: list[Node] = []
    params: dict[str, str] = {}
    render = False
    for piece in _split_query(raw):
        key, eq, value = piece.partition("=")
        if eq and key in _PARAMS:
            if key in params:
                raise RqlError(f"Duplicate parameter {key} in {piece}", piece)
            params[key] = value
        elif piece == "render()":
            render = True
        else:
            terms.append(_parse_term(piece))

    order = _parse_items(params, "order")
    query = Query(
        terms[0] if len(terms) == 1 else And(tuple(terms)) if terms else None,
        _parse_items(params, "select"),
        tuple((sign == "-", path) for sign, path in order),
        min(_parse_count(params, "limit", default_limit), max_limit),
        _parse_count(params, "offset", 0),
        render,
    )
    if resource is not None:
        _check_paths(query, resource)
    return query


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


# The query string and its parameters.


def _split_query(raw: str) -> list[str]:
    # Only a literal `&` splits, so `%26` is data: it becomes a NUL while the rest
    # is decoded, since quotes and parentheses count even when percent-encoded.
    if not raw:
        return []
    if "\x00" in raw or "%00" in raw:
        raise RqlError("NUL character (%00) in query string", "%00")
    text = unquote(raw.replace("&", "\x00"), errors="replace")
    if not any(char in text for char in "(\\'\""):
        pieces = text.split("\x00")
    else:
        cuts, depth = [-1], 0
        for match in _STRUCTURE.finditer(text):
            char = match.group()
            depth += 1 if char == "(" else -1 if char == ")" else 0
            if char == "\x00" and depth <= 0:
                cuts.append(match.start())
                depth = 0
        cuts.append(len(text))
        pieces = [text[a + 1 : b].replace("\x00", "&") for a, b in pairwise(cuts)]
    if not all(pieces):
        raise RqlError(f"Empty term in query string {raw}", "")
    return pieces


def _parse_items(params: dict[str, str], key: str) -> tuple[tuple[str, str], ...]:
    if key not in params:
        return ()
    items = []
    for item in params[key].split(","):
        path = item.strip()
        sign = path[0] if path[:1] in ("+", "-") else "+"
        path = path[1:] if path[:1] in ("+", "-") else path
        if not _PATH.fullmatch(path):
            whole = f"{key}={params[key]}"
            raise RqlError(f"Invalid {key} item {item!r} in {whole}", path or whole)
        items.append((sign, path))
    return tuple(items)


def _parse_count(params: dict[str, str], key: str, default: int) -> int:
    value = params.get(key)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()):
        message = f"Invalid {key}={value}: expected a non-negative integer"
        raise RqlError(message, f"{key}={value}")
    # Kept below SQLite's largest integer; no page lies that far anyway.
    return int(value) if len(value) < 19 else _MAX_COUNT


def _check_paths(query: Query, resource: Resource) -> None:
    for _, path in query.select:
        if path.split(".", 1)[0] not in resource.by_name:
            raise RqlError(f"Unknown expression {path}.", path)
    compile_order(query.order, resource)
    if query.filter is not None:
        compile_filter(query.filter, resource)


# One filter term: tokens, then a syntax tree of items, then a Node.

type _Token = tuple[str, str, int, int]  # kind, text, start, end


@dataclass(frozen=True, slots=True)
class _Item:
    kind: str  # "word", "quoted", "call", "group" or "short" (path=value)
    text: str
    args: tuple[_Item, ...]
    start: int
    end: int


@lru_cache(maxsize=2048)
def _parse_term(piece: str) -> Node:
    parser = _Parser(piece, _tokenize(piece))
    if parser.peek() == "end":
        raise RqlError(f"Empty term {piece!r}", piece)
    item = parser.item(0)
    if parser.peek() != "end":
        raise parser.unexpected(parser.take())
    return _condition(item, piece)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while (match := _TOKEN.match(text, pos)) is not None:
        kind = match.lastgroup or ""
        start, pos = match.start(kind), match.end()
        token = match.group(kind)
        if kind == "open":
            what = "Dangling backslash" if token == "\\" else "Unterminated quote"
            raise RqlError(f"{what} in {text[start:]}", text[start:])
        if kind == "quoted":
            token = token[1:-1]
        tokens.append((token if kind == "punct" else kind, token, start, pos))
    tokens.append(("end", "", len(text), len(text)))
    return tokens


class _Parser:
    __slots__ = ("index", "text", "tokens")

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text, self.tokens, self.index = text, tokens, 0

    def item(self, depth: int) -> _Item:
        if depth > _MAX_DEPTH:
            raise RqlError(f"Nested deeper than {_MAX_DEPTH}: {self.text}", self.text)
        kind, text, start, end = self.take()
        if kind == "(":
            args, end = self.arguments(depth)
            return _Item("group", "", args, start, end)
        if kind == "word" and self.peek() == "(":
            self.index += 1
            args, end = self.arguments(depth)
            return _Item("call", text, args, start, end)
        if kind == "word" and self.peek() == "=":
            self.index += 1
            value = self.item(depth + 1)
            path = _Item(kind, text, (), start, end)
            return _Item("short", text, (path, value), start, value.end)
        if kind in ("word", "quoted"):
            return _Item(kind, text, (), start, end)
        if kind in (",", ")") and depth:
            raise RqlError(f"Empty argument in {self.text}", self.text)
        raise self.unexpected((kind, text, start, end))

    def arguments(self, depth: int) -> tuple[tuple[_Item, ...], int]:
        if self.peek() == ")":
            return (), self.take()[3]
        items = [self.item(depth + 1)]
        while (token := self.take())[0] == ",":
            items.append(self.item(depth + 1))
        if token[0] != ")":
            raise self.unexpected(token)
        return tuple(items), token[3]

    def peek(self) -> str:
        return self.tokens[self.index][0]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += token[0] != "end"
        return token

    def unexpected(self, token: _Token) -> RqlError:
        if token[0] in (")", "end"):
            return RqlError(f"Unbalanced parentheses in {self.text}", self.text)
        return RqlError(f"Unexpected {token[1]!r} in {self.text}", self.text)


def _condition(item: _Item, text: str) -> Node:
    source, name, args = text[item.start : item.end], item.text, item.args
    if item.kind == "short":
        return Compare("eq", _path(args[0], text), _value(args[1], text))
    if item.kind != "call":
        raise RqlError(f"Expected a condition, got {source}", source)
    arity = _ARITY.get(name)
    if arity is None:
        raise RqlError(f"Unknown operator {name} in {source}", name)
    if (arity and len(args) != arity) or not args:
        expected = f"{arity} argument(s)" if arity else "at least one argument"
        raise RqlError(f"{name} takes {expected}: {source}", source)

    if name in _COMPARE:
        value = _value(args[1], text)
        if value is None and name not in ("eq", "ne"):
            raise RqlError(f"{name} cannot compare with null(): {source}", source)
        return Compare(name, _path(args[0], text), value)
    if name in ("like", "ilike"):
        return Like(_path(args[0], text), _pattern(args[1], text), name == "ilike")
    if name in ("in", "out"):
        if args[1].kind != "group":
            raise RqlError(f"{name} needs a list in parentheses: {source}", source)
        values = tuple(_value(arg, text) for arg in args[1].args)
        return In(_path(args[0], text), values, name == "out")
    if name in ("any", "all"):
        condition = _condition(args[1], text)
        return Quantified(name == "all", _path(args[0], text), condition)
    if name == "not":
        return Not(_condition(args[0], text))
    children = tuple(_condition(arg, text) for arg in args)
    return And(children) if name == "and" else Or(children)


def _path(item: _Item, text: str) -> str:
    if item.kind != "word" or not _PATH.fullmatch(item.text):
        source = text[item.start : item.end]
        raise RqlError(f"Expected a field path, got {source}", source)
    return item.text


def _value(item: _Item, text: str) -> Scalar:
    source = text[item.start : item.end]
    if item.kind == "word" and item.text in ("true", "false"):
        return item.text == "true"
    if item.kind in ("word", "quoted"):
        if _NUMBER.fullmatch(item.text):
            return Number(item.text)
        return _normalise_datetime(_unescape(item.text))
    if item.kind == "call" and item.text in ("null", "empty"):
        if item.args:
            raise RqlError(f"{item.text}() takes no arguments: {source}", source)
        return None if item.text == "null" else ""
    raise RqlError(f"Expected a value, got {source}", source)


def _pattern(item: _Item, text: str) -> tuple[str, ...]:
    if item.kind not in ("word", "quoted"):
        if _value(item, text) != "":
            source = text[item.start : item.end]
            raise RqlError(f"Expected a pattern, got {source}", source)
        return ("",)
    chunks, current, pos = [], [], 0
    for match in _WILDCARD.finditer(item.text):
        current.append(item.text[pos : match.start()])
        pos, escaped = match.end(), match.group(1)
        if escaped is None:
            chunks.append("".join(current))
            current = []
        else:
            current.append(escaped if escaped in _ESCAPABLE else match.group())
    current.append(item.text[pos:])
    return (*chunks, "".join(current))


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: m[1] if m[1] in _ESCAPABLE else m[0], text)


def _normalise_datetime(text: str) -> str:
    if not _DATETIME.fullmatch(text):
        return text
    try:
        moment = datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):
        return text
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


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
                sql.params.append("%".join(c.translate(_LIKE_ESCAPES) for c in chunks))
                return f"{expr} LIKE ? ESCAPE '\\'"
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
    if not _PATH.fullmatch(path):
        raise RqlError(f"Invalid path {path!r}", path)
    return tuple(path.split("."))


def _json_path(segments: Sequence[str]) -> str:
    return "$" + "".join(f"[{s}]" if s.isdigit() else f".{s}" for s in segments)


def _target(field: Field) -> Resource:
    if field.target is None:
        raise ValueError(f"Reference field {field.name} names no target")
    return BY_NAME[field.target]
