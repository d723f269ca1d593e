"""RQL's syntax tree: what a parsed query string holds, and its one error."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

# A dotted path of field names, e.g. `account.id` or `audit.created.at`.
PATH: Final = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")


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


def renamed(node: Node, old: str, new: str) -> Node:
    """Return `node` with every top-level path `old` read as `new`.

    Paths inside `any`/`all` start at the element, so they are left alone.
    """
    match node:
        case Compare() | Like() | In():
            return replace(node, path=new) if node.path == old else node
        case And(children) | Or(children):
            return type(node)(tuple(renamed(c, old, new) for c in children))
        case Not(child):
            return Not(renamed(child, old, new))
        case Quantified():
            return node


def query_renamed(query: Query, old: str, new: str) -> Query:
    """Return `query` reading the path `old` as `new` in filter and order."""
    return replace(
        query,
        filter=None if query.filter is None else renamed(query.filter, old, new),
        order=tuple((desc, new if path == old else path) for desc, path in query.order),
    )
