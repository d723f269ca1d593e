"""Preconditions of writes: a write sent with `If-Match` runs only on the version
of the object it names.

Every answer carrying one object carries its `ETag`, a digest of its stored
state (`context.etag_of`). The platform documents 409 for conflicts but offers
no precondition of its own, so a write without `If-Match` behaves as it does
there: the last write wins.

The condition holds when any entity-tag listed matches (RFC 9110, 13.1.1), on
one header line or several (a recipient reads them as one comma-separated
list); a header that lists nothing is refused rather than read as a condition
no version meets.
"""

import re
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.responses import Response

from accounts_graph.sandbox.context import etag_of
from accounts_graph.sandbox.problems import ApiProblem
from accounts_graph.sandbox.store import Document, Store


def run_if_match(
    store: Store,
    condition: str,
    locate: Callable[[], Document],
    write: Callable[[], Response],
) -> Response:
    """Run `write` only if the object `locate` finds has a tag `condition` names.

    The check and the write share one transaction: no other write can come
    between them.

    Raises:
        ApiProblem: 404 for an unknown object, 409 when it has changed.
    """
    with store.transaction():
        doc = locate()
        if not matches(condition, etag_of(doc)):
            raise ApiProblem(
                409,
                f"{doc['id']} has changed since the version named in If-Match; "
                "read it again and retry.",
            )
        return write()


# One list element: what lies between commas, outside the quotes of a tag.
_ELEMENT = re.compile(r'(?:[^,"]|"[^"]*"?)+')
# A tag clients often send without its quotes.
_BARE = re.compile(r'[^\s"]+')


def condition_of(headers: Headers) -> str | None:
    """Return the `If-Match` condition a request sends, None when it sends none.

    Raises:
        ApiProblem: 400 when the header is there but lists nothing.
    """
    lines = headers.getlist("if-match")
    if not lines:
        return None
    condition = ", ".join(lines)
    if not _elements(condition):
        raise ApiProblem(
            400,
            "If-Match is empty; send the ETag of the version to change, or *.",
        )
    return condition


def matches(condition: str, etag: str) -> bool:
    """Tell whether an `If-Match` value names `etag` (or is `*`).

    Comparison is strong (RFC 9110, 13.1.1): a weak tag never matches. A tag
    sent without its quotes is read as if quoted, as clients often send them.
    """
    for tag in _elements(condition):
        if tag == "*":
            return True
        if _BARE.fullmatch(tag) and not tag.startswith("W/"):
            tag = f'"{tag}"'
        # A weak tag (`W/"…"`) and anything malformed never equal a strong one.
        if tag == etag:
            return True
    return False


def _elements(condition: str) -> list[str]:
    """The non-empty elements of a list header (RFC 9110, 5.6.1)."""
    found = (element.strip() for element in _ELEMENT.findall(condition))
    return [element for element in found if element]
