"""The request id: one per HTTP request, taken from `X-Request-Id` when it is
well-formed, generated otherwise, and visible to everything the request runs."""

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-Id"
# Ids that gateways and tracing tools generate (UUIDs, hex, ULIDs, base64)
# fit; anything else could smuggle line breaks or a secret into every log line,
# and an id longer than 128 characters serves no one.
_VALID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")

_current: ContextVar[str | None] = ContextVar("accounts_graph_request_id", default=None)


def well_formed(received: str) -> bool:
    """Whether a received id may be kept (and written to logs) as it is."""
    return _VALID.fullmatch(received) is not None


def accept_or_generate(received: str | None) -> tuple[str, bool]:
    """Return the id to use for a request and whether the received one was kept."""
    if received is not None and well_formed(received):
        return received, True
    return str(uuid.uuid4()), False


def current_request_id() -> str | None:
    """Return the id of the request being served, None outside a request."""
    return _current.get()


def bind_request_id(request_id: str) -> object:
    """Make `request_id` current; pass the result to `unbind_request_id`."""
    return _current.set(request_id)


def unbind_request_id(token: object) -> None:
    """Restore the id that was current before `bind_request_id`."""
    _current.reset(token)  # type: ignore[arg-type]
