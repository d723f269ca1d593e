"""When an upstream request is given up, and when a failed read is tried again."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx


@dataclass(frozen=True)
class Policy:
    """How long one upstream request may take, and how a failed read is retried.

    Only reads (GET) are retried: a write that failed may have been applied
    all the same, so sending it again is the caller's decision. A read is retried
    on a connection failure and on 429, 502, 503 and 504, after a jittered
    exponential backoff, never sooner than a `Retry-After` asks, and only while
    the wait ends before the request's deadline (`total_timeout` after it began).
    """

    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    # One request, every attempt and wait included.
    total_timeout: float = 20.0
    # Tries of one read, the first included; a write always gets one.
    attempts: int = 3
    # The first backoff's bound; each further one doubles, up to `backoff_max`.
    backoff: float = 0.1
    backoff_max: float = 2.0

    def backoff_before(self, attempt: int) -> float:
        """Return a jittered wait before try `attempt + 1` ("full jitter")."""
        ceiling = min(self.backoff_max, self.backoff * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


DEFAULT_POLICY = Policy()


def retry_after_of(response: httpx.Response) -> float | None:
    """Read `Retry-After` (delay-seconds or an HTTP-date) as seconds from now."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
