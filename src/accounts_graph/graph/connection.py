"""Relay connections over the platform's limit/offset pages.

A cursor is the position of an item in the ordered collection, so `after`,
`before`, `first` and `last` translate to one `limit`/`offset` request.
"""

import base64
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import strawberry

from accounts_graph.graph.errors import ErrorCode, FacadeError

T = TypeVar("T")

DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.type(description="Where a page sits in its connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow.")
    has_previous_page: bool = strawberry.field(description="Items precede.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    total_count: int = strawberry.field(
        description="How many items match, over all pages."
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    edges: list[Edge[T]] = strawberry.field(description="The items with cursors.")

    @strawberry.field(description="The items, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """Return the position a cursor names.

    Raises:
        FacadeError: BAD_USER_INPUT for a cursor this service did not issue.
    """
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        kind, _, number = text.partition(":")
        position = int(number)
    except (ValueError, UnicodeDecodeError) as error:
        raise _bad(f"'{cursor}' is not a cursor of this service.") from error
    if kind != "offset" or position < 0:
        raise _bad(f"'{cursor}' is not a cursor of this service.")
    return position


def _bad(message: str) -> FacadeError:
    return FacadeError(message, ErrorCode.BAD_USER_INPUT)


@dataclass(frozen=True)
class Window:
    """The slice of a collection a connection's arguments ask for.

    `from_end` windows (`last` without `before`) need the total first.
    """

    offset: int
    limit: int
    from_end: bool = False


def window(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    max_page: int = MAX_PAGE,
) -> Window:
    """Translate Relay arguments to an offset and a limit.

    Raises:
        FacadeError: BAD_USER_INPUT for negative sizes, sizes over `max_page`, or
            `first` and `last` together.
    """
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= max_page:
            raise _bad(f"'{name}' must be between 0 and {max_page}.")
    if first is not None and last is not None:
        raise _bad("Pass either 'first' or 'last', not both.")
    start = decode_cursor(after) + 1 if after else 0
    end = decode_cursor(before) if before else None
    if last is not None:
        if end is None:
            return Window(0, last, from_end=True)
        offset = max(start, end - last)
        return Window(offset, max(0, end - offset))
    size = DEFAULT_PAGE if first is None else first
    if end is not None:
        size = max(0, min(size, end - start))
    return Window(start, size)


def build_connection(items: list[T], offset: int, total: int) -> Connection[T]:
    """Wrap one page of items starting at `offset` in a connection."""
    edges = [
        Edge(cursor=encode_cursor(offset + i), node=item)
        for i, item in enumerate(items)
    ]
    last = offset + len(items)
    return Connection(
        total_count=total,
        page_info=PageInfo(
            has_next_page=last < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
    )


First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page size from the start (default {DEFAULT_PAGE}, "
        f"at most {MAX_PAGE})."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Start after this cursor.")
]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Page size from the end (at most {MAX_PAGE})."),
]
Before = Annotated[
    str | None, strawberry.argument(description="End before this cursor.")
]
Rql = Annotated[
    str | None,
    strawberry.argument(
        description="Raw RQL filter, e.g. `ilike(name,*soft*)`, ANDed with `filter`."
    ),
]
