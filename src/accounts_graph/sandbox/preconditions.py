"""Preconditions of writes: a write sent with `If-Match` runs only on the version
of the object it names.

Every answer carrying one object carries its `ETag`, a digest of its stored
state (`context.etag_of`). The platform documents 409 for conflicts but offers
no precondition of its own, so a write without `If-Match` behaves as it does
there: the last write wins.
"""

from collections.abc import Callable

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


def matches(condition: str, etag: str) -> bool:
    """Tell whether an `If-Match` value names `etag` (or is `*`).

    Comparison is strong (RFC 9110, 13.1.1): a weak tag never matches. A tag
    sent without its quotes is read as if quoted, as clients often send them.
    """
    for tag in (t.strip() for t in condition.split(",")):
        if tag == "*":
            return True
        if tag.startswith("W/"):
            continue
        if (tag if tag.startswith('"') else f'"{tag}"') == etag:
            return True
    return False
