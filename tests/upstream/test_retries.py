"""When a read is tried again: jittered backoff bounds, `Retry-After` read."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from accounts_graph.upstream.retries import Policy, retry_after_of


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 8])
def test_backoff_stays_within_its_doubling_bound(attempt: int) -> None:
    policy = Policy(backoff=0.1, backoff_max=0.5)

    waits = [policy.backoff_before(attempt) for _ in range(500)]

    bound = min(0.5, 0.1 * 2 ** (attempt - 1))
    assert all(0 <= wait <= bound for wait in waits)
    # Jittered: the waits spread over the range instead of repeating one value.
    assert max(waits) - min(waits) > bound / 2


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [("120", 120, 120), ("0", 0, 0), ("in a while", None, None), (None, None, None)],
)
def test_retry_after_reads_delay_seconds(
    header: str | None, low: float | None, high: float | None
) -> None:
    headers = {"Retry-After": header} if header is not None else {}

    found = retry_after_of(httpx.Response(429, headers=headers))

    if low is None:
        assert found is None
    else:
        assert found is not None and low <= found <= high


def test_retry_after_reads_an_http_date_as_seconds_from_now() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    earlier = format_datetime(datetime.now(UTC) - timedelta(seconds=90), usegmt=True)

    ahead = retry_after_of(httpx.Response(503, headers={"Retry-After": later}))
    behind = retry_after_of(httpx.Response(503, headers={"Retry-After": earlier}))

    assert ahead is not None and 80 <= ahead <= 90
    assert behind == 0
