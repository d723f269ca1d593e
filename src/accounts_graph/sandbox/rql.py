"""RQL, the platform's query language: parse a query string into a syntax tree.

One filter term (terms are joined by `&` and ANDed)::

    term  := NAME "(" [arg ("," arg)*] ")" | path "=" value
    arg   := term | value | "(" [value ("," value)*] ")"
    value := WORD | 'quoted' | "quoted" | null() | empty()

A backslash escapes the next character when it is one of ``\\ ' " * ( ) , = &``;
in `like`/`ilike` patterns `*` is the wildcard and `\\*` a literal star.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from typing import Final
from urllib.parse import unquote

from accounts_graph.platform.resources import Resource
from accounts_graph.sandbox.rql_sql import check_paths
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

__all__ = [
    "And",
    "Compare",
    "In",
    "Like",
    "Node",
    "Not",
    "Number",
    "Or",
    "Quantified",
    "Query",
    "RqlError",
    "Scalar",
    "parse_query",
]

_PARAMS: Final = frozenset({"select", "order", "limit", "offset"})
# Arguments each operator takes; 0 means one or more.
_COMPARISONS: Final = frozenset({"eq", "ne", "gt", "ge", "lt", "le"})
_ARITY: Final = {
    **dict.fromkeys(_COMPARISONS, 2),
    "not": 1,
    "and": 0,
    "or": 0,
}
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
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_DATETIME: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})"
)
# A moment whose `+` offset was sent raw, and so arrived as a space.
_SPACED_OFFSET: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)? "
    r"[0-9]{2}:?[0-9]{2}"
)
_ESCAPE: Final = re.compile(r"\\(.)", re.S)
_WILDCARD: Final = re.compile(r"\\(.)|\*", re.S)


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
        check_paths(query, resource)
    return query


# The query string and its parameters.


def _split_query(raw: str) -> list[str]:
    # Only a literal `&` splits, so `%26` is data: it becomes a NUL while the rest
    # is decoded, since quotes and parentheses count even when percent-encoded.
    # A raw `+` is a space, as in every query string the platform's host decodes
    # (the official client sends a plus as %2B); `select=+a` still reads as `+a`.
    if not raw:
        return []
    if "\x00" in raw or "%00" in raw:
        raise RqlError("NUL character (%00) in query string", "%00")
    text = unquote(raw.replace("&", "\x00").replace("+", " "), errors="replace")
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
        if not PATH.fullmatch(path):
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

    if name in _COMPARISONS:
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
    if item.kind != "word" or not PATH.fullmatch(item.text):
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
    if _SPACED_OFFSET.fullmatch(text):
        offset = text.rsplit(" ", 1)[1]
        raise RqlError(
            f"'{text}' is not a moment: a '+' in a query string reads as a space; "
            f"send the offset as %2B{offset} or the time in UTC with Z",
            text,
        )
    if not _DATETIME.fullmatch(text):
        return text
    try:
        moment = datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):
        return text
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"
